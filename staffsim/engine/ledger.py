"""The ledger: everything one replication recorded, from which every metric is computed.

Arrays are indexed by school day (D), staff position (S), team (T) and ledger
column (A, see `scenario.vocabulary.Activity`). Nothing here is a summary: metrics are
derived in `staffsim/metrics/`, so a new metric never needs a new simulation field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

#: Event kinds recorded in `Ledger.events` (column `kind`).
EVENT_KINDS = (
    "absence",  # a staff member absent for a day (value: instructional minutes needing cover)
    "substitute",  # a day-to-day substitute covered the absent staff member
    "coverage",  # a colleague (other) covered a block, giving up planning (value: minutes)
    "cancelled_group",  # a small group did not meet (value: seats lost)
    "combined",  # a class was combined with another: nobody covered the block (value: minutes)
    "interruption",  # interruptions ate planning (value: minutes)
    "resignation",  # a staff member resigned during the year
    "hire",  # a vacancy was filled (other: 1 if by a promoted resident)
    "move",  # year-end decision: moved to another school (value: completed years of experience)
    "leave",  # year-end decision: left teaching (value: completed years of experience)
    "promotion",  # a resident (other) was hired into an open teacher position (staff) at year end
    "mentoring",  # a mentor (staff) met a mentee (other), giving up planning (value: minutes)
    "induction_release",  # a mentee (staff) was released from planning for induction (value: minutes)
)
EVENT_CODES = {k: i for i, k in enumerate(EVENT_KINDS)}


@dataclass
class Ledger:
    """What happened in one replication of one or more school years."""

    scenario: str
    seed_key: tuple[int, ...]
    staff_labels: tuple[str, ...]
    staff_role: tuple[str, ...]
    staff_category: np.ndarray  # (S,)
    staff_team: np.ndarray  # (S,)
    is_teacher: np.ndarray  # (S,)
    students: int
    team_students: np.ndarray  # (T,)
    team_led: np.ndarray  # (T,)
    contract_minutes: int
    scheduled: np.ndarray  # (5, S, A) the timetable's minutes by weekday
    year: np.ndarray  # (D,) year index of each school day
    week: np.ndarray  # (D,) instructional week within the year
    weekday: np.ndarray  # (D,)
    minutes: np.ndarray  # (D, S, A) minutes by activity (column OVERTIME beyond contract)
    filled: np.ndarray  # (D, S) bool: a person (not a vacancy) held the position that day
    needs_arrived: np.ndarray  # (D, T) needs arising
    needs_served: np.ndarray  # (D, T) needs served within the window
    needs_expired: np.ndarray  # (D, T) needs whose window passed unserved
    seats_offered: np.ndarray  # (D, T) small-group seats that met
    seat_minutes: np.ndarray  # (D, T) student-minutes of small-group instruction delivered
    adults_present: np.ndarray  # (D,) instructional adults in school (staff present + substitutes)
    events: np.ndarray  # (N, 5) int64: day, kind code, staff, other, value
    needs_pending: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (T,) unserved, unexpired at year end
    extra: dict = field(default_factory=dict)  # per-mechanism state summaries (e.g. exhaustion)
    config: Any = None  # the Scenario simulated (prices, policies): metrics may need its parameters

    @property
    def days(self) -> int:
        return self.minutes.shape[0]

    def __repr__(self) -> str:
        """One line: what was simulated and how much was recorded (the arrays are too big to print)."""
        years = len(np.unique(self.year)) if len(self.year) else 0
        return (f"Ledger({self.scenario!r}, seed {self.seed_key}, {years} year(s) x {self.days // max(years, 1)} "
                f"school days, {len(self.staff_labels)} staff, {len(self.team_students)} teams, "
                f"{self.students} students, {len(self.events)} events)")

    def events_frame(self) -> pd.DataFrame:
        """Events as a DataFrame with readable kinds and staff labels."""
        ev = self.events
        df = pd.DataFrame(ev, columns=["day", "kind", "staff", "other", "value"])
        df["kind"] = pd.Categorical.from_codes(df["kind"], categories=list(EVENT_KINDS))
        return df


def split_years(ledger: Ledger) -> list[Ledger]:
    """One ledger per simulated year (for per-year tables of multi-year runs).

    Arrays over school days are sliced by year; events keep their day numbers
    relative to the year; `extra` arrays whose first axis has one entry per year
    are sliced by year, arrays over days (first axis D) by day, others kept whole.
    """
    years = np.unique(ledger.year)
    if len(years) == 1:
        return [ledger]
    D = ledger.days
    out = []
    for y in years:
        sel = ledger.year == y
        idx = np.flatnonzero(sel)
        lo, hi = int(idx[0]), int(idx[-1]) + 1
        ev = ledger.events[(ledger.events[:, 0] >= lo) & (ledger.events[:, 0] < hi)].copy()
        ev[:, 0] -= lo
        extra = {}
        for k, v in ledger.extra.items():
            if isinstance(v, np.ndarray) and v.ndim >= 1 and v.shape[0] == D:
                extra[k] = v[lo:hi]
            elif isinstance(v, np.ndarray) and v.ndim >= 1 and v.shape[0] == len(years):
                extra[k] = v[int(y):int(y) + 1]
            else:
                extra[k] = v
        day_fields = ("year", "week", "weekday", "minutes", "filled", "needs_arrived", "needs_served",
                      "needs_expired", "seats_offered", "seat_minutes", "adults_present")
        kw = {f: getattr(ledger, f)[lo:hi] for f in day_fields}
        out.append(
            Ledger(
                scenario=ledger.scenario, seed_key=ledger.seed_key, staff_labels=ledger.staff_labels,
                staff_role=ledger.staff_role, staff_category=ledger.staff_category, staff_team=ledger.staff_team,
                is_teacher=ledger.is_teacher, students=ledger.students, team_students=ledger.team_students,
                team_led=ledger.team_led, contract_minutes=ledger.contract_minutes, scheduled=ledger.scheduled,
                events=ev, needs_pending=ledger.needs_pending if y == years[-1] else np.zeros_like(ledger.needs_pending),
                extra=extra, config=ledger.config, **kw,
            )
        )
    return out
