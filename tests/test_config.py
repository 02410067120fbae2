"""Scenario files: the shipped ones are valid; bad ones get one clear message per problem."""

from __future__ import annotations

import json

import pytest

from staffsim.errors import InputError
from staffsim.scenario.loading import apply_overrides, json_schema, load_scenario, scenario_from_dict, dump_scenario
from staffsim.scenario.schema import Scenario
import yaml

from conftest import SCENARIOS, SHIPPED, small_scenario


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenarios_are_valid_and_serve_the_same_school(name):
    sc = load_scenario(SCENARIOS / f"{name}.yaml")
    assert sc.name == name
    assert sc.school.students == 480
    assert sc.calendar.weeks == 36


def test_shipped_designs_share_behaviour_and_calendar():
    scs = [load_scenario(SCENARIOS / f"{n}.yaml") for n in SHIPPED]
    assert len({s.behaviour.model_dump_json() for s in scs}) == 1
    assert len({s.calendar.model_dump_json() for s in scs}) == 1
    assert len({s.contract_day.model_dump_json() for s in scs}) == 1


def problems_of(data, **kw) -> list[str]:
    with pytest.raises(InputError) as exc:
        scenario_from_dict(data, source="x.yaml", **kw)
    return exc.value.problems


def test_unknown_key_is_an_error_naming_the_path():
    d = small_scenario()
    d["policies"]["substitutes"]["pool_sise"] = 3
    (p,) = problems_of(d)
    assert "policies.substitutes.pool_sise" in p and "unknown key" in p


def test_each_problem_reported_with_expected_and_found():
    d = small_scenario()
    d["school"]["students"] = -5
    d["policies"]["substitutes"]["fill_rate"] = "lots"
    ps = problems_of(d)
    assert any("school.students" in p and "greater than 0" in p and "-5" in p for p in ps)
    assert any("policies.substitutes.fill_rate" in p and "'lots'" in p for p in ps)


def test_yaml_line_numbers_in_messages(tmp_path):
    text = (SCENARIOS / "traditional.yaml").read_text().replace("fill_rate: 0.8", "fill_rate: 1.8")
    f = tmp_path / "s.yaml"
    f.write_text(text)
    with pytest.raises(InputError) as exc:
        load_scenario(f)
    line = next(i + 1 for i, l in enumerate(text.splitlines()) if "fill_rate: 1.8" in l)
    assert exc.value.problems == [f"line {line}: policies.substitutes.fill_rate: Input should be less than or equal to 1; found 1.8"]
    assert str(f) in exc.value.render()


@pytest.mark.parametrize("block, fragment", [
    ("08:00-07:00 planning", "ends"),
    ("8-9 planning", "expected a block like"),
    ("08:00-09:00 napping", "unknown activity 'napping'"),
    ("25:00-26:00 planning", "between 00:00 and 23:59"),
])
def test_bad_blocks(block, fragment):
    d = small_scenario()
    d["timetables"]["a"]["every_day"][0] = block
    ps = problems_of(d)
    assert any(fragment in p and "timetables.a.every_day" in p for p in ps), ps


def test_overlapping_blocks_and_blocks_outside_contract():
    d = small_scenario()
    d["timetables"]["a"]["every_day"].append("08:30-08:45 duties")
    assert any("overlap" in p for p in problems_of(d))
    d = small_scenario()
    d["timetables"]["a"]["every_day"].append("15:00-16:00 duties")
    assert any("outside the contract day" in p for p in problems_of(d))


def test_cross_references_and_student_totals():
    d = small_scenario()
    d["teams"][0]["members"][0]["role"] = "teachr"
    d["teams"][0]["members"][1]["timetable"] = "nope"
    d["teams"][0]["students"] = 50
    ps = problems_of(d)
    assert any("unknown role 'teachr'" in p for p in ps)
    assert any("unknown timetable 'nope'" in p for p in ps)
    assert any("serve 100 students but school.students is 120" in p for p in ps)


def test_break_after_end_of_year():
    d = small_scenario()
    d["calendar"]["breaks"][0]["after_week"] = 12
    assert any("only 10 instructional weeks" in p for p in problems_of(d))


def test_empty_and_non_mapping_files(tmp_path):
    f = tmp_path / "e.yaml"
    f.write_text("")
    with pytest.raises(InputError, match="empty"):
        load_scenario(f)
    f.write_text("- a\n- b\n")
    with pytest.raises(InputError, match="mapping"):
        load_scenario(f)


def test_overrides_set_fields_and_reject_unknown_paths():
    d = small_scenario()
    out = apply_overrides(d, {"policies.substitutes.pool_size": 4, "teams.0.count": 3})
    assert out["policies"]["substitutes"]["pool_size"] == 4 and out["teams"][0]["count"] == 3
    assert d["policies"]["substitutes"]["pool_size"] == 1  # the input is not modified
    # a field the file left at its default can be set
    out = apply_overrides(d, {"policies.small_groups.max_size": 6})
    assert scenario_from_dict(out).policies.small_groups.max_size == 6
    with pytest.raises(InputError) as exc:
        apply_overrides(d, {"policies.substitutes.pool": 4, "teams.9.count": 1})
    assert len(exc.value.problems) == 2


def test_resolved_scenario_round_trips(small):
    again = scenario_from_dict(yaml.safe_load(dump_scenario(small)))
    assert again == small
    assert Scenario.model_validate_json(small.model_dump_json()) == small


def test_json_schema_describes_blocks_as_strings():
    schema = json.loads(json_schema())
    tt = schema["$defs"]["Timetable"]["properties"]["every_day"]
    assert tt["type"] == "array" and tt["items"]["type"] == "string"
    assert "policies" in schema["required"]
