"""The school calendar: which calendar days are school days, and the rest between them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from staffsim.scenario.school import CalendarSpec
from staffsim.scenario.timetable import MINUTES_PER_DAY  # noqa: F401  (re-exported for the engine)


@dataclass(frozen=True)
class Calendar:
    """School days of one year, laid on calendar days (day 0 = first Monday).

    Attributes are arrays over school days: `calendar_day` (index of the
    calendar day), `weekday` (0=Mon..4=Fri), `week` (instructional week, 0-based)
    and `rest_before` (calendar days without school since the previous school day:
    0 inside a week, 2 after a weekend, 9 after a one-week break).
    """

    calendar_day: np.ndarray
    weekday: np.ndarray
    week: np.ndarray
    rest_before: np.ndarray
    break_before: np.ndarray  # True where the rest before the day included a break week
    calendar_days: int  # calendar days from the first Monday to the day after the last school day

    @property
    def school_days(self) -> int:
        return len(self.calendar_day)

    @property
    def weeks(self) -> int:
        return int(self.week[-1]) + 1 if len(self.week) else 0


def build_calendar(spec: CalendarSpec) -> Calendar:
    """Lay `spec.weeks` five-day weeks on the calendar, inserting break weeks."""
    breaks_after = {}
    for b in spec.breaks:
        breaks_after[b.after_week] = breaks_after.get(b.after_week, 0) + b.weeks
    cal_day, weekday, week, rest, brk = [], [], [], [], []
    monday = 0
    last = None
    for w in range(spec.weeks):
        for wd in range(5):
            day = monday + wd
            cal_day.append(day)
            weekday.append(wd)
            week.append(w)
            rest.append(0 if last is None else day - last - 1)
            brk.append(bool(last is not None and day - last - 1 > 2))
            last = day
        monday += 7 * (1 + breaks_after.get(w + 1, 0))
    return Calendar(
        calendar_day=np.array(cal_day, dtype=np.int64),
        weekday=np.array(weekday, dtype=np.int64),
        week=np.array(week, dtype=np.int64),
        rest_before=np.array(rest, dtype=np.int64),
        break_before=np.array(brk, dtype=bool),
        calendar_days=(last + 1) if last is not None else 0,
    )
