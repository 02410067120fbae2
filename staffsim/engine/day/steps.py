"""The school day's steps in their declared order, and the function that runs them."""

from __future__ import annotations

from collections.abc import Callable

from staffsim.engine.day.coverage import coverage
from staffsim.engine.day.mentoring import mentoring
from staffsim.engine.day.partners import partner_coaching
from staffsim.engine.day.planning import coaching, interruptions, workload
from staffsim.engine.day.small_groups import small_groups
from staffsim.engine.day.staffing import absences, substitutes
from staffsim.engine.day.state import DayContext, DayState

DayStep = Callable[[DayContext, DayState], None]

#: The order matters: coverage takes planning before interruptions eat what is left, overtime is
#: workload minus the planning kept, and small groups meet with the seats left after coverage.
DAY_STEPS: tuple[DayStep, ...] = (absences, substitutes, coverage, coaching, partner_coaching, mentoring, interruptions,
                                workload, small_groups)


def new_day(ctx: DayContext, day: int, d: int) -> DayState:
    """The state of school day d (run day `day`) before any step: everyone in, as timetabled."""
    plan = ctx.rules.plan
    w = ctx.rules.weekday[d]
    return DayState(day=day, d=d, w=w, M=plan.minutes[w].copy(), seats=plan.seats[w],
                    group_minutes=plan.seat_minutes[w])


def run_day(ctx: DayContext, day: int, d: int, steps: tuple[DayStep, ...] = DAY_STEPS) -> DayState:
    """Resolve one school day: a fresh day state through every step in order."""
    st = new_day(ctx, day, d)
    for step in steps:
        step(ctx, st)
    return st
