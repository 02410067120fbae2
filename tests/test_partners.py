"""Coaches without a class (instructional partners): scheduled coaching links and their absence, exact minutes."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SCENARIOS
from test_engine_day import context, day, one_team

from staffsim.engine.day.partners import partner_coaching
from staffsim.engine.day.planning import coaching
from staffsim.engine.day.staffing import absences
from staffsim.engine.plan import compile_plan
from staffsim.engine.simulate import simulate
from staffsim.metrics.registry import compute_metrics
from staffsim.scenario.loading import load_scenario, scenario_from_dict
from staffsim.scenario.vocabulary import CATEGORY_INFO, Activity

IND, CREC, CGIV = Activity.PLANNING_INDIVIDUAL, Activity.COACHING_RECEIVED, Activity.COACHING_GIVEN


def school() -> dict:
    """Three teachers (team t) coached 10:00-10:30; partner 0 gives 10:00-10:20, partner 1 10:15-10:30
    (the overlap 10:15-10:20 is partner 0's: first in staff order). The partners are on another team."""
    data = one_team({"a": ["08:00-09:00 whole_class", "09:00-10:00 planning", "10:00-10:30 coaching_received",
                           "12:00-13:00 whole_class"],
                     "p0": ["10:00-10:20 coaching_given", "13:00-14:00 planning"],
                     "p1": ["10:15-10:30 coaching_given", "13:00-14:00 planning"]},
                    [("teacher", "a", 3)])
    data["roles"]["partner"] = {"category": "instructional_partner", "salary": 60000}
    data["teams"].append({"name": "partners", "students": 0, "members": [
        {"role": "partner", "timetable": "p0"}, {"role": "partner", "timetable": "p1"}]})
    return data


def test_links_are_the_overlapping_minutes():
    plan = compile_plan(scenario_from_dict(school()))
    assert plan.coach_links[0] == ((3, 0, 20), (4, 0, 10), (3, 1, 20), (4, 1, 10), (3, 2, 20), (4, 2, 10))
    assert all(links == plan.coach_links[0] for links in plan.coach_links)


@pytest.mark.parametrize("absent, ind, crec", [
    ((), [60, 60, 60], [30, 30, 30]),                 # both partners in: coaching as timetabled
    ((3,), [80, 80, 80], [10, 10, 10]),               # partner 0 out: its 20 minutes are planning
    ((4,), [70, 70, 70], [20, 20, 20]),               # partner 1 out: its 10 minutes
    ((3, 4), [90, 90, 90], [0, 0, 0]),                # both out: the whole session is planning
    ((3, 1), [80, 0, 80], [10, 0, 10]),               # an absent teacher's day is absence, not planning
])
def test_an_absent_partner_turns_its_coaching_into_planning(absent, ind, crec):
    st = day(context(school(), absent=absent), absences, coaching, partner_coaching)
    assert st.M[:3, IND].tolist() == ind
    assert st.M[:3, CREC].tolist() == crec
    assert st.M[3:, CGIV].tolist() == [0 if 3 in absent else 20, 0 if 4 in absent else 15]  # as timetabled


def test_the_category_is_one_vocabulary_row():
    info = CATEGORY_INFO["instructional_partner"]
    assert info.coaches_on_schedule and not info.teaches and not info.needs_cover and not info.leads_team


def test_shipped_design_is_traditional_plus_one_partner():
    ip, trad = load_scenario(SCENARIOS / "instructional-partners.yaml"), load_scenario(SCENARIOS / "traditional.yaml")
    for part in ("school", "calendar", "contract_day", "behaviour", "policies"):
        assert getattr(ip, part) == getattr(trad, part), part
    assert ip.staff_count == trad.staff_count + 1
    plan = compile_plan(ip)
    assert [sum(m for _, _, m in links) for links in plan.coach_links] == [150, 150, 150, 150, 0]
    m = compute_metrics(simulate(ip, 1))
    assert 0.3 < m["coaching_received_hours_per_week"] < 0.5  # 30 min a week, less the partner's absences
    assert compute_metrics(simulate(trad, 1))["coaching_received_hours_per_week"] == 0
