"""Workforce parameters: exhaustion, absence response, resignation, decisions, hiring, experience, residents."""

from __future__ import annotations


from pydantic import Field, field_validator, model_validator

from staffsim.scenario.frozen import Frozen
from staffsim.scenario.pay import PayResponse
from staffsim.scenario.vocabulary import RoleCategory


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
        "Assumption: it sets the time scale (E settles within a few weeks); recovery_per_day is calibrated "
        "against it",
    )
    recovery_per_day: float = Field(
        0.042, ge=0, le=1, description="r: rate at which resources lower exhaustion, per school day and unit of "
        "resource. Calibrated (with gain_per_day and the other exhaustion parameters fixed): the traditional "
        "baseline's burnout_share ~ 56 % (RAND SoAT 2024-25: 53-60 %)",
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
        0.484, ge=0, le=1, description="exhaustion at which behaviour.absence.days_per_year applies. Anchored: "
        "ln mean exp(k E) / k over the traditional baseline's staff-days at the default exhaustion parameters, "
        "so that it reproduces the published rate (re-anchor when changing them, docs/model.md §3.2)",
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
        0.50, ge=0, le=1, description="exhaustion at which the published rates apply. Anchored: ln mean exp(k E) / k "
        "over the traditional baseline's teacher-days at the default exhaustion parameters",
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
        0.532, ge=0, le=1, description="year-end exhaustion at which the published rates apply. Anchored: "
        "ln mean exp(k E) / k over the traditional baseline's teachers on the last day, at the default "
        "exhaustion parameters",
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
    first_year_share: float = Field(
        0.378, ge=0, le=1, description="share of new hires who are in their first year of teaching; the others "
        "bring the experience of teachers who move school (the stationary staff's movers, docs/model.md "
        "§2.4.6). NCES NTPS 2015-16, public non-charter schools: 37.8 % of newly hired teachers were in their "
        "first year (Economic Policy Institute, Garcia & Weiss 2019, table 3). A teacher-leader is never a "
        "first-year hire",
    )


class ExperienceSpec(Frozen):
    """Experience of the staff at the start and how it shapes effectiveness."""

    initial_shares: Band4 | None = Field(
        None, description="share of staff in experience bands 1-3, 4-9, 10-19, 20+ years at the start of the first "
        "year (years uniform within a band). Default: none, the initial staff is drawn from the stationary "
        "experience distribution of the hiring, exit and retirement rates (a warm start, docs/model.md §4.1); "
        "set it for cohort experiments. Teacher-leaders are drawn from 4 years up either way",
    )
    max_years: int = Field(
        45, ge=20, le=50, description="longest career, years: everyone still in post retires after this many "
        "completed years (a bound; retirement.mean_age decides when most retire)",
    )
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
    def _sum(cls, v: tuple[float, ...] | None) -> tuple[float, ...] | None:
        if v is None:
            return v
        if any(x < 0 for x in v) or abs(sum(v) - 1) > 1e-6:
            raise ValueError("initial_shares must be >= 0 and sum to 1")
        return v


class Retirement(Frozen):
    """Retirement at year end: a hazard rising with age, age = entry age + completed years of teaching."""

    entry_age: float = Field(
        28, ge=18, le=65, description="age at the start of a teacher's first year: NCES SASS 2011-12 public "
        "teachers, 55 % started by 25, 20 % at 26-29, 16 % at 30-39, 9 % at 40 or later (TeacherPensions.org "
        "tabulation): a mean of about 28",
    )
    mean_age: float = Field(
        58, ge=30, le=80, description="mean age at retirement of those who teach until they retire (ages normally "
        "distributed). Calibrated: with the other rates, 2 in 3 of the 20+ years band's leavers retire (NCES TFS "
        "2008-09: 67.0 % of leavers with 20 or more years were retired); plausible range 56-62",
    )
    sd_years: float = Field(
        5, gt=0, le=15, description="standard deviation of the retirement age, years. Assumption (pension "
        "eligibility spreads retirements over the late 50s and early 60s)",
    )

    @model_validator(mode="after")
    def _ages(self) -> "Retirement":
        if self.mean_age <= self.entry_age:
            raise ValueError(
                f"mean_age ({self.mean_age:g}) must be above entry_age ({self.entry_age:g}): teachers retire "
                "after they are hired"
            )
        return self


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
    retirement: Retirement = Retirement()
    residents: Residents = Residents()
    pay: PayResponse = PayResponse()
