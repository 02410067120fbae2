"""One validation, used everywhere: what validate accepts is what run, sweep and a run folder accept."""

from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner

from staffsim.cli import main
from staffsim.errors import InputError
from staffsim.scenario.loading import apply_overrides, load_scenario, scenario_from_dict
from staffsim.scenario.schema import Scenario
from staffsim.scenario.yaml_source import SourceMap, YamlProblem, parse_yaml

from conftest import SCENARIOS, SHIPPED, small_scenario

TRADITIONAL = (SCENARIOS / "traditional.yaml").read_text()


def edited(tmp_path, old: str, new: str, text: str = TRADITIONAL, name: str = "s.yaml"):
    assert old in text, old
    f = tmp_path / name
    f.write_text(text.replace(old, new, 1))
    return f


def refused(data) -> list[str]:
    with pytest.raises(InputError) as exc:
        scenario_from_dict(data)
    return exc.value.problems


# ----------------------------------------------------------------- the cases: validate and run agree
@pytest.mark.parametrize("old, new, field", [
    ("salary: 61600", "salary: .inf", "roles.teacher.salary"),
    ("salary: 28900", "salary: 28900\n    supplement: .inf", "roles.interventionist.supplement"),
    ("class_size: 24 ", "class_size: .inf ", "school.class_size"),
    ("\nroles:", "\nbudget: .inf\nroles:", "budget"),
    ("timetable: teacher_p2}", "timetable: []}", "teams[0].members[0].timetable"),
    ('start: "07:40"', "start: -60", "contract_day.start"),
    ('start: "07:40"', "start: 7", "contract_day.start"),
    ('start: "07:40"', 'start: "00:30"', "contract_day.start"),
    ("pool_size: 2 ", "pool_size: true ", "policies.substitutes.pool_size"),
])
def test_validate_and_run_refuse_alike(tmp_path, old, new, field):
    f = edited(tmp_path, old, new)
    runner = CliRunner()
    v = runner.invoke(main, ["validate", str(f)])
    r = runner.invoke(main, ["run", str(f), "-n", "1", "--backend", "serial", "-q", "--out", str(tmp_path / "out")])
    assert v.exit_code == r.exit_code == 2, v.output + r.output
    assert field in v.output and "line " in v.output and "Traceback" not in v.output + r.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", SHIPPED)
def test_what_validates_survives_the_run_folder_json(name):
    sc = load_scenario(SCENARIOS / f"{name}.yaml")
    assert Scenario.model_validate_json(sc.model_dump_json()) == sc


# ----------------------------------------------------------------- YAML read strictly
def test_duplicate_keys_are_refused_with_both_lines(tmp_path):
    f = edited(tmp_path, "  summer_weeks: 10\n", "  summer_weeks: 10\n  weeks: 30\n")
    with pytest.raises(InputError) as exc:
        load_scenario(f)
    (p,) = exc.value.problems
    first = TRADITIONAL.splitlines().index("  weeks: 36              # 180 instructional days (NCTQ Roll Call 2014 uses a 186-day year)") + 1
    assert f"lines {first} and {p.line}" in p and "'weeks'" in p
    with pytest.raises(YamlProblem, match="twice on line 1"):
        parse_yaml("a: {b: 1, b: 2}\n")


def test_merge_keys_may_override_and_clock_times_stay_text():
    data, source = parse_yaml("base: &b {k: 1, j: 2}\nc:\n  <<: *b\n  k: 5\nt: 15:20\nu: 7:40\n")
    assert data["c"] == {"k": 5, "j": 2} and data["t"] == "15:20" and data["u"] == "7:40"
    assert source.node(("c", "k")).start_mark.line == 3 and source.node(("c", "j")).start_mark.line == 0
    # unquoted 15:20 in a contract day means what quoted "15:20" means
    d = small_scenario()
    d["contract_day"] = {"start": "8:00", "end": "15:00"}
    assert scenario_from_dict(d).contract_day.end == 900


def test_a_locator_maps_derived_paths_to_the_file():
    """A compact design's expansion hands the loader `source.through(mapping)`: errors land on its own lines."""
    _, source = parse_yaml("bell:\n  periods:\n    - 08:00-08:50\n    - 08:55-09:45\n")
    locate = source.through(lambda loc: ("bell", "periods", loc[-1]) if loc[:1] == ("timetables",) else loc)
    assert locate(("timetables", "gen", "every_day", 1)).start_mark.line == 3
    assert isinstance(source, SourceMap)


@pytest.mark.parametrize("text, words", [
    ("a: 1\n  b: 2\n", "line 2: not valid YAML: a 'key: value' where no key may start"),
    ("a: [1, 2\nb: 3\n", "line 1: not valid YAML: a [ list ] that is not closed"),
    ("a: *nope\n", "line 1: not valid YAML: an alias (*name) with no anchor"),
    ("a:\n\t- x\n", "line 2: not valid YAML: a tab character"),
])
def test_yaml_syntax_errors_in_plain_words(tmp_path, text, words):
    f = tmp_path / "bad.yaml"
    f.write_text(text)
    with pytest.raises(InputError) as exc:
        load_scenario(f)
    assert exc.value.problems[0].startswith(words), exc.value.problems


