"""The levers a planner edits first act, in the direction they should (issue 10).

Comparisons are paired: design A and design B are run with the same seeds, so
replication r of each sees the same random numbers (common random numbers) and
the difference of r from r cancels the noise they share. "Significant" means
the paired 95 % t interval of the difference excludes 0.
"""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from conftest import SCENARIOS, SHIPPED, small_scenario
from scipy import stats

from staffsim.engine.ledger import EVENT_CODES, split_years
from staffsim.engine.plan import compile_plan
from staffsim.engine.simulate import simulate
from staffsim.engine.streams import STREAM_NAMES, replication_seed
from staffsim.metrics.registry import compute_metrics
from staffsim.scenario.effects import no_effect
from staffsim.scenario.loading import load_scenario, read_scenario_dict, scenario_from_dict

TRADITIONAL = SCENARIOS / "traditional.yaml"


def metrics(path, n: int, overrides: dict | None = None, years: int = 1, seed: int = 1) -> list[dict]:
    sc = load_scenario(path, overrides)
    return [compute_metrics(simulate(sc, replication_seed(seed, r), years)) for r in range(n)]


def paired(a: list[dict], b: list[dict], metric: str) -> tuple[float, float, float]:
    """Mean of b - a over replications and its paired 95 % t interval."""
    d = np.array([y[metric] - x[metric] for x, y in zip(a, b)])
    h = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return float(d.mean()), float(d.mean() - h), float(d.mean() + h)


# ------------------------------------------------------------------------------------------- class size
@pytest.fixture(scope="module")
def class_sizes():
    """Traditional at class size 24 (as shipped), 30 (+25 %) and 18 (-25 %): 30 paired replications each."""
    return {c: metrics(TRADITIONAL, 30, {"school.class_size": c}) for c in (24, 30, 18)}


@pytest.mark.parametrize("size, sign", [(30, 1), (18, -1)])
def test_class_size_acts_on_work_needs_and_students_per_adult(class_sizes, size, sign):
    """+25 %: more total work hours, fewer needs served, more students per adult; -25 %: the opposite."""
    base, other = class_sizes[24], class_sizes[size]
    for metric, direction in (("total_work_hours_per_week", 1), ("needs_served_share", -1), ("students_per_adult", 1)):
        mean, lo, hi = paired(base, other, metric)
        assert (lo > 0) if sign * direction > 0 else (hi < 0), (metric, size, mean, lo, hi)


def test_students_taught_and_rosters_follow_the_class_size():
    plan = compile_plan(load_scenario(TRADITIONAL, {"school.class_size": 30}))
    teachers = np.array([r == "teacher" for r in plan.staff_role])
    assert np.all(plan.students_taught[teachers] == 6 * 30)  # six classes a day of 30
    assert np.all(plan.students_taught[~teachers] == 0)  # interventionists teach no whole class
    assert plan.students == 600 and set(plan.team_students[:20]) == {30}  # rosters x 30 / 24
    per_student = plan.scenario.behaviour.planning.workload_hours_per_student
    base = plan.scenario.roles["teacher"].planning_workload_hours_per_week
    assert plan.workload_minutes[teachers] == pytest.approx((base + per_student * 180) * 60 / 5)
    # without a roster class size the rosters stay as written; the workload still follows the class size
    data, _ = read_scenario_dict(TRADITIONAL)
    del data["school"]["roster_class_size"]
    data["school"]["class_size"] = 30
    plain = compile_plan(scenario_from_dict(data))
    assert plain.students == 480 and plain.workload_minutes[teachers] == pytest.approx(plan.workload_minutes[teachers])


# ------------------------------------------------------------------------------------------- small groups
@pytest.mark.parametrize("name", ["pilot-4plus1", "team-based"])
def test_small_group_minutes_never_rise_when_only_absence_rises(name):
    """A sweep of absence days 5-45: every step's paired mean change in small-group minutes is negative."""
    runs = [metrics(SCENARIOS / f"{name}.yaml", 12, {"behaviour.absence.days_per_year": d}) for d in (5, 15, 25, 35, 45)]
    for lower, higher in zip(runs, runs[1:]):
        mean, lo, hi = paired(lower, higher, "small_group_minutes_per_student_per_week")
        assert mean < 0, (name, mean, lo, hi)


