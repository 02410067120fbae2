"""The schema as a map: which field a path names, its type, range and unit.

Used to explain errors (the range and unit of a number, the keys allowed in a
section), to check dotted override paths (`policies.substitutes.pool_size`,
`teams.0.count`) and to check sweep values against the field they set.
"""

from __future__ import annotations

import functools
import re
import types
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types as at
from pydantic import BaseModel
from pydantic.fields import FieldInfo

#: A list index as a path part: 0, 1, 12 (never 00 or +1, so each field has one spelling).
INDEX = re.compile(r"^(0|[1-9][0-9]*)$")


@dataclass(frozen=True)
class Target:
    """What a path names: the model field it is in (or None at the top) and the type of the value."""

    field: FieldInfo | None  # the innermost model field on the path
    name: str  # that field's name ('' at the top)
    annotation: Any  # the type of the value the path names (a model class, int, tuple[...], ...)
    exact: bool  # True when the path ends at the field itself, not inside it (an item of a list)


def _unwrap(annotation: Any) -> list[Any]:
    """The alternatives of a type: Optional/Union split, Annotated stripped, None dropped."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        out = []
        for arg in get_args(annotation):
            if arg is not type(None):
                out.extend(_unwrap(arg))
        return out
    return [annotation]


def _model_field(annotation: Any, part: Any) -> tuple[str, FieldInfo] | None:
    """The field `part` of a model among the type's alternatives, or None."""
    for alt in _unwrap(annotation):
        if isinstance(alt, type) and issubclass(alt, BaseModel) and isinstance(part, str) and part in alt.model_fields:
            return part, alt.model_fields[part]
    return None


def _item(annotation: Any, part: Any) -> Any | None:
    """The type of an entry of a dict or tuple value (`part` a key or an index), or None."""
    for alt in _unwrap(annotation):
        origin, args = get_origin(alt), get_args(alt)
        if origin is dict:
            return args[1]
        if origin is tuple:
            index = part if isinstance(part, int) else (int(part) if INDEX.match(str(part)) else None)
            if index is None:
                continue
            if len(args) == 2 and args[1] is Ellipsis:
                return args[0]
            if index < len(args):
                return args[index]
    return None


@functools.lru_cache(maxsize=4096)
def target(loc: tuple[Any, ...], root: type[BaseModel] | None = None) -> Target | None:
    """What the path `loc` names in the schema of `root` (default: a scenario), or None if it names nothing."""
    if root is None:
        from staffsim.scenario.schema import Scenario as root

    annotation: Any = root
    field, name, exact = None, "", False
    for part in loc:
        found = _model_field(annotation, part)
        if found is not None:
            (name, field), exact = found, True
            annotation = field.annotation
            continue
        annotation, exact = _item(annotation, part), False
        if annotation is None:
            return None
    return Target(field, name, annotation, exact)


def section_keys(loc: tuple[Any, ...], root: type[BaseModel] | None = None) -> list[str]:
    """The keys a mapping at `loc` may hold (a model's fields), or [] when any key is allowed."""
    t = target(loc, root)
    if t is None:
        return []
    models = [a for a in _unwrap(t.annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
    return list(models[0].model_fields) if models else []


def base_types(annotation: Any) -> set[type]:
    """The scalar types a value of this type may be (int, float, str, bool), lists and models excluded."""
    out: set[type] = set()
    for alt in _unwrap(annotation):
        if alt in (int, float, str, bool):
            out.add(alt)
        elif get_origin(alt) is Literal:
            out.update(type(a) for a in get_args(alt))
    return out


def is_number(annotation: Any) -> bool:
    """True for a number field (int or float, no bool or text alternative)."""
    kinds = base_types(annotation)
    return bool(kinds) and kinds <= {int, float}


def number_range(field: FieldInfo | None) -> tuple[float | None, bool, float | None, bool]:
    """(low, low inclusive, high, high inclusive) of a number field; None where unbounded."""
    low = high = None
    low_in = high_in = True
    for m in (field.metadata if field is not None else ()):
        if isinstance(m, at.Ge):
            low, low_in = m.ge, True
        elif isinstance(m, at.Gt):
            low, low_in = m.gt, False
        elif isinstance(m, at.Le):
            high, high_in = m.le, True
        elif isinstance(m, at.Lt):
            high, high_in = m.lt, False
    return low, low_in, high, high_in


def is_share(field: FieldInfo | None, name: str = "") -> bool:
    """A share or probability: a number from 0 to 1 (not a count that happens to be capped at 1)."""
    low, _, high, _ = number_range(field)
    return low is not None and high == 1 and low in (0, 0.0) and is_number(field.annotation) and \
        int not in base_types(field.annotation)


_UNITS = (("_minutes", "minutes"), ("_days", "school days"), ("_hours", "hours"), ("_weeks", "weeks"),
          ("_years", "years"), ("hours_per_week", "hours a week"), ("_per_year", "a year"))
_MONEY = {"salary", "supplement", "substitute_day_rate", "long_term_sub_day_rate", "cost_per_leaver", "budget"}


def unit_of(name: str) -> str:
    """The unit a field's name states ('minutes', 'school days', 'costs.currency', ...), or ''."""
    if name in _MONEY:
        return "in costs.currency" + (" a year" if name in ("salary", "supplement", "budget") else "")
    for suffix, unit in _UNITS:
        if name.endswith(suffix):
            return unit
    return ""


def describe(field: FieldInfo | None, name: str) -> str:
    """'a share from 0 to 1: probability a request is filled ...': the range, unit and meaning of a field."""
    if field is None:
        return ""
    parts = []
    if is_number(field.annotation):
        low, low_in, high, high_in = number_range(field)
        whole = int in base_types(field.annotation) and float not in base_types(field.annotation)
        what = "a share" if is_share(field, name) else ("a whole number" if whole else "a number")
        if low is not None and high is not None:
            rng = f"from {_num(low)}{'' if low_in else ' (exclusive)'} to {_num(high)}{'' if high_in else ' (exclusive)'}"
        elif low is not None:
            rng = f"{'at least' if low_in else 'above'} {_num(low)}"
        elif high is not None:
            rng = f"{'at most' if high_in else 'below'} {_num(high)}"
        else:
            rng = ""
        unit = unit_of(name)
        parts.append(" ".join(p for p in (what, rng, unit) if p))
    meaning = (field.description or "").split(". ")[0].split(" (")[0].strip()
    if meaning:
        parts.append(meaning if len(meaning) <= 110 else meaning[:107] + "...")
    return f"{name}: " + "; ".join(parts) if parts else ""


def _num(x: float) -> str:
    """1.5 -> '1.5', 1e9 -> '1 000 000 000' (a bound as a planner reads it)."""
    if float(x).is_integer():
        return f"{int(x):,}".replace(",", " ") if abs(x) >= 10_000 else str(int(x))
    return f"{x:g}"


def number_fields(model: type[BaseModel]) -> dict[str, bool]:
    """A model's number fields: name -> False for a number, True for a list or mapping of numbers."""
    out: dict[str, bool] = {}
    for name, f in model.model_fields.items():
        if is_number(f.annotation):
            out[name] = False
            continue
        for alt in _unwrap(f.annotation):
            origin, args = get_origin(alt), get_args(alt)
            items = [args[1]] if origin is dict else list(args) if origin is tuple else []
            flat = [x for a in items if a is not Ellipsis for x in ([a] if not get_args(a) else get_args(a))
                    if x is not Ellipsis]
            if flat and all(is_number(x) for x in flat):
                out[name] = True
    return out
