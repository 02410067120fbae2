"""The coverage compiler gives, block by block, exactly the options of the plain quadratic search."""

from __future__ import annotations

import random

import numpy as np
import pytest
from conftest import SCENARIOS, SHIPPED, small_scenario

from staffsim.engine.cover import BY_PLANNING, BY_SMALL_GROUP
from staffsim.engine.plan import _staff, compile_plan
from staffsim.scenario.loading import load_scenario, scenario_from_dict
from staffsim.scenario.timetable import WEEKDAYS
from staffsim.scenario.vocabulary import INSTRUCTIONAL, PLANNED, PLANNING

ACTIVITIES = ["whole_class", "small_group", "online_lab", "planning", "collaborative_planning",
              "coaching_given", "coaching_received", "duties"]


def reference_options(sc) -> list:
    """[weekday][staff][block] (column, minutes, [(colleague, how, column, colleague block start, minutes)]):
    every colleague, step by step, every block of theirs: the definition the compiler must match."""
    st = _staff(sc)
    S = len(st.labels)
    team = st.team
    policy = sc.policies.coverage
    blocks = [[sc.timetables[st.timetable[s]].day(wd) for s in range(S)] for wd in WEEKDAYS]
    instructional = {a.label for a in INSTRUCTIONAL}
    planning = {int(a) for a in PLANNING}
    covered = compile_plan(sc).is_covered  # the role's needs_cover, or its default (tests/test_levers_act.py)
    out = []
    for w in range(5):
        per_staff = []
        for s in range(S):
            if not covered[s]:
                per_staff.append([])
                continue
            pool = [c for c in range(S) if team[c] == team[s] and c != s]
            if policy.scope == "school":
                pool += [c for c in range(S) if team[c] != team[s]]
            tasks = []
            for b in blocks[w][s]:
                if b.activity not in instructional:
                    continue
                options = []
                for step in policy.order:
                    if step == "combine_classes":
                        break
                    for c in pool:
                        if step == "cancel_small_group" and team[c] != team[s]:
                            continue
                        for cb in blocks[w][c]:
                            col = int(PLANNED[cb.activity])
                            ov = max(0, min(b.end, cb.end) - max(b.start, cb.start))
                            if ov <= 0:
                                continue
                            if step == "colleague_planning" and col in planning:
                                options.append((c, BY_PLANNING, col, cb.start, ov))
                            elif step == "cancel_small_group" and cb.activity == "small_group":
                                options.append((c, BY_SMALL_GROUP, col, cb.start, ov))
                tasks.append((int(PLANNED[b.activity]), b.minutes, options))
            per_staff.append(tasks)
        out.append(per_staff)
    return out


def compiled_options(sc) -> list:
    plan = compile_plan(sc)
    st = _staff(sc)
    start = {}  # block id -> start of the block
    for wd in WEEKDAYS:
        for c in range(plan.n_staff):
            for b in sc.timetables[st.timetable[c]].day(wd):
                start[len(start)] = b.start
    ids = set()
    out = []
    for w in range(5):
        out.append([[(t.column, t.minutes, [(o.colleague, o.how, o.column, start[o.block], o.minutes) for o in t.options])
                     for t in plan.cover_tasks[w][s]] for s in range(plan.n_staff)])
        ids |= {(o.colleague, o.block) for s in range(plan.n_staff) for t in plan.cover_tasks[w][s] for o in t.options}
    # a block id names one block of one colleague
    assert len({b for _, b in ids}) == len(ids)
    return out


def _blocks(rng: random.Random) -> list[str]:
    out, t = [], 8 * 60
    for _ in range(rng.randint(0, 10)):
        start = t + rng.randint(0, 4) * 10
        end = start + rng.randint(1, 8) * 10
        if end > 15 * 60:
            break
        out.append(f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d} {rng.choice(ACTIVITIES)}")
        t = end
    return out


def generated(seed: int):
    """A small school with random timetables (Wednesday differs), a leader, a random policy."""
    rng = random.Random(seed)
    d = small_scenario()
    for tt in ("a", "b", "aide"):
        d["timetables"][tt] = {"every_day": _blocks(rng), "wed": _blocks(rng)}
    d["timetables"]["lead"] = {"every_day": _blocks(rng)}
    d["roles"]["leader"] = {"category": "teacher_leader", "salary": 70000, "planning_workload_hours_per_week": 12}
    d["teams"][0]["members"].append({"role": "leader", "timetable": "lead"})
    order = ["colleague_planning", "cancel_small_group", "combine_classes"]
    rng.shuffle(order)
    d["policies"]["coverage"]["order"] = order[:rng.randint(1, 3)]
    d["policies"]["coverage"]["scope"] = rng.choice(["team", "school"])
    return scenario_from_dict(d)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_designs_compile_to_the_reference_options(name):
    sc = load_scenario(SCENARIOS / f"{name}.yaml")
    assert compiled_options(sc) == reference_options(sc)


@pytest.mark.parametrize("seed", range(20))
def test_generated_designs_compile_to_the_reference_options(seed):
    sc = generated(seed)
    assert compiled_options(sc) == reference_options(sc)


def test_cover_minutes_are_the_tasks_minutes():
    plan = compile_plan(load_scenario(SCENARIOS / "blended.yaml"))
    for w in range(5):
        assert np.array_equal(plan.cover_minutes[w], [sum(t.minutes for t in plan.cover_tasks[w][s])
                                                      for s in range(plan.n_staff)])
