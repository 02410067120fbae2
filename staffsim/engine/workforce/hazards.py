"""Converting between annual probabilities and daily hazards (DESIGN.md §5).

A constant daily hazard h (probability of the event on a given day, given it
has not happened yet) gives a probability 1 - (1 - h)**days of the event over
`days` days, so 0.001/day is ~16.5 % over a 180-day school year and ~30 % over
365 days, not 18 % or 36 %. Proportional hazards are handled on the
cumulative-hazard scale H = -ln(1 - p): multiplying a hazard by m turns a
probability p into 1 - (1 - p)**m, which stays in [0, 1] for any m >= 0.

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


def annual_to_daily(p_annual: ArrayLike, days: float) -> ArrayLike:
    """The constant daily hazard h with 1 - (1 - h)**days == p_annual."""
    if days <= 0:
        raise ValueError("days must be positive")
    p = _check_probability(p_annual)
    out = -np.expm1(np.log1p(-p) / days)
    return float(out) if out.ndim == 0 else out


def daily_to_annual(h_daily: ArrayLike, days: float) -> ArrayLike:
    """The probability of at least one event in `days` days at daily hazard h: 1 - (1 - h)**days."""
    if days < 0:
        raise ValueError("days must be non-negative")
    h = _check_probability(h_daily, "daily hazard")
    out = -np.expm1(days * np.log1p(-h))
    return float(out) if out.ndim == 0 else out


def cumulative_hazard(p: ArrayLike) -> ArrayLike:
    """H = -ln(1 - p): the integrated hazard giving probability p (infinite at p = 1)."""
    a = _check_probability(p)
    with np.errstate(divide="ignore"):
        out = -np.log1p(-a)
    return float(out) if out.ndim == 0 else out


def probability(H: ArrayLike) -> ArrayLike:
    """p = 1 - exp(-H): the inverse of `cumulative_hazard`."""
    a = np.asarray(H, dtype=float)
    if np.any(a < 0):
        raise ValueError("cumulative hazard must be non-negative")
    out = -np.expm1(-a)
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


def competing_split(p_total: ArrayLike, shares: np.ndarray) -> np.ndarray:
    """Split probabilities of any exit into causes in proportion to `shares` (last axis)."""
    s = np.asarray(shares, dtype=float)
    tot = s.sum(axis=-1, keepdims=True)
    frac = np.divide(s, tot, out=np.zeros_like(s), where=tot > 0)
    return np.asarray(p_total, dtype=float)[..., None] * frac