# ------------------------------------------------------------------------------------------- substitutes
def substitute_share(path, n: int, overrides: dict | None = None) -> tuple[np.ndarray, tuple[str, ...]]:
    """Per position: absence days (in post) that got a day-to-day substitute / absence days."""
    sc = load_scenario(path, overrides)
    out = subs = None
    for r in range(n):
        L = simulate(sc, replication_seed(1, r))
        S = L.filled.shape[1]
        if out is None:
            out, subs = np.zeros(S), np.zeros(S)
        ev = L.events
        a = ev[ev[:, 1] == EVENT_CODES["absence"]]
        s = ev[ev[:, 1] == EVENT_CODES["substitute"]]
        s = s[L.filled[s[:, 0], s[:, 2]]]  # substitutes for absences, not for vacancies
        out += np.bincount(a[:, 2], minlength=S)
        subs += np.bincount(s[:, 2], minlength=S)
    return subs / np.maximum(out, 1), L.staff_role


def test_substitutes_do_not_favour_the_first_listed_positions():
    """Traditional, 200 replications: the substitute share of the 20 teachers spans at most 5 points
    (it was 80 % for the first-listed classes and 61-63 % for the last ones in position order)."""
    share, roles = substitute_share(TRADITIONAL, 200)
    teachers = np.array([r == "teacher" for r in roles])
    assert share[teachers].max() - share[teachers].min() <= 0.05, share[teachers]
    assert "substitute_order" in STREAM_NAMES


def test_a_stated_priority_gives_the_listed_roles_substitutes_first():
    # the aide supervises an online lab, so an absent aide needs a substitute (the default)
    changes = {"policies.substitutes.pool_size": 1, "policies.substitutes.fill_rate": 1.0,
               "behaviour.absence.days_per_year": 30, "workforce.static": True}
    free = scenario_from_dict(small_scenario(**changes))
    prio = scenario_from_dict(small_scenario(**changes, **{"policies.substitutes.assignment": "priority",
                                                          "policies.substitutes.priority": ["aide"]}))
    shares = {}
    for label, sc in (("random", free), ("priority", prio)):
        out = np.zeros(len(compile_plan(sc).staff_role))
        subs = np.zeros_like(out)
        for r in range(20):
            ev = simulate(sc, replication_seed(1, r)).events
            out += np.bincount(ev[ev[:, 1] == EVENT_CODES["absence"], 2], minlength=len(out))
            subs += np.bincount(ev[ev[:, 1] == EVENT_CODES["substitute"], 2], minlength=len(out))
        roles = np.array(compile_plan(sc).staff_role)
        shares[label] = {r: subs[roles == r].sum() / out[roles == r].sum() for r in ("aide", "teacher")}
    assert shares["priority"]["aide"] > shares["random"]["aide"] + 0.1  # two aides may be out at once
    assert shares["priority"]["aide"] > shares["priority"]["teacher"]
    assert shares["priority"]["teacher"] < shares["random"]["teacher"]


def test_an_unknown_priority_role_is_refused():
    with pytest.raises(Exception, match="unknown role 'nobody'"):
        scenario_from_dict(small_scenario(**{"policies.substitutes.assignment": "priority",
                                             "policies.substitutes.priority": ["nobody"]}))


# ------------------------------------------------------------------------------------------- who needs cover
def test_cover_is_stated_per_role_in_the_shipped_designs():
    for name in SHIPPED:
        data, _ = read_scenario_dict(SCENARIOS / f"{name}.yaml")
        assert all("needs_cover" in r for r in data["roles"].values()), name


def test_tutors_groups_need_no_cover_in_team_based():
    """Team-based support staff run small groups only: no coverage and no substitute goes to them."""
    sc = load_scenario(SCENARIOS / "team-based.yaml")
    plan = compile_plan(sc)
    tutors = np.array([sc.roles[r].category in ("support", "resident") for r in plan.staff_role])
    assert not plan.is_covered[tutors].any() and plan.is_covered[~tutors].all()
    for r in range(10):
        ev = simulate(sc, replication_seed(1, r)).events
        assert not tutors[ev[ev[:, 1] == EVENT_CODES["coverage"], 3]].any()
        assert not tutors[ev[ev[:, 1] == EVENT_CODES["substitute"], 2]].any()


