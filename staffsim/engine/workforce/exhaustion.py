"""Exhaustion dynamics: pure update functions (no state, no randomness).

The model is a one-stock system-dynamics model in the spirit of Homer (1985),
"Worker burnout: a dynamic model with implications for prevention and
control" (System Dynamics Review 1(1)), with demands and resources chosen after
Job Demands-Resources theory (Bakker & Demerouti 2007): exhaustion E in [0, 1]
rises with job demands and falls with job resources and rest.

Within a school day, demands D and resources R are held constant and

    dE/dt = a·D·(1 − E) − r·R·E,

whose exact solution over one day is

    E' = E* + (E − E*)·exp(−λ),   λ = a·D + r·R,   E* = a·D / λ.

E' is a convex combination of E and E* ∈ [0, 1], so exhaustion stays in
[0, 1] by construction, whatever the parameters. Rest days multiply E by
(1 − ρ) each; the summer by (1 − s). All of it is written as E' = k·E + c
with 0 ≤ k ≤ 1 and 0 ≤ c ≤ 1 − k.

Demands (dimensionless, one unit = a published reference level):
overtime hours / 1.8 h (RAND 2024: 53 vs 44 h/week), coverage minutes / 45,
students per instructional adult / 22 (NCES NTPS), colleagues' combined-class
minutes per present colleague / 50; times a seasonal multiplier.
Resources: a base unit, individual planning kept / 45 min, collaborative
planning / 45 min, coaching received / 45 min, share of teammates present.
"""

from __future__ import annotations

import numpy as np

from staffsim.scenario.vocabulary import N_ACTIVITIES, Activity


def season_profile(points: tuple[tuple[float, float], ...], n_days: int) -> np.ndarray:
    """(n_days,) demand multiplier: the piecewise-linear `points` at each day's mid-point fraction of the year."""
    xs = np.array([p[0] for p in points], dtype=float)
    ys = np.array([p[1] for p in points], dtype=float)
    frac = (np.arange(n_days) + 0.5) / max(n_days, 1)
    return np.interp(frac, xs, ys)


def column_weights(p) -> tuple[np.ndarray, np.ndarray]:
    """Weights over ledger columns turning a day's minutes into demand and resource units.

    `p` is a `config.Exhaustion`. Returns (w_demand, w_resource), each (A,).
    """
    wd = np.zeros(N_ACTIVITIES)
    wd[Activity.OVERTIME] = p.overtime_weight / (60.0 * p.overtime_reference_hours)
    wd[Activity.COVERAGE] = p.coverage_weight / p.coverage_reference_minutes
    wr = np.zeros(N_ACTIVITIES)
    wr[Activity.PLANNING_INDIVIDUAL] = p.planning_weight / p.planning_reference_minutes
    wr[Activity.PLANNING_COLLABORATIVE] = p.collaboration_weight / p.planning_reference_minutes
    wr[Activity.COACHING_RECEIVED] = p.coaching_weight / p.planning_reference_minutes
    return wd, wr


def demands(minutes: np.ndarray, load: np.ndarray, uncovered: np.ndarray, season: np.ndarray | float, p,
            w_demand: np.ndarray | None = None) -> np.ndarray:
    """Demand units per staff-day.

    minutes (..., S, A) ledger minutes; load (..., S) students per instructional
    adult on the team; uncovered (..., S) colleagues' combined-class minutes per
    present colleague; season broadcastable to (..., S).
    """
    wd = column_weights(p)[0] if w_demand is None else w_demand
    d = p.base_demand + minutes @ wd
    d = d + (p.load_weight / p.load_reference_students) * load
    d = d + (p.uncovered_weight / p.uncovered_reference_minutes) * uncovered
    return d * season


def resources(minutes: np.ndarray, team_support: np.ndarray, p, w_resource: np.ndarray | None = None) -> np.ndarray:
    """Resource units per staff-day: base + planning, collaboration, coaching kept + team support."""
    wr = column_weights(p)[1] if w_resource is None else w_resource
    return p.base_resource + minutes @ wr + p.team_support_weight * team_support


def day_coefficients(D: np.ndarray, R: np.ndarray, gain: np.ndarray | float, recovery: float) -> tuple[np.ndarray, np.ndarray]:
    """(k, c) with E' = k·E + c: the exact one-day solution of dE/dt = a·D(1−E) − r·R·E."""
    up = np.asarray(gain * D, dtype=float)
    lam = up + recovery * R
    k = np.exp(-lam)
    c = up / np.maximum(lam, 1e-300)  # lam = 0 only where up = 0
    c *= 1.0 - k
    return k, c


def step(E: np.ndarray, D: np.ndarray, R: np.ndarray, gain: np.ndarray | float, recovery: float) -> np.ndarray:
    """Exhaustion after one school day with demands D and resources R."""
    k, c = day_coefficients(D, R, gain, recovery)
    return k * E + c


def equilibrium(D: np.ndarray | float, R: np.ndarray | float, gain: float, recovery: float) -> np.ndarray | float:
    """E* = a·D / (a·D + r·R): where exhaustion settles under constant demands and resources."""
    up = gain * np.asarray(D, dtype=float)
    lam = up + recovery * np.asarray(R, dtype=float)
    out = np.divide(up, lam, out=np.zeros_like(lam), where=lam > 0)
    return float(out) if out.ndim == 0 else out


def advance(E: np.ndarray, k: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Apply E ← k[t]·E + c[t] for t = 0..n−1; returns the (n, S) trajectory (end of each day)."""
    out = np.empty_like(k)
    for t in range(k.shape[0]):
        E = k[t] * E + c[t]
        out[t] = E
    return out


def rest(E: np.ndarray, days: float, rate: float) -> np.ndarray:
    """Exhaustion after `days` rest days, each removing the share `rate`: E·(1 − rate)**days."""
    return E * (1.0 - rate) ** days


def multiplier(E: np.ndarray, sensitivity: float, reference: float) -> np.ndarray:
    """exp(k·(E − E_ref)): the factor by which exhaustion scales a published base rate."""
    return np.exp(sensitivity * (np.asarray(E, dtype=float) - reference))


def experience_effectiveness(years: np.ndarray | float, novice: float, time_constant: float) -> np.ndarray | float:
    """Effectiveness relative to an experienced teacher: 1 − (1 − novice)·exp(−years/τ)."""
    y = np.asarray(years, dtype=float)
    out = 1.0 - (1.0 - novice) * np.exp(-y / time_constant)
    return float(out) if out.ndim == 0 else out


def learned(effectiveness: np.ndarray | float, days: np.ndarray | float, coaching_hours: np.ndarray | float,
            per_day: float, per_coaching_hour: float) -> np.ndarray | float:
    """Effectiveness after on-the-job learning: the gap to 1 closes at per_day + per_coaching_hour·coaching."""
    e = np.asarray(effectiveness, dtype=float)
    out = 1.0 - (1.0 - e) * np.exp(-(per_day * np.asarray(days, dtype=float)
                                     + per_coaching_hour * np.asarray(coaching_hours, dtype=float)))
    return float(out) if np.ndim(out) == 0 else out
