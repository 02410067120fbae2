"""Step 7: queued needs take the small-group seats that met (FIFO, within the service window).

Seats of staff on a team with no roster of its own (pull-out intervention)
serve what the teams' own seats could not, shared in proportion to the queues.
"""

from __future__ import annotations

import numpy as np

from staffsim.engine.day.state import DayContext, DayState
from staffsim.engine.sampling import largest_remainder


def team_seats(ctx: DayContext, st: DayState) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(T,) seats that met, seat-minutes offered and minutes per seat, per team.

    Seat-minutes follow the groups that actually meet: an absentee's groups and a colleague's group
    cancelled to cover a class are gone with their minutes (`st.group_minutes`)."""
    rules = ctx.rules
    if not st.any_out:  # everyone in: the timetable's seats (precomputed per weekday)
        return rules.full_seats[st.w]
    plan, seats = rules.plan, st.seats
    T = plan.n_teams
    ts = np.bincount(plan.staff_team, weights=seats, minlength=T)
    tm = np.bincount(plan.staff_team, weights=st.group_minutes, minlength=T)
    return ts, tm, np.divide(tm, ts, out=np.zeros(T), where=ts > 0)


def small_groups(ctx: DayContext, st: DayState) -> None:
    """Serve the queues from today's seats; expire needs past the window; advance each queue's frontier."""
    rules, draws, carry = ctx.rules, ctx.draws, ctx.carry
    seats, offered, per_seat = team_seats(ctx, st)
    d = st.d
    ex = d - rules.window - 1
    expired_cum = draws.cum_needs[:, ex + 1] if ex >= 0 else 0.0
    head = np.maximum(carry.frontier, expired_cum)
    st.needs_expired = head - carry.frontier
    upto = draws.eligible_upto[d]
    eligible = draws.cum_needs[:, upto + 1] if upto >= 0 else np.zeros(rules.plan.n_teams)
    waiting = np.maximum(eligible - head, 0.0)
    served = np.minimum(seats, waiting)
    delivered = served * per_seat
    pool = rules.pool_idx
    if pool is not None:
        pool_seats = float(seats[pool].sum())
        rest = waiting - served
        total = float(rest.sum())
        if pool_seats > 0 and total > 0:
            extra = largest_remainder(rest, min(pool_seats, total), total)
            served += extra
            delivered += extra * (float(offered[pool].sum()) / pool_seats)
    carry.frontier = head + served
    st.needs_served = served
    st.seats_offered = seats
    st.seat_minutes = offered if rules.rotation else delivered
