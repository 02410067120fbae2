"""Step 3: the coverage policy for absentees without a substitute, block by block.

Each instructional block of an absentee tries the compiled options in policy
order (`plan.CoverTask.options`): the first colleague who is in, whose block
is not already covering another absentee today, and who still has the minutes.
A colleague's block may cover several (non-overlapping) blocks of the same
absentee, and covers only the minutes it overlaps; the rest of the block is
combined with another class.
"""

from __future__ import annotations

from staffsim.engine.day.state import DayContext, DayState
from staffsim.engine.ledger import EVENT_CODES
from staffsim.engine.plan import BY_PLANNING
from staffsim.scenario.vocabulary import Activity

A_COVER = int(Activity.COVERAGE)
E_COV, E_CAN, E_COMB = (EVENT_CODES[k] for k in ("coverage", "cancelled_group", "combined"))


def coverage(ctx: DayContext, st: DayState) -> None:
    """Cover the blocks of `st.to_cover`, in staff order; record coverage, cancelled groups, combined classes."""
    plan = ctx.rules.plan
    group_size = ctx.rules.group_size
    M, out, used, events, day = st.M, st.out, st.used_blocks, st.events, st.day
    for s in st.to_cover:
        for task in plan.cover_tasks[st.w][s]:
            covered = 0
            for opt in task.options:
                c = opt.colleague
                if out[c] or used.get(opt.block, s) != s or M[c, opt.column] < opt.minutes:
                    continue
                used[opt.block] = s
                M[c, opt.column] -= opt.minutes
                M[c, A_COVER] += opt.minutes
                if opt.how == BY_PLANNING:
                    events.append((day, E_COV, c, s, opt.minutes))
                else:
                    st.seats[c] = max(0.0, st.seats[c] - group_size)
                    events.append((day, E_CAN, c, s, group_size))
                covered = opt.minutes
                break
            if covered < task.minutes:
                events.append((day, E_COMB, s, -1, task.minutes - covered))
                st.combined[s] = st.combined.get(s, 0) + task.minutes - covered
