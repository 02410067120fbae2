"""Days on site: a part-time or external position is in school on some weekdays (or half days) only.

A role states either a weekly pattern, `on_site: {mon: 1, tue: 1, wed: 1, thu: 0.5, fri: 0}` (per
weekday 1 = the whole contract day, 0.5 = the morning, 0 = not on site; a weekday not listed is 0), or
a number of days, `days_on_site: 3.5`, which expands to the default pattern: whole days from Monday,
then the half day (3.5 -> Monday to Wednesday whole, Thursday morning). Neither: on site every day.

A half day keeps the timetable's blocks that end at or before the contract day's midpoint (start +
contract minutes // 2, whole minutes); the rest of the day is `off_site` (docs/model.md §2.4.10).
"""

from __future__ import annotations

from staffsim.scenario.timetable import WEEKDAYS

#: The fractions of a day a position may be on site: off, the morning, the whole day.
ON_SITE_VALUES = (0.0, 0.5, 1.0)
#: A position on site every day (the default).
EVERY_DAY = (1.0, 1.0, 1.0, 1.0, 1.0)


def default_pattern(days: float) -> tuple[float, ...]:
    """(5,) the documented default pattern of `days` on site a week: whole days from Monday, then a half day."""
    whole = int(days)
    return tuple(1.0 if w < whole else 0.5 if w == whole and days - whole else 0.0 for w in range(5))


def pattern(on_site: dict[str, float] | None, days_on_site: float | None) -> tuple[float, ...]:
    """(5,) fraction of each weekday (Monday first) on site, from a role's `on_site` or `days_on_site`."""
    if on_site is not None:
        return tuple(float(on_site.get(wd, 0.0)) for wd in WEEKDAYS)
    if days_on_site is not None:
        return default_pattern(days_on_site)
    return EVERY_DAY


def half_day_end(start: int, contract_minutes: int) -> int:
    """Minute after midnight at which a half day on site ends: the contract day's midpoint, whole minutes."""
    return start + contract_minutes // 2
