"""The replication's day log (what each school day recorded) and its assembly into a `Ledger`."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from staffsim.engine.day.state import DayState
from staffsim.engine.ledger import EVENT_CODES, Ledger
from staffsim.engine.plan import Plan
from staffsim.scenario.vocabulary import N_ACTIVITIES, Activity

A_INT = int(Activity.INTERRUPTION)
E_INT = EVENT_CODES["interruption"]


@dataclass(eq=False)
class DayLog:
    """Per-day arrays of a replication (D school days, S positions, T teams), written by `record`."""

    minutes: np.ndarray  # (D, S, A)
    needs_arrived: np.ndarray  # (D, T)
    needs_served: np.ndarray  # (D, T)
    needs_expired: np.ndarray  # (D, T)
    seats_offered: np.ndarray  # (D, T)
    seat_minutes: np.ndarray  # (D, T)
    adults_present: np.ndarray  # (D,)
    events: list[tuple[int, int, int, int, int]] = field(default_factory=list)

    @classmethod
    def empty(cls, D: int, S: int, T: int) -> DayLog:
        return cls(
            minutes=np.zeros((D, S, N_ACTIVITIES), dtype=np.float64),
            needs_arrived=np.zeros((D, T)), needs_served=np.zeros((D, T)), needs_expired=np.zeros((D, T)),
            seats_offered=np.zeros((D, T)), seat_minutes=np.zeros((D, T)), adults_present=np.zeros(D),
        )

    def record(self, st: DayState) -> None:
        """Write a resolved day into the log."""
        day = st.day
        self.minutes[day] = st.M
        self.needs_expired[day] = st.needs_expired
        self.needs_served[day] = st.needs_served
        self.seats_offered[day] = st.seats_offered
        self.seat_minutes[day] = st.seat_minutes
        self.adults_present[day] = st.adults_present
        self.events.extend(st.events)


def event_table(log: DayLog, more: list[tuple[int, int, int, int, int]]) -> np.ndarray:
    """(N, 5) events of the day log and `more`, interruptions added, sorted stably by (day, kind, staff)."""
    ev = np.array(log.events + more, dtype=np.int64).reshape(-1, 5)
    # interruptions are recorded as events too, recomputed from the ledger column
    day_idx, staff_idx = np.nonzero(log.minutes[:, :, A_INT])
    if len(day_idx):
        ints = np.column_stack([
            day_idx, np.full(len(day_idx), E_INT), staff_idx,
            np.full(len(day_idx), -1), np.rint(log.minutes[day_idx, staff_idx, A_INT]).astype(np.int64),
        ])
        ev = np.vstack([ev, ints])
    return ev[np.lexsort((ev[:, 2], ev[:, 1], ev[:, 0]))] if len(ev) else ev


def build_ledger(plan: Plan, years: int, log: DayLog, *, events: np.ndarray, filled: np.ndarray,
                 needs_pending: np.ndarray, extra: dict, seed_key: tuple[int, ...]) -> Ledger:
    """The ledger of a replication: its plan, day log, sorted events, who was in post, workforce summary."""
    return Ledger(
        scenario=plan.scenario.name,
        seed_key=seed_key,
        staff_labels=plan.staff_labels,
        staff_role=plan.staff_role,
        staff_category=plan.staff_category,
        staff_team=plan.staff_team,
        is_teacher=plan.is_teacher,
        students=plan.students,
        team_students=plan.team_students,
        team_led=plan.team_led,
        contract_minutes=plan.contract_minutes,
        scheduled=plan.minutes,
        year=np.repeat(np.arange(years), plan.calendar.school_days),
        week=np.tile(plan.calendar.week, years),
        weekday=np.tile(plan.calendar.weekday, years),
        minutes=log.minutes,
        filled=filled,
        needs_arrived=log.needs_arrived,
        needs_served=log.needs_served,
        needs_expired=log.needs_expired,
        seats_offered=log.seats_offered,
        seat_minutes=log.seat_minutes,
        adults_present=log.adults_present,
        events=events,
        needs_pending=needs_pending,
        extra=extra,
        config=plan.scenario,
    )
