"""The day steps one at a time, on tiny hand-made day states."""

from __future__ import annotations

import copy

import numpy as np
from conftest import small_scenario

from staffsim.engine.day.coverage import coverage
from staffsim.engine.day.planning import coaching, interruptions, workload
from staffsim.engine.day.staffing import absences, substitutes
from staffsim.engine.day.state import Carry, DayContext, YearDraws, day_rules
from staffsim.engine.day.steps import DAY_STEPS, new_day, run_day
from staffsim.engine.ledger import EVENT_CODES
from staffsim.engine.plan import compile_plan
from staffsim.engine.workforce.positions import Positions
from staffsim.scenario.loading import scenario_from_dict
from staffsim.scenario.vocabulary import CONTRACT_COLUMNS, Activity


def context(data: dict, absent=(), int_minutes=0.0) -> DayContext:
    """A day context for school day 0 of `data`: positions in `absent` start an absence, substitutes
    always accept, absentees are taken in staff order (equal order draws), every staff member faces
    `int_minutes` of interruptions."""
    plan = compile_plan(scenario_from_dict(data))
    S, T, D1 = plan.n_staff, plan.n_teams, plan.calendar.school_days
    u = np.ones((S, D1))
    u[list(absent), :] = 0.0
    draws = YearDraws(u_absence=u, u_subs=np.zeros((S, D1)), u_order=np.zeros((S, D1)),
                      int_minutes=np.full((S, D1), float(int_minutes)),
                      cum_needs=np.zeros((T, D1 + 1)), eligible_upto=np.full(D1, -1))
    carry = Carry(absent=np.zeros(S, dtype=bool), ahead=np.zeros(S), frontier=np.zeros(T))
    return DayContext(rules=day_rules(plan), draws=draws, carry=carry, positions=Positions.empty(S))


def day(ctx: DayContext, *steps):
    st = new_day(ctx, 0, 0)
    for step in steps:
        step(ctx, st)
    return st


def kinds(st, kind: str) -> list[tuple]:
    return [e for e in st.events if e[1] == EVENT_CODES[kind]]


def one_team(timetables: dict[str, list[str]], members: list[tuple[str, str, int]], **changes) -> dict:
    """A one-team school: timetables by name and (role, timetable, count) members."""
    data = small_scenario(**changes)
    data["timetables"] = {k: {"every_day": v} for k, v in timetables.items()}
    data["roles"]["leader"] = {"category": "teacher_leader", "salary": 70000, "planning_workload_hours_per_week": 10}
    data["teams"] = [{"name": "t", "students": data["school"]["students"], "members": [
        {"role": r, "timetable": tt, "count": n} for r, tt, n in members]}]
    return data


def test_absences_clear_the_day_of_who_is_out():
    ctx = context(small_scenario(), absent=[0, 4])
    st = day(ctx, absences)
    assert list(st.out_idx) == [0, 4] and ctx.carry.absent[[0, 4]].all()
    assert (st.M[[0, 4], Activity.ABSENT] == ctx.rules.plan.contract_minutes).all()
    assert st.M[[0, 4]].sum(axis=1).tolist() == [ctx.rules.plan.contract_minutes] * 2
    assert st.seats[0] == 0 and st.seats[1] == ctx.rules.plan.seats[st.w, 1]


def test_a_changed_occupant_restarts_the_absence_chain():
    for changed in (False, True):
        ctx = context(small_scenario())
        rules = ctx.rules
        assert rules.p_start < rules.p_stay
        ctx.carry.absent[2] = True  # the occupant was absent yesterday
        ctx.draws.u_absence[2, 0] = (rules.p_start + rules.p_stay) / 2  # the spell goes on; a new one would not start
        ctx.positions.changed[2] = changed  # a new person holds the post since
        st = day(ctx, absences)
        assert bool(st.absent[2]) is (not changed)


def test_substitutes_honour_the_pool_size():
    data = small_scenario(**{"policies.substitutes.pool_size": 1, "policies.substitutes.fill_rate": 1.0})
    ctx = context(data, absent=[0, 1, 2])
    st = day(ctx, absences, substitutes)
    assert st.subs_used == 1 and len(kinds(st, "substitute")) == 1
    assert kinds(st, "substitute")[0][2] == 0  # in staff order
    assert st.to_cover == [1, 2]
    assert st.adults_present == ctx.rules.plan.n_staff - 3 + 1
    assert len(kinds(st, "absence")) == 3


def test_a_colleague_block_covers_at_most_one_absentee_a_day():
    data = one_team({"a": ["09:00-10:00 whole_class", "11:00-12:00 whole_class"],
                     "p": ["09:00-12:00 planning"]},
                    [("teacher", "a", 2), ("teacher", "p", 1)], **{"policies.substitutes.pool_size": 0})
    ctx = context(data, absent=[0, 1])
    st = day(ctx, absences, substitutes, coverage)
    cov = kinds(st, "coverage")
    # the planning block covers both blocks of the first absentee, none of the second's
    assert [(e[2], e[3], e[4]) for e in cov] == [(2, 0, 60), (2, 0, 60)]
    assert [(e[2], e[4]) for e in kinds(st, "combined")] == [(1, 60), (1, 60)]
    assert st.combined == {1: 120}
    assert st.M[2, Activity.PLANNING_INDIVIDUAL] == 60 and st.M[2, Activity.COVERAGE] == 120
    assert len(set(st.used_blocks)) == 1 and set(st.used_blocks.values()) == {0}


