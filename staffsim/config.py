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

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator, model_validator

from .activities import PLANNED

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
RoleCategory = Literal["teacher_leader", "teacher", "support", "resident"]
#: Role categories whose members count as "teachers" in per-teacher metrics.
TEACHER_CATEGORIES = ("teacher_leader", "teacher")

_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
_BLOCK = re.compile(r"^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s+([a-z_]+)\s*$")


def parse_clock(text: str) -> int:
    """'07:40' -> minutes after midnight (460). Raises ValueError on bad input."""
    m = _TIME.match(str(text))
    if not m:
        raise ValueError(f"expected a time like '07:40', found {text!r}")
    h, mi = int(m.group(1)), int(m.group(2))
    if h > 23 or mi > 59:
        raise ValueError(f"expected a time of day between 00:00 and 23:59, found {text!r}")
    return h * 60 + mi


class Frozen(BaseModel):
    """Base for every scenario section: frozen, no unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Block(Frozen):
    """One timetable block: [start, end) in minutes after midnight, and an activity."""

    start: int
    end: int
    activity: str

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @classmethod
    def parse(cls, value: object) -> "Block":
        """Accept '08:00-08:50 whole_class' or {start, end, activity}."""
        if isinstance(value, Block):
            return value
        if isinstance(value, str):
            m = _BLOCK.match(value)
            if not m:
                raise ValueError(
                    "expected a block like '08:00-08:50 whole_class', found " + repr(value)
                )
            start, end, activity = m.groups()
        elif isinstance(value, dict):
            unknown = set(value) - {"start", "end", "activity"}
            if unknown:
                raise ValueError(f"unknown block keys {sorted(unknown)}; expected start, end, activity")
            try:
                start, end, activity = value["start"], value["end"], value["activity"]
            except KeyError as exc:
                raise ValueError(f"block is missing {exc.args[0]!r}") from None
        else:
            raise ValueError(f"expected a block like '08:00-08:50 whole_class', found {value!r}")
        if activity not in PLANNED:
            raise ValueError(
                f"unknown activity {activity!r}; expected one of {', '.join(PLANNED)}"
            )
        # ints are minutes after midnight (the form a dumped scenario round-trips through)
        s = start if isinstance(start, int) else parse_clock(start)
        e = end if isinstance(end, int) else parse_clock(end)
        if e <= s:
            raise ValueError(f"block ends ({end}) before it starts ({start})")
        return cls(start=s, end=e, activity=activity)


def _parse_blocks(value: object) -> tuple[Block, ...]:
    if not isinstance(value, (list, tuple)):
        raise ValueError("expected a list of blocks like '08:00-08:50 whole_class'")
    blocks = sorted((Block.parse(v) for v in value), key=lambda b: b.start)
    for a, b in zip(blocks, blocks[1:]):
        if b.start < a.end:
            raise ValueError(
                f"blocks overlap: {a.activity} until {a.end // 60:02d}:{a.end % 60:02d} "
                f"and {b.activity} from {b.start // 60:02d}:{b.start % 60:02d}"
            )
    return tuple(blocks)


#: A day's blocks; in the JSON Schema, a list of 'HH:MM-HH:MM activity' strings.
DayBlocks = Annotated[
    tuple[Block, ...],
    WithJsonSchema({
        "type": "array",
        "description": "blocks like '08:00-08:50 whole_class'; activities: " + ", ".join(PLANNED),
        "items": {"type": "string", "pattern": r"^\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s+(" + "|".join(PLANNED) + r")\s*$"},
    }),
]


class Timetable(Frozen):
    """A weekly timetable. `every_day` applies to each weekday a day key does not override.

    A full planning day is simply a day whose blocks are all planning.
    Contract time the blocks leave free counts as `other` (lunch, passing).
    """

    every_day: DayBlocks = ()
    mon: DayBlocks | None = None
    tue: DayBlocks | None = None
    wed: DayBlocks | None = None
    thu: DayBlocks | None = None
    fri: DayBlocks | None = None

    @field_validator("every_day", "mon", "tue", "wed", "thu", "fri", mode="before")
    @classmethod
    def _blocks(cls, value: object) -> object:
        return None if value is None else _parse_blocks(value)

    def day(self, weekday: str) -> tuple[Block, ...]:
        """The blocks of one weekday ('mon'..'fri')."""
        own = getattr(self, weekday)
        return self.every_day if own is None else own


class SchoolSpec(Frozen):
    students: int = Field(gt=0, description="students enrolled in the part of the school modelled")
    grade_band: Literal["elementary", "middle", "high", "k8", "secondary"] = "middle"
    class_size: float = Field(
        gt=0, description="target students per class (NCES NTPS 2020-21: 19.1 / 22.0 / 21.0)"
    )


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
        for i, b in enumerate(self.breaks):
            if b.after_week >= self.weeks:
                raise ValueError(
                    f"breaks[{i}] ({b.name}) starts after week {b.after_week}, "
                    f"but the year has only {self.weeks} instructional weeks"
                )
        return self

    @property
    def school_days(self) -> int:
        return self.weeks * 5


class ContractDay(Frozen):
    """The paid working day, the same for every role (NCES NTPS 2020-21: 38.4 h/week)."""

    start: int
    end: int

    @field_validator("start", "end", mode="before")
    @classmethod
    def _clock(cls, value: object) -> int:
        return value if isinstance(value, int) else parse_clock(str(value))

    @model_validator(mode="after")
    def _order(self) -> "ContractDay":
        if self.end <= self.start:
            raise ValueError("contract_day ends before it starts")
        return self

    @property
    def minutes(self) -> int:
        return self.end - self.start


class Role(Frozen):
    """A job: its category (what the metrics group it with), pay and workload."""

    category: RoleCategory
    salary: float = Field(ge=0, description="annual base salary, dollars")
    supplement: float = Field(0, ge=0, description="annual supplement for the role, dollars")
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
        description="hours of planning, preparation and grading the role needs per week; "
        "what protected planning time does not absorb spills into overtime",
    )
    needs_cover: bool | None = Field(
        None,
        description="whether the role's instructional blocks need a cover when absent "
        "(default: yes for all but residents, who co-teach)",
    )

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
        return dict(sorted(v.items()))

    @property
    def covered(self) -> bool:
        return self.needs_cover if self.needs_cover is not None else self.category != "resident"


class Member(Frozen):
    """Staff of one role inside a team; `timetable` may list names assigned in turn."""

    role: str
    count: int = Field(1, ge=1, le=50)
    timetable: str | tuple[str, ...]

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
    students: int = Field(ge=0, description="students the team (each copy) serves")
    members: tuple[Member, ...] = Field(min_length=1)


class Substitutes(Frozen):
    pool_size: int = Field(ge=0, description="day-to-day substitutes the school can call on per day")
    fill_rate: float = Field(
        ge=0, le=1, description="probability a request is filled while a substitute is free"
    )
    run_small_groups: bool = Field(False, description="whether a substitute runs the absent adult's small groups")


CoverageStep = Literal["colleague_planning", "cancel_small_group", "combine_classes"]


class Coverage(Frozen):
    """Who covers an absence a substitute does not: tried in `order`, block by block."""

    order: tuple[CoverageStep, ...] = ("colleague_planning", "combine_classes")
    scope: Literal["team", "school"] = Field(
        "school", description="look for colleagues in the team only, or the team first then the school"
    )

    @field_validator("order")
    @classmethod
    def _nonempty(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v:
            raise ValueError("expected at least one coverage step")
        if len(set(v)) != len(v):
            raise ValueError("coverage steps are listed more than once")
        return v


class SmallGroups(Frozen):
    """How flagged student needs become small-group instruction."""

    max_size: int = Field(4, ge=1, le=30, description="students per small group (tutoring effect needs <= 4)")
    fill: Literal["needs_only", "rotation"] = Field(
        "needs_only",
        description="needs_only: a group meets only for flagged needs; rotation: free seats "
        "are filled by students rotating through (station rotation)",
    )
    detection_delay_days: int = Field(
        5, ge=0, le=60, description="school days from a need arising to it being noticed"
    )
    regroup_every_days: int = Field(
        5, ge=1, le=60, description="students are regrouped every this many school days; "
        "a noticed need joins a group at the next regrouping"
    )
    service_window_days: int = Field(
        10, ge=1, le=90, description="a need served within this many school days of arising counts as served"
    )


class Policies(Frozen):
    substitutes: Substitutes
    coverage: Coverage = Coverage()
    small_groups: SmallGroups = SmallGroups()


class Absence(Frozen):
    days_per_year: float = Field(ge=0, le=100, description="mean absence days per staff member per 180-day year")
    mean_spell_days: float = Field(1.5, ge=1, le=20, description="mean length of one absence, school days")


class Interruptions(Frozen):
    per_planning_hour: float = Field(ge=0, le=20, description="Poisson rate of interruptions per hour of planning")
    mean_minutes: float = Field(ge=0, le=120, description="mean planning minutes one interruption eats (exponential)")


class Needs(Frozen):
    per_student_per_week: float = Field(
        ge=0, le=10, description="rate at which a student develops a need for small-group help"
    )


class Planning(Frozen):
    collaboration_multiplier: float = Field(
        1.0, ge=0, le=3, description="workload hours one hour of collaborative planning absorbs"
    )


class Behaviour(Frozen):
    absence: Absence
    interruptions: Interruptions
    needs: Needs
    planning: Planning = Planning()


#: Cost of replacing one departing teacher (separation, recruitment, hiring, training)
#: by district size (student enrollment), in 2024 US dollars: Learning Policy Institute,
#: "2024 Update: What's the Cost of Teacher Turnover?" (DESIGN.md §5).
TURNOVER_COST_PER_LEAVER_USD_2024 = {"small": 11860.0, "medium": 16450.0, "large": 24930.0}
#: Money fields of `Costs` whose defaults are 2024 US dollars (see `Costs._money_defaults`).
COSTS_MONEY_DEFAULTS = ("substitute_day_rate", "long_term_sub_day_rate", "cost_per_leaver")


class Costs(Frozen):
    """How staffing becomes money (docs/costs.md).

    Every amount in the scenario (salaries, supplements, the rates below and
    `budget`) is in `currency` at `price_year` prices. The defaults are 2024 US
    dollars; a scenario that states another currency or year must give every
    money figure itself, so that amounts are never silently mixed.
    """

    currency: str = Field("USD", pattern=r"^[A-Z]{3}$", description="ISO 4217 code of every amount in the scenario")
    price_year: int = Field(2024, ge=1900, le=2100, description="the year whose prices every amount is stated in")
    benefits_rate: float = Field(
        0.44, ge=0, le=2,
        description="employer benefits (insurance, retirement, payroll taxes) as a share of salaries and "
        "supplements. BLS Employer Costs for Employee Compensation, table 3, state and local government "
        "primary/secondary teachers: benefits $29.30/h less paid leave $3.60 (already in salary) over "
        "wages $54.46 + paid leave $3.60 = 0.44",
    )
    substitute_day_rate: float = Field(
        139.0, ge=0,
        description="cost of one day of a day-to-day substitute. BLS OEWS May 2024, substitute teachers "
        "short-term (25-3031): median $38,470/yr over 2,080 h = $18.50/h, x 7.5 h = $139",
    )
    long_term_sub_day_rate: float = Field(
        175.0, ge=0,
        description="cost of one school day of a long-term substitute holding a vacancy. Assumption: the "
        "day-to-day rate plus 25 % (districts pay a premium after 10-20 consecutive days)",
    )
    district_size: Literal["small", "medium", "large"] = Field(
        "medium", description="district size (enrollment) for the default cost per leaver (LPI 2024)"
    )
    cost_per_leaver: float | None = Field(
        None, ge=0,
        description="cost of replacing one staff member who leaves the school (mid-year or at year end, "
        "movers included). Default by district_size, LPI 2024: small $11,860, medium $16,450, large $24,930",
    )

    @model_validator(mode="after")
    def _money_defaults(self) -> "Costs":
        if (self.currency, self.price_year) != ("USD", 2024):
            missing = [f for f in COSTS_MONEY_DEFAULTS if f not in self.model_fields_set]
            if missing:
                raise ValueError(
                    f"costs are stated in {self.currency} {self.price_year}, but the defaults of "
                    f"{', '.join(missing)} are 2024 US dollars; give {'it' if len(missing) == 1 else 'them'} "
                    f"in {self.currency} {self.price_year}"
                )
        return self

    @property
    def turnover_cost_per_leaver(self) -> float:
        if self.cost_per_leaver is not None:
            return self.cost_per_leaver
        return TURNOVER_COST_PER_LEAVER_USD_2024[self.district_size]

    @property
    def money(self) -> str:
        """The unit of every amount, e.g. 'USD 2024'."""
        return f"{self.currency} {self.price_year}"


# ----------------------------------------------------------------- workforce (issue 3)
#: Experience bands of the NCES Teacher Follow-up Survey, in years of teaching (1-3, 4-9, 10-19, 20+).
EXPERIENCE_BANDS = ("1_3", "4_9", "10_19", "20_plus")
Band4 = tuple[float, float, float, float]


class Exhaustion(Frozen):
    """Daily exhaustion in [0, 1]: demands raise it, resources and rest lower it.

    Job Demands-Resources theory (Bakker & Demerouti 2007) for what counts as
    a demand or a resource; Homer (1985) worker-burnout system dynamics for
    the stock-and-flow form. Equations and sources: docs/model.md.
    """

    gain_per_day: float = Field(
        0.02, ge=0, le=1, description="a: rate at which demands raise exhaustion, per school day and unit of demand. "
        "Calibrated: traditional baseline burnout_share ~ RAND SoAT 2024 (53-60 %)",
    )
    recovery_per_day: float = Field(
        0.048, ge=0, le=1, description="r: rate at which resources lower exhaustion, per school day and unit of "
        "resource. Calibrated together with gain_per_day",
    )
    overtime_reference_hours: float = Field(
        1.8, gt=0, description="daily overtime that counts as one unit of demand: RAND SoAT 2024, teachers work "
        "53 vs 44 h/week for comparable adults (9 h/week = 1.8 h/day)",
    )
    coverage_reference_minutes: float = Field(
        45, gt=0, description="coverage minutes per day that count as one unit of demand (one planning period, "
        "NCTQ 2016-17)",
    )
    load_reference_students: float = Field(
        22, gt=0, description="students per instructional adult on the team that count as one unit of demand "
        "(NCES NTPS 2020-21 middle-school class size 22.0)",
    )
    uncovered_reference_minutes: float = Field(
        50, gt=0, description="combined-class minutes of absent colleagues per present colleague and day that "
        "count as one unit of demand (one class period). Assumption",
    )
    planning_reference_minutes: float = Field(
        45, gt=0, description="planning minutes per day that count as one unit of resource (NCTQ 2016-17 typical "
        "contract: 45 min/day)",
    )
    overtime_weight: float = Field(1.0, ge=0, description="weight of overtime among demands. Assumption: equal weights")
    coverage_weight: float = Field(1.0, ge=0, description="weight of coverage taken on among demands. Assumption")
    load_weight: float = Field(1.0, ge=0, description="weight of student load among demands. Assumption")
    uncovered_weight: float = Field(1.0, ge=0, description="weight of colleagues' uncovered absences. Assumption")
    base_demand: float = Field(
        1.0, ge=0, description="demand units every working day brings whatever the timetable (emotional and "
        "behavioural demands of teaching not modelled otherwise). Assumption: one unit",
    )
    base_resource: float = Field(
        1.0, ge=0, description="resources every working day brings (evening rest, autonomy). Assumption: one unit",
    )
    planning_weight: float = Field(0.25, ge=0, description="weight of individual planning kept among resources. Assumption")
    collaboration_weight: float = Field(
        0.5, ge=0, description="weight of collaborative planning kept (planning plus collegial support). Assumption",
    )
    coaching_weight: float = Field(0.5, ge=0, description="weight of coaching received among resources. Assumption")
    team_support_weight: float = Field(
        0.25, ge=0, description="weight of the share of teammates present (0 for one-person teams). Assumption",
    )
    seasonal_demand: tuple[tuple[float, float], ...] = Field(
        ((0.0, 1.0), (1.0, 1.0)), description="piecewise-linear multiplier on demands over the fraction of the "
        "school year, as [fraction, multiplier] points. Default flat: the evidence on the seasonal course of "
        "burnout is weak (Frontiers in Psychology 2023 panel: no steady rise)",
    )
    weekend_recovery_per_day: float = Field(
        0.03, ge=0, le=1, description="rho: share of exhaustion lost per weekend day. Assumption (recovery "
        "research, Sonnentag & Fritz 2007: weekends restore partially)",
    )
    break_recovery_per_day: float = Field(
        0.03, ge=0, le=1, description="share of exhaustion lost per calendar day of a rest that includes a break. "
        "Assumption",
    )
    absence_recovery: float = Field(
        0.03, ge=0, le=1, description="share of exhaustion lost on a day absent (an absence is a rest day). Assumption",
    )
    summer_recovery: float = Field(
        0.5, ge=0, le=1, description="share of exhaustion lost over the summer in multi-year runs. Assumption: "
        "partial (Kuehnel & Sonnentag 2011: teachers' vacation relief fades within weeks)",
    )
    initial_mean: float = Field(
        0.27, gt=0, lt=1, description="mean exhaustion of staff at the start of the first year and of new hires "
        "(Beta distribution). Anchored to the baseline's start-of-year level after summer recovery",
    )
    initial_sd: float = Field(0.12, gt=0, lt=0.5, description="standard deviation of initial exhaustion. Assumption")
    sensitivity_sd: float = Field(
        0.5, ge=0, le=2, description="sigma of the log-normal individual multiplier on gain_per_day (median 1). Assumption",
    )
    burnout_threshold: float = Field(
        0.5, gt=0, lt=1, description="exhaustion at or above which a person counts as burned out (burnout_share). "
        "Assumption: the midpoint of the scale",
    )

    @field_validator("seasonal_demand")
    @classmethod
    def _season(cls, v: tuple[tuple[float, float], ...]) -> tuple[tuple[float, float], ...]:
        if not v:
            raise ValueError("expected at least one [fraction, multiplier] point")
        xs = [p[0] for p in v]
        if any(not 0 <= x <= 1 for x in xs) or any(b <= a for a, b in zip(xs, xs[1:])):
            raise ValueError("fractions of the year must lie in [0, 1] and increase")
        if any(p[1] < 0 for p in v):
            raise ValueError("seasonal multipliers must be >= 0")
        return v

    @model_validator(mode="after")
    def _beta(self) -> "Exhaustion":
        if self.initial_sd ** 2 >= self.initial_mean * (1 - self.initial_mean):
            raise ValueError("initial_sd is too large for initial_mean (needs sd^2 < mean (1 - mean))")
        return self


class AbsenceResponse(Frozen):
    """Absence rises with exhaustion: daily start probability x exp(k (E - reference))."""

    exhaustion_sensitivity: float = Field(
        1.5, ge=0, le=10, description="k: log change in the absence rate per unit of exhaustion. Assumption "
        "(burnout predicts sickness absence: Ahola et al. 2008)",
    )
    reference_exhaustion: float = Field(
        0.49, ge=0, le=1, description="exhaustion at which behaviour.absence.days_per_year applies. Anchored: "
        "the traditional baseline's typical level, so it reproduces the published rate",
    )


class Resignation(Frozen):
    """Mid-year resignation: a daily hazard from an annual rate by experience band, rising with exhaustion."""

    annual_rate_by_experience: Band4 = Field(
        (0.06, 0.03, 0.02, 0.02), description="share leaving during the school year by experience band 1-3, 4-9, "
        "10-19, 20+ years. Redding & Henry 2019 (AERJ 56(1)): ~6 % of early-career teachers a year; later bands "
        "an assumption",
    )
    exhaustion_sensitivity: float = Field(
        2.0, ge=0, le=10, description="k: log change in the hazard per unit of exhaustion. Assumption (burnout "
        "predicts intentions to quit: Madigan & Kim 2021 meta-analysis)",
    )
    reference_exhaustion: float = Field(
        0.51, ge=0, le=1, description="exhaustion at which the published rates apply. Anchored to the traditional "
        "baseline's typical level",
    )
    notice_days: int = Field(
        10, ge=0, le=60, description="school days between the decision to resign and the last day in post. "
        "Assumption: two weeks' notice",
    )


class Decision(Frozen):
    """End-of-year decision: stay, move to another school, or leave teaching."""

    movers_by_experience: Band4 = Field(
        (0.125, 0.117, 0.056, 0.054), description="annual movers by experience band 1-3, 4-9, 10-19, 20+ years "
        "(NCES Teacher Follow-up Survey 2012-13, table 2); the mid-year share is subtracted",
    )
    leavers_by_experience: Band4 = Field(
        (0.071, 0.068, 0.059, 0.114), description="annual leavers by experience band (NCES TFS 2012-13, table 2); "
        "the mid-year share is subtracted",
    )
    exhaustion_sensitivity: float = Field(
        2.0, ge=0, le=10, description="k: log change in the year-end exit hazard per unit of exhaustion. Assumption "
        "(Madigan & Kim 2021)",
    )
    reference_exhaustion: float = Field(
        0.54, ge=0, le=1, description="year-end exhaustion at which the published rates apply. Anchored to the "
        "traditional baseline's year-end level",
    )
    role_multiplier: dict[RoleCategory, float] = Field(
        default_factory=dict, description="multiplier on the exit hazard by role category (default 1 for all: "
        "no national figures by role). Residents do not decide: their residency ends",
    )

    @field_validator("role_multiplier")
    @classmethod
    def _positive(cls, v: dict[str, float]) -> dict[str, float]:
        if any(x < 0 for x in v.values()):
            raise ValueError("role multipliers must be >= 0")
        return v

    @model_validator(mode="after")
    def _rates(self) -> "Decision":
        if any(m + l >= 1 for m, l in zip(self.movers_by_experience, self.leavers_by_experience)):
            raise ValueError("movers + leavers must be below 1 in every band")
        return self


class Hiring(Frozen):
    """How vacated positions are filled."""

    mean_delay_days: float = Field(
        20, ge=0, le=180, description="mean school days a position stands vacant before a hire starts (gamma). "
        "Assumption: about four school weeks mid-year; summer working days count",
    )
    delay_shape: float = Field(2.0, gt=0, le=50, description="gamma shape of the hiring delay. Assumption")
    long_term_sub_probability: float = Field(
        0.7, ge=0, le=1, description="probability the substitute pool supplies a long-term substitute for a "
        "vacancy. Assumption",
    )
    long_term_sub_delay_days: int = Field(
        5, ge=0, le=60, description="school days before a long-term substitute arrives. Assumption",
    )
    long_term_sub_effectiveness: float = Field(
        0.5, ge=0, le=1, description="effectiveness of a long-term substitute relative to an experienced teacher. "
        "Assumption",
    )
    new_hire_mean_experience: float = Field(
        2.0, ge=0, le=30, description="mean completed years of experience of a new hire (exponential, rounded "
        "down: ~39 % novices). Assumption: hires are mostly novices and early-career movers",
    )


class ExperienceSpec(Frozen):
    """Experience of the staff at the start and how it shapes effectiveness."""

    initial_shares: Band4 = Field(
        (0.10, 0.28, 0.39, 0.23), description="share of staff in experience bands 1-3, 4-9, 10-19, 20+ years at "
        "the start of the first year. Assumption close to NCES NTPS 2017-18 (<3: 9 %, 3-9: 28 %, 10-20: 39 %, "
        ">20: 23 %); teacher-leaders are drawn from the bands above 1-3",
    )
    max_years: int = Field(35, ge=20, le=50, description="longest career in the 20+ band, years")
    novice_effectiveness: float = Field(
        0.7, ge=0, le=1, description="effectiveness of a first-year teacher relative to an experienced one. "
        "Assumption (returns to experience are largest early: Kraft & Papay 2014)",
    )
    effectiveness_time_constant_years: float = Field(
        3.0, gt=0, le=30, description="years over which the novice gap closes by a factor e. Assumption",
    )
    initial_graduate_share: float = Field(
        0.0, ge=0, le=1, description="share of the initial staff who are residency graduates (for cohort "
        "experiments; default none)",
    )

    @field_validator("initial_shares")
    @classmethod
    def _sum(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        if any(x < 0 for x in v) or abs(sum(v) - 1) > 1e-6:
            raise ValueError("initial_shares must be >= 0 and sum to 1")
        return v


class Residents(Frozen):
    """Residents learn on the job and may be hired into open teacher positions."""

    initial_effectiveness: float = Field(
        0.3, ge=0, le=1, description="effectiveness of a resident on the first day. Assumption",
    )
    learning_per_day: float = Field(
        0.002, ge=0, le=1, description="rate at which the effectiveness gap closes per school day in post. Assumption",
    )
    learning_per_coaching_hour: float = Field(
        0.02, ge=0, le=1, description="further rate per hour of coaching received. Assumption (coaching improves "
        "practice by 0.49 SD: Kraft, Blazar & Hogan 2018)",
    )
    promotion_probability: float = Field(
        0.8, ge=0, le=1, description="probability a resident who finishes the year accepts an open teacher "
        "position in the school. Assumption",
    )
    graduate_hazard_multiplier: float = Field(
        0.604, ge=0, le=2, description="multiplier on residency graduates' exit hazards: ln(0.82)/ln(0.72), so that "
        "82 % vs 72 % of other novices stay (IES/NCEE 2015-4015) at any horizon under proportional hazards",
    )
    refill: bool = Field(True, description="resident positions are filled by a new cohort at the start of each year")


class Workforce(Frozen):
    """Exhaustion, absence, resignation, year-end decisions, hiring and the resident pipeline (docs/model.md)."""

    static: bool = Field(
        False, description="a static staff: exhaustion is tracked but changes nobody's behaviour (absence at the "
        "base rate, nobody resigns, moves or leaves). For timetable-only analyses and deterministic tests",
    )
    exhaustion: Exhaustion = Exhaustion()
    absence: AbsenceResponse = AbsenceResponse()
    resignation: Resignation = Resignation()
    decision: Decision = Decision()
    hiring: Hiring = Hiring()
    experience: ExperienceSpec = ExperienceSpec()
    residents: Residents = Residents()


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
