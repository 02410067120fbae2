"""The plan cache by content: a scenario whose timetable content was compiled before shares its plan's arrays,
and the content key holds every field the compiler reads."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from staffsim.engine import plan as plan_module
from staffsim.engine.plan import compile_plan, content_key
from staffsim.engine.simulate import simulate
from staffsim.engine.streams import replication_seed
from staffsim.metrics.registry import compute_metrics
from staffsim.scenario.assumptions import overrides, uncertain
from staffsim.scenario.loading import apply_overrides, read_scenario, scenario_from_dict, scenario_to_dict

from conftest import SCENARIOS

#: Top-level sections and fields the compiler reads (`content_key`); everything else must not move the arrays.
KEYED = ("contract_day", "calendar", "teams", "timetables", "policies.small_groups.max_size", "policies.coverage")


def same_plan(a, b) -> bool:
    """Every field of two compiled plans equal, the scenario aside."""
    for f in dataclasses.fields(a):
        if f.name == "scenario":
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            if not np.array_equal(x, y):
                return False
        elif dataclasses.is_dataclass(x):
            if not same_plan(x, y):
                return False
        elif x != y:
            return False
    return True


def numeric_leaves(data, prefix=""):
    if isinstance(data, dict):
        for k, v in data.items():
            yield from numeric_leaves(v, f"{prefix}{k}.")
    elif isinstance(data, (int, float)) and not isinstance(data, bool):
        yield prefix[:-1], data


def nudged(v):
    if isinstance(v, int):
        return v + 1
    return v / 2 if 0 < v <= 1 else v * 1.5 + 0.1


def test_a_non_timetable_override_reuses_the_arrays_and_keeps_its_own_scenario():
    sc, raw = read_scenario(SCENARIOS / "team-based.yaml")
    base = compile_plan(sc)
    other = scenario_from_dict(apply_overrides(raw, {"workforce.exhaustion.load_weight": 2.0,
                                                     "behaviour.absence.days_per_year": 14}))
    p = compile_plan(other)
    assert p is not base and p.scenario is other and p.minutes is base.minutes and p.cover_tasks is base.cover_tasks
    assert compile_plan(other) is p  # the identity cache still answers first
    moved = scenario_from_dict(apply_overrides(raw, {"policies.small_groups.max_size": 3}))
    assert content_key(moved) != content_key(sc) and compile_plan(moved).seats is not base.seats


def test_results_are_the_same_with_a_shared_plan():
    sc, raw = read_scenario(SCENARIOS / "traditional.yaml")
    other = scenario_from_dict(apply_overrides(raw, {"workforce.decision.exhaustion_sensitivity": 0.5}))
    shared = compute_metrics(simulate(other, replication_seed(1, 3)))
    plan_module._BY_CONTENT.clear()
    fresh = scenario_from_dict(apply_overrides(raw, {"workforce.decision.exhaustion_sensitivity": 0.5}))
    again = compute_metrics(simulate(fresh, replication_seed(1, 3)))
    assert again.keys() == shared.keys()
    np.testing.assert_array_equal(np.array(list(again.values())), np.array(list(shared.values())))


#: Uncertain parameters the compiled plan reads (the per-student workload sets each position's daily
#: workload): a sensitivity point that varies them compiles anew, which is correct, not a cache miss.
PLAN_INPUTS = ("behaviour.planning.workload_hours_per_student",)


def test_every_uncertain_parameter_leaves_the_content_key_alone():
    sc, raw = read_scenario(SCENARIOS / "traditional.yaml")
    key = content_key(sc)
    for a in uncertain():
        if a.path in PLAN_INPUTS:
            continue
        changed = scenario_from_dict(apply_overrides(raw, overrides(sc, {a.path: a.value(0.9)})))
        assert content_key(changed) == key, a.path


@pytest.mark.parametrize("design", ["traditional", "team-based"])
def test_fields_outside_the_key_never_change_the_compiled_arrays(design):
    sc, _ = read_scenario(SCENARIOS / f"{design}.yaml")
    data = scenario_to_dict(sc)
    base = plan_module._compile(sc)
    assert content_key(scenario_from_dict(data)) == content_key(sc)  # a resolved scenario keys as its file
    checked = 0
    for path, v in numeric_leaves(data):
        if any(path == k or path.startswith(k + ".") for k in KEYED):
            continue
        try:
            changed = scenario_from_dict(apply_overrides(data, {path: nudged(v)}))
        except Exception:  # noqa: BLE001 - a nudge the schema refuses says nothing about the cache
            continue
        if content_key(changed) == content_key(sc):
            assert same_plan(plan_module._compile(changed), base), f"{path} changes the plan but not content_key"
            checked += 1
    assert checked >= 60