def test_coaching_received_becomes_planning_when_the_leader_is_out():
    data = one_team({"lead": ["09:00-10:00 coaching_given"], "c": ["09:00-10:00 coaching_received"]},
                    [("leader", "lead", 1), ("teacher", "c", 2)])
    ctx = context(data, absent=[0, 2])
    st = day(ctx, absences, substitutes, coverage, coaching)
    assert st.M[1, Activity.COACHING_RECEIVED] == 0 and st.M[1, Activity.PLANNING_INDIVIDUAL] == 60
    assert st.M[2, Activity.ABSENT] == ctx.rules.plan.contract_minutes  # the absentee plans nothing
    led = day(context(data, absent=[2]), absences, substitutes, coverage, coaching)
    assert led.M[1, Activity.COACHING_RECEIVED] == 60  # the leader is in: coaching goes ahead


def test_interruptions_never_eat_more_than_the_planning_left():
    data = one_team({"a": ["09:00-10:00 whole_class"], "p": ["09:00-09:30 planning", "13:00-13:40 collaborative_planning"]},
                    [("teacher", "a", 1), ("teacher", "p", 1)], **{"policies.substitutes.pool_size": 0})
    ctx = context(data, absent=[0], int_minutes=500.0)
    st = day(ctx, absences, substitutes, coverage, coaching, interruptions)
    # coverage took the 30 planning minutes first; interruptions eat the 40 collaborative minutes left
    assert st.M[1, Activity.COVERAGE] == 30
    assert st.M[1, Activity.INTERRUPTION] == 40
    assert st.M[1, Activity.PLANNING_INDIVIDUAL] == 0 and st.M[1, Activity.PLANNING_COLLABORATIVE] == 0
    assert np.allclose(st.M[:, CONTRACT_COLUMNS].sum(axis=1), ctx.rules.plan.contract_minutes)


def test_workload_spills_into_overtime_and_carries_work_done_ahead():
    data = one_team({"p": ["09:00-11:00 planning"]}, [("teacher", "p", 1)])
    ctx = context(data)  # teachers: 10 h workload a week = 120 minutes a day
    st = day(ctx, absences, workload)
    assert st.M[0, Activity.OVERTIME] == 0 and ctx.carry.ahead[0] == 0
    heavy = copy.deepcopy(data)
    heavy["roles"]["teacher"]["planning_workload_hours_per_week"] = 15  # 180 minutes a day
    ctx = context(heavy)
    st = day(ctx, absences, workload)
    assert st.M[0, Activity.OVERTIME] == 60


def test_run_day_runs_the_declared_steps_in_order():
    ctx = context(small_scenario(), absent=[1])
    st = run_day(ctx, 0, 0)
    again = day(context(small_scenario(), absent=[1]), *DAY_STEPS)
    assert np.array_equal(st.M, again.M) and st.events == again.events
    assert DAY_STEPS[0] is absences and DAY_STEPS[-1].__name__ == "small_groups"


def test_a_block_is_covered_by_several_colleagues():
    """A 60-minute class met by a 45-minute planning block and another colleague's overlapping block:
    each covers only what is still uncovered, and nothing is combined (issue 10: it left 15 minutes)."""
    data = one_team({"a": ["09:00-10:00 whole_class"], "p": ["09:00-09:45 planning"],
                     "q": ["09:30-10:00 planning"]},
                    [("teacher", "a", 1), ("teacher", "p", 1), ("teacher", "q", 1)],
                    **{"policies.substitutes.pool_size": 0})
    ctx = context(data, absent=[0])
    st = day(ctx, absences, substitutes, coverage)
    assert [(e[2], e[3], e[4]) for e in kinds(st, "coverage")] == [(1, 0, 45), (2, 0, 15)]
    assert kinds(st, "combined") == [] and st.combined == {}
    assert st.M[2, Activity.PLANNING_INDIVIDUAL] == 15 and st.M[2, Activity.COVERAGE] == 15


def test_a_cancelled_group_takes_its_seat_minutes_with_it():
    """Seat-minutes follow the groups that meet: a colleague who cancels one group keeps the other's."""
    data = one_team({"a": ["09:00-10:00 whole_class"],
                     "g": ["09:00-09:20 small_group", "11:00-11:30 small_group"]},
                    [("teacher", "a", 1), ("teacher", "g", 1)],
                    **{"policies.substitutes.pool_size": 0,
                       "policies.coverage.order": ["cancel_small_group", "combine_classes"]})
    ctx = context(data, absent=[0])
    size = ctx.rules.group_size
    st = day(ctx, absences, substitutes, coverage)
    assert [(e[2], e[4]) for e in kinds(st, "cancelled_group") if e[3] == 0] == [(1, size)]
    assert st.seats[1] == size and st.group_minutes[1] == size * 30  # the 11:00 group still meets
    assert st.group_minutes[0] == 0


def test_absentees_are_taken_in_the_days_random_order():
    data = small_scenario(**{"policies.substitutes.pool_size": 1, "policies.substitutes.fill_rate": 1.0})
    ctx = context(data, absent=[0, 1, 2])
    ctx.draws.u_order[:, 0] = [0.9, 0.5, 0.1] + [0.0] * (ctx.rules.plan.n_staff - 3)
    st = day(ctx, absences, substitutes)
    assert list(st.out_idx) == [2, 1, 0]
    assert kinds(st, "substitute")[0][2] == 2 and st.to_cover == [1, 0]
