"""Annual probabilities as hazards: cumulative hazard, proportional scaling, mid-year/year-end split."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffsim.engine.workforce import hazards as hz

prob = st.floats(0.0, 0.999, allow_nan=False)


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


def test_cumulative_hazard_inverse():
    p = np.array([0.0, 0.1, 0.9])
    np.testing.assert_allclose(-np.expm1(-hz.cumulative_hazard(p)), p)
    assert hz.cumulative_hazard(0.5) == pytest.approx(np.log(2))
    with pytest.raises(ValueError):
        hz.cumulative_hazard(1.2)
