"""The policy switches the workshop offers (protected planning; teacher-leaders' planning protected): named levers,
each one declarative entry of `LEVERS`, that act, round-trip, and refuse a bad value with the lever named."""

from __future__ import annotations

import subprocess
import sys

import pytest

from staffsim.engine.simulate import simulate
from staffsim.engine.streams import replication_seed
from staffsim.errors import InputError
from staffsim.metrics.registry import compute_metrics
from staffsim.scenario.levers import LEVERS, Lever, _switch, apply_levers, apply_settings, lever_values
from staffsim.scenario.loading import read_scenario_dict, scenario_from_dict

BOTH = ("planning", "collaborative_planning")


def design(name: str) -> dict:
    return read_scenario_dict(name)[0]


def test_protected_planning_writes_the_coverage_policy_and_reads_back():
    data = design("team-based")
    assert lever_values(data)["protected_planning"] is False
    on = apply_levers(data, {"protected_planning": True})
    assert scenario_from_dict(on).policies.coverage.protected == BOTH
    assert lever_values(on)["protected_planning"] is True
    off = apply_levers(on, {"protected_planning": False})
    assert scenario_from_dict(off).policies.coverage.protected == ()
    assert apply_levers(data, {"protected_planning": False})["policies"]["coverage"]["protected"] == []
    partly = apply_settings(data, {"policies.coverage.protected": ["collaborative_planning"]})
    assert lever_values(partly)["protected_planning"] is True  # some protection reads on


def test_leaders_planning_protected_adds_and_removes_only_the_leaders():
    data = apply_settings(design("team-based"), {"policies.coverage.protected_roles": ["resident"]})
    on = apply_levers(data, {"leaders_planning_protected": True})
    assert scenario_from_dict(on).policies.coverage.protected_roles == ("resident", "teacher_leader")
    assert lever_values(on)["leaders_planning_protected"] is True
    off = apply_levers(on, {"leaders_planning_protected": False})
    assert scenario_from_dict(off).policies.coverage.protected_roles == ("resident",)
    assert "leaders_planning_protected" not in lever_values(design("traditional"))
    with pytest.raises(InputError) as exc:
        apply_levers(design("traditional"), {"leaders_planning_protected": True})
    assert exc.value.problems[0].startswith("leaders_planning_protected: does not apply to traditional: ")


def test_protected_planning_keeps_more_planning_on_the_same_seeds():
    data = design("traditional")
    for r in range(2):
        kept = [compute_metrics(simulate(scenario_from_dict(apply_levers(data, {"protected_planning": on})),
                                         replication_seed(1, r)))["planning_hours_per_week"] for on in (False, True)]
        assert kept[1] > kept[0] + 0.05, kept  # the colleagues' planning no longer goes to cover


def test_a_bad_switch_value_exits_2_with_the_lever_named(tmp_path):
    r = subprocess.run([sys.executable, "-m", "staffsim", "run", "team-based", "--set", "protected_planning=maybe",
                        "-n", "2", "--out", str(tmp_path / "x"), "-q"], capture_output=True, text=True)
    assert r.returncode == 2 and "protected_planning" in r.stderr + r.stdout and "true or false" in r.stderr + r.stdout
    with pytest.raises(InputError) as exc:
        apply_levers(design("team-based"), {"leaders_planning_protected": 3})
    assert "leaders_planning_protected: expected true or false" in exc.value.problems[0]


def test_a_switch_is_one_declarative_entry():
    """A switch over a bool field with a default: path, on, off, nothing else (as mentoring will be)."""
    lever = Lever("subs_run_groups", "Substitutes run small groups", "on/off", "bool", 0, 1, 1, "a test switch",
                  path="policies.substitutes.run_small_groups", on=True, off=False)
    get, put = _switch(lever)
    data = design("team-based")
    data["policies"]["substitutes"].pop("run_small_groups", None)
    assert get(data) is False  # left out: off
    put(data, True)
    assert get(data) is True and scenario_from_dict(data).policies.substitutes.run_small_groups is True
    for lv in LEVERS.values():
        assert lv.kind == "bool" or lv.on is None  # only switches carry on/off values


def test_the_page_offers_the_switches():
    pytest.importorskip("starlette", reason="needs the app extra")
    from staffsim.present.app.catalogue import lever_table, load_catalogue

    cat = load_catalogue()
    assert {"protected_planning", "leaders_planning_protected"} <= set(cat.levers("team-based"))
    table = {lv["name"]: lv for lv in lever_table()}
    assert table["protected_planning"]["kind"] == "bool" and table["protected_planning"]["unit"] == "on/off"


def test_mentoring_switch_writes_the_policy_and_reads_back():
    data = design("team-based")
    assert lever_values(data)["mentoring"] is True  # no section: the published (mentored) novice rates
    on = apply_levers(data, {"mentoring": True})
    assert on["policies"]["mentoring"] == {"provided": True, "mentor_role": "teacher_leader"}
    assert "mentoring" not in data.get("policies", {})  # the design given is not changed
    off = apply_levers(on, {"mentoring": False})
    assert off["policies"]["mentoring"] == {"provided": False} and lever_values(off)["mentoring"] is False
    assert apply_levers(design("traditional"), {"mentoring": True})["policies"]["mentoring"]["mentor_role"] == "teacher"
    custom = {**data, "policies": {**data["policies"], "mentoring": {"mentor_role": "teacher", "mentor_minutes_per_week": 90}}}
    kept = apply_levers(custom, {"mentoring": True})["policies"]["mentoring"]
    assert kept["mentor_role"] == "teacher" and kept["mentor_minutes_per_week"] == 90  # turning on keeps a design's own


def test_mentoring_switch_off_raises_novice_exits_on_the_same_seeds():
    """CRN-paired, 40 replications of the traditional design: with the switch off (no mentor, BTLS 16 %) more
    teachers leave than with it on (the baseline novice), and only when on is mentor time spent."""
    data = design("traditional")
    res = {}
    for value in (True, False):
        sc = scenario_from_dict(apply_levers(data, {"mentoring": value}))
        ms = [compute_metrics(simulate(sc, replication_seed(1, r))) for r in range(40)]
        res[value] = (sum(m["leaver_rate"] for m in ms) / 40, sum(m["mentoring_given_hours_per_week"] for m in ms) / 40)
    assert res[False][0] > res[True][0]
    assert res[True][1] > 0 and res[False][1] == 0
