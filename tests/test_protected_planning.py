"""Protected planning (policies.coverage.protected, protected_roles): coverage never takes a protected block."""

from __future__ import annotations

import random

import numpy as np
import pytest
from conftest import small_scenario
from test_engine_cover import compiled_options, generated, reference_options

from staffsim.engine.cover import BY_PLANNING
from staffsim.engine.ledger import EVENT_CODES
from staffsim.engine.plan import _staff, compile_plan
from staffsim.engine.simulate import simulate
from staffsim.errors import InputError
from staffsim.scenario.loading import scenario_from_dict
from staffsim.scenario.vocabulary import PLANNED, Activity

E_COVERAGE, E_COMBINED = EVENT_CODES["coverage"], EVENT_CODES["combined"]


def _protect(seed: int):
    """A generated school (random timetables and policy) with random protected activities and roles."""
    rng = random.Random(1000 + seed)
    base = generated(seed)
    data = base.model_dump(mode="json")
    data["policies"]["coverage"]["protected"] = rng.sample(["planning", "collaborative_planning", "structured_planning"], rng.randint(0, 3))
    data["policies"]["coverage"]["protected_roles"] = rng.sample(sorted(data["roles"]), rng.randint(0, 2))
    return base, scenario_from_dict(data)


@pytest.mark.parametrize("seed", range(30))
def test_a_protected_block_is_never_a_cover_option(seed):
    """Property over generated timetables: the options are the unprotected reference minus protected blocks."""
    base, sc = _protect(seed)
    policy = sc.policies.coverage
    columns = {int(PLANNED[a]) for a in policy.protected}
    roles = _staff(sc).roles
    expected = [[[(col, minutes, [o for o in opts if o[2] not in columns
                                                 and not (o[1] == BY_PLANNING and roles[o[0]] in policy.protected_roles)])
                  for col, minutes, opts in tasks] for tasks in day] for day in reference_options(base)]
    assert compiled_options(sc) == expected
    plan = compile_plan(sc)
    for w in range(5):
        for tasks in plan.cover_tasks[w]:
            for t in tasks:
                for o in t.options:
                    assert o.column not in columns
                    assert o.how != BY_PLANNING or roles[o.colleague] not in policy.protected_roles


def test_protected_planning_is_never_taken_in_a_run():
    """All planning protected: no coverage minutes, no coverage events; what was covered is combined."""
    order = {"policies.coverage.order": ["colleague_planning", "combine_classes"]}
    open_ = scenario_from_dict(small_scenario(**order))
    shut = scenario_from_dict(small_scenario(**order, **{"policies.coverage.protected": ["planning",
                                                                                          "collaborative_planning"]}))
    a, b = simulate(open_, 7), simulate(shut, 7)
    assert a.minutes[:, :, Activity.COVERAGE].sum() > 0
    assert b.minutes[:, :, Activity.COVERAGE].sum() == 0
    assert not np.any(b.events[:, 1] == E_COVERAGE)
    # same first day (common random numbers; later days differ as exhaustion feeds absence): the cover moved
    assert np.array_equal(a.minutes[0, :, Activity.ABSENT], b.minutes[0, :, Activity.ABSENT])
    combined = [ev[ev[:, 1] == E_COMBINED, 4].sum() for ev in (a.events, b.events)]
    assert combined[1] > combined[0]


def test_protected_role_must_exist():
    with pytest.raises(InputError) as exc:
        scenario_from_dict(small_scenario(**{"policies.coverage.protected_roles": ["coach"]}))
    assert "protected_roles" in str(exc.value) and "coach" in str(exc.value)


def test_protected_activity_must_be_planning():
    with pytest.raises(InputError) as exc:
        scenario_from_dict(small_scenario(**{"policies.coverage.protected": ["whole_class"]}))
    assert "protected" in str(exc.value)


def test_protection_moves_coverage_into_combined_classes_and_the_metric_shows_it():
    """CRN-paired, 20 replications of the traditional design: with all planning protected, the cover colleagues
    gave (hours per teacher x teachers) reappears as classes combined, within 30 % (the two are counted over
    slightly different weeks: weeks worked vs school weeks)."""
    from staffsim.metrics.registry import compute_metrics
    from staffsim.scenario.levers import apply_levers
    from staffsim.scenario.loading import read_scenario_dict

    raw, _ = read_scenario_dict("traditional")
    teachers = sum(1 for r in _staff(scenario_from_dict(raw)).roles if raw["roles"][r]["category"] == "teacher")
    res = {}
    for on in (False, True):
        sc = scenario_from_dict(apply_levers(raw, {"protected_planning": on}))
        ms = [compute_metrics(simulate(sc, s)) for s in range(1, 21)]
        res[on] = {k: np.mean([m[k] for m in ms]) for k in ("combined_class_hours_per_week", "coverage_hours_per_week")}
    assert res[True]["coverage_hours_per_week"] == 0
    moved = res[True]["combined_class_hours_per_week"] - res[False]["combined_class_hours_per_week"]
    given = res[False]["coverage_hours_per_week"] * teachers
    assert 0.7 * given < moved < 1.3 * given, (moved, given)
