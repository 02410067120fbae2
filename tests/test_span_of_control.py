"""Span of control (issue 11, mechanism 3): a teacher-leader's coaching is shared among the teachers led beyond
the reference span, and the leader's workload grows with every teacher beyond it (engine/span.py)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import small_scenario
from test_engine_day import context, day, one_team

from staffsim.engine.day.planning import coaching
from staffsim.engine.day.staffing import absences
from staffsim.engine.plan import compile_plan
from staffsim.engine.simulate import simulate
from staffsim.metrics.registry import compute_metrics
from staffsim.engine.streams import replication_seed
from staffsim.errors import InputError
from staffsim.scenario.levers import apply_levers
from staffsim.scenario.loading import read_scenario_dict, scenario_from_dict
from staffsim.scenario.vocabulary import CATEGORY_CODES, Activity

IND, CREC = Activity.PLANNING_INDIVIDUAL, Activity.COACHING_RECEIVED


def led_team(teachers: int, **changes) -> dict:
    """One team: a leader coaching 09:00-10:00, `teachers` teachers coached 09:00-09:40 each."""
    return one_team({"lead": ["09:00-10:00 coaching_given", "10:00-11:00 whole_class"],
                     "c": ["08:00-09:00 whole_class", "09:00-09:40 coaching_received", "10:00-11:00 planning"]},
                    [("leader", "lead", 1), ("teacher", "c", teachers)], **changes)


def test_at_or_below_the_reference_span_nothing_is_shared():
    plan = compile_plan(scenario_from_dict(led_team(4)))
    assert plan.team_span.tolist() == [4.0] and plan.coaching_share is None
    base = compile_plan(scenario_from_dict(led_team(4, **{"behaviour.span_of_control.leader_hours_per_extra_teacher": 0})))
    assert np.array_equal(plan.workload_minutes, base.workload_minutes)


def test_beyond_the_reference_each_coached_teacher_keeps_reference_over_span_exact_minutes():
    ctx = context(led_team(8))  # span 8, reference 4: each teacher keeps half of the 40 coached minutes
    assert ctx.rules.plan.coaching_share.tolist() == [1.0] + [0.5] * 8
    st = day(ctx, absences, coaching)
    assert st.M[1:, CREC].tolist() == [20.0] * 8
    assert st.M[1:, IND].tolist() == [80.0] * 8  # 60 planned + the 20 coaching minutes not given
    assert st.M[0, Activity.COACHING_GIVEN] == 60  # the leader coaches as timetabled


def test_the_leaders_workload_grows_by_the_hours_per_teacher_beyond_the_reference():
    four, eight = (compile_plan(scenario_from_dict(led_team(n))) for n in (4, 8))
    # 0.5 h a week per teacher beyond 4: 2 h a week = 24 minutes a school day, for the leader only
    assert eight.workload_minutes[0] - four.workload_minutes[0] == pytest.approx(24.0)
    assert (eight.workload_minutes[1:] == four.workload_minutes[1]).all()  # teachers: unchanged
    two = scenario_from_dict(led_team(8, **{"behaviour.span_of_control.leader_hours_per_extra_teacher": 1.0}))
    assert compile_plan(two).workload_minutes[0] - four.workload_minutes[0] == pytest.approx(48.0)


def test_two_leaders_halve_the_span():
    data = led_team(8)
    data["teams"][0]["members"][0]["count"] = 2
    plan = compile_plan(scenario_from_dict(data))
    assert plan.team_span.tolist() == [4.0] and plan.coaching_share is None


@pytest.mark.parametrize("path, value", [("reference_teachers", 0), ("reference_teachers", -1),
                                         ("leader_hours_per_extra_teacher", -0.5)])
def test_bad_values_name_the_field(path, value):
    with pytest.raises(InputError) as exc:
        scenario_from_dict(small_scenario(**{f"behaviour.span_of_control.{path}": value}))
    assert f"span_of_control.{path}" in str(exc.value)


def team_based(teachers: int):
    """The shipped team-based design with `teachers` per team and 24 students per teacher (leader included)."""
    raw, _ = read_scenario_dict("team-based")
    d = apply_levers(raw, {"teachers_per_team": teachers})
    d["team_templates"]["mcl"]["students"] = 24 * (teachers + 1)
    d["school"]["students"] = 4 * 24 * (teachers + 1)
    return scenario_from_dict(d, source=f"team-based, {teachers} teachers")


def per_week(L, column: Activity, category: str) -> float:
    """Hours a week per person of `category` in school, in ledger `column`."""
    days = (L.staff_category == CATEGORY_CODES[category])[None, :] & (L.minutes[:, :, Activity.ABSENT] == 0) & L.filled
    return float(L.minutes[:, :, column][days].sum() / days.sum() * 5 / 60)


def test_a_leader_of_eight_teachers_coaches_each_less_and_works_longer_than_a_leader_of_four():
    """CRN-paired, 12 replications: coaching per teacher falls by about half (reference 4 / span 8: the
    ratio must be below 0.6) and leader overtime rises by most of the 2 h a week added (at least 1.5 h)."""
    four, eight = team_based(4), team_based(8)
    coach, overtime, metric = [], [], []
    for r in range(12):
        a, b = (simulate(sc, replication_seed(1, r)) for sc in (four, eight))
        coach.append((per_week(a, CREC, "teacher"), per_week(b, CREC, "teacher")))
        overtime.append((per_week(a, Activity.OVERTIME, "teacher_leader"), per_week(b, Activity.OVERTIME, "teacher_leader")))
        metric.append([compute_metrics(L)["leader_overtime_hours_per_week"] for L in (a, b)])
    coach, overtime, metric = np.array(coach), np.array(overtime), np.array(metric)
    assert coach[:, 1].mean() < 0.6 * coach[:, 0].mean()
    assert (overtime[:, 1] - overtime[:, 0]).mean() > 1.5
    assert (metric[:, 1] - metric[:, 0]).mean() > 1.5  # the reported metric shows it too
