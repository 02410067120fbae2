"""Random-number helpers of the day step: absence chain rate, Poisson counts, whole-unit shares.

Pure functions of their arguments (the randomness comes in as uniforms from the
named streams), so common random numbers carry through them.
"""

from __future__ import annotations

import numpy as np


def absence_start_probability(days_per_year: float, mean_spell_days: float, school_days: int) -> float:
    """Daily probability of starting an absence so that the long-run absent share is days/year.

    Absence is a two-state Markov chain (present/absent) with spells ending
    with probability b = 1/mean_spell_days per day. Its stationary absent share
    is a/(a+b); solving for a gives a = b f / (1 - f) with f = days/school_days.
    """
    f = min(days_per_year / school_days, 0.95)
    b = 1.0 / mean_spell_days
    return b * f / (1.0 - f)


def poisson_by_inversion(u: np.ndarray, lam: np.ndarray, kmax: int = 30) -> np.ndarray:
    """Poisson(lam) counts from uniforms u by inverting the CDF (monotone in lam: CRN-friendly)."""
    p = np.exp(-lam)
    cdf = p.copy()
    k = np.zeros(u.shape, dtype=np.int64)
    for i in range(1, kmax + 1):
        more = u > cdf
        if not more.any():
            break
        k += more
        p = p * lam / i
        cdf = cdf + p
    return k


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
