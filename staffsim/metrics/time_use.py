"""Time-use metrics of one replication: planning, teaching, overtime and coverage per teacher (docs/model.md).

Time-use metrics are per teacher (teacher-leaders and teachers) per *week
worked*: totals over the days a teacher was in school, divided by those days
and multiplied by five. Absence days therefore do not dilute planning or
overtime; they are reported separately (`metrics.workforce`, family "absence"). A part-time
teacher's days wholly off site are not days worked either.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from staffsim.engine.ledger import EVENT_CODES, Ledger
from staffsim.metrics.metric import HIGHER, LOWER, NEITHER, Kind, Metric, declare
from staffsim.scenario.vocabulary import CATEGORY_CODES, PLANNING, Activity

A = Activity


def teacher_days(ledger: Ledger) -> np.ndarray:
    """(D, S) bool: a teacher in post and in school that day (not absent, not a part-timer's day off)."""
    present = (ledger.minutes[:, :, A.ABSENT] == 0) & (ledger.minutes[:, :, A.OFF_SITE] < ledger.contract_minutes)
    return present & ledger.filled & ledger.is_teacher[None, :]


def _per_teacher_week(ledger: Ledger, mask: np.ndarray, columns: tuple[Activity, ...]) -> float:
    """Hours per teacher per week worked: minutes in `columns` over the teacher-days in `mask`."""
    n = mask.sum()
    if n == 0:
        return float("nan")
    total = ledger.minutes[:, :, list(columns)].sum(axis=2)[mask].sum()
    return float(total / n * 5 / 60)


def time_use_metrics(ledger: Ledger) -> dict[str, float]:
    """The time-use family, in `TIME_USE_METRICS` order (hours per teacher per week worked)."""
    L = ledger
    teachers = L.is_teacher
    out: dict[str, float] = {}
    sched = L.scheduled[:, :, list(PLANNING)].sum(axis=(0, 2))
    out["scheduled_planning_hours_per_week"] = float(sched[teachers].mean() / 60) if teachers.any() else float("nan")
    td = teacher_days(L)
    out["planning_hours_per_week"] = _per_teacher_week(L, td, PLANNING)
    out["collaborative_planning_hours_per_week"] = _per_teacher_week(L, td, (A.PLANNING_COLLABORATIVE,))
    out["teaching_hours_per_week"] = _per_teacher_week(L, td, (A.WHOLE_CLASS, A.SMALL_GROUP))
    out["overtime_hours_per_week"] = _per_teacher_week(L, td, (A.OVERTIME,))
    out["total_work_hours_per_week"] = L.contract_minutes * 5 / 60 + out["overtime_hours_per_week"]
    out["coverage_hours_per_week"] = _per_teacher_week(L, td, (A.COVERAGE,))
    out["coaching_received_hours_per_week"] = _per_teacher_week(L, td, (A.COACHING_RECEIVED,))
    out.update(leader_metrics(L))
    out.update(mentoring_metrics(L))
    return out


def leader_metrics(ledger: Ledger) -> dict[str, float]:
    """Teacher-leaders' overtime, hours per leader per week worked; only in designs with a teacher-leader.

    The cost of a leader's span of control (`behaviour.span_of_control`): a leader of more teachers than the
    reference carries more workload, which shows here. Designs with no teacher-leader report nothing (so their
    metric set stays as it was).
    """
    leaders = ledger.staff_category == CATEGORY_CODES["teacher_leader"]
    if not leaders.any():
        return {}
    days = teacher_days(ledger) & leaders[None, :]
    return {"leader_overtime_hours_per_week": _per_teacher_week(ledger, days, (A.OVERTIME,))}


def mentoring_metrics(ledger: Ledger) -> dict[str, float]:
    """Mentor time given and induction release taken, school hours per week; only under a mentoring section.

    Read from the "mentoring" and "induction_release" events (minutes each); a ledger whose scenario has no
    `policies.mentoring` reports neither (so designs without mentoring keep their metric set).
    """
    sc = ledger.config
    if sc is None or getattr(sc.policies, "mentoring", None) is None:
        return {}
    ev = ledger.events
    weeks = ledger.minutes.shape[0] / 5
    given = ev[ev[:, 1] == EVENT_CODES["mentoring"], 4].sum()
    released = ev[ev[:, 1] == EVENT_CODES["induction_release"], 4].sum()
    return {"mentoring_given_hours_per_week": float(given / 60 / weeks) if weeks else float("nan"),
            "induction_release_hours_per_week": float(released / 60 / weeks) if weeks else float("nan")}




_metric = partial(Metric, kind=Kind.HOURS, unit="hours per week per teacher", family="time_use",
                  compute=time_use_metrics)

TIME_USE_METRICS: dict[str, Metric] = declare(
    _metric(name="scheduled_planning_hours_per_week", direction=HIGHER, label="Planning time in the timetable",
            meaning="planning time in the timetable, per teacher"),
    _metric(name="planning_hours_per_week", direction=HIGHER, label="Planning time kept",
            meaning="planning time kept after coverage and interruptions, per teacher"),
    _metric(name="collaborative_planning_hours_per_week", direction=HIGHER, label="Planning time with the team",
            meaning="the part of planning kept that is spent with the team"),
    _metric(name="teaching_hours_per_week", direction=NEITHER, label="Teaching time",
            meaning="whole-class and small-group contact time per teacher"),
    _metric(name="overtime_hours_per_week", direction=LOWER, label="Overtime (planning beyond the contract day)",
            meaning="planning workload that did not fit in the contract day"),
    _metric(name="total_work_hours_per_week", direction=LOWER, label="Total work time",
            meaning="contract time worked plus overtime, per teacher"),
    _metric(name="coverage_hours_per_week", direction=LOWER, label="Planning time lost covering colleagues",
            meaning="time spent covering absent colleagues' classes (planning given up or a small group "
                    "cancelled), per teacher"),
    _metric(name="coaching_received_hours_per_week", direction=HIGHER, label="Coaching received",
            meaning="coaching received that took place (its coach in school), per teacher"),
    _metric(name="leader_overtime_hours_per_week", direction=LOWER, label="Teacher-leaders' overtime",
            unit="hours per week per teacher-leader",
            meaning="planning workload beyond the contract day, per teacher-leader (it grows with the number of "
                    "teachers a leader leads beyond behaviour.span_of_control.reference_teachers); reported only "
                    "when the design has a teacher-leader"),
    _metric(name="mentoring_given_hours_per_week", direction=NEITHER, label="Mentor time given",
            unit="hours per week, whole school",
            meaning="mentors' planning time spent with novice mentees (policies.mentoring), school total; "
                    "reported only when the design has a mentoring section"),
    _metric(name="induction_release_hours_per_week", direction=NEITHER, label="Induction release time",
            unit="hours per week, whole school",
            meaning="mentees' planning time released for induction with their mentor (policies.mentoring), "
                    "school total; reported only when the design has a mentoring section"),
)
