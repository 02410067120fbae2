"""Pay and retention (issue 11 (2)): pay relative to the market scales teachers' exit hazards (Hendricks 2014).

The paired tests run both arms on the same seeds (common random numbers), so the
difference is the lever's and not noise; tolerances are stated with each test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import staffsim
from staffsim.engine.plan import compile_plan
from staffsim.engine.workforce.constants import constants
from staffsim.engine.workforce.pay import pay_terms
from staffsim.errors import InputError
from staffsim.metrics.workforce import cohort_counts
from staffsim.scenario.loading import load_scenario, scenario_from_dict
from staffsim.scenario.pay import PayResponse, elasticity, hazard_multiplier, salary_at

from conftest import small_scenario


# ----------------------------------------------------------------- the multiplier (analytic)
def test_elasticity_fades_linearly_to_zero():
    eps = elasticity(np.array([0, 9.5, 19, 30]), -2.6, 19.0)
    assert eps[0] == -2.6 and eps[1] == pytest.approx(-1.3) and eps[2] == 0.0 and eps[3] == 0.0


def test_multiplier_is_pay_ratio_to_the_elasticity():
    p = PayResponse()
    assert hazard_multiplier(61600.0, 0, p) == 1.0  # at the reference the published rates apply, exactly
    assert hazard_multiplier(61600.0 * 1.1, 0, p) == pytest.approx(1.1 ** -2.6)
    assert hazard_multiplier(61600.0 * 1.1, 19, p) == 1.0  # no response from 19 years on
    assert hazard_multiplier(61600.0 * 0.9, 0, p) > 1.0  # underpaid: more likely to go
    q = PayResponse(reference_salary=50000, novice_elasticity=-2.0, fade_years=10)
    assert hazard_multiplier(60000.0, 5, q) == pytest.approx(1.2 ** -1.0)


def test_default_elasticity_averages_hendricks_over_the_stationary_staff():
    """-2.6 at 0 years, fading by 19: the exit-weighted mean elasticity of the stationary staff is about -1.4."""
    from staffsim.engine.workforce.codes import experience_band
    from staffsim.engine.workforce.stationary import stationary_rates

    p = load_scenario("traditional").workforce
    r = stationary_rates(p)
    x = np.arange(p.experience.max_years + 1)
    b = experience_band(x)
    mid = np.minimum(p.resignation.annual_rate_by_experience,
                     np.add(p.decision.movers_by_experience, p.decision.leavers_by_experience))
    w = r.experience * (1 - (1 - np.asarray(mid)[b]) * (1 - r.q_end))
    mean = float((w * elasticity(x, p.pay.novice_elasticity, p.pay.fade_years)).sum() / w.sum())
    assert -1.5 < mean < -1.3


def test_salary_schedule_step_at_or_below():
    sched = ((0, 50000.0), (5, 60000.0), (10, 70000.0))
    assert list(salary_at(1.0, sched, np.array([0, 4, 5, 12, np.nan]))) == [50000, 50000, 60000, 70000, 1.0]
    assert list(salary_at(61600.0, None, np.array([3.0]))) == [61600.0]


# ----------------------------------------------------------------- who responds
def test_teachers_at_the_reference_are_untouched():
    """Shipped teachers are paid the reference: no pay terms at all (the goldens of those designs stay)."""
    for name in ("traditional", "blended", "pilot-4plus1", "instructional-partners"):
        sc = load_scenario(name)
        assert pay_terms(sc, compile_plan(sc).staff_role) is None, name


def test_a_leaders_supplement_lowers_only_the_leaders_hazard():
    sc = load_scenario("team-based")
    plan = compile_plan(sc)
    t = constants(plan).pay
    assert t is not None
    idx = np.arange(plan.n_staff)
    m = t.multiplier(idx, np.full(plan.n_staff, 5.0))
    ratio = (61600 + 12040) / 61600
    assert np.allclose(m[plan.is_leader], ratio ** (-2.6 * (1 - 5 / 19)))
    assert np.all(m[~plan.is_leader] == 1.0)  # teachers at the reference; residents and support do not respond


def test_pay_off_when_elasticity_is_zero():
    sc = load_scenario("team-based", {"workforce.pay.novice_elasticity": 0})
    assert pay_terms(sc, compile_plan(sc).staff_role) is None


@pytest.mark.parametrize("path, value", [
    ("workforce.pay.reference_salary", 0), ("workforce.pay.reference_salary", -5),
    ("workforce.pay.novice_elasticity", 0.5), ("workforce.pay.fade_years", -1), ("workforce.pay.fade_years", 0),
])
def test_bad_pay_parameters_are_refused_with_the_field(path, value):
    with pytest.raises(InputError) as exc:
        scenario_from_dict(small_scenario(**{path: value}))
    assert path.split(".")[-1] in str(exc.value)


# ----------------------------------------------------------------- lever responses (paired seeds)
def _pooled(sc, keys, reps):
    tot = {k: np.zeros(2) for k in keys}
    for seed in range(1, reps + 1):
        c = cohort_counts(staffsim.simulate(sc, seed))
        for k in keys:
            tot[k] += c[k]
    return {k: v[0] / v[1] for k, v in tot.items()}


def test_ten_percent_more_base_pay_lowers_teacher_turnover():
    """+10 % base pay: turnover falls 8-20 % relative (Hendricks: elasticity -0.8 to -2.0), more in years 1-3 than 20+.

    150 paired replications of the traditional design (about 3,000 teacher-years); measured with 400:
    see docs/model.md §2.4.11.
    """
    keys = ["turnover", "turnover_exp_1_3", "turnover_exp_20_plus"]
    base = _pooled(load_scenario("traditional"), keys, 150)
    up = _pooled(load_scenario("traditional", {"roles.teacher.salary": 67760}), keys, 150)
    rel = {k: up[k] / base[k] - 1 for k in keys}
    assert -0.20 <= rel["turnover"] <= -0.08, rel
    assert rel["turnover_exp_1_3"] < rel["turnover_exp_20_plus"] - 0.05, rel


def test_a_bigger_supplement_retains_teacher_leaders():
    """Supplement $0 -> $20,000 (team-based, 60 paired replications, 240 leader-years): leader turnover falls."""
    keys = ["turnover_teacher_leader"]
    none = _pooled(load_scenario("team-based", {"roles.teacher_leader.supplement": 0}), keys, 60)
    rich = _pooled(load_scenario("team-based", {"roles.teacher_leader.supplement": 20000}), keys, 60)
    assert rich["turnover_teacher_leader"] < none["turnover_teacher_leader"] * 0.9, (none, rich)
    assert not math.isnan(rich["turnover_teacher_leader"])


def test_a_scenario_in_other_money_states_its_reference_salary():
    money = {"costs.currency": "EUR", "costs.substitute_day_rate": 120, "costs.long_term_sub_day_rate": 150,
             "costs.cost_per_leaver": 15000}
    data = small_scenario(**money)
    with pytest.raises(InputError) as exc:
        scenario_from_dict(data)
    assert "workforce.pay.reference_salary" in str(exc.value.render())
    data["workforce"] = {"pay": {"reference_salary": 45000}}
    assert scenario_from_dict(data).workforce.pay.reference_salary == 45000


def test_a_bad_pay_value_exits_2_naming_the_field(tmp_path):
    import yaml
    from click.testing import CliRunner

    from staffsim.cli import main

    f = tmp_path / "s.yaml"
    f.write_text(yaml.safe_dump(small_scenario(**{"workforce.pay.fade_years": -3})))
    res = CliRunner().invoke(main, ["validate", str(f)])
    assert res.exit_code == 2 and "workforce.pay.fade_years" in res.output, res.output
