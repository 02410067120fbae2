"""Step 4b: coaching by a coach without a class (instructional partner) needs the coach in.

The coach's links (`engine/coaching.py`: whom it coaches on this weekday, for how
many minutes) are compiled from the timetables. When the coach is out, each
coached colleague who is in plans instead: the linked coaching-received minutes
(no more than are left after step 4) become individual planning, minute for minute.
"""

from __future__ import annotations

from staffsim.engine.day.state import DayContext, DayState
from staffsim.scenario.vocabulary import Activity

A_IND = int(Activity.PLANNING_INDIVIDUAL)
A_CREC = int(Activity.COACHING_RECEIVED)


def partner_coaching(ctx: DayContext, st: DayState) -> None:
    """An absent coach's scheduled coaching becomes the coached staff's planning."""
    links = ctx.rules.plan.coach_links[st.w] if ctx.rules.plan.coach_links else ()
    if not (links and st.any_out):
        return
    out, M = st.out, st.M
    for coach, coached, minutes in links:
        if out[coach] and not out[coached]:
            moved = min(float(minutes), M[coached, A_CREC])
            M[coached, A_CREC] -= moved
            M[coached, A_IND] += moved
