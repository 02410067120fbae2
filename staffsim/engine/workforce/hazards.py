"""Annual probabilities as hazards (docs/model.md §2.4.9): what the workforce model uses.

An annual probability p is a cumulative hazard H = -ln(1 - p) over the year
(`cumulative_hazard`; the model spreads it evenly over the school days).
Proportional hazards are handled on that scale: multiplying a hazard by m
turns a probability p into 1 - (1 - p)**m (`scale_probability`), which stays in
[0, 1] for any m >= 0. `remaining_probability` splits an annual probability
into a mid-year part and a year-end part.

Pure functions of numbers or numpy arrays; no state, no randomness.
"""

from __future__ import annotations

import numpy as np

ArrayLike = float | np.ndarray


def _check_probability(p: ArrayLike, name: str = "probability") -> np.ndarray:
    a = np.asarray(p, dtype=float)
    if np.any((a < 0) | (a > 1)) or np.any(np.isnan(a)):
        raise ValueError(f"{name} must lie in [0, 1]")
    return a


def cumulative_hazard(p: ArrayLike) -> ArrayLike:
    """H = -ln(1 - p): the integrated hazard giving probability p (infinite at p = 1)."""
    a = _check_probability(p)
    with np.errstate(divide="ignore"):
        out = -np.log1p(-a)
    return float(out) if out.ndim == 0 else out


def scale_probability(p: ArrayLike, multiplier: ArrayLike) -> ArrayLike:
    """The probability after multiplying the underlying hazard by `multiplier`: 1 - (1 - p)**m."""
    a = _check_probability(p)
    m = np.asarray(multiplier, dtype=float)
    if np.any(m < 0):
        raise ValueError("hazard multiplier must be non-negative")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(a >= 1, np.where(m > 0, 1.0, 0.0), -np.expm1(m * np.log1p(-np.minimum(a, 1 - 1e-300))))
    return float(out) if out.ndim == 0 else out


def remaining_probability(total: ArrayLike, already: ArrayLike) -> ArrayLike:
    """The probability q of a second stage so that 1 - (1 - already)(1 - q) == total.

    Used to split an annual exit probability into a mid-year part and the
    year-end part: q = 1 - (1 - total) / (1 - already), floored at 0.
    """
    t = _check_probability(total, "total")
    a = _check_probability(already, "already")
    if np.any(a >= 1):
        raise ValueError("'already' must be below 1")
    out = np.maximum(1.0 - (1.0 - t) / (1.0 - a), 0.0)
    return float(out) if out.ndim == 0 else out
