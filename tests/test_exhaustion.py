"""The exhaustion equations the weekly batch runs: bounded, exact, monotone in demands and resources."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffsim.engine.workforce import exhaustion as ex
from staffsim.scenario.vocabulary import N_ACTIVITIES, Activity
from staffsim.scenario.workforce_params import Exhaustion

P = Exhaustion()
W = np.column_stack(ex.column_weights(P))
unit = st.floats(0, 1, allow_nan=False)
pos = st.floats(0, 1e3, allow_nan=False)


def step(E, D, R, a, r):
    """One school day, E' = k·E + c, through the batch's coefficients."""
    k, c = ex.day_coefficients(D, R, a, r)
    return k * E + c


def equilibrium(D, R, a, r):
    """E* = a·D / (a·D + r·R)."""
    return a * D / (a * D + r * R)


def demands(minutes, load, uncovered, season):
    """Demand units as the batch builds them: minutes, base + student load, combined classes, season."""
    fixed = ex.load_demand(P.base_demand, ex.load_coefficient(P), np.asarray(load, dtype=float))
    fixed = ex.uncovered_demand(fixed, None, 0.0, np.asarray(uncovered, dtype=float), ex.uncovered_coefficient(P))
    return ex.demand(ex.day_units(minutes, W), fixed, season)


def resources(minutes, solo: bool):
    """Resource units as the batch builds them, every teammate present (no teammates if solo)."""
    return ex.resource(ex.day_units(minutes, W), ex.full_resource(P, np.array([solo])))


@given(unit, pos, pos, st.floats(0, 1), st.floats(0, 1))
@settings(max_examples=300, deadline=None)
def test_step_stays_in_unit_interval_whatever_the_inputs(E, D, R, a, r):
    out = step(np.array([E]), np.array([D]), np.array([R]), a, r)[0]
    assert 0.0 <= out <= 1.0
    # and lies between E and the equilibrium
    star = equilibrium(D, R, a, r) if a * D + r * R > 0 else E
    assert min(E, star) - 1e-12 <= out <= max(E, star) + 1e-12


def test_step_is_the_exact_solution_of_the_ode():
    """Compare with a fine Euler integration of dE/dt = aD(1-E) - rRE over one day."""
    E0, D, R, a, r = 0.3, 2.5, 1.4, 0.05, 0.08
    E = E0
    n = 100_000
    for _ in range(n):
        E += (a * D * (1 - E) - r * R * E) / n
    assert step(np.array([E0]), np.array([D]), np.array([R]), a, r)[0] == pytest.approx(E, abs=1e-6)


def test_repeated_steps_converge_to_the_equilibrium():
    D, R, a, r = np.array([3.0]), np.array([1.5]), 0.02, 0.048
    E = np.array([0.0])
    for _ in range(2000):
        E = step(E, D, R, a, r)
    assert E[0] == pytest.approx(a * 3.0 / (a * 3.0 + r * 1.5), abs=1e-9)


def test_demands_raise_and_resources_lower_exhaustion():
    E = np.full(5, 0.4)
    D = np.linspace(0, 4, 5)
    R = np.full(5, 1.0)
    assert np.all(np.diff(step(E, D, R, 0.02, 0.05)) > 0)
    assert np.all(np.diff(step(E, np.full(5, 2.0), D + 0.1, 0.02, 0.05)) < 0)


def _minutes(**cols) -> np.ndarray:
    m = np.zeros((1, 1, N_ACTIVITIES))
    for k, v in cols.items():
        m[0, 0, Activity[k.upper()]] = v
    return m


def test_demand_and_resource_units():
    # 108 minutes of overtime = 1.8 h = one unit; 45 minutes of coverage = one unit; 22 students = one unit
    d = demands(_minutes(overtime=108, coverage=45), np.array([[22.0]]), np.array([[50.0]]), None)
    assert d[0, 0] == pytest.approx(P.base_demand + 1 + 1 + 1 + 1)
    d2 = demands(_minutes(overtime=108, coverage=45), np.array([[22.0]]), np.array([[50.0]]), 1.5)
    assert d2[0, 0] == pytest.approx(1.5 * d[0, 0])  # the seasonal multiplier scales every demand
    r = resources(_minutes(planning_individual=45, planning_collaborative=45, coaching_received=45), solo=False)
    assert r[0, 0] == pytest.approx(P.base_resource + P.planning_weight + P.collaboration_weight
                                    + P.coaching_weight + P.team_support_weight)


def test_team_support_is_the_share_of_teammates_present():
    full = ex.full_resource(P, np.array([False, False, False]))
    mates_k = (1 - np.eye(3)) * P.team_support_weight / 2  # three teammates: two mates each
    r = ex.team_support(full, np.array([[True, False, False]]), mates_k)
    assert r[0, 0] == pytest.approx(full[0])  # one's own absence takes nothing from oneself
    assert r[0, 1] == pytest.approx(P.base_resource + P.team_support_weight / 2)


def test_more_planning_kept_means_less_exhaustion_through_both_paths():
    """Protected planning both absorbs workload (less overtime) and is a resource."""
    E = np.array([0.4])
    load = np.array([[24.0]])
    little = _minutes(planning_individual=45, overtime=170)
    lots = _minutes(planning_individual=135, overtime=80)
    e1 = step(E, demands(little, load, 0.0, None)[0], resources(little, solo=True)[0], 0.02, 0.048)
    e2 = step(E, demands(lots, load, 0.0, None)[0], resources(lots, solo=True)[0], 0.02, 0.048)
    assert e2[0] < e1[0]


def test_rest_and_multiplier():
    E = np.array([0.5, 1.0, 0.0])
    np.testing.assert_allclose(E * ex.rest_factor(np.array(2), np.array(False), 0.1, 0.5), E * 0.81)
    assert np.all(E * ex.rest_factor(np.array(9), np.array(True), 0.5, 0.03) <= E)
    assert ex.multiplier(0.45, 1.5, 0.45) == pytest.approx(1.0)
    assert ex.multiplier(0.65, 1.5, 0.45) == pytest.approx(np.exp(0.3))


def test_season_profile():
    flat = ex.season_profile(((0.0, 1.0), (1.0, 1.0)), 180)
    assert flat.shape == (180,) and np.all(flat == 1.0)
    ramp = ex.season_profile(((0.0, 1.0), (0.5, 1.0), (1.0, 1.4)), 100)
    assert ramp[0] == pytest.approx(1.0) and ramp[49] == pytest.approx(1.0)
    assert ramp[-1] == pytest.approx(1.0 + 0.4 * 0.99, rel=1e-6)
    assert np.all(np.diff(ramp) >= 0)


def test_advance_matches_repeated_steps():
    rng = np.random.default_rng(2)
    D, R = rng.uniform(0, 4, (5, 7)), rng.uniform(0.5, 3, (5, 7))
    a = rng.uniform(0.01, 0.04, 7)
    k, c = ex.day_coefficients(D, R, a, 0.05)
    E0 = rng.uniform(0, 1, 7)
    traj = ex.advance(E0, k, c)
    E = E0
    for t in range(5):
        E = step(E, D[t], R[t], a, 0.05)
        np.testing.assert_allclose(traj[t], E)


def _learned(eff, days, coaching_hours, per_day, per_coaching_hour):
    """Effectiveness after `days` in post with `coaching_hours` spread evenly, through the batch's functions."""
    coaching = np.full((days, 1), 60.0 * coaching_hours / days)
    return ex.learned(np.array([eff]), ex.learning_rate(per_day, per_coaching_hour, coaching, np.array([True])))[-1, 0]


def test_learning_and_experience_effectiveness():
    assert _learned(0.3, 180, 36, 0.002, 0.02) > _learned(0.3, 180, 0, 0.002, 0.02) > 0.3
    assert _learned(0.3, 10**6, 1e6, 0.002, 0.02) <= 1.0
    eff = ex.experience_effectiveness(np.arange(0, 30), 0.7, 3.0)
    assert eff[0] == pytest.approx(0.7) and np.all(np.diff(eff) > 0) and eff[-1] < 1.0
