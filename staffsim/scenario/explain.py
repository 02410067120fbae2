"""Validation errors explained: one message per problem, at its line, with a hint.

`explain(err, data, locate)` turns a pydantic `ValidationError` into
`Message`s: the line of the offending value (found through `locate`, a
function from an error location to the YAML node), the field path, what was
expected and found, and a hint (valid values, "did you mean", the unit and
range of a number). A value reused through a YAML anchor is one node, so the
problems the schema finds in each use of it are reported once.
"""

from __future__ import annotations

import math
import re
from typing import Any, Iterable, Mapping

import yaml
from pydantic import BaseModel, ValidationError

from staffsim.errors import Message
from staffsim.scenario import fields
from staffsim.scenario.problems import Problem, Problems, did_you_mean, one_of
from staffsim.scenario.yaml_source import Loc, Locator, line_of

#: Location parts pydantic adds for union members and wrapped validators (not keys of the file).
_TAG = re.compile(r"^(str|int|float|bool|none|dict|list|tuple|set)$|[\[\]]|^(function|lax|json|literal|tagged)-")
_TYPE_WORDS = {
    "int": "a whole number", "float": "a number", "str": "a text", "bool": "true or false", "dict": "a mapping",
    "tuple": "a list", "list": "a list", "model": "a section of keys", "literal": "one of the listed values",
}
_RANGE_TYPES = {"greater_than", "greater_than_equal", "less_than", "less_than_equal", "finite_number"}
_NUMBER_TYPES = {"int_parsing", "int_type", "int_from_float", "float_parsing", "float_type"}


def fmt_loc(loc: Iterable[Any]) -> str:
    """('teams', 0, 'members') -> 'teams[0].members'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out or "(top level)"


def short(value: Any, limit: int = 60) -> str:
    """A value as the file would show it, cut to `limit` characters."""
    text = {True: "true", False: "false", None: "null"}.get(value, None) if isinstance(value, (bool, type(None))) \
        else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def located_problems(err: ValidationError, root: type[BaseModel] | None = None) -> list[tuple[Problem, str]]:
    """Every problem with its full location, and the pydantic error type ('' for our own).

    `root` is the model validated (default: a scenario), for the keys, ranges and units in hints.
    """
    out: list[tuple[Problem, str]] = []
    union: dict[Loc, list[dict]] = {}
    for e in err.errors():
        loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and _TAG.search(p)))
        cause = (e.get("ctx") or {}).get("error")
        if e["type"] == "too_short" and len(e.get("input") or ()) >= (e.get("ctx") or {}).get("min_length", 1):
            continue  # pydantic also reports a list too short when one of its entries failed
        if isinstance(cause, Problems):
            out.extend((p.under(*loc), "") for p in cause.problems)
        elif len(loc) < len(e["loc"]) and (e["type"].endswith(("_type", "_parsing")) or e["type"] == "finite_number"):
            union.setdefault(loc, []).append(e)  # one error per union member: merged below
        else:
            out.append((_builtin(e, loc, root), e["type"]))
    for loc, errs in union.items():
        if len(errs) == 1 or any(e["type"] == "finite_number" for e in errs):
            finite = [e for e in errs if e["type"] == "finite_number"]
            out.append((_builtin((finite or errs)[0], loc, root), (finite or errs)[0]["type"]))
            continue
        kinds = [_TYPE_WORDS.get(e["type"].split("_")[0], e["type"].split("_")[0]) for e in errs]
        found = f"; found {short(errs[0]['input'])}" if "input" in errs[0] else ""
        out.append((Problem(loc, f"expected {one_of(dict.fromkeys(kinds))}{found}", _field_hint(loc, root)), "union"))
    return out


def _builtin(e: Mapping[str, Any], loc: Loc, root: type[BaseModel] | None) -> Problem:
    """A Problem for one of pydantic's own errors, worded for a planner."""
    kind, msg = e["type"], e["msg"].removeprefix("Value error, ")
    found = f"; found {short(e['input'])}" if "input" in e and kind not in ("missing", "value_error",
                                                                                 "extra_forbidden") else ""
    if kind == "extra_forbidden":
        keys = fields.section_keys(loc[:-1], root)
        word = re.split(r"[\s{\[]", str(loc[-1]).strip(), maxsplit=1)[0]
        if word != str(loc[-1]) and word in keys:  # 'absence {days_per_year: 10}': the ':' after absence is missing
            return Problem(loc, f"unknown key; did you mean {word!r}? (a ':' seems to be missing after it)",
                           f"write '{word}: ...'")
        return Problem(loc, "unknown key" + did_you_mean(loc[-1], keys),
                       f"keys allowed here: {one_of(keys, 30)}" if keys else "see `staffsim schema`")
    if kind == "missing":
        return Problem(loc, "required field is missing", _field_hint(loc, root))
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        keys = fields.section_keys(loc, root)
        return Problem(loc, f"expected a section of 'key: value' lines{found}",
                       f"keys of this section: {one_of(keys, 30)}" if keys else "")
    if kind in ("tuple_type", "list_type"):
        return Problem(loc, f"expected a list{found}", _field_hint(loc, root))
    if kind == "too_short":
        n = (e.get("ctx") or {}).get("min_length", 1)
        return Problem(loc, f"expected at least {n} entr{'y' if n == 1 else 'ies'}; found none", _field_hint(loc, root))
    if kind == "literal_error":
        expected = (e.get("ctx") or {}).get("expected", "")
        choices = re.findall(r"'([^']*)'", expected)
        return Problem(loc, msg + found + did_you_mean(e.get("input"), choices))
    if kind in _RANGE_TYPES or kind in _NUMBER_TYPES:
        return Problem(loc, msg + found, _number_hint(loc, e.get("input"), root))
    if kind == "string_pattern_mismatch" and loc == ("name",):
        return Problem(loc, msg + found, "a short id: letters, digits, '_', '.' or '-', starting with a letter or "
                                         "digit (a file without `name:` is named after the file)")
    return Problem(loc, msg + found, _field_hint(loc, root))


