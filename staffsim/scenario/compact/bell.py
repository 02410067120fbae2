"""The bell schedule (named slots of the school day) and what a slot holds.

    bell_schedule:
      arrival: 07:40-08:00
      periods: [08:00-08:50, 08:55-09:45, ...]     # named p1, p2, ... (or a mapping name: time)
      lunch: 11:35-12:05
      dismissal: 14:50-15:20

A slot's *content* is a string of segments laid end to end from the slot's start:
``whole_class 30 + small_group 20`` (minutes), ``planning 45`` (the rest of the
slot is free), ``coaching_given`` (the whole slot), ``small_group 30 + free 5 +
small_group 30`` (a 5-minute gap), ``free`` (nothing). Only the last segment may
leave out its minutes: it then takes what is left of the slot. Times are minutes
after midnight throughout.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from staffsim.scenario.compact.problems import Loc, Problems, did_you_mean
from staffsim.scenario.timetable import parse_clock
from staffsim.scenario.vocabulary import PLANNED

_RANGE = re.compile(r"^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_SEGMENT = re.compile(r"^\s*([A-Za-z_-]+)(?:\s+(\d+))?\s*$")
#: Words a slot name may not be: they mean something else where slots are named.
RESERVED = frozenset({"periods", "every_day", "mon", "tue", "wed", "thu", "fri", "free"})
FREE = "free"


def parse_range(text: object) -> tuple[int, int]:
    """'08:00-08:50' -> (480, 530); ValueError when it is not a range of two times in order."""
    m = _RANGE.match(str(text))
    if not isinstance(text, str) or not m:
        raise ValueError(f"expected a time range like '08:00-08:50', found {text!r}")
    start, end = parse_clock(m.group(1)), parse_clock(m.group(2))
    if end <= start:
        raise ValueError(f"the range {text!r} ends before it starts")
    return start, end


def is_range(text: object) -> bool:
    return isinstance(text, str) and bool(_RANGE.match(text))


@functools.lru_cache(maxsize=2048)
def clock(minutes: int) -> str:
    """480 -> '08:00'."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class Slot:
    """A named part of the school day: [start, end) in minutes after midnight."""

    name: str
    start: int
    end: int
    period: bool  # one of the teaching periods (counted by `periods` and by offsets like p3+1)


@dataclass(frozen=True)
class Bell:
    """The bell schedule: slots in time order and the periods among them, in order."""

    slots: dict[str, Slot]
    periods: tuple[str, ...]

    def offset(self, period: str, k: int) -> str:
        """The period k after `period`, counting round from the last period to the first."""
        i = self.periods.index(period)
        return self.periods[(i + k) % len(self.periods)]

    def between(self, first: str, last: str) -> tuple[str, ...]:
        """The slots from `first` to `last` inclusive, in time order."""
        names = list(self.slots)
        return tuple(names[names.index(first): names.index(last) + 1])


EMPTY_BELL = Bell({}, ())


def read_bell(raw: Any, problems: Problems, loc: Loc = ("bell_schedule",)) -> Bell:
    """The bell schedule of a design; problems are collected, not raised."""
    if raw is None:
        return EMPTY_BELL
    if not isinstance(raw, dict):
        problems.add(loc, "expected a mapping of slot names to times like '08:00-08:50'")
        return EMPTY_BELL
    found: list[tuple[Slot, Loc]] = []
    for key, value in raw.items():
        if key == "periods":
            entries = value.items() if isinstance(value, dict) else (
                (f"p{i + 1}", v) for i, v in enumerate(value)) if isinstance(value, list) else None
            if entries is None:
                problems.add(loc + ("periods",), "expected a list of times like '08:00-08:50' (named p1, p2, ...)")
                continue
            for i, (name, v) in enumerate(entries):
                sub = loc + ("periods", name if isinstance(value, dict) else i)
                found.extend(_slot(name, v, True, sub, problems))
        else:
            found.extend(_slot(key, value, False, loc + (key,), problems))
    found.sort(key=lambda s: s[0].start)
    for (a, _), (b, bloc) in zip(found, found[1:]):
        if b.start < a.end:
            problems.add(bloc, f"slot {b.name} ({clock(b.start)}-{clock(b.end)}) overlaps {a.name} "
                               f"({clock(a.start)}-{clock(a.end)})")
    slots = {s.name: s for s, _ in found}
    return Bell(slots, tuple(s.name for s, _ in found if s.period))


def _slot(name: Any, value: Any, period: bool, loc: Loc, problems: Problems) -> list[tuple[Slot, Loc]]:
    if not isinstance(name, str) or not _NAME.match(name) or name in RESERVED:
        problems.add(loc, f"a slot needs a lower-case name (letters, digits, _) other than "
                          f"{', '.join(sorted(RESERVED))}; found {name!r}")
        return []
    try:
        start, end = parse_range(value)
    except ValueError as exc:
        problems.add(loc, str(exc))
        return []
    return [(Slot(name, start, end, period), loc)]


@dataclass(frozen=True)
class Segment:
    """One part of a slot's content: an activity (None: free time) for some minutes (None: the rest)."""

    activity: str | None
    minutes: int | None


def parse_content(value: Any) -> tuple[Segment, ...]:
    """'whole_class 30 + small_group 20' (or a list of segments) -> segments; ValueError when malformed."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return _parse_content(tuple(value))
    return _parse_content(value) if isinstance(value, str) else _parse_content_uncached(value)


@functools.lru_cache(maxsize=4096)
def _parse_content(value: str | tuple[str, ...]) -> tuple[Segment, ...]:
    return _parse_content_uncached(list(value) if isinstance(value, tuple) else value)


def _parse_content_uncached(value: Any) -> tuple[Segment, ...]:
    parts = value if isinstance(value, list) else str(value).split("+") if isinstance(value, str) else None
    if not parts:
        raise ValueError(f"expected what the slot holds, like 'whole_class 30 + small_group 20'; found {value!r}")
    if len(parts) == 1 and str(parts[0]).strip() == FREE:
        return ()
    out = []
    for i, part in enumerate(parts):
        m = _SEGMENT.match(str(part))
        if not m:
            raise ValueError(f"expected 'activity minutes' (e.g. 'small_group 20'), found {str(part).strip()!r}")
        activity, minutes = m.group(1), (int(m.group(2)) if m.group(2) else None)
        if activity != FREE and activity not in PLANNED:
            hint = did_you_mean(activity, PLANNED)
            hint = hint if "did you mean" in hint else f"; activities: {', '.join(PLANNED)} (or free)"
            raise ValueError(f"unknown activity {activity!r}{hint}")
        if minutes is None and i < len(parts) - 1:
            raise ValueError(f"only the last segment may leave out its minutes; give minutes for {activity!r}")
        if minutes == 0:
            raise ValueError(f"{activity!r} lasts 0 minutes; leave it out or give a positive number")
        out.append(Segment(None if activity == FREE else activity, minutes))
    return tuple(out)


def lay_out(segments: tuple[Segment, ...], start: int, end: int) -> list[tuple[int, int, str]]:
    """Blocks (start, end, activity) of segments laid end to end from `start`; ValueError if they overrun `end`."""
    blocks, t = [], start
    for seg in segments:
        stop = end if seg.minutes is None else t + seg.minutes
        if stop > end or stop <= t:
            need = sum(s.minutes or 0 for s in segments)
            raise ValueError(f"the content needs {need} minutes or more but the slot "
                             f"{clock(start)}-{clock(end)} has {end - start}")
        if seg.activity is not None:
            blocks.append((t, stop, seg.activity))
        t = stop
    return blocks
