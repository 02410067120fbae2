"""What students get in one replication: small-group instruction, needs served, adults, teacher-leader reach,
the days they spent without their regular teacher (vacancies), and the class time combined for lack of cover."""

from __future__ import annotations

from functools import partial

import numpy as np

from staffsim.engine.ledger import EVENT_CODES, Ledger
from staffsim.metrics.metric import HIGHER, LOWER, Kind, Metric, declare
from staffsim.scenario.vocabulary import CATEGORY_CODES

LEADER = CATEGORY_CODES["teacher_leader"]
COMBINED = EVENT_CODES["combined"]


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
    out["student_days_without_regular_teacher"] = student_days_without_teacher(L)
    combined = L.events[L.events[:, 1] == COMBINED, 4].sum()
    out["combined_class_hours_per_week"] = float(combined / 60 / weeks) if weeks else float("nan")
    return out


def student_days_without_teacher(ledger: Ledger) -> float:
    """Student-days a year whose regular teacher's position stood vacant (held by a long-term substitute or not).

    Each teaching position (teacher-leaders and teachers) stands for an equal share of its team's
    students; a team with no roster of its own (pull-out staff) has none."""
    L = ledger
    teaching = L.is_teacher
    per_team = np.bincount(L.staff_team[teaching], minlength=len(L.team_students))
    share = np.divide(L.team_students, per_team, out=np.zeros(len(L.team_students)), where=per_team > 0)
    students = np.where(teaching, share[L.staff_team], 0.0)  # (S,) students of each position
    years = max(len(np.unique(L.year)), 1)
    return float((~L.filled).sum(axis=0) @ students / years)


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
    _metric(name="student_days_without_regular_teacher", kind=Kind.DAYS, direction=LOWER,
            label="Student-days without their regular teacher", unit="student-days per year",
            meaning="days a teaching position stood vacant (long-term substitute or none) x its students"),
    _metric(name="combined_class_hours_per_week", kind=Kind.HOURS, direction=LOWER,
            label="Classes combined for lack of cover", unit="class-hours per week, whole school",
            meaning="class time of an absent adult that no substitute or colleague covered, so the class joined "
                    "another; where coverage goes when planning is protected (policies.coverage.protected)"),
)
