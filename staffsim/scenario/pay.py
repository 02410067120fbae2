"""Pay and retention: how a teacher's pay relative to the market scales their exit hazard (docs/model.md §2.4.11).

Hendricks (2014), "Does it pay to pay teachers more? Evidence from Texas",
Journal of Public Economics 109: the elasticity of teacher turnover with
respect to base pay is about -1.4 overall, largest for inexperienced teachers
and fading to zero by about 19 years of experience. The model writes it as a
multiplier on the exit hazards (mid-year and year-end) of a teacher or
teacher-leader with x completed years:

    m(x) = (pay / reference_salary) ** eps(x),   eps(x) = novice_elasticity * max(0, 1 - x / fade_years)

pay = the role's salary (its `salary_by_experience` step at x, if any) plus its
supplement. At pay = reference_salary, m = 1 exactly: the published rates apply.

This module holds the parameters and the two pure functions on numbers; the
engine (`engine/workforce/pay.py`) applies them per position.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from staffsim.scenario.frozen import MAX_MONEY, Frozen

#: The shipped designs' teacher base salary (NCES 2020-21 average base salary): the default reference.
SHIPPED_TEACHER_SALARY = 61600.0


class PayResponse(Frozen):
    """How pay relative to the market scales teachers' exit hazards (Hendricks 2014; docs/model.md §2.4.11)."""

    reference_salary: float = Field(
        SHIPPED_TEACHER_SALARY, gt=0, le=MAX_MONEY,
        description="market salary (costs.currency a year) at which the published exit rates apply: a teacher "
        "paid this (salary + supplement) has hazard multiplier 1. Default 61,600, the NCES 2020-21 average base "
        "salary that the shipped designs pay their teachers. Assumption: the school's labour market pays the "
        "national average; plausible range 45,000-90,000 (state averages, NCES Digest table 211.60)",
    )
    novice_elasticity: float = Field(
        -2.6, ge=-6, le=0,
        description="elasticity of a first-year teacher's exit hazard with respect to pay (eps at 0 years). "
        "Chosen so that the exit-weighted average over the stationary staff (NCES TFS exit rates by experience) "
        "is Hendricks' (2014) overall turnover elasticity -1.4: the mean of max(0, 1 - x/19) over exits is 0.543, "
        "-1.4 / 0.543 = -2.58. Plausible range -1.5 to -3.7 (overall -0.8 to -2.0); 0 turns pay off",
    )
    fade_years: float = Field(
        19.0, gt=0, le=45,
        description="years of experience at which the pay elasticity reaches zero (it falls linearly from the "
        "novice value). Hendricks 2014: no response beyond about 19 years. Plausible range 12-25",
    )


def elasticity(years: np.ndarray | float, novice_elasticity: float, fade_years: float) -> np.ndarray:
    """eps(x) = novice_elasticity * max(0, 1 - x / fade_years), per completed years of experience x."""
    x = np.asarray(years, dtype=float)
    return novice_elasticity * np.maximum(0.0, 1.0 - x / fade_years)


def hazard_multiplier(pay: np.ndarray | float, years: np.ndarray | float, p: PayResponse) -> np.ndarray:
    """(pay / reference_salary) ** eps(years): the factor on a teacher's exit hazards (1 at the reference)."""
    ratio = np.asarray(pay, dtype=float) / p.reference_salary
    return ratio ** elasticity(years, p.novice_elasticity, p.fade_years)


def salary_at(flat: float, schedule: tuple[tuple[int, float], ...] | None, years: np.ndarray) -> np.ndarray:
    """A role's salary for each experience value: the schedule step at or below it (NaN or no schedule: flat).

    `schedule` is (years of experience, salary) ascending, starting at 0 (`Role.salary_by_experience`).
    """
    exp = np.asarray(years, dtype=float)
    out = np.full(exp.shape, flat, dtype=float)
    if schedule is None:
        return out
    steps = np.array([k for k, _ in schedule], dtype=float)
    pay = np.array([v for _, v in schedule], dtype=float)
    known = np.isfinite(exp)
    idx = np.searchsorted(steps, exp[known], side="right") - 1
    out[known] = pay[np.clip(idx, 0, len(pay) - 1)]
    return out
