"""Intervals and paired comparisons."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from staffsim.experiments.budget import Estimate
from staffsim.experiments.stats import (compare, interval_from_moments, moments, precision_warnings, ratio_interval,
                                        summary_from_moments, t_half_width, t_interval)


def test_t_interval_matches_scipy():
    x = np.array([1.0, 2.0, 4.0, 7.0, 11.0])
    m, lo, hi = t_interval(x)
    ref = sps.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=sps.sem(x))
    assert (lo, hi) == pytest.approx(ref)
    assert m == pytest.approx(5.0)
    assert t_interval(np.array([3.0])) == (3.0, 3.0, 3.0)


def test_moments_match_direct_interval():
    x = np.random.default_rng(1).normal(10, 2, 57)
    mean, sd, lo, hi = interval_from_moments(np.array([57.0]), np.array([x.sum()]), np.array([(x**2).sum()]))
    m2, lo2, hi2 = t_interval(x)
    assert (mean[0], lo[0], hi[0]) == pytest.approx((m2, lo2, hi2))
    assert sd[0] == pytest.approx(x.std(ddof=1))


@pytest.mark.parametrize("n", [2, 5, 100])
def test_one_t_interval_everywhere_matches_scipy(n):
    """Values, running moments, budget estimates and the ratio interval give scipy's t interval."""
    x = np.random.default_rng(n).normal(3.0, 2.0, n)
    ref = sps.t.interval(0.95, n - 1, loc=x.mean(), scale=sps.sem(x))
    m, lo, hi = t_interval(x)
    assert m == pytest.approx(x.mean()) and (lo, hi) == pytest.approx(ref)
    _, _, mlo, mhi = interval_from_moments(np.array([n]), np.array([x.sum()]), np.array([(x**2).sum()]))
    assert (mlo[0], mhi[0]) == pytest.approx(ref)
    e = Estimate.of(x)
    assert (e.mean, e.ci_low, e.ci_high) == (m, lo, hi)
    # a ratio over denominators of 1 is a mean: the delta-method interval is the t interval
    assert ratio_interval(x, np.ones(n))[1:] == pytest.approx(ref)
    assert float(t_half_width(x.std(ddof=1), n)) == pytest.approx((ref[1] - ref[0]) / 2)


def test_fewer_than_two_values_rule():
    """n = 0: everything NaN; n = 1: the mean, with a zero-width interval. The same in every form."""
    assert t_interval(np.array([3.0])) == (3.0, 3.0, 3.0)
    assert t_interval(np.array([np.nan, 4.0])) == (4.0, 4.0, 4.0)
    assert all(np.isnan(t_interval(np.array([]))))
    mean, sd, lo, hi = interval_from_moments(np.array([0.0, 1.0]), np.array([0.0, 3.0]), np.array([0.0, 9.0]))
    assert np.isnan([mean[0], lo[0], hi[0]]).all()
    assert (mean[1], lo[1], hi[1]) == (3.0, 3.0, 3.0)
    assert Estimate.of(np.array([5.0])) == Estimate(5.0, 5.0, 5.0)
    assert ratio_interval(np.array([2.0]), np.array([4.0])) == (0.5, 0.5, 0.5)
    half = t_half_width(np.array([np.nan, np.nan, 1.0]), np.array([0, 1, 2]))
    assert np.isnan(half[0]) and half[1] == 0.0 and half[2] == pytest.approx(sps.t.ppf(0.975, 1) / np.sqrt(2))


def test_interval_helpers():
    rng = np.random.default_rng(0)
    den = rng.integers(15, 25, 400).astype(float)
    num = rng.binomial(den.astype(int), 0.16).astype(float)
    r, lo, hi = ratio_interval(num, den)
    assert lo < 0.16 < hi and r == pytest.approx(num.sum() / den.sum())
    m, lo, hi = t_interval(np.array([1.0, 2.0, 3.0, np.nan]))
    assert m == 2.0 and lo < 2.0 < hi
    assert math.isnan(ratio_interval(np.zeros(3), np.zeros(3))[0])


def frame(values: dict[str, np.ndarray]) -> pd.DataFrame:
    rows = []
    for sc, v in values.items():
        for r, x in enumerate(v):
            rows.append({"scenario": sc, "point": 0, "replication": r, "metric": "m", "value": x})
    return pd.DataFrame(rows)


def test_comparison_against_itself_is_exactly_zero():
    x = np.random.default_rng(2).normal(5, 1, 30)
    comp = compare(frame({"a": x, "a#2": x}), ["a", "a#2"])
    row = comp[comp.scenario == "a#2"].iloc[0]
    assert row["diff"] == 0 and row["diff_ci_low"] == 0 and row["diff_ci_high"] == 0


def test_paired_interval_is_narrower_with_common_noise():
    rng = np.random.default_rng(3)
    shared = rng.normal(0, 3, 40)
    a = 10 + shared + rng.normal(0, 0.3, 40)
    b = 10.5 + shared + rng.normal(0, 0.3, 40)
    row = compare(frame({"a": a, "b": b}), ["a", "b"]).query("scenario == 'b'").iloc[0]
    assert row["diff_ci_high"] - row["diff_ci_low"] < (row["unpaired_diff_ci_high"] - row["unpaired_diff_ci_low"]) / 3
    assert row["diff_ci_low"] > 0  # pairing detects the 0.5 difference


def test_summary_and_precision_warning():
    x = np.array([1.0, 1.02, 0.98, 1.0])
    s = summary_from_moments(moments(frame({"a": x})))
    assert s.iloc[0]["n"] == 4 and s.iloc[0]["mean"] == pytest.approx(1.0)
    noisy = summary_from_moments(moments(frame({"a": np.array([0.1, 5.0, 0.2, 3.0])})))
    assert precision_warnings(noisy) and not precision_warnings(s)


def test_paired_interval_narrower_for_two_simulated_designs():
    """Two similar designs on common random numbers: pairing by replication narrows the interval."""
    from staffsim.metrics.frames import metrics_frame
    from staffsim.engine.simulate import simulate
    from staffsim.scenario.loading import scenario_from_dict
    from staffsim.engine.streams import replication_seed

    from conftest import small_scenario

    a = scenario_from_dict(small_scenario())
    b = scenario_from_dict(small_scenario(**{"policies.substitutes.pool_size": 2, "name": "more-subs"}))
    rows = [metrics_frame(simulate(sc, replication_seed(4, r)), sc.name, 0, r) for sc in (a, b) for r in range(20)]
    comp = compare(pd.concat(rows), ["small", "more-subs"])
    narrower = 0
    for m in ("planning_hours_per_week", "overtime_hours_per_week", "mean_exhaustion", "coverage_hours_per_week"):
        r = comp[(comp.metric == m) & (comp.scenario == "more-subs")].iloc[0]
        paired = r["diff_ci_high"] - r["diff_ci_low"]
        unpaired = r["unpaired_diff_ci_high"] - r["unpaired_diff_ci_low"]
        narrower += paired < unpaired
    assert narrower == 4
