"""Vacancies: when a vacancy is filled and when a long-term substitute takes it; SimPy times of run days."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from staffsim.engine.workforce.constants import WorkforceConstants
from staffsim.scenario.calendar import MINUTES_PER_DAY


@dataclass(frozen=True)
class Vacancy:
    """How a vacancy opened on run day t will go."""

    fill: int  # run day the new hire starts
    lts: bool  # a long-term substitute holds it first
    lts_day: int  # run day the long-term substitute starts


def at(c: WorkforceConstants, day: int) -> float:
    """SimPy time an hour before the contract day of run day `day` starts."""
    y, d = divmod(int(day), c.D1)
    return y * c.year_minutes + int(c.cal_day[d]) * MINUTES_PER_DAY + c.start_minute - 60


def advance(c: WorkforceConstants, t: int, days: int, summer_first: bool = False) -> int:
    """The run day `days` school days after day t; working days of the summer count for hiring."""
    W, D1 = c.summer_days, c.D1
    if summer_first:
        days = max(days - W, 0)
    end = (t // D1 + 1) * D1
    if t + days < end:
        return t + days
    over = t + days - end
    if over <= W:
        return end
    return end + min(over - W, D1 - 1)


def vacancy(c: WorkforceConstants, t: int, u: np.ndarray, summer_first: bool) -> Vacancy:
    """The hiring delay (Gamma, in school days) and long-term substitute of a vacancy from run day t."""
    h = c.p.hiring
    if h.mean_delay_days > 0:
        delay = int(np.ceil(special.gammaincinv(h.delay_shape, u[0]) * h.mean_delay_days / h.delay_shape))
    else:
        delay = 0
    fill = advance(c, t, delay, summer_first)
    lts_day = advance(c, t, h.long_term_sub_delay_days, summer_first)
    return Vacancy(fill=fill, lts=bool(u[1] < h.long_term_sub_probability) and lts_day < fill, lts_day=lts_day)


def resident_refill_day(c: WorkforceConstants, y: int, D: int) -> int:
    """Residents are recruited as a cohort for the next year (never mid-year): the day they start, or D."""
    return (y + 1) * c.D1 if c.p.residents.refill else D