def test_the_documented_needs_cover_default():
    """Default: a category that may need cover (not residents) whose timetable supervises students."""
    lab = compile_plan(scenario_from_dict(small_scenario()))  # the aide supervises an online lab
    aides = np.array([r == "aide" for r in lab.staff_role])
    assert lab.is_covered[aides].all()
    groups_only = small_scenario(**{"timetables.aide.every_day": ["08:00-10:00 small_group", "13:00-15:00 duties"]})
    assert not compile_plan(scenario_from_dict(groups_only)).is_covered[aides].any()
    groups_only["roles"]["aide"]["needs_cover"] = True
    assert compile_plan(scenario_from_dict(groups_only)).is_covered[aides].all()


# ------------------------------------------------------------------------------------------- ten years
@pytest.mark.slow
def test_a_ten_year_traditional_baseline_is_stationary():
    """150 ten-year replications: years 8-10 within 2 points (1 year) of years 1-2 for teachers in
    years 1-3, mean experience, turnover and burnout (it drifted 9.5 % -> 25 %, 13.0 -> 8.9 years,
    14.8 % -> 16.5 %, 55 % -> 50 %)."""
    sc = load_scenario(TRADITIONAL)
    keys = ("novice_teacher_share", "mean_teacher_experience", "turnover_rate", "burnout_share")
    per_year = np.zeros((10, len(keys)))
    n = 150
    for r in range(n):
        for y, part in enumerate(split_years(simulate(sc, replication_seed(1, r), 10))):
            m = compute_metrics(part)
            per_year[y] += [m[k] for k in keys]
    per_year /= n
    early, late = per_year[:2].mean(axis=0), per_year[7:].mean(axis=0)
    for k, a, b in zip(keys, early, late):
        assert abs(b - a) <= (1.0 if k == "mean_teacher_experience" else 0.02), (k, a, b, per_year)


# ------------------------------------------------------------------------------------------- honest costs
def test_slower_hiring_leaves_more_students_without_their_teacher():
    fast = metrics(TRADITIONAL, 40, {"workforce.hiring.mean_delay_days": 20})
    slow = metrics(TRADITIONAL, 40, {"workforce.hiring.mean_delay_days": 60})
    mean, lo, hi = paired(fast, slow, "student_days_without_regular_teacher")
    assert lo > 0, (mean, lo, hi)


# ------------------------------------------------------------------------------------------- bad input, no effect
def _validate(tmp_path, **changes):
    from staffsim.cli.validate import command

    data, _ = read_scenario_dict(TRADITIONAL)
    from staffsim.scenario.loading import apply_overrides

    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(apply_overrides(data, changes) if changes else data))
    return CliRunner().invoke(command, [str(path)])


@pytest.mark.parametrize("changes, field", [
    ({"behaviour.planning.workload_hours_per_student": -0.01}, "workload_hours_per_student"),
    ({"behaviour.planning.workload_hours_per_student": 0}, "workload_hours_per_student"),
    ({"workforce.retirement.entry_age": 40, "workforce.retirement.mean_age": 35}, "mean_age"),
])
def test_bad_input_exits_2_naming_the_field(tmp_path, changes, field):
    res = _validate(tmp_path, **changes)
    assert res.exit_code == 2 and field in res.output, res.output


def test_fields_without_effect_are_named(tmp_path):
    data = small_scenario(**{"policies.coverage.order": ["cancel_small_group", "combine_classes"],
                             "policies.coverage.scope": "team"})
    data["roles"]["coach"] = {"category": "support", "salary": 1}
    data["timetables"]["spare"] = {"every_day": ["08:00-09:00 planning"]}
    found = {w.path for w in no_effect(scenario_from_dict(data))}
    assert {"roles.coach", "timetables.spare", "policies.coverage.scope"} <= found
    for name in SHIPPED:
        assert no_effect(load_scenario(SCENARIOS / f"{name}.yaml")) == [], name
    res = _validate(tmp_path, **{"workforce.static": True, "workforce.hiring.mean_delay_days": 30})
    assert res.exit_code == 0 and "warning:" in res.output and "workforce.hiring" in res.output, res.output


def test_run_with_years_prints_a_table_per_year(tmp_path):
    from staffsim.cli.run import command

    res = CliRunner().invoke(command, [str(TRADITIONAL), "--years", "2", "-n", "2", "--out", str(tmp_path / "r")])
    assert res.exit_code == 0, res.output
    assert "year by year" in res.output and "year 2" in res.output and "Teachers' mean experience" in res.output
