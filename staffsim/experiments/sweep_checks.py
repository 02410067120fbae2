"""Sweep parameters checked against the scenario fields they set, before anything runs.

A sweep parameter is a dotted path (`policies.substitutes.pool_size`,
`calendar.breaks.0.weeks`); its values (listed, a range, or a CSV column) must
suit the field: numbers for a number field (never true/false, never empty,
finite, inside the field's range, whole for a whole-number field), true/false
for a switch, one of the allowed words for a choice. Each path has one
spelling (`breaks.0`, never `breaks.00`), and a CSV design has exactly the
columns the sweep declares.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Iterable

import pandas as pd

from staffsim.errors import Message
from staffsim.scenario import fields
from staffsim.scenario.explain import render
from staffsim.scenario.loading import override_path_problems
from staffsim.scenario.problems import Problem, did_you_mean
from staffsim.scenario.yaml_source import Locator

if TYPE_CHECKING:
    from staffsim.experiments.sweep import SweepSpec

MAX_PER_COLUMN = 5  # problems reported per parameter before '... and n more'


def path_loc(path: str) -> tuple[Any, ...]:
    """'teams.0.count' -> ('teams', 0, 'count')."""
    return tuple(int(p) if p.isdigit() else p for p in str(path).split("."))


def path_problem(path: str) -> str | None:
    """Why a dotted path names no field of a scenario ('no field 'pool' at policies.substitutes'), or None."""
    loc = path_loc(path)
    for i in range(1, len(loc) + 1):
        if fields.target(loc[:i]) is None:
            at = ".".join(str(p) for p in loc[: i - 1]) or "the top level"
            keys = fields.section_keys(loc[: i - 1])
            return f"no field {loc[i - 1]!r} at {at} of the scenario{did_you_mean(loc[i - 1], keys)}"
    return None


def value_problem(path: str, value: Any, whole: bool = True) -> str | None:
    """Why `value` cannot be set at `path` (wrong type, not finite, out of range), or None if it may be.

    `whole` False skips the whole-number check (an lhs range's ends are checked as a pair).
    """
    t = fields.target(path_loc(path))
    if t is None:
        return None
    kinds = fields.base_types(t.annotation)
    if fields.is_number(t.annotation):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"{_show(value)} is not a number ({t.name} is a number field)" + \
                ("; write the number, not true/false" if isinstance(value, bool) else "; expected a valid integer"
                 if int in kinds and float not in kinds else "")
        if not math.isfinite(value):
            return f"{_show(value)} is not a finite number"
        if whole and float not in kinds and not float(value).is_integer():
            return f"{value!r} is not a valid integer ({t.name} is a whole number)"
        if t.exact:
            return _range_problem(t, value)
        return None
    if kinds == {bool} and not isinstance(value, bool):
        return f"{_show(value)} is not true or false ({t.name} is a switch)"
    return None


def _range_problem(t: fields.Target, value: float) -> str | None:
    low, low_in, high, high_in = fields.number_range(t.field)
    below = low is not None and (value < low if low_in else value <= low)
    above = high is not None and (value > high if high_in else value >= high)
    if below or above:
        return f"{value!r} is outside the range of {fields.describe(t.field, t.name)}"
    return None


def _show(value: Any) -> str:
    return {True: "true", False: "false"}.get(value, repr(value)) if isinstance(value, bool) else repr(value)


def check_parameters(spec: "SweepSpec", data: Any = None, locate: Locator | None = None) -> list[Message]:
    """Problems of a sweep file's parameters, each at its line: unknown or doubly spelt paths, unsuitable values."""
    problems = [Problem(("parameters", path), text.split(": ", 1)[1])
                for text in override_path_problems(spec.parameters) for path in [text.split(": ", 1)[0]]]
    for path, p in spec.parameters.items():
        if any(q.loc == ("parameters", path) for q in problems):
            continue
        where = path_problem(path)
        if where:
            problems.append(Problem(("parameters", path), where, "see `staffsim schema` for the fields a scenario has"))
            continue
        for i, v in enumerate(p.values or ()):
            why = value_problem(path, v)
            if why:
                problems.append(Problem(("parameters", path, "values", i), why))
        for end in ("low", "high"):
            v = getattr(p, end)
            why = value_problem(path, v, whole=False) if v is not None else None
            if why:
                problems.append(Problem(("parameters", path, end), why))
        t = fields.target(path_loc(path))
        if p.values is None and t is not None and fields.base_types(t.annotation) == {int} and not p.integer:
            problems.append(Problem(("parameters", path), f"{t.name} is a whole number: give whole-number low "
                                                            f"and high (found {p.low!r} and {p.high!r})"))
    return render(problems, data, locate)


def check_points(df: pd.DataFrame, spec: "SweepSpec") -> list[str]:
    """Problems of a CSV design, column by column: missing or extra columns, then every unsuitable cell."""
    columns = [str(c) for c in df.columns]
    declared = list(spec.parameters)
    problems: list[str] = []
    if declared:
        missing = [d for d in declared if d not in columns]
        extra = [c for c in columns if c not in declared]
        problems += [f"no column {m!r}: the sweep declares it as a parameter; add the column (or remove the "
                     f"parameter)" for m in missing]
        problems += [f"column {e!r} is not a parameter of the sweep{did_you_mean(e, missing)}; declare it "
                     f"under parameters: (or remove the column)" for e in extra]
    spelling = override_path_problems(columns)
    problems += [f"column {text}" for text in spelling]
    for c in columns:
        if any(text.startswith(f"{c}: ") for text in spelling):
            continue
        where = path_problem(c)
        if where:
            problems.append(f"column {c!r}: {where}")
            continue
        problems += _column_problems(c, df[c])
    return first(problems)


def _column_problems(name: str, column: pd.Series) -> list[str]:
    out = []
    for row, value in zip(range(len(column)), column.tolist()):
        cell = f"column {name!r}, row {row + 2} (point {row})"
        if value is None or (isinstance(value, float) and math.isnan(value)):
            out.append(f"{cell}: the cell is empty; every point needs a value")
            continue
        why = value_problem(name, _number(value))
        if why:
            out.append(f"{cell}: {why}")
    if len(out) > MAX_PER_COLUMN:
        out = out[:MAX_PER_COLUMN] + [f"column {name!r}: ... and {len(out) - MAX_PER_COLUMN} more"]
    return out


def _number(value: Any) -> Any:
    """A CSV cell as Python: numpy scalars unwrapped; in a column pandas read as text (a bad cell elsewhere),
    numbers and true/false read back from their text."""
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        for kind in (int, float):
            try:
                return kind(text)
            except ValueError:
                pass
    return value


def first(items: Iterable[str], n: int = 20) -> list[str]:
    """At most `n` problems, then '... and k more'."""
    items = list(items)
    return items if len(items) <= n else items[:n] + [f"... and {len(items) - n} more"]