def _field_hint(loc: Loc, root: type[BaseModel] | None = None) -> str:
    t = fields.target(tuple(loc), root)
    return fields.describe(t.field, t.name) if t is not None and t.exact else ""


def _number_hint(loc: Loc, value: Any, root: type[BaseModel] | None = None) -> str:
    """The field's range, unit and meaning; for a share given as a percentage, the share it means."""
    t = fields.target(tuple(loc), root)
    if t is None:
        return ""
    hint = fields.describe(t.field, t.name)
    if fields.is_share(t.field, t.name) and isinstance(value, (int, float)) and 1 < value <= 100:
        hint += f"\na share is written from 0 to 1: {value:g} % is {value / 100:g}"
    if isinstance(value, float) and not math.isfinite(value):
        hint += "\n.inf and .nan are not numbers here; give a finite value"
    return hint.strip()


def _refine(loc: Loc, item: object, data: Any) -> Loc:
    """The location of the list entry equal to `item` (a sorted timetable block) inside the list at `loc`."""
    raw = _value_at(data, loc)
    if not isinstance(raw, list):
        return loc
    parse = getattr(type(item), "parse", None)
    for i, entry in enumerate(raw):
        try:
            same = (parse(entry) if parse else entry) == item
        except (ValueError, TypeError):
            continue
        if same:
            return tuple(loc) + (i,)
    return loc


def _value_at(data: Any, loc: Loc) -> Any:
    for part in loc:
        if isinstance(data, Mapping) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def explain(err: ValidationError, data: Any = None, locate: Locator | None = None,
            root: type[BaseModel] | None = None) -> list[Message]:
    """One `Message` per problem of a validation error (lines when `locate` is given).

    `root` is the model validated (default: a scenario).
    """
    return render(merge_missing(located_problems(err, root)), data, locate)


def merge_missing(problems: list[tuple[Problem, str]]) -> list[Problem]:
    """Drop 'X is missing' where an unknown key beside it is a misspelling of X (one message per problem)."""
    missing = {tuple(p.loc): p for p, kind in problems if kind == "missing"}
    out, dropped = [], []
    for p, kind in problems:
        m = re.search(r"did you mean '([^']*)'", p.message) if kind == "extra_forbidden" else None
        if m and tuple(p.loc[:-1]) + (m.group(1),) in missing:
            dropped.append(missing[tuple(p.loc[:-1]) + (m.group(1),)])
            p = Problem(p.loc, f"{p.message} ({m.group(1)} is required and missing)", p.hint)
        out.append(p)
    return [p for p in out if not any(p is d for d in dropped)]


def render(problems: Iterable[Problem], data: Any = None, locate: Locator | None = None) -> list[Message]:
    """Messages for located problems, one per problem: a value shared through an anchor is reported once."""
    groups: dict[tuple, list[tuple[Loc, yaml.Node | None, int]]] = {}
    first: dict[tuple, Problem] = {}
    for p in problems:
        loc = _refine(p.loc, p.item, data) if p.item is not None and data is not None else tuple(p.loc)
        node, cut = _node(loc, locate)
        exact = node is not None and cut == len(loc)
        key = (id(node) if exact else fmt_loc(loc), p.message, p.hint, p.warning)
        if all(u[0] != loc for u in groups.get(key, ())):
            groups.setdefault(key, []).append((loc, node, cut))
        first.setdefault(key, p)
    out = []
    for key, uses in groups.items():
        p = first[key]
        loc, node, cut = uses[0]
        line = _line(loc, node, cut, locate, shared=len(uses) > 1)
        hint = p.hint
        if len(uses) > 1:
            also = ", ".join(fmt_loc(u[0]) for u in uses[1:])
            hint = (hint + "\n" if hint else "") + f"the same value (a YAML anchor) is used again at {also}"
        text = f"{'line ' + str(line) + ': ' if line else ''}{fmt_loc(loc)}: {p.message}"
        out.append(Message(text, line=line, field=fmt_loc(loc), hint=hint))
    return out


def _node(loc: Loc, locate: Locator | None) -> tuple[yaml.Node | None, int]:
    """The node at `loc`, or at its nearest ancestor the file has, and the length of the path it was found at."""
    if locate is None:
        return None, 0
    for cut in range(len(loc), -1, -1):
        node = locate(tuple(loc[:cut]))
        if node is not None:
            return node, cut
    return None, 0


def _line(loc: Loc, node: yaml.Node | None, cut: int, locate: Locator | None, shared: bool) -> int | None:
    """The line to show: the key's line for a section or list named by a key, else the value's line.

    For a value reused through an anchor (`shared`), the anchor's line: where the value is written.
    """
    if node is None:
        return None
    key_node = getattr(locate, "key_node", None)
    if key_node and not shared and cut and isinstance(loc[cut - 1], str) and \
            isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        key = key_node(tuple(loc[:cut]))
        if key is not None:
            return line_of(key)
    return line_of(node)

