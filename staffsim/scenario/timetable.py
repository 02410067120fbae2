"""Timetables: clock times, blocks like '08:00-08:50 whole_class', a week of days."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import WithJsonSchema, field_validator

from staffsim.scenario.frozen import Frozen
from staffsim.scenario.vocabulary import PLANNED

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
_BLOCK = re.compile(r"^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s+([a-z_]+)\s*$")


def parse_clock(text: str) -> int:
    """'07:40' -> minutes after midnight (460). Raises ValueError on bad input."""
    m = _TIME.match(str(text))
    if not m:
        raise ValueError(f"expected a time like '07:40', found {text!r}")
    h, mi = int(m.group(1)), int(m.group(2))
    if h > 23 or mi > 59:
        raise ValueError(f"expected a time of day between 00:00 and 23:59, found {text!r}")
    return h * 60 + mi



class Block(Frozen):
    """One timetable block: [start, end) in minutes after midnight, and an activity."""

    start: int
    end: int
    activity: str

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @classmethod
    def parse(cls, value: object) -> "Block":
        """Accept '08:00-08:50 whole_class' or {start, end, activity}."""
        if isinstance(value, Block):
            return value
        if isinstance(value, str):
            m = _BLOCK.match(value)
            if not m:
                raise ValueError(
                    "expected a block like '08:00-08:50 whole_class', found " + repr(value)
                )
            start, end, activity = m.groups()
        elif isinstance(value, dict):
            unknown = set(value) - {"start", "end", "activity"}
            if unknown:
                raise ValueError(f"unknown block keys {sorted(unknown)}; expected start, end, activity")
            try:
                start, end, activity = value["start"], value["end"], value["activity"]
            except KeyError as exc:
                raise ValueError(f"block is missing {exc.args[0]!r}") from None
        else:
            raise ValueError(f"expected a block like '08:00-08:50 whole_class', found {value!r}")
        if activity not in PLANNED:
            raise ValueError(
                f"unknown activity {activity!r}; expected one of {', '.join(PLANNED)}"
            )
        # ints are minutes after midnight (the form a dumped scenario round-trips through)
        s = start if isinstance(start, int) else parse_clock(start)
        e = end if isinstance(end, int) else parse_clock(end)
        if e <= s:
            raise ValueError(f"block ends ({end}) before it starts ({start})")
        return cls(start=s, end=e, activity=activity)


def _parse_blocks(value: object) -> tuple[Block, ...]:
    if not isinstance(value, (list, tuple)):
        raise ValueError("expected a list of blocks like '08:00-08:50 whole_class'")
    blocks = sorted((Block.parse(v) for v in value), key=lambda b: b.start)
    for a, b in zip(blocks, blocks[1:]):
        if b.start < a.end:
            raise ValueError(
                f"blocks overlap: {a.activity} until {a.end // 60:02d}:{a.end % 60:02d} "
                f"and {b.activity} from {b.start // 60:02d}:{b.start % 60:02d}"
            )
    return tuple(blocks)


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
