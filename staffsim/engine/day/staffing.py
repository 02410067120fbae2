"""Who is in today: absences (step 1) and substitutes (step 2)."""

from __future__ import annotations

import numpy as np

from staffsim.engine.day.state import DayContext, DayState
from staffsim.engine.ledger import EVENT_CODES
from staffsim.scenario.vocabulary import Activity

A_ABSENT = int(Activity.ABSENT)
A_OFF = int(Activity.OFF_SITE)
E_ABS, E_SUB, E_CAN = (EVENT_CODES[k] for k in ("absence", "substitute", "cancelled_group"))


def absences(ctx: DayContext, st: DayState) -> None:
    """A two-state chain per person, starting more often when exhausted; who is out clears their day.

    The chain restarts (present yesterday) where the occupant changed since the last day. A part-time
    position is out only on days it is due on site: no absence starts (and a spell ends) on a day off,
    and a vacancy is felt only then; a half day out is absent in the morning, off site after.
    """
    pos, carry, rules = ctx.positions, ctx.carry, ctx.rules
    p_start = rules.p_start * pos.abs_mult
    u = ctx.draws.u_absence[:, st.d]
    was = carry.absent
    if np.count_nonzero(pos.changed):
        was = was & ~pos.changed
    absent = np.where(was, u < rules.p_stay, u < p_start)
    vacant = pos.vacant  # positions with nobody in post (a long-term substitute may hold them)
    if rules.due is not None:
        absent &= rules.due[st.w]
        vacant = vacant & rules.due[st.w]
    carry.absent = absent
    out = absent | vacant
    st.absent, st.vacant, st.out = absent, vacant, out
    if np.count_nonzero(out):
        plan = rules.plan
        st.out_idx = day_order(rules.sub_rank, np.flatnonzero(out), ctx.draws.u_order[:, st.d])
        st.seats = st.seats * ~out
        st.group_minutes = st.group_minutes * ~out
        st.M[st.out_idx] = 0.0
        if rules.off_site is None:
            st.M[st.out_idx, A_ABSENT] = plan.contract_minutes
        else:
            off = rules.off_site[st.w, st.out_idx]
            st.M[st.out_idx, A_ABSENT] = plan.contract_minutes - off
            st.M[st.out_idx, A_OFF] = off


def day_order(rank: np.ndarray | None, out: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The positions `out` in the day's order: by the uniforms u (random), after the priority rank if any.

    A fresh order every day from the named stream `substitute_order`, so no position gets substitutes or
    colleagues' cover first because of its place in the scenario file.
    """
    if len(out) < 2:
        return out
    keys = (u[out],) if rank is None else (u[out], rank[out])
    return out[np.lexsort(keys)]


def substitutes(ctx: DayContext, st: DayState) -> None:
    """Substitutes from a limited daily pool, in the day's order; long-term substitutes hold vacancies.

    Absentees with classes to cover and no substitute are left to the coverage step (`st.to_cover`).
    """
    rules, pos = ctx.rules, ctx.positions
    plan = rules.plan
    w, day, events = st.w, st.day, st.events
    seats_w, groups_w = plan.seats[w], plan.seat_minutes[w]
    u_sub = ctx.draws.u_subs[:, st.d]
    vacant = st.vacant
    n_out = len(st.out_idx)
    for s in st.out_idx.tolist() if n_out else ():
        if not vacant[s]:
            events.append((day, E_ABS, s, -1, int(plan.cover_minutes[w, s])))
        if not plan.cover_tasks[w][s]:
            continue
        if vacant[s] and pos.long_term_sub[s]:
            if rules.run_groups:
                st.seats[s], st.group_minutes[s] = seats_w[s], groups_w[s]
            continue
        if st.subs_used < rules.pool_size and u_sub[s] < rules.fill_rate:
            st.subs_used += 1
            events.append((day, E_SUB, s, -1, 0))
            if rules.run_groups:
                st.seats[s], st.group_minutes[s] = seats_w[s], groups_w[s]
            elif seats_w[s]:
                events.append((day, E_CAN, s, -1, int(seats_w[s])))
            continue
        if seats_w[s]:
            events.append((day, E_CAN, s, -1, int(seats_w[s])))
        st.to_cover.append(s)
    if n_out:
        st.adults_present = (rules.staff_on_site[w] - n_out + st.subs_used
                             + np.count_nonzero(vacant & pos.long_term_sub))
    else:
        st.adults_present = rules.staff_on_site[w]