# ----------------------------------------------------------------- numbers, times, lists
def test_numbers_are_finite_and_in_range():
    for path, value in [("roles.teacher.salary", float("nan")), ("roles.teacher.salary", 2e9),
                        ("school.students", 10 ** 9), ("school.class_size", 1e6), ("budget", float("inf")),
                        ("costs.substitute_day_rate", 1e300)]:
        (p,) = refused(small_scenario(**{path: value}))
        assert path in p, p


def test_times_of_day_are_in_range_and_ordered():
    d = small_scenario()
    d["timetables"]["a"]["every_day"][0] = {"start": 1500, "end": 1560, "activity": "planning"}
    assert any("from 0 to 1439" in p for p in refused(d))
    d = small_scenario()
    d["contract_day"] = {"start": "15:00", "end": "08:00"}
    (p,) = refused(d)
    assert p.startswith("contract_day.end: contract_day ends (08:00) before it starts (15:00)")


def test_required_lists_are_not_empty():
    for path in ["teams", "roles", "timetables", "teams.0.members", "policies.coverage.order"]:
        d = small_scenario(**{path: [] if path not in ("roles", "timetables") else {}})
        assert any(path.replace(".0.", "[0].") in p for p in refused(d)), path


def test_booleans_are_not_numbers():
    ps = refused(small_scenario(**{"policies.substitutes.pool_size": True, "teams.0.count": False,
                                   "workforce.decision.movers_by_experience": [True, 0.1, 0.1, 0.1]}))
    assert len(ps) == 3 and all("true/false" in p for p in ps)


# ----------------------------------------------------------------- overrides and sweeps
def test_one_spelling_per_override_path():
    d = small_scenario()
    with pytest.raises(InputError) as exc:
        apply_overrides(d, {"calendar.breaks.0.weeks": 1, "calendar.breaks.00.weeks": 2})
    assert "names the same field as calendar.breaks.0.weeks" in exc.value.problems[0]
    with pytest.raises(InputError, match="plain numbers"):
        apply_overrides(d, {"teams.00.count": 1})


def sweep(tmp_path, body: dict, csv: str | None = None):
    (tmp_path / "small.yaml").write_text(yaml.safe_dump(small_scenario()))
    if csv is not None:
        (tmp_path / "pts.csv").write_text(csv)
        body = {"design": "csv", "points": "pts.csv", **body}
    f = tmp_path / "sw.yaml"
    f.write_text(yaml.safe_dump({"scenarios": ["small.yaml"], **body}, sort_keys=False))
    res = CliRunner().invoke(main, ["sweep", str(f), "-n", "1", "--out", str(tmp_path / "out"), "-q"])
    assert "Traceback" not in res.output
    return res


@pytest.mark.parametrize("body, csv, fragment", [
    ({"parameters": {"policies.substitutes.pool_size": {"values": [True, False]}}}, None, "true is not a number"),
    ({"parameters": {"budget": {"values": [1e6, float("inf")]}}}, None, "finite number"),
    ({"parameters": {"calendar.breaks.0.weeks": {"values": [1]}, "calendar.breaks.00.weeks": {"values": [2]}}},
     None, "names the same field"),
    ({"parameters": {"policies.substitutes.fill_rate": {"values": [80]}}}, None, "outside the range"),
    ({"parameters": {"policies.substitutes.pool_size": {"values": [1]}, "budget": {"values": [1]}}},
     "policies.substitutes.pool_size\n1\n", "no column 'budget'"),
    ({"parameters": {"policies.substitutes.pool_size": {"values": [1]}}},
     "policies.substitutes.pool_size,budget\n1,5\n", "column 'budget' is not a parameter"),
    ({}, "policies.substitutes.pool_size\n1\nmany\n", "row 3 (point 1): 'many' is not a number"),
    ({}, "policies.substitutes.pool_size\nTrue\n", "write the number, not true/false"),
    ({}, "policies.substitutes.fill_rate\n0.5\n\n0.7\ninf\n", "not a finite number"),
    ({}, "calendar.breaks.00.weeks\n1\n", "plain numbers"),
])
def test_sweeps_are_checked_column_by_column_before_anything_runs(tmp_path, body, csv, fragment):
    res = sweep(tmp_path, body, csv)
    assert res.exit_code == 2 and fragment in res.output, res.output
    assert not (tmp_path / "out").exists()


def test_a_sweep_parameter_listed_twice_is_refused(tmp_path):
    (tmp_path / "small.yaml").write_text(yaml.safe_dump(small_scenario()))
    f = tmp_path / "sw.yaml"
    f.write_text("scenarios: [small.yaml]\nparameters:\n  budget: {values: [1]}\n  budget: {values: [2]}\n")
    res = CliRunner().invoke(main, ["sweep", str(f), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2 and "lines 3 and 4" in res.output


def test_a_sweep_base_design_must_validate_as_a_file(tmp_path):
    bad = small_scenario()
    bad["school"]["students"] = 100  # the teams serve 120
    (tmp_path / "small.yaml").write_text(yaml.safe_dump(bad))
    f = tmp_path / "sw.yaml"
    f.write_text(json.dumps({"scenarios": ["small.yaml"], "parameters": {"school.students": {"values": [120]}}}))
    res = CliRunner().invoke(main, ["sweep", str(f), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2 and "small.yaml: line" in res.output and "school.students" in res.output
