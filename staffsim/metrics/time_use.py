"""Metrics of one replication, computed from its ledger alone (DESIGN.md §4).

Time-use metrics are per teacher (teacher-leaders and teachers) per *week
worked*: totals over the days a teacher was in school, divided by those days
and multiplied by five. Absence days therefore do not dilute planning or
overtime; they are reported separately as `absence_days_per_staff`.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from staffsim.scenario.vocabulary import CATEGORY_NAMES, Activity
from staffsim.engine.ledger import EVENT_CODES, Ledger

A = Activity

#: Metric name -> (unit, one-line meaning). The order is the display order.
METRICS: dict[str, tuple[str, str]] = {
    "scheduled_planning_hours_per_week": ("h", "planning time in the timetable, per teacher"),
    "planning_hours_per_week": ("h", "planning time kept after coverage and interruptions, per teacher"),
    "collaborative_planning_hours_per_week": ("h", "the part of planning kept that is spent with the team"),
    "teaching_hours_per_week": ("h", "whole-class and small-group contact time per teacher"),
    "overtime_hours_per_week": ("h", "planning workload that did not fit in the contract day"),
    "total_work_hours_per_week": ("h", "contract time worked plus overtime, per teacher"),
    "coverage_hours_per_week": ("h", "time spent covering absent colleagues' classes (planning given up or a small group cancelled), per teacher"),
    "small_group_minutes_per_student_per_week": ("min", "small-group instruction received per student"),
    "needs_served_share": ("share", "flagged needs served by a small group within the window"),
    "students_per_adult": ("ratio", "students per instructional adult present, averaged over days"),
    "reach_share": ("share", "students on a team led by a teacher-leader in post"),
    "absence_days_per_staff": ("days", "absence days per staff member per year"),
    "uncovered_absence_share": ("share", "instructional minutes of absent staff with no substitute"),
}


def _teacher_days(ledger: Ledger) -> np.ndarray:
    """(D, S) bool: a teacher in post and in school that day."""
    present = ledger.minutes[:, :, A.ABSENT] == 0
    return present & ledger.filled & ledger.is_teacher[None, :]


def _per_teacher_week(ledger: Ledger, mask: np.ndarray, columns: tuple[Activity, ...]) -> float:
    """Hours per teacher per week worked: minutes in `columns` over the teacher-days in `mask`."""
    n = mask.sum()
    if n == 0:
        return float("nan")
    total = ledger.minutes[:, :, list(columns)].sum(axis=2)[mask].sum()
    return float(total / n * 5 / 60)


def compute_metrics(ledger: Ledger) -> dict[str, float]:
    """All metrics of one replication, in `METRICS` order."""
    L = ledger
    D = L.days
    weeks = D / 5
    teachers = L.is_teacher
    out: dict[str, float] = {}
    sched = L.scheduled[:, :, [A.PLANNING_INDIVIDUAL, A.PLANNING_COLLABORATIVE]].sum(axis=(0, 2))
    out["scheduled_planning_hours_per_week"] = float(sched[teachers].mean() / 60) if teachers.any() else float("nan")
    td = _teacher_days(L)
    out["planning_hours_per_week"] = _per_teacher_week(L, td, (A.PLANNING_INDIVIDUAL, A.PLANNING_COLLABORATIVE))
    out["collaborative_planning_hours_per_week"] = _per_teacher_week(L, td, (A.PLANNING_COLLABORATIVE,))
    out["teaching_hours_per_week"] = _per_teacher_week(L, td, (A.WHOLE_CLASS, A.SMALL_GROUP))
    out["overtime_hours_per_week"] = _per_teacher_week(L, td, (A.OVERTIME,))
    out["total_work_hours_per_week"] = L.contract_minutes * 5 / 60 + out["overtime_hours_per_week"]
    out["coverage_hours_per_week"] = _per_teacher_week(L, td, (A.COVERAGE,))
    out["small_group_minutes_per_student_per_week"] = float(L.seat_minutes.sum() / L.students / weeks)
    arrived = L.needs_arrived.sum()
    out["needs_served_share"] = float(L.needs_served.sum() / arrived) if arrived else float("nan")
    out["students_per_adult"] = float(np.mean(L.students / np.maximum(L.adults_present, 1)))
    leader = L.staff_category == 0
    led_in_post = np.zeros((D, len(L.team_students)))
    if leader.any():
        np.add.at(led_in_post.T, L.staff_team[leader], L.filled[:, leader].T)
    out["reach_share"] = float(((led_in_post > 0) * L.team_students[None, :]).sum(axis=1).mean() / L.students)
    absent_days = ((L.minutes[:, :, A.ABSENT] > 0) & L.filled).sum()
    days_per_year = D / len(np.unique(L.year))
    out["absence_days_per_staff"] = float(absent_days / max(L.filled.sum(), 1) * days_per_year)
    ev = L.events
    kind = ev[:, 1]
    need = ev[kind == EVENT_CODES["absence"]]
    subbed = {(int(r[0]), int(r[2])) for r in ev[kind == EVENT_CODES["substitute"]]}
    total_need = need[:, 4].sum()
    if total_need > 0:
        unsubbed = sum(int(r[4]) for r in need if (int(r[0]), int(r[2])) not in subbed)
        out["uncovered_absence_share"] = float(unsubbed / total_need)
    else:
        out["uncovered_absence_share"] = 0.0
    for name, fn in EXTRA_METRICS.items():
        out.update(fn(L))
    return out


#: Further metric groups registered by other modules (workforce, costs): name -> fn(ledger) -> dict.
EXTRA_METRICS: dict[str, Callable[[Ledger], dict[str, float]]] = {}


def metrics_frame(ledger: Ledger, scenario: str, point: int, replication: int) -> pd.DataFrame:
    """Tidy rows (scenario, point, replication, metric, value) for one replication."""
    m = compute_metrics(ledger)
    return pd.DataFrame(
        {
            "scenario": scenario,
            "point": point,
            "replication": replication,
            "metric": list(m.keys()),
            "value": np.array(list(m.values()), dtype=float),
        }
    )


def staff_weeks_frame(ledger: Ledger, scenario: str, point: int, replication: int) -> pd.DataFrame:
    """Minutes by activity per staff position per week (summed over the week's school days)."""
    L = ledger
    D, S, N = L.minutes.shape
    week_id = L.year * (L.week.max() + 1) + L.week
    n_weeks = int(week_id.max()) + 1
    sums = np.zeros((n_weeks, S, N))
    np.add.at(sums, week_id, L.minutes)
    days_in_post = np.zeros((n_weeks, S))
    np.add.at(days_in_post, week_id, L.filled.astype(float))
    from staffsim.scenario.vocabulary import LABELS

    df = pd.DataFrame(sums.reshape(n_weeks * S, N), columns=LABELS)
    weeks_per_year = int(L.week.max()) + 1
    wk = np.repeat(np.arange(n_weeks), S)
    df.insert(0, "days_in_post", days_in_post.reshape(-1))
    df.insert(0, "category", np.tile(np.array(CATEGORY_NAMES)[L.staff_category], n_weeks))
    df.insert(0, "role", np.tile(np.array(L.staff_role), n_weeks))
    df.insert(0, "staff", np.tile(np.array(L.staff_labels), n_weeks))
    df.insert(0, "week", wk % weeks_per_year)
    df.insert(0, "year", wk // weeks_per_year)
    df.insert(0, "replication", replication)
    df.insert(0, "point", point)
    df.insert(0, "scenario", scenario)
    for name, fn in EXTRA_STAFF_WEEK_COLUMNS.items():
        df[name] = fn(L, week_id, n_weeks).reshape(-1)
    return df


#: Extra per-staff-week columns (e.g. exhaustion): name -> fn(ledger, week_id, n_weeks) -> (W, S) array.
EXTRA_STAFF_WEEK_COLUMNS: dict[str, Callable] = {}
