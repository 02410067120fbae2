"""Mutated scenario files: every field of every shipped design made wrong in type, sign, size or presence.

`mutation_sites(design)` lists the paths of a design's raw YAML data (every
value the file writes) plus every schema field the file leaves at its default;
`mutate(data, site, op)` returns the data with one operator applied, and
`TEXT_OPS` are mistakes made in the text itself (a duplicate section, a tab,
a missing colon). Used by tests/test_mutation.py.
"""

from __future__ import annotations

import json
from typing import Any, Callable, get_args, get_origin

import yaml
from pydantic import BaseModel

from staffsim.scenario.schema import Scenario

Path_ = tuple[Any, ...]
MISSING = object()  # a schema field the file does not write


def _leaves(data: Any, path: Path_ = ()) -> list[Path_]:
    """Every path in the raw data: sections, lists and the values in them."""
    out = [path] if path else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += _leaves(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _leaves(v, path + (i,))
    return out


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_of(arg)
        if found is not None and get_origin(annotation) not in (dict, tuple):
            return found
    return None


def _schema_fields(model: type[BaseModel], path: Path_ = ()) -> list[Path_]:
    """Paths of every field of the schema reachable through sections (not through dicts or lists)."""
    out = []
    for name, f in model.model_fields.items():
        out.append(path + (name,))
        inner = _model_of(f.annotation)
        if inner is not None:
            out += _schema_fields(inner, path + (name,))
    return out


def mutation_sites(data: dict) -> list[Path_]:
    """Every value the file writes, and every schema field (nested sections included) it leaves at its default."""
    sites = _leaves(data)
    written = set(sites)
    return sites + [p for p in _schema_fields(Scenario) if p not in written]


def _get(data: Any, path: Path_) -> Any:
    for part in path:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return MISSING
    return data


def _typo(word: str) -> str:
    return word[:-2] + word[-1] + word[-2] if len(word) > 2 else word + "x"


#: Value operators: name -> function of the current value (MISSING for a default field) -> new value.
VALUE_OPS: dict[str, Callable[[Any], Any]] = {
    "negate": lambda v: -v if isinstance(v, (int, float)) and not isinstance(v, bool) else -1,
    "zero": lambda v: 0,
    "minus_one": lambda v: -1,
    "huge": lambda v: 10 ** 12,
    "huge_float": lambda v: 1.5e300,
    "times_1000": lambda v: v * 1000 if isinstance(v, (int, float)) and not isinstance(v, bool) else 1000,
    "half": lambda v: v + 0.5 if isinstance(v, int) and not isinstance(v, bool) else 0.5,
    "inf": lambda v: float("inf"),
    "minus_inf": lambda v: float("-inf"),
    "nan": lambda v: float("nan"),
    "text": lambda v: "lots",
    "empty_text": lambda v: "",
    "true": lambda v: True,
    "false": lambda v: False,
    "null": lambda v: None,
    "empty_list": lambda v: [],
    "empty_map": lambda v: {},
    "list_of_value": lambda v: [v] if v is not MISSING else [1],
    "duplicate_item": lambda v: v + v[:1] if isinstance(v, list) and v else [1, 1],
    "drop_item": lambda v: v[1:] if isinstance(v, list) and v else [],
    "typo": lambda v: _typo(v) if isinstance(v, str) and v else "x",
}
def _bound(site: Path_, which: str) -> Any:
    """A value at the edge of the field's stated range (the largest, the smallest, just inside an open end)."""
    from staffsim.scenario import fields

    t = fields.target(tuple(site))
    if t is None or not t.exact or not fields.is_number(t.annotation):
        return MISSING
    low, low_in, high, high_in = fields.number_range(t.field)
    whole = fields.base_types(t.annotation) == {int}
    step = 1 if whole else 1e-6
    if which == "low":
        return None if low is None else (low if low_in else low + step)
    return None if high is None else (high if high_in else high - step)


#: Operators that need the field (not only its value): the edges of its range, inside the range.
BOUND_OPS = ("at_low", "at_high")


#: Structure operators on the entry at a path: remove it, misspell its key, add an unknown key beside it.
KEY_OPS = ("delete", "misspell_key", "unknown_key")


def mutate(data: dict, site: Path_, op: str) -> dict:
    """A deep copy of `data` with operator `op` applied at `site`."""
    out = json.loads(json.dumps(data))  # no shared lists: an anchored value is mutated in one place
    parent: Any = out
    for part in site[:-1]:
        if isinstance(parent, dict):
            parent = parent.setdefault(part, {})
        else:
            parent = parent[part]
    key = site[-1]
    current = _get(data, site)
    if op in BOUND_OPS:
        new = _bound(site, op[3:])
        if new is MISSING or new is None:
            return out
        if isinstance(parent, (list, dict)):
            parent[key] = new
        return out
    if op in VALUE_OPS:
        new = VALUE_OPS[op](current)
        if isinstance(parent, list):
            parent[key] = new
        elif isinstance(parent, dict):
            parent[key] = new
        return out
    if isinstance(parent, list):
        if op == "delete":
            del parent[key]
        else:
            parent.append(parent[key] if op == "misspell_key" else {"unknown": 1})
        return out
    if not isinstance(parent, dict):
        return out
    if op == "delete":
        parent.pop(key, None)
    elif op == "misspell_key" and key in parent:
        parent[_typo(str(key))] = parent.pop(key)
    elif op == "unknown_key":
        parent[f"{key}_extra"] = 1
    return out


def dump(data: dict) -> str:
    """YAML text of mutated data."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _dup_section(text: str) -> str:
    return text + "\npolicies:\n  substitutes: {pool_size: 9, fill_rate: 0.5}\n"


def _tab(text: str) -> str:
    lines = text.splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith("    ") and ":" in line)
    lines[i] = "\t" + lines[i].lstrip()
    return "\n".join(lines) + "\n"


def _no_colon(text: str) -> str:
    lines = text.splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith("  ") and line.rstrip().endswith(":"))
    lines[i] = lines[i].rstrip()[:-1]
    return "\n".join(lines) + "\n"


def _unclosed(text: str) -> str:
    return text.replace("}", "", 1) if "}" in text else text + "x: [1, 2\n"


def _bad_indent(text: str) -> str:
    lines = text.splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith("    ") and ":" in line and not line.strip().startswith("-"))
    lines[i] = " " + lines[i]
    return "\n".join(lines) + "\n"


#: Mistakes in the text: name -> function of the file's text -> broken text.
TEXT_OPS: dict[str, Callable[[str], str]] = {
    "duplicate_section": _dup_section, "tab_indent": _tab, "missing_colon": _no_colon,
    "unclosed_bracket": _unclosed, "bad_indent": _bad_indent, "empty_file": lambda t: "",
    "not_a_mapping": lambda t: "- just\n- a list\n", "binary": lambda t: "\x00\x01 not yaml",
}
