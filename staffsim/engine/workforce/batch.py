"""The weekly batch: exhaustion (and residents' learning) integrated over the school days since the last batch.

Exhaustion only feeds back into the day through the absence multiplier and
the resignation hazard, so it is integrated in one vectorized batch per school
week (after the last school day before a rest, or before a position changes
hands) from the days' minutes, instead of per day; weekend and break recovery
before the batch's first day is a factor on the starting E. The absence
multiplier therefore uses exhaustion as of the end of the previous batch, and
a resignation decided on day t takes effect after `notice_days` school days (at
the earliest the next day not yet simulated). The equations are the functions
of `exhaustion.py`, called here in this order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from staffsim.engine.workforce import exhaustion as ex
from staffsim.engine.workforce.constants import WorkforceConstants
from staffsim.engine.workforce.history import History
from staffsim.engine.workforce.positions import Positions
from staffsim.engine.workforce.resignation import first_crossings
from staffsim.scenario.vocabulary import Activity

A_ABSENT = int(Activity.ABSENT)
A_CREC = int(Activity.COACHING_RECEIVED)
A_OFF = int(Activity.OFF_SITE)


@dataclass(eq=False)
class Batch:
    """School days simulated since the last integration (run days lo, lo + 1, ...)."""

    lo: int = 0
    minutes: list[np.ndarray] = field(default_factory=list)  # (S, A) per day
    combined: list[dict[int, int]] = field(default_factory=list)  # absentee -> minutes combined, per day

    def add(self, minutes: np.ndarray, combined: dict[int, int]) -> None:
        self.minutes.append(minutes)
        self.combined.append(combined)

    def clear(self, lo: int) -> None:
        self.lo = lo
        self.minutes = []
        self.combined = []


def fixed_demand(c: WorkforceConstants, filled: np.ndarray, lts: np.ndarray, combined: list[dict[int, int]]) -> np.ndarray:
    """Demand units not from the day's minutes: base demand, student load, colleagues' combined classes."""
    e = c.p.exhaustion
    if np.count_nonzero(filled) == filled.size:
        fixed = c.d_full  # base demand + student load with every position in post
    else:
        adults = (filled | lts) @ c.onehot  # (n, T) adults in post
        load = ex.student_load(c.team_students, adults, c.pool_team, c.students)
        fixed = ex.load_demand(e.base_demand, c.k_load, load[:, c.team])
    if not any(combined):
        return fixed
    # minutes per position of the team, or of the school for one-person teams
    n = len(combined)
    school = [0.0] * n
    comb = None
    team, solo = c.team_of, c.solo_team
    for i, day in enumerate(combined):
        for s, minutes in day.items():
            t = team[s]
            if solo[t]:
                school[i] += minutes
            else:
                if comb is None:
                    comb = np.zeros((n, len(solo)))
                comb[i, t] += minutes
    return ex.uncovered_demand(fixed, np.array(school), c.k_unc_school,
                               None if comb is None else comb[:, c.team], c.k_unc_team)


def integrate(c: WorkforceConstants, pos: Positions, hist: History, batch: Batch, d0: int,
              thresholds: np.ndarray) -> list[tuple[int, int]]:
    """Advance E (and residents' effectiveness) over the batch; record them; return resignations.

    `d0` is the batch's first school day within the year and `thresholds` the year's (D1, S)
    resignation thresholds. Returns (position, run day) of each first threshold crossing.
    """
    e = c.p.exhaustion
    lo = batch.lo
    n = len(batch.minutes)
    hi = lo + n
    M = np.array(batch.minutes)  # (n, S, A)
    filled = hist.filled[lo:hi]
    absent = M[:, :, A_ABSENT] > 0  # absent, or the position vacant
    any_absent = np.count_nonzero(absent) > 0
    d_fix = fixed_demand(c, filled, hist.lts[lo:hi], batch.combined)
    r_fix = c.r_full  # base resource + full team support
    if any_absent and c.team_support:
        r_fix = ex.team_support(r_fix, absent, c.mates_k)
    units = ex.day_units(M, c.weights)
    D = ex.demand(units, d_fix, None if c.season is None else c.season[d0:d0 + n, None])
    k, cc = ex.day_coefficients(D, ex.resource(units, r_fix), pos.gain, e.recovery_per_day)
    if any_absent:
        ex.rest_when_absent(k, cc, absent, c.k_absent)
    if c.off_days:  # a day wholly off site is neither work nor rest: E carries over unchanged
        away = M[:, :, A_OFF] >= c.contract_minutes
        k[away], cc[away] = 1.0, 0.0
    traj = ex.advance(pos.E * c.rest_factor[d0], k, cc)
    pos.E = traj[-1].copy()
    hist.E[lo:hi] = traj
    if c.any_resident:
        r = c.p.residents
        rate = ex.learning_rate(r.learning_per_day, r.learning_per_coaching_hour, M[:, :, A_CREC],
                                c.is_resident & ~absent)
        eff = ex.learned(pos.eff, rate)
        pos.eff = eff[-1].copy()
        hist.eff[lo:hi] = eff
    else:
        hist.eff[lo:hi] = pos.eff
    pos.abs_mult = ex.multiplier(pos.E, c.k_abs, c.ref_abs)
    batch.clear(hi)
    return [(s, lo + t) for s, t in first_crossings(traj, thresholds[d0:d0 + n], filled, pos.leaving)]
