"""Contract rules: each breach names who, the day and the rule, at the timetable's line; warn_only warns."""

from __future__ import annotations

import pytest

from staffsim.errors import InputError
from staffsim.scenario.contract import check_contract
from staffsim.scenario.loading import check_scenario, scenario_from_dict, scenario_warnings

from conftest import SCENARIOS, SHIPPED, small_scenario


def problems(contract: dict, **changes) -> list[str]:
    d = small_scenario(**changes)
    d["contract"] = contract
    with pytest.raises(InputError) as exc:
        scenario_from_dict(d, source="x.yaml")
    return exc.value.problems


def test_no_contract_no_rules(small):
    assert check_contract(small) == []


def test_daily_planning_names_role_day_and_rule():
    # timetable a plans 60 min a day, b 60 + 60 collaborative
    (p,) = problems({"min_daily_planning_minutes": 90})
    assert p.field == "timetables.a.every_day"
    assert "teacher in team t" in p and "60 min of planning every day" in p
    assert "contract.min_daily_planning_minutes" in p and "at least 90" in p


def test_teaching_per_day_and_week():
    ps = problems({"max_teaching_minutes_per_day": 200, "max_teaching_minutes_per_week": 1000})
    by = {(p.field, "week" if "a week" in p else "day") for p in ps}
    # a teaches 4 x 60 + 30 = 270 a day, b 3 x 60 + 30 = 210: both over 200 a day and 1000 a week
    assert by == {("timetables.a.every_day", "day"), ("timetables.b.every_day", "day"),
                  ("timetables.a", "week"), ("timetables.b", "week")}
    assert any("teaches 1350 min a week" in p and "contract.max_teaching_minutes_per_week" in p for p in ps)


def test_duty_free_lunch_and_explicit_roles():
    assert scenario_from_dict({**small_scenario(), "contract": {"duty_free_lunch_minutes": 30}})  # 11:30-12:00 free
    ps = problems({"duty_free_lunch_minutes": 45})
    assert [p.field for p in ps] == ["timetables.a.every_day", "timetables.b.every_day"]
    assert all("no duty-free lunch" in p and "30 min (11:30-12:00)" in p and "requires 45" in p for p in ps)
    # the aide's day has a 60-minute gap (12:00-13:00): naming them adds no breach; 75 minutes does
    assert len(problems({"duty_free_lunch_minutes": 45, "applies_to": ["teacher", "aide"]})) == 2
    ps = problems({"duty_free_lunch_minutes": 75, "applies_to": ["aide"]})
    assert [p.field for p in ps] == ["timetables.aide.every_day"] and "aide in team t" in ps[0]


def test_class_size_and_day_length():
    (p,) = problems({"max_class_size": 18})
    assert p.field == "school.class_size" and "class size 20 is above the contract's maximum 18" in p
    (p,) = problems({"max_day_minutes": 400})
    assert p.field == "contract_day" and "08:00-15:00 lasts 420 min" in p


def test_warn_only_reports_without_stopping():
    d = {**small_scenario(), "contract": {"max_class_size": 18, "min_daily_planning_minutes": 30,
                                          "warn_only": ["max_class_size"]}}
    sc = scenario_from_dict(d)
    (w,) = scenario_warnings(sc)
    assert "contract.max_class_size" in w and w.field == "school.class_size"


def test_contract_section_is_checked_itself():
    ps = problems({"warn_only": ["max_class_size"], "applies_to": ["teachr"]})
    assert any("contract.warn_only[0]" in p and "does not set it" in p for p in ps)
    ps = problems({"applies_to": ["teachr"], "max_class_size": 30})
    assert any(p.field == "contract.applies_to[0]" and "did you mean 'teacher'" in p for p in ps)
    assert any("minimum_planning" in p for p in problems({"minimum_planning": 3}))


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_designs_declare_the_rules_they_meet(name):
    sc, _, warnings = check_scenario(SCENARIOS / f"{name}.yaml")
    declared = sc.contract.model_dump(exclude_defaults=True)
    assert {"max_day_minutes", "duty_free_lunch_minutes", "max_class_size"} <= set(declared)
    assert warnings == [] and check_contract(sc) == []
