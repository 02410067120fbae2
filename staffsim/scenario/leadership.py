"""Span of control: what a teacher-leader's team size costs (docs/model.md §2.4.1, step 4).

A teacher-leader's coaching and planning support is written into the timetables
for a team of a given size. Beyond the reference span the leader's coaching is
shared among more people (each coached member keeps reference/span of the
coaching the timetable gives them), and the leader's own workload grows with
every teacher led beyond it (`engine/span.py`). At or below the reference span
nothing changes.
"""

from __future__ import annotations

from pydantic import Field

from staffsim.scenario.frozen import Frozen


class SpanOfControl(Frozen):
    """The reference team size of a teacher-leader and the cost of each teacher beyond it."""

    reference_teachers: float = Field(
        4.0, ge=1, le=12, description="teachers one teacher-leader leads with the coaching the timetable gives "
        "them (teachers on a led team, not counting its leaders, per leader). Beyond it each coached team "
        "member gets reference/span of their timetabled coaching (the rest becomes their own planning). "
        "Assumption: 4, the shipped team-based span; Opportunity Culture guidance puts multi-classroom teams at "
        "about 3-8 teachers; plausible range 3-6",
    )
    leader_hours_per_extra_teacher: float = Field(
        0.5, ge=0, le=5, description="hours a week added to each teacher-leader's planning workload for every "
        "teacher led beyond reference_teachers (observation, feedback, coordination, data). Assumption: 0.5; "
        "plausible range 0.25-1.0",
    )
