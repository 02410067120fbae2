"""One way to write numbers, money and metric names, for every view (terminal tables, figures, the report).

What a value looks like follows from its metric's kind in the registry
(`metrics.registry`): shares as percentages, money with thousands separators
(and the currency when given), other quantities to two or three significant
digits. Two registers:

- tables one reads closely (the CLI's summary and comparison tables, the
  decision table, the budget tables): `compact=False`, e.g. ``79.5%``,
  ``1,936,937``, ``3.24``;
- figures and the report, read at a glance on a projector: `compact=True`,
  e.g. ``80 %``, ``1.94 million``, ``3.2``.

A missing value (None, NaN, infinite) is written `MISSING` in both.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from staffsim.metrics.metric import Kind
from staffsim.metrics.registry import METRICS, kind_of

MISSING = "–"

#: What a metric's value is given as: a registered metric's name, a kind, or None (a plain number).
What = str | Kind | None


def _kind(what: What) -> Kind | None:
    return what if isinstance(what, Kind) or what is None else kind_of(what)


def _number(value: Any) -> float | None:
    """The value as a finite float; None when missing. Non-numbers raise TypeError/ValueError."""
    if value is None or value is pd.NA:
        return None
    x = float(value)
    return x if math.isfinite(x) else None


def format_value(value: Any, what: What = None, *, signed: bool = False, compact: bool = False, extra: int = 0,
                 currency: str | None = None) -> str:
    """`value` as a person reads it, by the kind of `what` (a metric name or a `Kind`).

    `signed` writes a '+' before positive values (differences); `extra` adds decimal
    places (to tell apart two ends of a narrow interval); `currency` ('USD 2024')
    follows money. Text that is not a number (a scenario value as written) passes through."""
    try:
        x = _number(value)
    except (TypeError, ValueError):
        return str(value)
    if x is None:
        return MISSING
    kind = _kind(what)
    sign = "+" if signed and x > 0 else ""
    if kind is Kind.SHARE:
        pct = x * 100
        if compact:
            return f"{sign}{pct:.{(0 if abs(pct) >= 10 else 1) + extra}f} %"
        return f"{sign}{pct:.{1 + extra}f}%"
    if kind is Kind.MONEY:
        if compact and abs(x) >= 1e6:
            text = f"{sign}{x / 1e6:,.{2 + extra}f} million"
        else:
            text = f"{sign}{x:,.{extra}f}"
        return f"{text} {currency}" if currency else text
    a = abs(x)
    if compact:
        digits = 0 if a >= 100 else 1 if a >= 10 else 2
    else:
        digits = 0 if a >= 1000 else 2 if a >= 1 else 3
    return f"{sign}{x:,.{digits + extra}f}"


def format_money(value: Any, *, signed: bool = False, currency: str | None = None) -> str:
    """An amount of money in whole units with thousands separators: '1,936,937' ('+400' signed)."""
    return format_value(value, Kind.MONEY, signed=signed, currency=currency)


def format_range(lo: float, hi: float, what: What = None, *, signed: bool = False, compact: bool = True) -> str:
    """'lo to hi', with more decimals when the rounded ends would read the same."""
    for extra in range(4):
        a = format_value(lo, what, signed=signed, compact=compact, extra=extra)
        b = format_value(hi, what, signed=signed, compact=compact, extra=extra)
        if a != b:
            break
    return f"{a} to {b}"


def format_interval(mean: float, lo: float, hi: float, what: What = None, *, signed: bool = False,
                    compact: bool = False) -> str:
    """'mean [lo, hi]': an estimate with its confidence interval, as tables show it."""
    f = [format_value(v, what, signed=signed, compact=compact) for v in (mean, lo, hi)]
    return f"{f[0]} [{f[1]}, {f[2]}]"


def format_clock(minutes: int) -> str:
    """Minutes after midnight as a clock time: 460 -> '07:40'."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def metric_label(metric: str, money: str | None = None) -> tuple[str, str]:
    """(label, unit in words) of a metric; money units name the currency and price year when known.

    A name the registry does not know (an older run folder) reads as its words, without a unit."""
    m = METRICS.get(metric)
    if m is None:
        return metric.replace("_", " ").capitalize(), ""
    if m.kind is Kind.MONEY and money:
        return m.label, f"{money}, {m.unit}"
    return m.label, m.unit


def unit_symbol(metric: str) -> str:
    """The short unit terminal tables print ('h', 'share', 'money/year'); '' for an unknown metric."""
    kind = kind_of(metric)
    return kind.value if kind is not None else ""
