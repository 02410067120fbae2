"""Named structural levers: read and set on the compact form, by name from Python, --set and sweep files."""

from __future__ import annotations

import copy
import dataclasses

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from staffsim.cli import main
from staffsim.engine.simulate import simulate
from staffsim.errors import InputError
from staffsim.experiments.runs import build_variants
from staffsim.metrics.registry import compute_metrics
from staffsim.scenario.levers import LEVERS, Lever, apply_levers, apply_settings, lever_values
from staffsim.scenario.loading import read_scenario_dict, scenario_from_dict
from staffsim.scenario.schema import Scenario
from staffsim.scenario.timetable import WEEKDAYS

from conftest import SHIPPED

REQUIRED = ("teachers_per_team", "class_size", "planning_periods_per_day", "planning_day", "support_per_team",
            "residents_per_team", "substitute_pool", "supplement")


def design(name: str) -> dict:
    """A shipped design without its contract rules: a lever step may break one, which is a clear error of its
    own (tests/test_validation_contract.py); these tests are about what the levers change."""
    data = read_scenario_dict(name)[0]
    data.pop("contract", None)
    return data


def scheduled_planning(data: dict) -> float:
    return compute_metrics(simulate(scenario_from_dict(data), 1))["scheduled_planning_hours_per_week"]


def test_every_lever_says_what_it_is():
    assert set(REQUIRED) <= set(LEVERS)
    for name, lever in LEVERS.items():
        assert isinstance(lever, Lever) and lever.name == name
        assert lever.kind in ("int", "float", "bool") and lever.low < lever.high and lever.step > 0
        assert lever.label and lever.unit and lever.help
    with pytest.raises(dataclasses.FrozenInstanceError):
        LEVERS["class_size"].low = 0  # type: ignore[misc]


def test_current_values_of_the_shipped_designs():
    assert lever_values(design("team-based")) == {
        "teachers_per_team": 4, "class_size": 24, "planning_periods_per_day": 1, "planning_day": True,
        "support_per_team": 1, "residents_per_team": 1, "substitute_pool": 2, "supplement": 12040.0,
        "protected_planning": False, "leaders_planning_protected": False, "mentoring": True}
    assert lever_values(design("traditional")) == {"class_size": 24, "planning_periods_per_day": 1, "substitute_pool": 2,
                                                   "protected_planning": False, "mentoring": True}
    assert lever_values(design("pilot-two-periods"))["planning_periods_per_day"] == 2
    pilot = lever_values(design("pilot-4plus1"))
    assert pilot["teachers_per_team"] == 5 and pilot["planning_day"] is True
    assert "support_per_team" not in pilot and "residents_per_team" not in pilot  # two support roles; no resident


@pytest.mark.parametrize("name", SHIPPED)
def test_each_lever_sets_what_it_reads(name):
    data = design(name)
    before = copy.deepcopy(data)
    for lever, value in lever_values(data).items():
        lv = LEVERS[lever]
        targets = [False] if lv.kind == "bool" else sorted({max(lv.low, value - lv.step), min(lv.high, value + lv.step)})
        for target in targets:
            out = apply_levers(data, {lever: target})
            assert "bell_schedule" in out  # still the compact form
            Scenario.model_validate(scenario_from_dict(out).model_dump())
            if lv.kind != "bool":
                assert lever_values(out)[lever] == target, (lever, target)
    assert data == before  # the design given is never changed


def test_a_fifth_teacher_in_every_team():
    out = apply_levers(design("team-based"), {"teachers_per_team": 5})
    sc = scenario_from_dict(out)
    assert sc.staff_count == 28 + 4
    for team, tag in zip(sc.teams, "abcd"):
        (teachers,) = [m for m in team.members if m.role == "teacher"]
        assert teachers.count == 5 and teachers.timetables == tuple(f"{tag}_teacher_{d}" for d in ("tue", "wed", "thu", "fri"))


def test_the_planning_day_off_leaves_no_teaching_free_weekday():
    data = design("team-based")
    out = apply_levers(data, {"planning_day": False})
    sc = scenario_from_dict(out)
    for name, tt in sc.timetables.items():
        for wd in WEEKDAYS:
            assert any(b.activity in ("whole_class", "small_group", "online_lab") for b in tt.day(wd)), (name, wd)
    assert scheduled_planning(out) < scheduled_planning(data) - 4
    assert apply_levers(data, {"planning_day": True}) == data  # on where it is on: unchanged


