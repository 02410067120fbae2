"""What a metric is: the record every family module declares its metrics with (see `metrics.registry`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, IntEnum
from typing import Callable

from staffsim.engine.ledger import Ledger

#: A family function: every metric of one family, computed from one ledger (they share intermediate results).
FamilyFunction = Callable[[Ledger], dict[str, float]]


class Kind(Enum):
    """How a value reads (and is formatted). The value is the short unit terminal tables print."""

    SHARE = "share"  # a proportion 0-1, shown as a percentage
    MONEY = "money/year"  # an annual amount in the scenario's currency and price year
    HOURS = "h"
    MINUTES = "min"
    DAYS = "days"
    YEARS = "years"
    COUNT = "count"  # people (per year)
    RATIO = "ratio"  # one quantity per another (students per adult)
    INDEX = "0-1"  # a score on a 0-1 scale that is not a proportion (exhaustion)


class Direction(IntEnum):
    """Which way is better, as a sign: +1 higher is better, -1 lower is better, 0 neither."""

    HIGHER = 1
    LOWER = -1
    NEITHER = 0


HIGHER, LOWER, NEITHER = Direction.HIGHER, Direction.LOWER, Direction.NEITHER  # short names for declarations


@dataclass(frozen=True)
class Metric:
    """One metric, declared once: what it measures, how it reads, and the family function computing it."""

    name: str  # the column name in metrics.parquet (never changes)
    kind: Kind
    direction: Direction
    label: str  # plain words for tables and figures: "Planning time kept"
    unit: str  # the unit in words, as said aloud: "hours per week per teacher" (money: "per year")
    meaning: str  # one line: what exactly is measured
    family: str  # the family's name, e.g. "time_use"
    compute: FamilyFunction  # the family function whose result holds this metric


def declare(*metrics: Metric) -> dict[str, Metric]:
    """A family's metrics by name, in display order (a name may be declared once)."""
    out: dict[str, Metric] = {}
    for m in metrics:
        if m.name in out:
            raise ValueError(f"metric {m.name!r} is declared twice")
        out[m.name] = m
    return out
