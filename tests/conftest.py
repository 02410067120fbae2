"""Shared fixtures: paths to the shipped designs and a small synthetic scenario."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "staffsim" / "designs"  # the shipped designs (package data)
#: The shipped designs written out in the expanded form (what the compact files expand to; tests/test_designs.py).
EXPANDED = ROOT / "tests" / "golden" / "designs"
SHIPPED = ["traditional", "blended", "team-based", "pilot-4plus1", "pilot-two-periods"]
#: Shipped designs added after the compact form (no expanded copy in tests/golden/designs, no golden results yet).
NEW_DESIGNS = ["instructional-partners"]


def small_scenario(**changes) -> dict:
    """A 2-team, 6-teacher school as a plain dict (tests change it and validate it)."""
    data = {
        "name": "small",
        "school": {"students": 120, "grade_band": "middle", "class_size": 20},
        "calendar": {"weeks": 10, "breaks": [{"name": "b", "after_week": 5, "weeks": 1}]},
        "contract_day": {"start": "08:00", "end": "15:00"},
        "roles": {
            "teacher": {"category": "teacher", "salary": 60000, "planning_workload_hours_per_week": 10},
            "aide": {"category": "support", "salary": 30000},
        },
        "timetables": {
            "a": {"every_day": ["08:00-09:00 whole_class", "09:00-10:00 planning", "10:00-11:00 whole_class",
                                "11:00-11:30 small_group", "12:00-13:00 whole_class", "13:00-14:00 whole_class"]},
            "b": {"every_day": ["08:00-09:00 whole_class", "09:00-10:00 whole_class", "10:00-11:00 planning",
                                "11:00-11:30 small_group", "12:00-13:00 whole_class", "13:00-14:00 collaborative_planning"]},
            "aide": {"every_day": ["08:00-10:00 online_lab", "10:00-12:00 small_group", "13:00-15:00 duties"]},
        },
        "teams": [
            {"name": "t", "count": 2, "students": 60, "members": [
                {"role": "teacher", "count": 3, "timetable": ["a", "b"]},
                {"role": "aide", "timetable": "aide"},
            ]},
        ],
        "policies": {"substitutes": {"pool_size": 1, "fill_rate": 0.9},
                     "coverage": {"order": ["colleague_planning", "cancel_small_group", "combine_classes"]}},
        "behaviour": {"absence": {"days_per_year": 10}, "interruptions": {"per_planning_hour": 0.5, "mean_minutes": 10},
                      "needs": {"per_student_per_week": 0.5}},
    }
    data = copy.deepcopy(data)
    from staffsim.scenario.loading import apply_overrides

    return apply_overrides(data, changes) if changes else data


@pytest.fixture
def small():
    from staffsim.scenario.loading import scenario_from_dict

    return scenario_from_dict(small_scenario())


def calm(data: dict) -> dict:
    """The same scenario with every source of randomness switched off."""
    from staffsim.scenario.loading import apply_overrides

    return apply_overrides(data, {
        "behaviour.absence.days_per_year": 0,
        "behaviour.interruptions.per_planning_hour": 0,
        "workforce.static": True,
    })