def test_planning_periods_follow_the_last_one_round_the_bell_schedule():
    data = design("traditional")
    assert scheduled_planning(data) == pytest.approx(3.75)
    two = apply_levers(data, {"planning_periods_per_day": 2})
    sc = scenario_from_dict(two)
    # the period after each teacher's planning period becomes planning too (P7's is P1)
    assert [b.activity for b in sc.timetables["teacher_p7"].every_day][1] == "planning"
    assert scheduled_planning(two) == pytest.approx(3.75 + 50 * 5 / 60)
    none = apply_levers(data, {"planning_periods_per_day": 0})
    assert all("plan" not in t for t in none["teams"])  # the teams' $plan goes with the last use of it
    assert scheduled_planning(none) == 0
    one = apply_levers(design("pilot-two-periods"), {"planning_periods_per_day": 1})
    assert lever_values(one)["planning_periods_per_day"] == 1


@pytest.mark.parametrize("name, lever, value, words", [
    ("traditional", "planning_day", False, "no planning day"),
    ("traditional", "teachers_per_team", 2, "no team templates"),
    ("pilot-4plus1", "residents_per_team", 1, "no team template has a resident"),
    ("pilot-4plus1", "support_per_team", 2, "2 support role templates (enrichment, interventionist)"),
    ("blended", "supplement", 1000, "no role that leads a team"),
])
def test_a_lever_that_does_not_apply_names_lever_and_design(name, lever, value, words):
    with pytest.raises(InputError) as exc:
        apply_levers(design(name), {lever: value})
    (p,) = exc.value.problems
    assert p.startswith(f"{lever}: does not apply to {name}: ") and words in p


@pytest.mark.parametrize("values, words", [
    ({"class_size": 90}, "expected 10-40 students; found 90"),
    ({"teachers_per_team": 4.5}, "whole number"),
    ({"planning_day": "yes"}, "true or false"),
    ({"class_siz": 20}, "no such lever; did you mean 'class_size'?"),
])
def test_bad_lever_values(values, words):
    with pytest.raises(InputError) as exc:
        apply_levers(design("team-based"), values)
    assert words in exc.value.problems[0]


def test_settings_take_levers_and_dotted_paths_together():
    out = apply_settings(design("team-based"), {"class_size": 26, "policies.substitutes.fill_rate": 0.9, "budget": 1e6})
    sc = scenario_from_dict(out)
    assert sc.school.class_size == 26 and sc.policies.substitutes.fill_rate == 0.9 and sc.budget == 1e6
    with pytest.raises(InputError) as exc:
        apply_settings(design("team-based"), {"clas_size": 2, "policies.substitutes.pool": 1})
    assert len(exc.value.problems) == 2


def test_sweep_points_may_name_levers():
    points = pd.DataFrame({"point": [0, 1], "teachers_per_team": [4, 5], "policies.substitutes.pool_size": [1, 2]})
    variants = build_variants([("team-based", design("team-based"))], points)
    counts = [Scenario.model_validate_json(v.scenario_json).staff_count for v in variants]
    assert counts == [28, 32]


def test_set_on_compare_and_its_errors(tmp_path):
    out = tmp_path / "run"
    res = CliRunner().invoke(main, ["compare", "traditional", "team-based", "--set", "class_size=26", "--set",
                                    "policies.substitutes.pool_size=3", "-n", "1", "--backend", "serial",
                                    "--out", str(out), "-q"])
    assert res.exit_code == 0, res.output
    saved = yaml.safe_load((out / "scenarios" / "team-based.yaml").read_text())
    assert saved["school"]["class_size"] == 26 and saved["policies"]["substitutes"]["pool_size"] == 3
    res = CliRunner().invoke(main, ["compare", "traditional", "team-based", "--set", "planning_day=false", "-n", "1",
                                    "--out", str(tmp_path / "x")])
    assert res.exit_code == 2
    assert "planning_day: does not apply to traditional" in res.output
    res = CliRunner().invoke(main, ["run", "team-based", "--set", "class_size", "--out", str(tmp_path / "y")])
    assert res.exit_code == 2 and "expected NAME=VALUE" in res.output
