"""Step 3: the coverage policy for absentees without a substitute, block by block.

Absentees are taken in the day's order (`staffing.day_order`). Each of their
instructional blocks tries the compiled options in policy order
(`plan.CoverTask.options`) until the whole block is covered: a colleague who
is in, whose block is not already covering another absentee today, gives up
the part of their planning (or cancels the small group) that overlaps what is
still uncovered. A block may so be covered by several colleagues, each for the
minutes only they cover; a colleague's block may cover several
(non-overlapping) blocks of the same absentee. What no colleague covers is
combined with another class.
"""

from __future__ import annotations

from staffsim.engine.day.state import DayContext, DayState
from staffsim.engine.ledger import EVENT_CODES
from staffsim.engine.plan import BY_PLANNING, CoverTask
from staffsim.engine.intervals import Gaps, take
from staffsim.scenario.vocabulary import Activity

A_COVER = int(Activity.COVERAGE)
E_COV, E_CAN, E_COMB = (EVENT_CODES[k] for k in ("coverage", "cancelled_group", "combined"))

def cover_block(ctx: DayContext, st: DayState, s: int, task: CoverTask) -> int:
    """Cover one block of absentee s with as many colleagues as it takes; the minutes covered."""
    M, out, used, events, day = st.M, st.out, st.used_blocks, st.events, st.day
    gaps: Gaps = [(task.start, task.end)]
    covered = 0
    for opt in task.options:
        c = opt.colleague
        if out[c] or used.get(opt.block, s) != s:
            continue
        got, left = take(gaps, opt.start, opt.end)
        if got == 0 or M[c, opt.column] < got:
            continue
        used[opt.block] = s
        M[c, opt.column] -= got
        M[c, A_COVER] += got
        if opt.how == BY_PLANNING:
            events.append((day, E_COV, c, s, got))
        else:
            size = ctx.rules.group_size
            st.seats[c] = max(0.0, st.seats[c] - size)
            st.group_minutes[c] = max(0.0, st.group_minutes[c] - size * opt.length)
            events.append((day, E_CAN, c, s, size))
        covered += got
        gaps = left
        if not gaps:
            break
    return covered


def coverage(ctx: DayContext, st: DayState) -> None:
    """Cover the blocks of `st.to_cover`, in order; record coverage, cancelled groups, combined classes."""
    plan = ctx.rules.plan
    events, day = st.events, st.day
    for s in st.to_cover:
        for task in plan.cover_tasks[st.w][s]:
            covered = cover_block(ctx, st, s, task)
            if covered < task.minutes:
                events.append((day, E_COMB, s, -1, task.minutes - covered))
                st.combined[s] = st.combined.get(s, 0) + task.minutes - covered
