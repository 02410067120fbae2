"""Mid-year resignation: a daily hazard c·exp(k (E − E_ref)) against a daily Exp(1) draw.

The person in a position resigns on day t when c·exp(k (E_t − E_ref)) exceeds
that day's Exp(1) draw, i.e. when E_t exceeds the threshold
(log draw − log c)/k + E_ref, precomputed per day for the whole year.
"""

from __future__ import annotations

import numpy as np

from staffsim.engine.workforce.constants import WorkforceConstants
from staffsim.engine.workforce.draws import WorkforceDraws
from staffsim.engine.workforce.positions import Positions


def thresholds(c: WorkforceConstants, pos: Positions, draws: WorkforceDraws, idx: np.ndarray) -> None:
    """Exhaustion above which the person in each position idx resigns on each day of the year (in place)."""
    rs = c.p.resignation
    with np.errstate(divide="ignore", invalid="ignore"):
        logc = np.log(pos.c_mid[idx])
        if rs.exhaustion_sensitivity > 0:
            thr = (draws.log_res[:, idx] - logc) / rs.exhaustion_sensitivity + rs.reference_exhaustion
        else:
            thr = np.where(draws.log_res[:, idx] < logc, -np.inf, np.inf)
    draws.thresholds[:, idx] = np.nan_to_num(thr, nan=np.inf)


def first_crossings(traj: np.ndarray, thr: np.ndarray, filled: np.ndarray, leaving: np.ndarray) -> list[tuple[int, int]]:
    """(position, day offset) of each first day in the batch the exhaustion trajectory crosses its threshold.

    Only people in post and not already serving notice resign. Arrays are (days, S); leaving is (S,).
    """
    hit = traj > thr
    hit &= filled
    if not np.count_nonzero(hit):
        return []
    hit[:, leaving] = False
    return [(int(s), int(np.argmax(hit[:, s]))) for s in np.flatnonzero(hit.any(axis=0))]


def first_vacant_day(c: WorkforceConstants, t: int, earliest: int) -> int:
    """Run day a position stands vacant after a resignation decided on day t (notice, not before `earliest`)."""
    return max(t + c.p.resignation.notice_days + 1, earliest)


def leaves_teaching(c: WorkforceConstants, pos: Positions, s: int, u: float) -> bool:
    """Does the person resigning from s leave teaching (or move to another school)?"""
    return bool(u < c.mid_leave_share_band[pos.band[s]])
