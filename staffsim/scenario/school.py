"""The school, its calendar and contract day, roles and teams."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, WithJsonSchema, field_validator, model_validator

from staffsim.scenario.frozen import MAX_MONEY, Frozen
from staffsim.scenario.on_site import ON_SITE_VALUES, pattern
from staffsim.scenario.problems import Problem, Problems
from staffsim.scenario.timetable import MINUTES_PER_DAY, clock_minutes, format_clock
from staffsim.scenario.vocabulary import CATEGORY_INFO, RoleCategory

#: The largest number of students the model is meant for (a school, or the part of it modelled).
MAX_STUDENTS = 20_000
#: The contract day starts at 01:00 or later: the model schedules staff decisions an hour before it.
EARLIEST_START = 60
#: A time of day: 'HH:MM' in a file, minutes after midnight once read (and in a dump's JSON).
ClockTime = Annotated[int, WithJsonSchema({
    "anyOf": [{"type": "string", "pattern": r"^\s*\d{1,2}:\d{2}\s*$"},
              {"type": "integer", "minimum": 0, "maximum": MINUTES_PER_DAY - 1}],
    "description": "a time of day like '07:40' (quoted)",
})]


class SchoolSpec(Frozen):
    students: int = Field(gt=0, le=MAX_STUDENTS, description="students enrolled in the part of the school modelled")
    grade_band: Literal["elementary", "middle", "high", "k8", "secondary"] = "middle"
    class_size: float = Field(
        gt=0, le=200, description="students per class (NCES NTPS 2020-21 elementary / middle / high: 19.1 / 22.0 / "
        "21.0). It sets the students a teacher teaches (classes a day x class_size: the per-student part of the "
        "planning workload) and, when `roster_class_size` is given, scales every roster (docs/model.md §2.4.1)",
    )
    roster_class_size: float | None = Field(
        None, gt=0, le=100, description="the class size at which `students` and the teams' `students` are written. "
        "When class_size differs from it, every roster (and so enrollment, needs and students per adult) is "
        "scaled by class_size / roster_class_size, rounded per team: the same staff teaching bigger or smaller "
        "classes. Default: none, the rosters are taken as written",
    )

    @property
    def roster_scale(self) -> float:
        """Factor on every roster: class_size / roster_class_size (1 when no roster class size is given)."""
        return 1.0 if self.roster_class_size is None else self.class_size / self.roster_class_size


class Break(Frozen):
    name: str
    after_week: int = Field(ge=1, description="the break starts after this instructional week")
    weeks: int = Field(ge=1, le=8, description="calendar weeks without school")


class CalendarSpec(Frozen):
    weeks: int = Field(36, ge=1, le=52, description="instructional weeks of 5 days (36 -> 180 days)")
    breaks: tuple[Break, ...] = ()
    summer_weeks: int = Field(
        10, ge=0, le=20, description="weeks between years in multi-year runs (rest and hiring)"
    )

    @model_validator(mode="after")
    def _breaks_inside_year(self) -> "CalendarSpec":
        late = [Problem(("breaks", i, "after_week"), f"breaks[{i}] ({b.name}) starts after week {b.after_week}, "
                        f"but the year has only {self.weeks} instructional weeks",
                        f"a break comes after one of weeks 1 to {self.weeks - 1}")
                for i, b in enumerate(self.breaks) if b.after_week >= self.weeks]
        if late:
            raise Problems(late)
        return self

    @property
    def school_days(self) -> int:
        return self.weeks * 5


class ContractDay(Frozen):
    """The paid working day, the same for every role (NCES NTPS 2020-21: 38.4 h/week).

    Times are written '07:40' (quoted, or YAML may read them as text anyway); they are
    kept as minutes after midnight, from 01:00 to 23:59, start before end.
    """

    start: ClockTime
    end: ClockTime

    @field_validator("start", "end", mode="before")
    @classmethod
    def _clock(cls, value: object, info: ValidationInfo) -> int:
        try:
            minutes = clock_minutes(value)
        except ValueError as exc:
            raise Problems([Problem((), str(exc), "write a time of day like '07:40' (quoted)")]) from None
        if info.field_name == "start" and minutes < EARLIEST_START:
            raise Problems([Problem((), f"the contract day starts at {format_clock(minutes)}; it must start at "
                                        f"{format_clock(EARLIEST_START)} or later",
                                    "the model schedules staff decisions an hour before the contract day starts")])
        return minutes

    @model_validator(mode="after")
    def _order(self) -> "ContractDay":
        if self.end <= self.start:
            raise Problems([Problem(("end",), f"contract_day ends ({format_clock(self.end)}) before it starts "
                                              f"({format_clock(self.start)})", "the end is the later time")])
        return self

    @property
    def minutes(self) -> int:
        return self.end - self.start


class Role(Frozen):
    """A job: its category (what the metrics group it with), pay and workload."""

    category: RoleCategory
    salary: float = Field(ge=0, le=MAX_MONEY, description="annual base salary, in costs.currency")
    supplement: float = Field(0, ge=0, le=MAX_MONEY, description="annual supplement for the role, in costs.currency")
    salary_by_experience: dict[int, float] | None = Field(
        None,
        description="optional salary schedule in costs.currency: {years of experience: annual salary}, "
        "must include 0; an occupant is paid the step at or below their experience. Used when the "
        "simulation records experience; `salary` applies otherwise (docs/costs.md)",
    )
    benefits_rate: float | None = Field(
        None, ge=0, le=2, description="employer benefits as a share of pay for this role "
        "(default: costs.benefits_rate)",
    )
    planning_workload_hours_per_week: float = Field(
        0,
        ge=0,
        le=60,
        description="base hours of planning, preparation and grading the role needs per week, whatever its "
        "students; roles that teach (teachers, teacher-leaders) add behaviour.planning.workload_hours_per_student "
        "per student taught. What protected planning time does not absorb spills into overtime",
    )
    needs_cover: bool | None = Field(
        None,
        description="whether the role's instructional blocks need a cover (substitute or colleague) when it is "
        "absent. Default: yes when the role's category may need cover (all but residents, who co-teach) and the "
        "position's timetable has a whole-class or online-lab block; a role with small groups only does not (its "
        "students stay in their class and the groups are cancelled)",
    )

    on_site: dict[Literal["mon", "tue", "wed", "thu", "fri"], float] | None = Field(
        None,
        description="part-time or external positions: the weekly pattern of days on site, per weekday 1 (the "
        "whole contract day), 0.5 (the morning: blocks ending by the contract day's midpoint) or 0 (not on site); "
        "a weekday not listed is 0. Off-site time is `off_site`: no absence starts, no cover asked or given, "
        "coaching the position would give is its colleagues' planning. Default: on site every day "
        "(docs/model.md §2.4.10)",
    )
    days_on_site: float | None = Field(
        None, gt=0, le=5,
        description="days on site per week, in half days (0.5 to 5): expands to whole days from Monday, then the "
        "half day (3.5: Monday to Wednesday and Thursday morning). Give this or `on_site`, not both. Source "
        "schools: external improvement partners 3.5 days a week (docs/designs.md). Default: 5",
    )
    external: bool = Field(
        False,
        description="the position is held by an external partner under an engagement (3-5 years in the source "
        "schools), not by the school's staff: it never resigns, moves, leaves or retires and is never hired "
        "for, so it is outside the school's turnover. Assumption: the engagement covers the whole run",
    )
    day_rate: float | None = Field(
        None, ge=0, le=MAX_MONEY,
        description="pay by the day on site, in costs.currency: day_rate x days on site (a half day at half the "
        "rate) for the school days the position is filled, benefits included (none added). Instead of a "
        "salary: give salary 0. Plausible range for an external coach $500-1,500 a day (assumption)",
    )
    annual_contract: float | None = Field(
        None, ge=0, le=MAX_MONEY,
        description="pay by contract, in costs.currency a year, for the share of the year the position is filled, "
        "benefits included (none added). Instead of a salary: give salary 0. Plausible range for an external "
        "partner $50,000-200,000 a year (assumption)",
    )

    @field_validator("on_site")
    @classmethod
    def _pattern(cls, v: dict[str, float] | None) -> dict[str, float] | None:
        if v is None:
            return v
        bad = [Problem((wd,), f"on_site.{wd} is {x}; a day on site is 1 (whole), 0.5 (the morning) or 0 (off)",
                       "write 1, 0.5 or 0") for wd, x in v.items() if x not in ON_SITE_VALUES]
        if bad:
            raise Problems(bad)
        if not any(v.values()):
            raise Problems([Problem((), "the on_site pattern has no day on site",
                                    "give at least one weekday 1 or 0.5 (or remove the role)")])
        return v

    @field_validator("days_on_site")
    @classmethod
    def _half_days(cls, v: float | None) -> float | None:
        if v is not None and v * 2 != int(v * 2):
            raise Problems([Problem((), f"days_on_site is {v}; days on site are counted in half days",
                                    "write a multiple of 0.5 from 0.5 to 5, e.g. 3.5")])
        return v

    @model_validator(mode="after")
    def _pay_and_days(self) -> "Role":
        problems = []
        if self.on_site is not None and self.days_on_site is not None:
            problems.append(Problem(("days_on_site",), "the role gives both on_site and days_on_site",
                                    "give the weekly pattern (on_site) or the number of days, not both"))
        if self.day_rate is not None and self.annual_contract is not None:
            problems.append(Problem(("annual_contract",), "the role gives both day_rate and annual_contract",
                                    "a role is paid by the day or by contract, not both"))
        basis = "day_rate" if self.day_rate is not None else "annual_contract" if self.annual_contract is not None \
            else None
        if basis is not None:
            paid = [f for f in ("salary", "supplement") if getattr(self, f)] + (
                ["salary_by_experience"] if self.salary_by_experience else [])
            problems += [Problem((f,), f"the role is paid by {basis} and also has a {f}",
                                 f"a role paid by {basis} has no salary: write salary: 0 (and no supplement or "
                                 "salary schedule)") for f in paid]
        if problems:
            raise Problems(problems)
        return self

    @property
    def on_site_pattern(self) -> tuple[float, ...]:
        """(5,) fraction of each weekday (Monday first) the role's positions are on site."""
        return pattern(self.on_site, self.days_on_site)

    @field_validator("salary_by_experience")
    @classmethod
    def _schedule(cls, v: dict[int, float] | None) -> dict[int, float] | None:
        if v is None:
            return v
        if 0 not in v:
            raise ValueError("the salary schedule must have a step for 0 years of experience")
        bad = [k for k, s in v.items() if k < 0 or s < 0]
        if bad:
            raise ValueError(f"salary schedule steps and salaries must be 0 or more; found step(s) {bad}")
        big = [k for k, s in v.items() if k > 60 or s > MAX_MONEY]
        if big:
            raise ValueError(f"salary schedule steps are years of experience up to 60 and salaries at most "
                             f"{MAX_MONEY:.0e}; found step(s) {big}")
        return dict(sorted(v.items()))

    def covered(self, supervises_students: bool) -> bool:
        """Do this role's blocks need cover, for a position whose timetable does (not) hold whole classes or labs."""
        if self.needs_cover is not None:
            return self.needs_cover
        return CATEGORY_INFO[self.category].needs_cover and supervises_students


class Member(Frozen):
    """Staff of one role inside a team; `timetable` may list names assigned in turn."""

    role: str
    count: int = Field(1, ge=1, le=50)
    timetable: str | tuple[str, ...]

    @field_validator("timetable")
    @classmethod
    def _named(cls, v: str | tuple[str, ...]) -> str | tuple[str, ...]:
        if not v:
            raise Problems([Problem((), "expected a timetable name or a list of at least one name; found none",
                                    "name a timetable from `timetables:`, or list several assigned in turn")])
        return v

    @property
    def timetables(self) -> tuple[str, ...]:
        return (self.timetable,) if isinstance(self.timetable, str) else self.timetable


class Team(Frozen):
    """A team of staff sharing responsibility for a body of students.

    `count` repeats the team (e.g. 20 identical one-teacher "teams" for a
    traditional school of self-contained classes).
    """

    name: str
    count: int = Field(1, ge=1, le=100)
    students: int = Field(ge=0, le=MAX_STUDENTS, description="students the team (each copy) serves")
    members: tuple[Member, ...] = Field(min_length=1)
