"""Structured planning (issue 11, mechanism 7): a planning block with deliverables, timetable activity
`structured_planning`, counts `behaviour.planning.structured_multiplier` times an individual planning minute
toward the workload absorbed and the resource side of exhaustion; coverage may take it unless protected."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from conftest import small_scenario
from test_engine_day import context, day, one_team

from staffsim.engine.day.coverage import coverage
from staffsim.engine.day.planning import interruptions, workload
from staffsim.engine.day.staffing import absences, substitutes
from staffsim.engine.plan import compile_plan
from staffsim.engine.simulate import simulate
from staffsim.engine.streams import replication_seed
from staffsim.engine.workforce import exhaustion as ex
from staffsim.errors import InputError
from staffsim.metrics.registry import compute_metrics
from staffsim.scenario.compact import expand_compact
from staffsim.scenario.loading import read_scenario_dict, scenario_from_dict
from staffsim.scenario.vocabulary import CONTRACT_COLUMNS, PLANNED, PLANNING, Activity

IND, COL, STR = Activity.PLANNING_INDIVIDUAL, Activity.PLANNING_COLLABORATIVE, Activity.PLANNING_STRUCTURED


def test_the_activity_is_a_planning_column_of_the_contract_day():
    assert PLANNED["structured_planning"] is STR and STR in PLANNING and STR in CONTRACT_COLUMNS
    assert Activity.OVERTIME == 12 and STR == 13  # appended: the older columns keep their codes


def test_the_resource_weight_is_the_multiplier_times_individual_planning():
    e = scenario_from_dict(small_scenario()).workforce.exhaustion
    _, plain = ex.column_weights(e)
    _, heavy = ex.column_weights(e, 1.25)
    assert plain[STR] == plain[IND] and heavy[STR] == pytest.approx(1.25 * plain[IND])
    assert np.array_equal(np.delete(plain, STR), np.delete(heavy, STR))  # nothing else moves


@pytest.mark.parametrize("multiplier, overtime", [(1.0, 40.0), (1.25, 25.0), (1.5, 10.0)])
def test_structured_minutes_absorb_the_multiplier_times_their_workload(multiplier, overtime):
    # 10 h a week = 120 minutes a day of workload against 20 planning + 60 structured minutes
    data = one_team({"p": ["09:00-09:20 planning", "10:00-11:00 structured_planning"]}, [("teacher", "p", 1)],
                    **{"behaviour.planning.structured_multiplier": multiplier})
    ctx = context(data)
    st = day(ctx, absences, workload)
    assert st.M[0, STR] == 60 and st.M[0, Activity.OVERTIME] == pytest.approx(overtime)


def test_interruptions_eat_individual_then_structured_then_collaborative_planning():
    data = one_team({"p": ["09:00-09:30 planning", "10:00-10:40 structured_planning",
                           "13:00-13:50 collaborative_planning"]}, [("teacher", "p", 1)])
    for eaten, left in [(20, [10, 40, 50]), (50, [0, 20, 50]), (100, [0, 0, 20]), (500, [0, 0, 0])]:
        ctx = context(data, int_minutes=eaten)
        st = day(ctx, absences, interruptions)
        assert [st.M[0, IND], st.M[0, STR], st.M[0, COL]] == left
        assert st.M[0, Activity.INTERRUPTION] == min(eaten, 120)
        assert np.allclose(st.M[:, CONTRACT_COLUMNS].sum(axis=1), ctx.rules.plan.contract_minutes)


def structured_cover(**changes) -> dict:
    return one_team({"a": ["09:00-10:00 whole_class"], "p": ["09:00-10:00 structured_planning"]},
                    [("teacher", "a", 1), ("teacher", "p", 1)],
                    **{"policies.substitutes.pool_size": 0, **changes})


def test_coverage_takes_structured_planning_unless_it_is_protected():
    st = day(context(structured_cover(), absent=[0]), absences, substitutes, coverage)
    assert st.M[1, Activity.COVERAGE] == 60 and st.M[1, STR] == 0
    kept = structured_cover(**{"policies.coverage.protected": ["structured_planning"]})
    st = day(context(kept, absent=[0]), absences, substitutes, coverage)
    assert st.M[1, Activity.COVERAGE] == 0 and st.M[1, STR] == 60 and st.combined == {0: 60}


def test_the_compact_language_and_the_expanded_form_both_take_it():
    raw, _ = read_scenario_dict("team-based")
    raw = copy.deepcopy(raw)
    raw["days"]["planning_day"] = {"arrival..p4": "structured_planning", "12:05-14:50": "structured_planning"}
    expanded = expand_compact(raw)
    assert any("structured_planning" in b for tt in expanded["timetables"].values()
               for blocks in tt.values() if blocks for b in blocks)
    plan = compile_plan(scenario_from_dict(expanded))
    assert plan.minutes[:, :, STR].sum() > 0 and plan.minutes[:, :, IND].sum() > 0


def test_a_bad_multiplier_names_the_field():
    with pytest.raises(InputError) as exc:
        scenario_from_dict(small_scenario(**{"behaviour.planning.structured_multiplier": -1}))
    assert "structured_multiplier" in str(exc.value)


def team_based(structured: bool, **planning):
    """The shipped team-based design, its weekly planning day written as structured planning or not."""
    raw, _ = read_scenario_dict("team-based")
    raw = copy.deepcopy(raw)
    if structured:
        raw["days"]["planning_day"] = {k: v.replace("planning", "structured_planning")
                                       for k, v in raw["days"]["planning_day"].items()}
    raw["behaviour"].setdefault("planning", {}).update(planning)
    return scenario_from_dict(raw, source=f"team-based, structured={structured}")


def test_with_a_multiplier_of_one_structured_planning_is_plain_planning():
    """The team-based planning day holds no other individual planning, so the numbers are bitwise the same."""
    plain, structured = team_based(False), team_based(True, structured_multiplier=1.0)
    for r in range(3):
        a, b = (compute_metrics(simulate(sc, replication_seed(1, r))) for sc in (plain, structured))
        assert a == b or all(a[k] == b[k] or (np.isnan(a[k]) and np.isnan(b[k])) for k in a)


def test_a_structured_planning_day_lowers_overtime_and_burnout_in_the_team_based_design():
    """CRN-paired, 12 replications, default multiplier 1.25: teachers' overtime falls by more than 1 h a
    week (the ~6.7 h planning day absorbs ~1.6 h more), exhaustion is lower in every replication and the
    burnout share is lower on average (measured: -1.25 points over these 12)."""
    plain, structured = team_based(False), team_based(True)
    rows = []
    for r in range(12):
        a, b = (compute_metrics(simulate(sc, replication_seed(1, r))) for sc in (plain, structured))
        rows.append([(m["overtime_hours_per_week"], m["mean_exhaustion"], m["burnout_share"]) for m in (a, b)])
    x = np.array(rows)  # (replication, plain/structured, metric)
    assert (x[:, 0, 0] - x[:, 1, 0]).mean() > 1.0
    assert (x[:, 1, 1] < x[:, 0, 1]).all()
    assert x[:, 1, 2].mean() < x[:, 0, 2].mean()


def test_validate_names_a_multiplier_or_a_span_with_nothing_to_act_on():
    from staffsim.scenario.effects import no_effect

    data = small_scenario(**{"behaviour.planning.structured_multiplier": 1.4,
                             "behaviour.span_of_control.reference_teachers": 5})
    found = {w.path for w in no_effect(scenario_from_dict(data))}
    assert {"behaviour.planning.structured_multiplier", "behaviour.span_of_control.reference_teachers"} <= found
    raw, _ = read_scenario_dict("team-based")
    raw = copy.deepcopy(raw)
    raw["days"]["planning_day"] = {"arrival..p4": "structured_planning", "12:05-14:50": "structured_planning"}
    raw["behaviour"]["planning"] = {"structured_multiplier": 1.4}
    raw["behaviour"]["span_of_control"] = {"reference_teachers": 5}
    assert no_effect(scenario_from_dict(raw)) == []
