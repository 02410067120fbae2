"""What is left of planning: coaching without a coach (step 4), interruptions (5), workload and overtime (6)."""

from __future__ import annotations

import numpy as np

from staffsim.engine.day.state import DayContext, DayState
from staffsim.scenario.vocabulary import Activity

A_IND = int(Activity.PLANNING_INDIVIDUAL)
A_COL = int(Activity.PLANNING_COLLABORATIVE)
A_INT = int(Activity.INTERRUPTION)
A_OT = int(Activity.OVERTIME)
A_CREC = int(Activity.COACHING_RECEIVED)
A_STR = int(Activity.PLANNING_STRUCTURED)


def teams_without_leader(plan, out: np.ndarray) -> np.ndarray:
    """(T,) bool: led teams whose teacher-leader(s) are all out today."""
    leaders_in = np.bincount(plan.staff_team, weights=plan.is_leader & ~out, minlength=plan.n_teams)
    return plan.team_led & (leaders_in == 0)


def coaching(ctx: DayContext, st: DayState) -> None:
    """Coaching needs a coach: a leader's coaching is shared beyond the reference span (the rest is the
    coached person's planning: `engine/span.py`), and when a team's teacher-leaders are all out, the team
    plans instead."""
    plan = ctx.rules.plan
    M = st.M
    if ctx.rules.coaching_lost is not None:
        moved = M[:, A_CREC] * ctx.rules.coaching_lost
        M[:, A_CREC] -= moved
        M[:, A_IND] += moved
    out = st.out
    if not (st.any_out and ctx.rules.has_leader and bool((out & plan.is_leader).any())):
        return
    for t in np.flatnonzero(teams_without_leader(plan, out)):
        mates = (plan.staff_team == t) & ~out
        M[mates, A_IND] += M[mates, A_CREC]
        M[mates, A_CREC] = 0.0


def interruptions(ctx: DayContext, st: DayState) -> None:
    """Interruptions eat what is left of planning, individual planning first, then structured, then
    collaborative (never more than is left)."""
    eat = ctx.draws.int_minutes[:, st.d]
    if not np.count_nonzero(eat):
        return
    M = st.M
    if ctx.rules.structured is None:
        eat = np.minimum(eat, M[:, A_IND] + M[:, A_COL])
        from_ind = np.minimum(eat, M[:, A_IND])
        M[:, A_IND] -= from_ind
        M[:, A_COL] -= eat - from_ind
    else:
        eat = np.minimum(eat, M[:, A_IND] + M[:, A_STR] + M[:, A_COL])
        from_ind = np.minimum(eat, M[:, A_IND])
        rest = eat - from_ind
        from_str = np.minimum(rest, M[:, A_STR])
        M[:, A_IND] -= from_ind
        M[:, A_STR] -= from_str
        M[:, A_COL] -= rest - from_str
    M[:, A_INT] += eat


def workload(ctx: DayContext, st: DayState) -> None:
    """Planning workload not absorbed by planning kept spills into overtime the same day.

    Surplus planning is work done ahead: it carries forward (across weekends too),
    up to one week's workload, never backward (evenings already worked stay worked).
    """
    plan, carry, M = ctx.rules.plan, ctx.carry, st.M
    need = plan.workload_minutes * ~st.out if st.any_out else plan.workload_minutes
    if plan.on_site is not None:  # part-time positions: the workload of the (part of the) day on site
        need = need * plan.on_site[st.w]
    kept = M[:, A_IND] + ctx.rules.collaboration * M[:, A_COL]
    if ctx.rules.structured is not None:  # structured planning absorbs more workload per minute
        kept = kept + ctx.rules.structured * M[:, A_STR]
    b = carry.ahead + need - kept
    M[:, A_OT] = np.maximum(b, 0.0)
    carry.ahead = np.maximum(np.minimum(b, 0.0), ctx.rules.ahead_cap)
