"""Random-number helpers of the day step: absence chain rate, Poisson counts, whole-unit shares.

Pure functions of their arguments (the randomness comes in as uniforms from the
named streams), so common random numbers carry through them.
"""

from __future__ import annotations

import numpy as np
from scipy import stats


def absence_start_probability(days_per_year: float, mean_spell_days: float, school_days: int) -> float:
    """Daily probability of starting an absence so that the long-run absent share is days/year.

    Absence is a two-state Markov chain (present/absent) with spells ending
    with probability b = 1/mean_spell_days per day. Its stationary absent share
    is a/(a+b); solving for a gives a = b f / (1 - f) with f = days/school_days.
    """
    f = min(days_per_year / school_days, 0.95)
    b = 1.0 / mean_spell_days
    return b * f / (1.0 - f)


def poisson_by_inversion(u: np.ndarray, lam: np.ndarray | float) -> np.ndarray:
    """Poisson(lam) counts from uniforms u by inverting the CDF, with no cap on the count.

    The smallest k with u <= F(k; lam), so the count is monotone in lam for a fixed u (common random
    numbers). The CDF is summed term by term over the draws not yet placed; the rare draw still
    unplaced 10 sd above the largest mean (probability < 1e-20) is placed by `scipy.stats.poisson.ppf`.
    """
    u = np.asarray(u, dtype=float)
    lam_all = np.broadcast_to(np.asarray(lam, dtype=float), u.shape).ravel()
    k = np.zeros(u.size, dtype=np.int64)
    idx = np.flatnonzero(u.ravel() > np.exp(-lam_all))
    if not idx.size:
        return k.reshape(u.shape)
    uu, ll = u.ravel()[idx], lam_all[idx]
    p = np.exp(-ll)
    cdf = p.copy()
    top = float(ll.max())
    bound = int(top + 10.0 * np.sqrt(top) + 30)
    i = 0
    while idx.size:
        i += 1
        if i > bound:
            k[idx] = stats.poisson.ppf(uu, ll).astype(np.int64)
            break
        k[idx] += 1
        p = p * ll / i
        cdf = cdf + p
        more = uu > cdf
        if not more.all():
            idx, uu, ll, p, cdf = idx[more], uu[more], ll[more], p[more], cdf[more]
    return k.reshape(u.shape)


def largest_remainder(weights: np.ndarray, total: float, weights_sum: float | None = None) -> np.ndarray:
    """Share `total` (<= weights.sum()) whole units in proportion to integer `weights` (Hamilton's method).

    No share exceeds its weight: floor(quota) <= weight, and a +1 goes only to a fractional quota.
    """
    quota = weights * (total / (weights.sum() if weights_sum is None else weights_sum))
    base = np.floor(quota)
    left = int(total - base.sum() + 0.5)
    if left > 0:
        base[(base - quota).argsort(kind="stable")[:left]] += 1
    return base
