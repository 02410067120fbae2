"""The scenario schema: what a scenario file may say, validated and frozen.

A scenario describes one staffing design for one school: the students, the
calendar, the contract day, the roles and their pay, how staff form teams, a
weekly timetable per role, the policies that decide what happens when reality
departs from the plan, and the behaviour rates that make it depart.

Arrangements (traditional, blended, team-based, ...) are *data* in this schema,
never branches in the model. Unknown keys are errors so that typos are caught.
Units are in the field names or descriptions: minutes, hours, days, dollars.
"""

from __future__ import annotations


from pydantic import Field, model_validator

from staffsim.scenario.cost_params import Costs
from staffsim.scenario.frozen import Frozen
from staffsim.scenario.policies import Behaviour, Policies
from staffsim.scenario.school import CalendarSpec, ContractDay, Role, SchoolSpec, Team
from staffsim.scenario.timetable import WEEKDAYS, Timetable
from staffsim.scenario.workforce_params import Workforce


class Scenario(Frozen):
    """A whole scenario file."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", description="short id used in results")
    description: str = ""
    school: SchoolSpec
    calendar: CalendarSpec = CalendarSpec()
    contract_day: ContractDay
    roles: dict[str, Role] = Field(min_length=1)
    timetables: dict[str, Timetable] = Field(min_length=1)
    teams: tuple[Team, ...] = Field(min_length=1)
    policies: Policies
    behaviour: Behaviour
    workforce: Workforce = Workforce()
    costs: Costs = Costs()
    budget: float | None = Field(
        None, ge=0, description="the school's annual personnel budget for the staff modelled, in costs.currency "
        "at costs.price_year prices; gives the budget_gap metric (cost minus budget)",
    )

    @model_validator(mode="after")
    def _cross_references(self) -> "Scenario":
        problems: list[str] = []
        for ti, team in enumerate(self.teams):
            for mi, m in enumerate(team.members):
                where = f"teams[{ti}].members[{mi}]"
                if m.role not in self.roles:
                    problems.append(f"{where}.role: unknown role {m.role!r}; defined roles: {', '.join(self.roles)}")
                for name in m.timetables:
                    if name not in self.timetables:
                        problems.append(
                            f"{where}.timetable: unknown timetable {name!r}; defined: {', '.join(self.timetables)}"
                        )
        for r in self.policies.substitutes.priority:
            if r not in self.roles:
                problems.append(f"policies.substitutes.priority: unknown role {r!r}; defined roles: {', '.join(self.roles)}")
        served = sum(t.students * t.count for t in self.teams)
        if served != self.school.students:
            problems.append(
                f"teams: the teams serve {served} students but school.students is {self.school.students}"
            )
        c = self.contract_day
        for name, tt in self.timetables.items():
            for wd in ("every_day",) + WEEKDAYS:
                blocks = getattr(tt, wd) or ()
                for b in blocks:
                    if b.start < c.start or b.end > c.end:
                        problems.append(
                            f"timetables.{name}.{wd}: block {b.activity} "
                            f"{b.start // 60:02d}:{b.start % 60:02d}-{b.end // 60:02d}:{b.end % 60:02d} "
                            "lies outside the contract day"
                        )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def staff_count(self) -> int:
        return sum(t.count * m.count for t in self.teams for m in t.members)
