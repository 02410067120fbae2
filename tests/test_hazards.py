"""Annual probabilities <-> daily hazards (DESIGN.md §5: 0.001/day is ~30 %/year, not 3 %)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffsim.engine.workforce import hazards as hz

prob = st.floats(0.0, 0.999, allow_nan=False)
days = st.integers(1, 400)


def test_design_example_over_a_calendar_year_and_a_school_year():
    # 1 - 0.999**365 = 0.306; over a 180-day school year 1 - 0.999**180 = 0.165
    assert hz.daily_to_annual(0.001, 365) == pytest.approx(0.3059, abs=1e-4)
    assert hz.daily_to_annual(0.001, 180) == pytest.approx(0.1648, abs=1e-4)
    assert hz.annual_to_daily(0.3059, 365) == pytest.approx(0.001, rel=1e-3)
    # the naive conversion (annual / days) is not what we do
    assert hz.annual_to_daily(0.16, 180) != pytest.approx(0.16 / 180, rel=1e-3)
    assert hz.annual_to_daily(0.16, 180) == pytest.approx(1 - 0.84 ** (1 / 180), rel=1e-12)


@given(prob, days)
@settings(max_examples=200, deadline=None)
def test_round_trip_both_directions(p, n):
    h = hz.annual_to_daily(p, n)
    assert 0 <= h <= p + 1e-15  # a daily hazard never exceeds the annual probability
    assert hz.daily_to_annual(h, n) == pytest.approx(p, abs=1e-12)
    annual = hz.daily_to_annual(p, n)
    if annual < 1 - 1e-6:  # closer to 1, float64 cannot hold the digits needed to invert
        assert hz.annual_to_daily(annual, n) == pytest.approx(p, rel=1e-7, abs=1e-12)


def test_arrays_and_edges():
    p = np.array([0.0, 0.06, 0.5, 1.0])
    h = hz.annual_to_daily(p, 180)
    assert h[0] == 0 and h[-1] == 1
    np.testing.assert_allclose(hz.daily_to_annual(h, 180), p, atol=1e-12)
    with pytest.raises(ValueError):
        hz.annual_to_daily(1.2, 180)
    with pytest.raises(ValueError):
        hz.annual_to_daily(0.1, 0)
    with pytest.raises(ValueError):
        hz.daily_to_annual(-0.1, 10)


def test_daily_hazard_reproduces_the_annual_rate_by_simulation():
    """Bernoulli trials each day at the converted hazard: the yearly share matches (3 SE)."""
    rng = np.random.default_rng(5)
    n = 200_000
    for annual in (0.06, 0.2):
        h = hz.annual_to_daily(annual, 180)
        first = rng.geometric(h, size=n)  # day of the first event
        share = np.mean(first <= 180)
        assert abs(share - annual) < 3 * np.sqrt(annual * (1 - annual) / n)


@given(prob, st.floats(0, 5), st.floats(0, 5))
@settings(max_examples=200, deadline=None)
def test_scaling_a_hazard_composes_and_stays_a_probability(p, a, b):
    q = hz.scale_probability(p, a)
    assert 0 <= q <= 1
    assert hz.scale_probability(q, b) == pytest.approx(hz.scale_probability(p, a * b), abs=1e-9)


def test_scaling_special_cases():
    assert hz.scale_probability(0.3, 1.0) == pytest.approx(0.3)
    assert hz.scale_probability(0.3, 0.0) == 0.0
    assert hz.scale_probability(0.3, 2.0) == pytest.approx(1 - 0.7 ** 2)
    assert hz.scale_probability(1.0, 0.5) == 1.0
    # monotone in the multiplier
    m = np.linspace(0, 4, 50)
    assert np.all(np.diff(hz.scale_probability(0.2, m)) > 0)
    with pytest.raises(ValueError):
        hz.scale_probability(0.2, -1)


@given(prob, prob)
@settings(max_examples=200, deadline=None)
def test_remaining_probability_completes_the_year(total, already):
    if already >= 1:
        return
    q = hz.remaining_probability(total, already)
    assert 0 <= q <= 1
    if already <= total:
        assert 1 - (1 - already) * (1 - q) == pytest.approx(total, abs=1e-12)
    else:
        assert q == 0.0


def test_midyear_and_year_end_parts_of_the_nces_rate():
    # 1-3 years: 19.6 % a year, 6 % of it during the year (Redding & Henry 2019)
    q = hz.remaining_probability(0.196, 0.06)
    assert q == pytest.approx(1 - 0.804 / 0.94)
    assert 1 - 0.94 * (1 - q) == pytest.approx(0.196)


def test_cumulative_hazard_inverse_and_split():
    p = np.array([0.0, 0.1, 0.9])
    np.testing.assert_allclose(hz.probability(hz.cumulative_hazard(p)), p)
    assert hz.cumulative_hazard(0.5) == pytest.approx(np.log(2))
    split = hz.competing_split(np.array([0.2, 0.1]), np.array([[1.0, 3.0], [0.0, 0.0]]))
    np.testing.assert_allclose(split, [[0.05, 0.15], [0.0, 0.0]])
