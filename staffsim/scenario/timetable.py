"""Timetables: clock times, blocks like '08:00-08:50 whole_class', a week of days."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import WithJsonSchema, field_validator

from staffsim.scenario.frozen import Frozen
from staffsim.scenario.problems import Problem, Problems, did_you_mean, one_of
from staffsim.scenario.vocabulary import PLANNED

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
_BLOCK = re.compile(r"^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s+(\S+)\s*$")
MINUTES_PER_DAY = 1440


def parse_clock(text: str) -> int:
    """'07:40' -> minutes after midnight (460). Raises ValueError on bad input."""
    m = _TIME.match(str(text))
    if not m:
        raise ValueError(f"expected a time like '07:40', found {text!r}")
    h, mi = int(m.group(1)), int(m.group(2))
    if h > 23 or mi > 59:
        raise ValueError(f"expected a time of day between 00:00 and 23:59, found {text!r}")
    return h * 60 + mi


def format_clock(minutes: int) -> str:
    """460 -> '07:40' (minutes after midnight as a clock time)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def clock_minutes(value: object) -> int:
    """A time of day in minutes after midnight, from '07:40' or from minutes (0 to 1439, the form a dump
    round-trips through). Raises ValueError naming the range."""
    if isinstance(value, int) and not isinstance(value, bool):
        if not 0 <= value < MINUTES_PER_DAY:
            raise ValueError(f"expected a time of day: minutes after midnight from 0 to {MINUTES_PER_DAY - 1} "
                             f"(00:00 to 23:59), found {value}")
        return value
    if isinstance(value, str):
        return parse_clock(value)
    raise ValueError(f"expected a time like '07:40', found {value!r}")


class Block(Frozen):
    """One timetable block: [start, end) in minutes after midnight, and an activity."""

    start: int
    end: int
    activity: str

    @property
    def minutes(self) -> int:
        return self.end - self.start

    def __str__(self) -> str:
        return f"{format_clock(self.start)}-{format_clock(self.end)} {self.activity}"

    @classmethod
    def parse(cls, value: object) -> "Block":
        """Accept '08:00-08:50 whole_class' or {start, end, activity}; `Problems` (a ValueError) if neither."""
        if isinstance(value, Block):
            return value
        if isinstance(value, str):
            m = _BLOCK.match(value)
            if not m:
                raise _problem(f"expected a block like '08:00-08:50 whole_class', found {value!r}", _BLOCK_HINT)
            start, end, activity = m.groups()
        elif isinstance(value, dict):
            unknown = set(value) - {"start", "end", "activity"}
            if unknown:
                raise _problem(f"unknown block keys {sorted(unknown)}; expected start, end, activity", _BLOCK_HINT)
            try:
                start, end, activity = value["start"], value["end"], value["activity"]
            except KeyError as exc:
                raise _problem(f"block is missing {exc.args[0]!r}", _BLOCK_HINT) from None
        else:
            raise _problem(f"expected a block like '08:00-08:50 whole_class', found {value!r}", _BLOCK_HINT)
        if activity not in PLANNED:
            raise _problem(f"unknown activity {activity!r}{did_you_mean(activity, PLANNED)}",
                           f"activities a timetable may schedule: {one_of(PLANNED)}")
        try:
            s, e = clock_minutes(start), clock_minutes(end)
        except ValueError as exc:
            raise _problem(str(exc), _BLOCK_HINT) from None
        if e <= s:
            raise _problem(f"block ends ({format_clock(e)}) before it starts ({format_clock(s)})",
                           "write the earlier time first: '08:00-08:50 whole_class'")
        return cls.model_construct(start=s, end=e, activity=activity)  # checked above: no second pass


_BLOCK_HINT = "a block is 'HH:MM-HH:MM activity', e.g. '08:00-08:50 whole_class'; activities: " + ", ".join(PLANNED)


def _problem(message: str, hint: str = "") -> Problems:
    return Problems([Problem((), message, hint)])


def _parse_blocks(value: object) -> tuple[Block, ...]:
    """A day's blocks, sorted by start; every bad or overlapping block reported at its own list entry."""
    if not isinstance(value, (list, tuple)):
        raise _problem(f"expected a list of blocks like '08:00-08:50 whole_class', found {value!r}", _BLOCK_HINT)
    problems: list[Problem] = []
    parsed: list[tuple[Block, int]] = []
    for i, v in enumerate(value):
        try:
            parsed.append((Block.parse(v), i))
        except Problems as exc:
            problems.extend(p.under(i) for p in exc.problems)
    parsed.sort(key=lambda bi: bi[0].start)
    for (a, _), (b, j) in zip(parsed, parsed[1:]):
        if b.start < a.end:
            problems.append(Problem((j,), f"blocks overlap: {a.activity} until {format_clock(a.end)} and "
                                          f"{b.activity} from {format_clock(b.start)}",
                                    f"'{a}' and '{b}' share {format_clock(b.start)}-{format_clock(min(a.end, b.end))}"
                                    "; a person does one thing at a time"))
    if problems:
        raise Problems(problems)
    return tuple(b for b, _ in parsed)


#: A day's blocks; in the JSON Schema, a list of 'HH:MM-HH:MM activity' strings.
DayBlocks = Annotated[
    tuple[Block, ...],
    WithJsonSchema({
        "type": "array",
        "description": "blocks like '08:00-08:50 whole_class'; activities: " + ", ".join(PLANNED),
        "items": {"type": "string", "pattern": r"^\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s+(" + "|".join(PLANNED) + r")\s*$"},
    }),
]


class Timetable(Frozen):
    """A weekly timetable. `every_day` applies to each weekday a day key does not override.

    A full planning day is simply a day whose blocks are all planning.
    Contract time the blocks leave free counts as `other` (lunch, passing).
    """

    every_day: DayBlocks = ()
    mon: DayBlocks | None = None
    tue: DayBlocks | None = None
    wed: DayBlocks | None = None
    thu: DayBlocks | None = None
    fri: DayBlocks | None = None

    @field_validator("every_day", "mon", "tue", "wed", "thu", "fri", mode="before")
    @classmethod
    def _blocks(cls, value: object) -> object:
        return None if value is None else _parse_blocks(value)

    def day(self, weekday: str) -> tuple[Block, ...]:
        """The blocks of one weekday ('mon'..'fri')."""
        own = getattr(self, weekday)
        return self.every_day if own is None else own
