"""Mentoring and induction (issue 11 (1)): policies.mentoring, its minutes, its hazard effect, the BTLS pair."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

import staffsim
from staffsim.cli import main
from staffsim.engine.ledger import EVENT_CODES
from staffsim.engine.plan import compile_plan
from staffsim.engine.workforce.constants import constants
from staffsim.errors import InputError
from staffsim.experiments.calibration import cohort_scenario
from staffsim.experiments.mentoring_cohort import mentoring_scenario, novice_table
from staffsim.scenario.loading import load_scenario, scenario_from_dict
from staffsim.scenario.vocabulary import CONTRACT_COLUMNS, Activity

from conftest import calm, small_scenario

A = Activity
POLICY = {"mentor_role": "teacher", "mentor_minutes_per_week": 60, "release_minutes_per_week": 45}


def _small(policy=None, **changes):
    data = calm(small_scenario(**{"workforce.experience.initial_shares": [1, 0, 0, 0], **changes}))
    if policy is not None:
        data["policies"]["mentoring"] = policy
    return scenario_from_dict(data)


# ----------------------------------------------------------------- input
@pytest.mark.parametrize("policy, field", [
    ({"mentor_role": "coach"}, "mentor_role"),
    ({"provided": True}, "mentoring"),
    ({"mentor_role": "teacher", "mentor_minutes_per_week": -5}, "mentor_minutes_per_week"),
    ({"mentor_role": "teacher", "release_minutes_per_week": 700}, "release_minutes_per_week"),
    ({"mentor_role": "teacher", "mentee_max_years": -1}, "mentee_max_years"),
    ({"mentor_role": "teacher", "mentored_hazard_multiplier": -1}, "mentored_hazard_multiplier"),
    ({"mentor": "teacher"}, "mentor"),
])
def test_bad_mentoring_is_refused_with_the_field(policy, field):
    data = small_scenario()
    data["policies"]["mentoring"] = policy
    with pytest.raises(InputError) as exc:
        scenario_from_dict(data)
    assert field in str(exc.value)


def test_an_unknown_mentor_exits_2_naming_the_field(tmp_path):
    import yaml

    data = small_scenario()
    data["policies"]["mentoring"] = {"mentor_role": "mentorr"}
    f = tmp_path / "s.yaml"
    f.write_text(yaml.safe_dump(data))
    res = CliRunner().invoke(main, ["validate", str(f)])
    assert res.exit_code == 2 and "policies.mentoring.mentor_role" in res.output, res.output


# ----------------------------------------------------------------- minutes (no randomness)
def test_mentoring_moves_planning_minutes_exactly_and_counts_each_minute_once():
    without = staffsim.simulate(_small(), 3)
    L = staffsim.simulate(_small(POLICY), 3)
    d = L.minutes - without.minutes
    contract = [int(c) for c in CONTRACT_COLUMNS]
    assert np.array_equal(L.minutes[:, :, contract].sum(axis=2), without.minutes[:, :, contract].sum(axis=2))
    years = np.asarray(L.extra["experience"])[0]
    mentee = (years == 0) & L.is_teacher
    assert mentee.any() and (~mentee & L.is_teacher).any()
    # every mentee is released 45 / 5 = 9 minutes a day, every mentor gives 60 / 5 = 12 per mentee
    assert np.all(d[:, mentee, A.COACHING_RECEIVED] == 9.0)
    assert np.all(d[:, ~mentee, A.COACHING_RECEIVED] == 0.0)
    given = d[:, :, A.COACHING_GIVEN]
    assert np.all(given[:, mentee] == 0.0)  # a mentee never mentors
    assert given.sum(axis=1).tolist() == [12.0 * mentee.sum()] * L.minutes.shape[0]
    assert np.array_equal(d[:, :, A.PLANNING_INDIVIDUAL], -(given + d[:, :, A.COACHING_RECEIVED]))
    # mentors on the mentee's own team
    ev = L.events[L.events[:, 1] == EVENT_CODES["mentoring"]]
    assert np.all(L.staff_team[ev[:, 2]] == L.staff_team[ev[:, 3]])
    m = staffsim.compute_metrics(L)
    weeks = L.minutes.shape[0] / 5
    assert m["mentoring_given_hours_per_week"] == pytest.approx(12.0 * mentee.sum() * 5 / 60)
    assert m["induction_release_hours_per_week"] == pytest.approx(9.0 * mentee.sum() * 5 / 60)
    assert weeks == 10


def test_no_section_no_mentoring_metrics_and_not_provided_moves_nothing():
    assert "mentoring_given_hours_per_week" not in staffsim.compute_metrics(staffsim.simulate(_small(), 1))
    without = staffsim.simulate(_small(), 1)
    off = staffsim.simulate(_small({"provided": False}), 1)
    assert np.array_equal(off.minutes, without.minutes)
    assert staffsim.compute_metrics(off)["mentoring_given_hours_per_week"] == 0.0


# ----------------------------------------------------------------- the hazard
def test_mentees_hazards_carry_the_policy_multiplier():
    sc = _small({"mentor_role": "teacher", "mentee_max_years": 1, "mentored_hazard_multiplier": 0.7},
                **{"workforce.static": False})
    t = constants(compile_plan(sc)).mentoring
    idx = np.arange(len(t.eligible))
    f = t.hazard_factor(idx, np.array([0, 1, 2, 0, 1, 2, 0, 0], dtype=float))
    expect = np.where(t.eligible & (np.array([0, 1, 2, 0, 1, 2, 0, 0]) <= 1), 0.7, 1.0)
    assert np.array_equal(f, expect)
    off = constants(compile_plan(_small({"provided": False}, **{"workforce.static": False}))).mentoring
    assert off.hazard == 2.69 and not off.meets


# ----------------------------------------------------------------- the BTLS pair
def _first_year_leavers(sc, reps: int) -> float:
    rows = [novice_table(staffsim.simulate(sc, seed)) for seed in range(1, reps + 1)]
    n = sum(float(r["novices"].iloc[0]) for r in rows)
    left = sum(float(r["novices_left"].iloc[0]) for r in rows)
    return left / n


def test_btls_mentored_and_unmentored_first_year_exits():
    """300 replications of the early-career traditional cohort (about 2,000 first-year teachers per arm).

    BTLS: 8 % of mentored and 16 % of unmentored beginners were not teaching the next year. Bands: 8 +- 2
    points and 16 +- 3 points (about three standard errors of a pooled share over 2,000 novices). Mentored
    is the baseline novice (multiplier 1, about 7.1 %); adding mentoring must never raise exits.
    """
    cohort = cohort_scenario(load_scenario("traditional"), graduate_share=0.0)
    on = _first_year_leavers(mentoring_scenario(cohort, True), 300)
    off = _first_year_leavers(mentoring_scenario(cohort, False), 300)
    assert 0.06 <= on <= 0.10, on
    assert 0.13 <= off <= 0.19, off
    assert off > 1.5 * on


def test_validate_names_mentoring_that_does_nothing():
    from staffsim.scenario.effects import no_effect

    data = small_scenario()
    data["roles"]["coach"] = {"category": "teacher", "salary": 60000}
    data["policies"]["mentoring"] = {"mentor_role": "coach"}
    paths = [e.path for e in no_effect(scenario_from_dict(data))]
    assert "policies.mentoring.mentor_role" in paths
    data["policies"]["mentoring"] = {"provided": False, "mentor_minutes_per_week": 30}
    paths = [e.path for e in no_effect(scenario_from_dict(data))]
    assert "policies.mentoring.mentor_minutes_per_week" in paths
