"""The compact design language: bell schedule, days and layers, role and team templates, rotations."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from staffsim.engine.plan import compile_plan
from staffsim.errors import InputError
from staffsim.scenario.compact import CompactError, expand_compact, expand_design, is_compact
from staffsim.scenario.compact.bell import lay_out, parse_content
from staffsim.scenario.loading import load_scenario, scenario_from_dict
from staffsim.scenario.timetable import WEEKDAYS, Block, parse_clock
from staffsim.scenario.vocabulary import PLANNED, Activity

from conftest import small_scenario

BELL = {"arrival": "08:00-08:20", "periods": ["08:20-09:10", "09:15-10:05", "10:10-11:00"],
        "lunch": "11:00-11:30", "dismissal": "11:30-12:00"}


def compact(**changes) -> dict:
    """A small compact design: one team template of a leader, teachers rotating a planning day, an aide."""
    data = small_scenario()
    del data["timetables"]
    data["contract_day"] = {"start": "08:00", "end": "12:00"}
    data["roles"]["leader"] = {"category": "teacher_leader", "salary": 70000}
    data.update({
        "bell_schedule": copy.deepcopy(BELL),
        "days": {"teaching": {"arrival": "duties", "periods": "whole_class 30 + small_group 20"},
                 "plan_day": {"arrival..p3": "planning"}},
        "role_templates": {
            "teacher": {"role": "teacher", "every_day": ["teaching", {"$common": "collaborative_planning"}],
                        "$pd": "plan_day", "rotate": {"pd": ["tue", "thu"]}},
            "leader": {"role": "leader", "every_day": {"periods": "coaching_given", "$common": "collaborative_planning",
                                                       "$common+1": "planning"}},
            "aide": {"role": "aide", "every_day": {"periods": "small_group 25 + small_group 25", "dismissal": "duties"}},
        },
        "team_templates": {"t": {"students": 60, "members": {"leader": 1, "teacher": 2, "aide": 1}}},
        "teams": [{"name": "t-a", "tag": "a", "template": "t", "common": "p1"},
                  {"name": "t-b", "tag": "b", "template": "t", "common": "p3"}],
    })
    data.update(changes)
    return data


def problems(data: dict) -> list[str]:
    with pytest.raises(CompactError) as exc:
        expand_compact(data)
    return [f"{'.'.join(map(str, loc))}: {msg}" for loc, msg in exc.value.problems]


def test_content_segments_are_laid_end_to_end():
    assert lay_out(parse_content("whole_class 30 + small_group 20"), 480, 530) == [
        (480, 510, "whole_class"), (510, 530, "small_group")]
    assert lay_out(parse_content("planning 45"), 480, 530) == [(480, 525, "planning")]  # the rest is free
    assert lay_out(parse_content("small_group 30 + free 5 + small_group"), 480, 555) == [
        (480, 510, "small_group"), (515, 555, "small_group")]
    assert lay_out(parse_content(["duties 10", "planning"]), 0, 30) == [(0, 10, "duties"), (10, 30, "planning")]
    assert parse_content("free") == ()
    with pytest.raises(ValueError, match="unknown activity 'whole-class'.*whole_class"):
        parse_content("whole-class 30")
    with pytest.raises(ValueError, match="only the last segment"):
        parse_content("whole_class + small_group 20")
    with pytest.raises(ValueError, match="has 50"):
        lay_out(parse_content("whole_class 40 + small_group 20"), 480, 530)


def test_generated_timetables_and_members():
    out = expand_compact(compact())
    assert "bell_schedule" not in out and "role_templates" not in out
    tt = out["timetables"]
    assert sorted(tt) == ["a_aide", "a_leader", "a_teacher_thu", "a_teacher_tue",
                          "b_aide", "b_leader", "b_teacher_thu", "b_teacher_tue"]
    assert tt["a_teacher_tue"]["every_day"] == [
        "08:00-08:20 duties", "08:20-09:10 collaborative_planning", "09:15-09:45 whole_class",
        "09:45-10:05 small_group", "10:10-10:40 whole_class", "10:40-11:00 small_group"]
    assert tt["a_teacher_tue"]["tue"] == ["08:00-11:00 planning"]  # a span: one block from arrival to p3's end
    assert tt["b_leader"]["every_day"][:2] == ["08:20-09:10 planning", "09:15-10:05 coaching_given"]  # p3+1 is p1
    assert out["teams"][0] == {"name": "t-a", "students": 60, "members": [
        {"role": "leader", "timetable": "a_leader"},
        {"role": "teacher", "count": 2, "timetable": ["a_teacher_tue", "a_teacher_thu"]},
        {"role": "aide", "timetable": "a_aide"}]}
    assert scenario_from_dict(compact()).staff_count == 8


def test_counts_are_one_number_and_rotations_follow_them():
    data = compact()
    data["team_templates"]["t"]["members"]["teacher"] = 3  # a third teacher in every team
    sc = scenario_from_dict(data)
    assert sc.staff_count == 10
    assert sc.teams[0].members[1].timetables == ("a_teacher_tue", "a_teacher_thu")  # taken in turn, round again
    data["team_templates"]["t"]["members"]["aide"] = 0  # 0 leaves the role out
    assert [m.role for m in scenario_from_dict(data).teams[0].members] == ["leader", "teacher"]
    data = compact()
    data["teams"][1]["members"] = {"teacher": 1}  # one team overrides the template's count
    assert [m.count for m in scenario_from_dict(data).teams[1].members] == [1, 1, 1]


def test_names_without_a_tag_carry_the_team_values():
    data = compact()
    data["teams"] = [{"name": f"class-{p}", "count": 2, "students": 30, "members": {"leader": 1}, "common": p}
                     for p in ("p1", "p2")]
    out = expand_compact(data)
    assert sorted(out["timetables"]) == ["leader_p1", "leader_p2"]
    data["teams"][1]["common"] = "p1"  # two teams with the same values share one timetable
    assert sorted(expand_compact(data)["timetables"]) == ["leader_p1"]


def test_later_layers_replace_earlier_slots_and_a_layer_may_not_set_a_slot_twice():
    data = compact()
    data["role_templates"]["aide"]["every_day"] = ["teaching", {"p2": "planning", "arrival": "free"}]
    tt = expand_compact(data)["timetables"]["a_aide"]["every_day"]
    assert tt == ["08:20-08:50 whole_class", "08:50-09:10 small_group", "09:15-10:05 planning",
                  "10:10-10:40 whole_class", "10:40-11:00 small_group"]
    data["role_templates"]["leader"]["every_day"]["p1"] = "planning"  # team a's $common is p1 too (b's $common+1)
    a, b = problems(data)
    assert "role_templates.leader.every_day" in a and "same layer" in a and "team t-a" in a and "team t-b" in b


def test_clock_times_and_spans_in_a_day():
    data = compact()
    data["role_templates"]["aide"]["every_day"] = {"08:00-08:20": "duties", "p1..p2": "online_lab", "p3": "planning 30"}
    assert expand_compact(data)["timetables"]["a_aide"]["every_day"] == [
        "08:00-08:20 duties", "08:20-10:05 online_lab", "10:10-10:40 planning"]


@pytest.mark.parametrize("change, fragment", [
    (lambda d: d["teams"][0].pop("common"), "teams.0: sets no common: its role templates (leader, teacher) use $common"),
    (lambda d: d["teams"][0].update(comon="p1"), "teams.0.comon: unknown key"),
    (lambda d: d["teams"][0].update(common="p9"), "no slot 'p9' in bell_schedule ($common = 'p9')"),
    (lambda d: d["role_templates"]["aide"].update(role="aid"), "unknown role 'aid'; did you mean 'aide'?"),
    (lambda d: d["role_templates"]["teacher"].update(rotate={"pd": ["tue", "thu"], "x": ["mon"]}), "same number"),
    (lambda d: d["role_templates"]["teacher"].update(rotate={"pd": ["tue", "sat"]}), "must name weekdays"),
    (lambda d: d["team_templates"]["t"]["members"].update(teachr=1), "no role template 'teachr'; did you mean 'teacher'?"),
    (lambda d: d["teams"][0].update(template="tt"), "no team template 'tt'"),
    (lambda d: d["days"]["teaching"].update(p2="whole_class 60"), "has 50"),
    (lambda d: d["days"].update(plan_day=["plan_day"]), "includes itself"),
    (lambda d: d["role_templates"]["aide"].update(every_day="teachng"), "no day named 'teachng' in days; did you mean 'teaching'?"),
    (lambda d: d["role_templates"]["aide"].update(every_day={"p3+1": "x", "lunch+1": "planning"}), "only periods"),
    (lambda d: d["bell_schedule"].update(lunch="10:50-11:30"), "overlaps p3"),
    (lambda d: d["bell_schedule"].update(periods=["8-9"]), "expected a time range"),
    (lambda d: d["role_templates"]["aide"]["every_day"].update({"10:50-11:10": "duties"}), "blocks overlap"),
    (lambda d: d["role_templates"]["aide"]["every_day"].update({"12:00-12:30": "duties"}),
     "duties 12:00-12:30 lies outside the contract day 08:00-12:00"),
])
def test_mistakes_are_reported_where_they_are(change, fragment):
    data = compact()
    change(data)
    ps = problems(data)
    assert any(fragment in p for p in ps), ps


def test_a_shared_day_reports_its_problem_once():
    data = compact()
    data["days"]["teaching"]["p2"] = "whole_class 99"  # used by every teacher of both teams
    assert len(problems(data)) == 1


def test_problems_carry_the_line_of_the_compact_file(tmp_path):
    text = ("name: x\nschool: {students: 1, class_size: 1}\nroles: {r0: {category: teacher, salary: 1}}\n"
            "bell_schedule:\n  periods: [08:00-08:50]\nrole_templates:\n  t:\n    role: r\n"
            "    every_day: {p1: teachin}\n")
    f = tmp_path / "x.yaml"
    f.write_text(text)
    with pytest.raises(InputError) as exc:
        load_scenario(f)
    assert any(p.startswith("line 8: role_templates.t.role: unknown role") for p in exc.value.problems)
    assert any(p.startswith("line 9: role_templates.t.every_day.p1: unknown activity 'teachin'")
               for p in exc.value.problems)


def test_the_expanded_form_passes_through_unchanged():
    data = small_scenario()
    assert not is_compact(data) and expand_design(data) is data
    assert is_compact(compact()) and not is_compact(expand_compact(compact()))
    assert scenario_from_dict(expand_compact(compact())) == scenario_from_dict(compact())


# ---- generated designs: every person's minutes add up to the contract day exactly once

ACTIVITIES = sorted(PLANNED)


@st.composite
def contents(draw, length: int) -> tuple[str, list[tuple[str | None, int]]]:
    """A content that fits a slot of `length` minutes and the (activity, minutes) it should give."""
    parts, used, text = [], 0, []
    for _ in range(draw(st.integers(1, 3))):
        room = length - used
        if room < 1:
            break
        activity = draw(st.sampled_from(ACTIVITIES + ["free"]))
        minutes = draw(st.integers(1, room))
        parts.append((None if activity == "free" else activity, minutes))
        text.append(f"{activity} {minutes}")
        used += minutes
    if used < length and draw(st.booleans()):  # the last segment takes the rest of the slot
        activity = draw(st.sampled_from(ACTIVITIES))
        parts.append((activity, None))  # None: the rest of whichever slot it is laid in
        text.append(activity)
    return " + ".join(text), parts


@st.composite
def designs(draw):
    n = draw(st.integers(2, 6))
    t = draw(st.integers(7 * 60, 8 * 60))
    slots: dict[str, tuple[int, int]] = {}
    arrival = draw(st.integers(0, 25))
    if arrival:
        slots["arrival"] = (t, t + arrival)
    t += arrival
    for i in range(n):
        t += draw(st.integers(0, 10))
        length = draw(st.integers(20, 80))
        slots[f"p{i + 1}"] = (t, t + length)
        t += length
    contract = (min(s for s, _ in slots.values()) - draw(st.integers(0, 20)), t + draw(st.integers(0, 30)))
    clock = lambda m: f"{m // 60:02d}:{m % 60:02d}"  # noqa: E731
    periods = [f"p{i + 1}" for i in range(n)]
    bell = {"periods": [f"{clock(slots[p][0])}-{clock(slots[p][1])}" for p in periods]}
    if arrival:
        bell["arrival"] = f"{clock(slots['arrival'][0])}-{clock(slots['arrival'][1])}"
    expect: dict[str, dict] = {}
    templates = {}
    for k in range(draw(st.integers(1, 3))):
        base_text, base = draw(contents(min(slots[p][1] - slots[p][0] for p in periods)))
        layer, own = {"periods": base_text}, {}
        for p in draw(st.lists(st.sampled_from(periods + (["arrival"] if arrival else [])), max_size=3, unique=True)):
            own[p] = draw(contents(slots[p][1] - slots[p][0]))
            layer[p] = own[p][0]
        param_text, param = draw(contents(min(slots[p][1] - slots[p][0] for p in periods)))
        body = {"role": "teacher", "every_day": [layer, {"$x": param_text}]}
        rotate = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=5, unique=True)) if draw(st.booleans()) else None
        if rotate:
            body.update({"$day": {f"{periods[0]}..{periods[-1]}": "planning"}, "rotate": {"day": rotate}})
        templates[f"r{k}"] = body
        expect[f"r{k}"] = {"base": base, "own": {p: v[1] for p, v in own.items()}, "param": param, "rotate": rotate}
    teams = []
    for j in range(draw(st.integers(1, 3))):
        members = {name: draw(st.integers(0, 4)) for name in templates}
        if not any(members.values()):
            members["r0"] = 1
        teams.append({"name": f"team{j}", "tag": f"t{j}", "count": draw(st.integers(1, 3)), "students": 10,
                      "members": members, "x": draw(st.sampled_from(periods))})
    data = {
        "name": "generated", "school": {"students": 10 * sum(t["count"] for t in teams), "class_size": 20},
        "contract_day": {"start": clock(contract[0]), "end": clock(contract[1])},
        "roles": {"teacher": {"category": "teacher", "salary": 1}},
        "bell_schedule": bell, "role_templates": templates, "teams": teams,
        "policies": {"substitutes": {"pool_size": 0, "fill_rate": 0}},
        "behaviour": {"absence": {"days_per_year": 0}, "interruptions": {"per_planning_hour": 0, "mean_minutes": 1},
                      "needs": {"per_student_per_week": 0}},
    }
    return data, slots, expect


def expected_row(exp: dict, slots: dict, periods: list[str], param_slot: str, plan_day: bool) -> np.ndarray:
    """Minutes by activity one person should have on one weekday, worked out from the generator's own record."""
    row = np.zeros(len(Activity))
    if plan_day:
        row[PLANNED["planning"]] += slots[periods[-1]][1] - slots[periods[0]][0]
        return row
    for slot in slots:
        parts = exp["param"] if slot == param_slot else exp["own"].get(slot, exp["base"] if slot in periods else [])
        used = 0
        for activity, minutes in parts:
            minutes = slots[slot][1] - slots[slot][0] - used if minutes is None else minutes
            used += minutes
            if activity is not None:
                row[PLANNED[activity]] += minutes
    return row


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_generated_designs_account_for_every_contract_minute_exactly_once(case):
    data, slots, expect = case
    sc = scenario_from_dict(data)
    plan = compile_plan(sc)
    contract = sc.contract_day.minutes
    periods = [s for s in slots if s.startswith("p")]
    person = 0
    for team in data["teams"]:
        for copy_ in range(team["count"]):
            for name, n in team["members"].items():
                exp = expect[name]
                for k in range(n):
                    days = exp["rotate"][: min(n, len(exp["rotate"]))] if exp["rotate"] else None
                    plan_day = days[(copy_ * n + k) % len(days)] if days else None
                    for w, wd in enumerate(WEEKDAYS):
                        row = plan.minutes[w, person]
                        assert row.sum() == contract  # every minute of the contract day, once
                        want = expected_row(exp, slots, periods, team["x"], wd == plan_day)
                        want[Activity.OTHER] += contract - want.sum()  # free time counts as other
                        np.testing.assert_array_equal(row, want)
                    person += 1
    assert person == plan.minutes.shape[1]
    # and no minute is claimed by two blocks, nor lies outside the contract day
    for tt in sc.timetables.values():
        for wd in WEEKDAYS:
            cover = np.zeros(24 * 60, dtype=int)
            for b in tt.day(wd):
                cover[b.start:b.end] += 1
            assert cover.max(initial=0) <= 1
            assert cover[: sc.contract_day.start].sum() == cover[sc.contract_day.end:].sum() == 0


def test_block_parse_agrees_with_generated_strings():
    b = Block.parse("08:20-09:10 whole_class")
    assert (b.start, b.end) == (parse_clock("08:20"), parse_clock("09:10"))
