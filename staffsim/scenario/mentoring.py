"""Mentoring and induction of novice teachers: the `policies.mentoring` section (docs/model.md §2.4.12).

NCES BTLS (NCES 2011-318, First-year report; Gray & Taie 2015): of beginning
teachers assigned a first-year mentor, 8 % were not teaching the following
year, against 16 % of those without one. A scenario with this section states
whether its novices have a mentor; a scenario without it keeps the model's
baseline novice, whose first-year exit (7.1 % in the traditional design) lies
in the band of BTLS's mentored beginners, so it is read as mentored
(multiplier 1). `provided: false` puts novices on BTLS's unmentored 16 %
(`staffsim calibrate`, the mentoring cohort experiment).

Time: each mentee meets their mentor `mentor_minutes_per_week` (the mentor's
individual planning becomes coaching given) and is released
`release_minutes_per_week` (the mentee's individual planning becomes coaching
received): minutes move between ledger columns, so every staff minute is still
counted once (`engine/day/mentoring.py`).
"""

from __future__ import annotations

from pydantic import Field, model_validator

from staffsim.scenario.frozen import Frozen


class Mentoring(Frozen):
    """Who is mentored, by whom, for how long a week, and the effect on the mentees' exit hazards."""

    provided: bool = Field(
        True, description="novices are assigned a mentor (true) or explicitly are not (false: the BTLS "
        "no-mentor group, with unmentored_hazard_multiplier and no mentoring time)",
    )
    mentee_max_years: int = Field(
        0, ge=0, le=10, description="teachers with at most this many completed years are mentees (0: first-year "
        "teachers only, as in BTLS). Teachers and teacher-leaders only",
    )
    mentor_role: str | None = Field(
        None, description="the role whose members mentor (a role name: a named colleague such as teacher, a "
        "teacher-leader, an instructional partner). Required when provided. Mentees are paired with a mentor "
        "of this role on their own team if there is one, else in turn across the school; a mentee is never "
        "their own or another mentee's mentor",
    )
    mentor_minutes_per_week: float = Field(
        60, ge=0, le=600, description="minutes a week a mentor spends with each mentee, taken from the mentor's "
        "individual planning (recorded as coaching given; no more than the planning left that day). "
        "Assumption: one period a week; plausible range 30-120 (BTLS: most mentored novices met at least weekly)",
    )
    release_minutes_per_week: float = Field(
        60, ge=0, le=600, description="minutes a week each mentee is released for induction (meeting the mentor, "
        "observing), recorded as coaching received in place of the mentee's individual planning. Assumption: "
        "the same period as the mentor's; plausible range 0-180",
    )
    mentored_hazard_multiplier: float = Field(
        1.0, ge=0, le=5, description="multiplier on a mentee's exit hazards when mentoring is provided. "
        "Default 1: the model's baseline first-year teacher (7.1 % leave teaching in year 1 in the traditional "
        "design) already lies inside the BTLS band of the mentored (8 %, most US beginners had a mentor), so "
        "the baseline is read as mentored and adding mentoring never raises exits (docs/model.md §2.4.12). "
        "Assumption within BTLS; plausible range 0.8-1.4 (1.14 puts the mentored exactly on 8 %)",
    )
    unmentored_hazard_multiplier: float = Field(
        2.69, ge=0, le=10, description="multiplier on a novice's exit hazards when `provided` is false. "
        "Calibrated: BTLS 16 % of unmentored beginners not teaching the following year. Plausible range 2.0-3.2",
    )

    @model_validator(mode="after")
    def _mentor(self) -> "Mentoring":
        if self.provided and self.mentor_role is None:
            raise ValueError("mentoring is provided but no mentor_role is named; name the role whose members "
                             "mentor, or write provided: false")
        return self

    @property
    def hazard_multiplier(self) -> float:
        """The factor on a mentee's exit hazards under this policy."""
        return self.mentored_hazard_multiplier if self.provided else self.unmentored_hazard_multiplier
