"""Year-end decisions (retire, stay, move, leave) and residents' promotion into open teacher positions."""

from __future__ import annotations

import numpy as np

from staffsim.engine.workforce import exhaustion as ex
from staffsim.engine.workforce import hazards
from staffsim.engine.workforce.constants import WorkforceConstants
from staffsim.engine.workforce.positions import Positions
from staffsim.scenario.vocabulary import CATEGORY_CODES

TEACHER = CATEGORY_CODES["teacher"]


def year_end_exits(c: WorkforceConstants, pos: Positions, u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(leave, move, retire) bool (S,) at year end; residents are not asked.

    One uniform per position: below the retirement hazard of the person's completed years they retire
    (a leaver); otherwise, rescaled to [0, 1), it decides the move-or-leave exit of their experience,
    scaled by year-end exhaustion on the cumulative-hazard scale.
    """
    d = c.p.decision
    occ = ~pos.vacant & ~c.is_resident
    x = np.minimum(pos.exp, len(c.retire) - 1).astype(np.int64)
    r = c.retire[x]
    retire = occ & (u < r)
    v = np.divide(u - r, 1.0 - r, out=np.ones_like(u), where=r < 1.0)
    m = pos.h_mult * ex.multiplier(pos.E, d.exhaustion_sensitivity, d.reference_exhaustion)
    p_exit = hazards.scale_probability(c.q_end[x], m)
    p_leave = p_exit * c.end_leave_share[x]
    stays = occ & ~retire
    leave = stays & (v < p_leave)
    move = stays & ~leave & (v < p_exit)
    return leave | retire, move, retire


def promotions(c: WorkforceConstants, pos: Positions, u: np.ndarray) -> list[tuple[int, int]]:
    """(resident, target) pairs: finishing residents hired into open collaborating-teacher positions.

    Residents in staff order each take, with the promotion probability, an open position on their own
    team if there is one, else the first open one.
    """
    open_pos = [int(o) for o in np.flatnonzero(pos.vacant & (c.category == TEACHER))]
    out = []
    for s in np.flatnonzero(~pos.vacant & c.is_resident):
        s = int(s)
        if open_pos and u[s] < c.p.residents.promotion_probability:
            same = [o for o in open_pos if c.team[o] == c.team[s]]
            target = same[0] if same else open_pos[0]
            open_pos.remove(target)
            out.append((s, target))
    return out
