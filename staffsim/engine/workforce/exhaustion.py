"""Exhaustion equations, exactly as the weekly batch (`batch.py`) runs them: pure functions, no state.

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
minutes per position / 50; times a seasonal multiplier.
Resources: a base unit, individual planning kept / 45 min (structured planning
weighs the structured multiplier times as much), collaborative planning / 45 min,
coaching received / 45 min, share of teammates present.

The functions are written in the floating-point order of the batch, so a test
calling them on one day reproduces the simulated trajectory bit for bit.
Arrays are (days, S) over a batch of school days, or (S,) for one day.
"""

from __future__ import annotations

import numpy as np

from staffsim.scenario.vocabulary import N_ACTIVITIES, Activity


# ----------------------------------------------------------------- weights (per scenario)
def column_weights(p, structured: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(A,) weights over ledger columns turning a day's minutes into (demand, resource) units.

    `p` is a `workforce_params.Exhaustion`; a minute of structured planning weighs `structured`
    (behaviour.planning.structured_multiplier) minutes of individual planning.
    """
    wd = np.zeros(N_ACTIVITIES)
    wd[Activity.OVERTIME] = p.overtime_weight / (60.0 * p.overtime_reference_hours)
    wd[Activity.COVERAGE] = p.coverage_weight / p.coverage_reference_minutes
    wr = np.zeros(N_ACTIVITIES)
    wr[Activity.PLANNING_INDIVIDUAL] = p.planning_weight / p.planning_reference_minutes
    wr[Activity.PLANNING_COLLABORATIVE] = p.collaboration_weight / p.planning_reference_minutes
    wr[Activity.PLANNING_STRUCTURED] = structured * p.planning_weight / p.planning_reference_minutes
    wr[Activity.COACHING_RECEIVED] = p.coaching_weight / p.planning_reference_minutes
    return wd, wr


def load_coefficient(p) -> float:
    """Demand units per student per instructional adult."""
    return p.load_weight / p.load_reference_students


def uncovered_coefficient(p) -> float:
    """Demand units per minute of colleagues' combined classes per position."""
    return p.uncovered_weight / p.uncovered_reference_minutes


def season_profile(points: tuple[tuple[float, float], ...], n_days: int) -> np.ndarray:
    """(n_days,) demand multiplier: the piecewise-linear `points` at each day's mid-point fraction of the year."""
    xs = np.array([p[0] for p in points], dtype=float)
    ys = np.array([p[1] for p in points], dtype=float)
    frac = (np.arange(n_days) + 0.5) / max(n_days, 1)
    return np.interp(frac, xs, ys)


def rest_factor(rest_days: np.ndarray, after_break: np.ndarray, weekend_rate: float, break_rate: float) -> np.ndarray:
    """Factor on E over the rest days before each school day: (1 − ρ)**days, ρ the weekend or break rate."""
    rate = np.where(after_break, break_rate, weekend_rate)
    return (1.0 - rate) ** rest_days


# ----------------------------------------------------------------- demands and resources
def student_load(team_students: np.ndarray, adults: np.ndarray, pool_team: np.ndarray, students: float) -> np.ndarray:
    """(days, T) students per instructional adult in post on each team (per adult of the school on teams
    without a roster of their own, e.g. pull-out interventionists); `adults` is (days, T)."""
    load = team_students / np.maximum(adults, 1.0)
    if pool_team.any():
        load[:, pool_team] = (students / np.maximum(adults.sum(axis=1), 1.0))[:, None]
    return load


def load_demand(base: float, k_load: float, load: np.ndarray) -> np.ndarray:
    """Demand units not from the day's minutes: the base demand plus the student load."""
    return base + k_load * load


def uncovered_demand(fixed: np.ndarray, school_minutes: np.ndarray | None, k_school: np.ndarray,
                     team_minutes: np.ndarray | None, k_team: np.ndarray) -> np.ndarray:
    """Add colleagues' combined-class minutes: per school position for people on one-person teams
    (`school_minutes`, (days,)), per team position for teammates (`team_minutes`, (days, S))."""
    if school_minutes is not None:
        fixed = fixed + school_minutes[:, None] * k_school
    if team_minutes is not None:
        fixed = fixed + team_minutes * k_team
    return fixed


def full_resource(p, solo: np.ndarray) -> np.ndarray:
    """(S,) resource units not from the day's minutes with every teammate present: base + team support.

    People on one-person teams (`solo`) have no teammates to support them.
    """
    return p.base_resource + p.team_support_weight * ~solo


def team_support(full: np.ndarray, absent: np.ndarray, mates_k: np.ndarray) -> np.ndarray:
    """Resource units not from the day's minutes: the full resource less the support of absent teammates.

    mates_k[j, s] is the team-support weight over the teammates of s, for j a teammate of s.
    """
    return full - absent @ mates_k


def day_units(minutes: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """(..., S, 2) demand and resource units from the day's minutes (..., S, A); weights (A, 2)."""
    return minutes @ weights


def demand(units: np.ndarray, fixed: np.ndarray, season: np.ndarray | None) -> np.ndarray:
    """Demand units per staff-day: from the minutes plus the fixed part, times the seasonal multiplier."""
    D = units[..., 0] + fixed
    if season is not None:
        D *= season
    return D


def resource(units: np.ndarray, fixed: np.ndarray) -> np.ndarray:
    """Resource units per staff-day: from the minutes plus the fixed part."""
    return units[..., 1] + fixed


# ----------------------------------------------------------------- the daily update
def day_coefficients(D: np.ndarray, R: np.ndarray, gain: np.ndarray | float, recovery: float) -> tuple[np.ndarray, np.ndarray]:
    """(k, c) with E' = k·E + c: the exact one-day solution of dE/dt = a·D(1−E) − r·R·E."""
    up = np.asarray(gain * D, dtype=float)
    lam = up + recovery * R
    k = np.exp(-lam)
    c = up / np.maximum(lam, 1e-300)  # lam = 0 only where up = 0
    c *= 1.0 - k
    return k, c


def rest_when_absent(k: np.ndarray, c: np.ndarray, absent: np.ndarray, k_absent: float) -> None:
    """An absence is a rest day: E' = (1 − absence recovery)·E there (k and c changed in place)."""
    k[absent] = k_absent
    c[absent] = 0.0


def advance(E: np.ndarray, k: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Apply E ← k[t]·E + c[t] for t = 0..n−1; returns the (n, S) trajectory (end of each day)."""
    out = np.empty_like(k)
    for t in range(k.shape[0]):
        E = k[t] * E + c[t]
        out[t] = E
    return out


def multiplier(E: np.ndarray, sensitivity: float, reference: float) -> np.ndarray:
    """exp(k·(E − E_ref)): the factor by which exhaustion scales a published base rate."""
    return np.exp(sensitivity * (np.asarray(E, dtype=float) - reference))


# ----------------------------------------------------------------- effectiveness
def experience_effectiveness(years: np.ndarray | float, novice: float, time_constant: float) -> np.ndarray | float:
    """Effectiveness relative to an experienced teacher: 1 − (1 − novice)·exp(−years/τ)."""
    y = np.asarray(years, dtype=float)
    out = 1.0 - (1.0 - novice) * np.exp(-y / time_constant)
    return float(out) if out.ndim == 0 else out


def learning_rate(per_day: float, per_coaching_hour: float, coaching_minutes: np.ndarray, learning: np.ndarray) -> np.ndarray:
    """(days, S) rate at which the gap to full effectiveness closes: per day in post plus per coaching hour."""
    return (per_day + per_coaching_hour / 60.0 * coaching_minutes) * learning


def learned(effectiveness: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """(days, S) effectiveness at the end of each day: the gap to 1 closes at the cumulated rate."""
    return 1.0 - (1.0 - effectiveness) * np.exp(-np.cumsum(rate, axis=0))
