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

from staffsim.scenario.contract import Contract, check_contract
from staffsim.scenario.cost_params import Costs
from staffsim.scenario.frozen import MAX_MONEY, Frozen
from staffsim.scenario.policies import Behaviour, Policies
from staffsim.scenario.problems import Problem, Problems, did_you_mean, one_of
from staffsim.scenario.school import CalendarSpec, ContractDay, Role, SchoolSpec, Team
from staffsim.scenario.timetable import WEEKDAYS, Timetable, format_clock
from staffsim.scenario.workforce_params import Workforce


class Scenario(Frozen):
    """A whole scenario file."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", description="short id used in results")
    description: str = ""
    school: SchoolSpec
    calendar: CalendarSpec = CalendarSpec()
    contract_day: ContractDay
    contract: Contract = Field(Contract(), description="contract rules the design must meet (docs/model.md)")
    roles: dict[str, Role] = Field(min_length=1)
    timetables: dict[str, Timetable] = Field(min_length=1)
    teams: tuple[Team, ...] = Field(min_length=1)
    policies: Policies
    behaviour: Behaviour
    workforce: Workforce = Workforce()
    costs: Costs = Costs()
    budget: float | None = Field(
        None, ge=0, le=1000 * MAX_MONEY, description="the school's annual personnel budget for the staff modelled, "
        "in costs.currency at costs.price_year prices; gives the budget_gap metric (cost minus budget)",
    )

    @model_validator(mode="after")
    def _cross_references(self) -> "Scenario":
        problems = self._references() + self._student_total() + self._inside_contract_day() + self._pay_money()
        problems += [p for p in check_contract(self) if not p.warning]
        if problems:
            raise Problems(problems)
        return self

    def _references(self) -> list[Problem]:
        """Every member names a defined role and defined timetables."""
        out = []
        for ti, team in enumerate(self.teams):
            for mi, m in enumerate(team.members):
                where = ("teams", ti, "members", mi)
                if m.role not in self.roles:
                    out.append(Problem(where + ("role",), f"unknown role {m.role!r}{did_you_mean(m.role, self.roles)}",
                                       f"defined roles: {one_of(self.roles)}"))
                for k, name in enumerate(m.timetables):
                    if name not in self.timetables:
                        at = ("timetable",) if isinstance(m.timetable, str) else ("timetable", k)
                        out.append(Problem(where + at, f"unknown timetable {name!r}"
                                           f"{did_you_mean(name, self.timetables)}",
                                           f"defined timetables: {one_of(self.timetables)}"))
        for k, r in enumerate(self.policies.substitutes.priority):
            if r not in self.roles:
                out.append(Problem(("policies", "substitutes", "priority", k), f"unknown role {r!r}"
                                   f"{did_you_mean(r, self.roles)}", f"defined roles: {one_of(self.roles)}"))
        for k, r in enumerate(self.policies.coverage.protected_roles):
            if r not in self.roles:
                out.append(Problem(("policies", "coverage", "protected_roles", k), f"unknown role {r!r}"
                                   f"{did_you_mean(r, self.roles)}", f"defined roles: {one_of(self.roles)}"))
        mentor = self.policies.mentoring.mentor_role if self.policies.mentoring else None
        if mentor is not None and mentor not in self.roles:
            out.append(Problem(("policies", "mentoring", "mentor_role"), f"unknown role {mentor!r}"
                               f"{did_you_mean(mentor, self.roles)}", f"defined roles: {one_of(self.roles)}"))
        return out

    def _pay_money(self) -> list[Problem]:
        """The pay reference salary's default is US dollars: a scenario in other money must state it."""
        c, pay = self.costs, self.workforce.pay
        if (c.currency, c.price_year) == ("USD", 2024) or "reference_salary" in pay.model_fields_set:
            return []
        return [Problem(("workforce", "pay", "reference_salary"), f"costs are stated in {c.currency} {c.price_year}, "
                        f"but the default reference salary ({pay.reference_salary:,.0f}) is US dollars",
                        f"give workforce.pay.reference_salary in {c.currency} {c.price_year} (the market salary "
                        "at which the published exit rates apply)")]

    def _student_total(self) -> list[Problem]:
        served = sum(t.students * t.count for t in self.teams)
        if served == self.school.students:
            return []
        parts = " + ".join(f"{t.name} {t.count} x {t.students}" if t.count > 1 else f"{t.name} {t.students}"
                           for t in self.teams)
        return [Problem(("school", "students"), f"the teams serve {served} students but school.students is "
                        f"{self.school.students}", f"each student belongs to one team: {parts} = {served}")]

    def _inside_contract_day(self) -> list[Problem]:
        c = self.contract_day
        day = f"{format_clock(c.start)}-{format_clock(c.end)}"
        out = []
        for name, tt in self.timetables.items():
            for wd in ("every_day",) + WEEKDAYS:
                for b in getattr(tt, wd) or ():
                    if b.start < c.start or b.end > c.end:
                        out.append(Problem(("timetables", name, wd), f"block {b.activity} "
                                           f"{format_clock(b.start)}-{format_clock(b.end)} lies outside the contract "
                                           f"day {day}", "every block lies within contract_day (or change "
                                           "contract_day)", item=b))
        return out

    @property
    def staff_count(self) -> int:
        return sum(t.count * m.count for t in self.teams for m in t.members)
