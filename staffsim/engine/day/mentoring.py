"""Step 4c: mentoring and induction (policies.mentoring): planning time becomes mentoring time.

Each mentee and mentor who are both in (`engine/workforce/mentoring.py` pairs
them) meet: the mentor gives up a fifth of the week's mentor minutes of
individual planning, recorded as coaching given; the mentee a fifth of the
week's release minutes of individual planning, recorded as coaching received
(neither more than the planning left). Minutes move between columns, so every
staff minute is still counted once. Events: "mentoring" (mentor, mentee,
minutes) and "induction_release" (mentee, mentor, minutes).
"""

from __future__ import annotations

from staffsim.engine.day.state import DayContext, DayState
from staffsim.engine.ledger import EVENT_CODES
from staffsim.engine.workforce.constants import constants
from staffsim.scenario.vocabulary import Activity

A_IND = int(Activity.PLANNING_INDIVIDUAL)
A_CGIV = int(Activity.COACHING_GIVEN)
A_CREC = int(Activity.COACHING_RECEIVED)
E_MENTOR, E_RELEASE = EVENT_CODES["mentoring"], EVENT_CODES["induction_release"]


def mentoring(ctx: DayContext, st: DayState) -> None:
    """Mentors and mentees who are in spend the policy's minutes together, out of their individual planning."""
    plan = ctx.rules.plan
    if plan.scenario.policies.mentoring is None:
        return
    t = constants(plan).mentoring
    if t is None or not t.meets:
        return
    pos = ctx.positions
    pairs = t.pairs_now(pos.vacant, pos.exp, pos.token)
    if not pairs:
        return
    out, M, day, events = st.out, st.M, st.day, st.events
    for s, mentor in pairs:
        if out[s] or out[mentor]:
            continue
        given = min(t.mentor_day, M[mentor, A_IND])
        M[mentor, A_IND] -= given
        M[mentor, A_CGIV] += given
        released = min(t.release_day, M[s, A_IND])
        M[s, A_IND] -= released
        M[s, A_CREC] += released
        events.append((day, E_MENTOR, mentor, s, int(round(given))))
        events.append((day, E_RELEASE, s, mentor, int(round(released))))
