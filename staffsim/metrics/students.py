"""What students get in one replication: small-group instruction, needs served, adults, teacher-leader reach."""

from __future__ import annotations

from functools import partial

import numpy as np

from staffsim.engine.ledger import Ledger
from staffsim.metrics.metric import HIGHER, LOWER, Kind, Metric, declare
from staffsim.scenario.vocabulary import CATEGORY_CODES

LEADER = CATEGORY_CODES["teacher_leader"]


def student_metrics(ledger: Ledger) -> dict[str, float]:
    """The students family, in `STUDENT_METRICS` order."""
    L = ledger
    weeks = L.days / 5
    out: dict[str, float] = {}
    out["small_group_minutes_per_student_per_week"] = float(L.seat_minutes.sum() / L.students / weeks)
    arrived = L.needs_arrived.sum()
    out["needs_served_share"] = float(L.needs_served.sum() / arrived) if arrived else float("nan")
    out["students_per_adult"] = float(np.mean(L.students / np.maximum(L.adults_present, 1)))
    leader = L.staff_category == LEADER
    led_in_post = np.zeros((L.days, len(L.team_students)))
    if leader.any():
        np.add.at(led_in_post.T, L.staff_team[leader], L.filled[:, leader].T)
    out["reach_share"] = float(((led_in_post > 0) * L.team_students[None, :]).sum(axis=1).mean() / L.students)
    return out


_metric = partial(Metric, family="students", compute=student_metrics)

STUDENT_METRICS: dict[str, Metric] = declare(
    _metric(name="small_group_minutes_per_student_per_week", kind=Kind.MINUTES, direction=HIGHER,
            label="Small-group instruction", unit="minutes per student per week",
            meaning="small-group instruction received per student"),
    _metric(name="needs_served_share", kind=Kind.SHARE, direction=HIGHER, label="Student needs served in time",
            unit="% of needs", meaning="flagged needs served by a small group within the window"),
    _metric(name="students_per_adult", kind=Kind.RATIO, direction=LOWER, label="Students per adult",
            unit="students", meaning="students per instructional adult present, averaged over days"),
    _metric(name="reach_share", kind=Kind.SHARE, direction=HIGHER,
            label="Students on a team led by a teacher-leader", unit="% of students",
            meaning="students on a team led by a teacher-leader in post"),
)
