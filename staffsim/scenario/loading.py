"""Loading scenario files: YAML -> validated, frozen `Scenario`, with readable errors.

Also applies dotted-path overrides (``policies.substitutes.pool_size=3``), the
mechanism sweeps use, and exports the JSON Schema editors autocomplete from.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml
from pydantic import ValidationError

from staffsim.scenario.schema import Scenario
from staffsim.errors import InputError
from staffsim.scenario.compact import expand_design
from staffsim.scenario.compact.schema import add_compact_schema
from staffsim.scenario.shipped import resolve_design


def _line_index(text: str) -> dict[tuple, int]:
    """Map a key path (as a tuple of keys/indices) to its 1-based line in the YAML text."""
    lines: dict[tuple, int] = {}
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return lines

    def walk(node: yaml.Node, path: tuple) -> None:
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = k.value
                lines[path + (key,)] = k.start_mark.line + 1
                walk(v, path + (key,))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                walk(v, path + (i,))

    if root is not None:
        walk(root, ())
    return lines


def _fmt_loc(loc: Iterable) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def format_validation_error(err: ValidationError, lines: Mapping[tuple, int] | None = None) -> list[str]:
    """One line per problem: field path (and YAML line), what was expected, what was found."""
    problems = []
    for e in err.errors():
        # pydantic appends validator names for union members; drop non-key parts.
        loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))
        where = _fmt_loc(loc)
        line = None
        if lines:
            for cut in range(len(loc), -1, -1):
                if loc[:cut] in lines:
                    line = lines[loc[:cut]]
                    break
        msg = e["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        if e["type"] == "extra_forbidden":
            msg = "unknown key (check the spelling; see `staffsim schema`)"
        elif e["type"] == "missing":
            msg = "required field is missing"
        found = ""
        if e["type"] not in ("missing", "value_error") and "input" in e and e["type"] != "extra_forbidden":
            found = f"; found {_short(e['input'])}"
        prefix = f"line {line}: " if line else ""
        if where == "(top level)" and ";" in msg and e["type"] == "value_error":
            problems.extend(prefix + part.strip() for part in msg.split("; "))
        else:
            problems.append(f"{prefix}{where}: {msg}{found}")
    return problems


def scenario_from_dict(data: Mapping[str, Any], source: str = "<scenario>", text: str | None = None) -> Scenario:
    """Validate a plain mapping into a `Scenario`, raising `InputError` on any problem."""
    if not isinstance(data, Mapping):
        raise InputError(source, [f"expected a mapping of scenario sections at the top level, found {type(data).__name__}"])
    data = expand_design(data, source, _line_index(text) if text else None)  # the compact form -> the form below
    try:
        return Scenario.model_validate(dict(data))
    except ValidationError as err:
        raise InputError(source, format_validation_error(err, _line_index(text) if text else None)) from None


def read_yaml(path: str | Path, what: str = "scenario file") -> tuple[Any, str]:
    """(parsed YAML, text) of a file; a missing file or bad YAML is an `InputError` naming line and column."""
    p = Path(path)
    if not p.is_file():
        raise InputError(str(path), [f"no such {what}"])
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(str(path), ["not a text file (expected UTF-8 YAML)"]) from None
    try:
        return yaml.safe_load(text), text
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise InputError(str(path), [f"{where}not valid YAML ({getattr(exc, 'problem', exc)})"]) from None


def read_scenario_dict(path: str | Path) -> tuple[dict[str, Any], str]:
    """Read a scenario file (a path or a shipped design's name) into a raw mapping (name defaults to the file stem)."""
    p = resolve_design(path)
    data, text = read_yaml(p)
    if data is None:
        raise InputError(str(path), ["the file is empty; expected scenario sections (see `staffsim schema`)"])
    if not isinstance(data, dict):
        raise InputError(str(path), [f"expected a mapping of scenario sections at the top level, found {type(data).__name__}"])
    data.setdefault("name", p.stem)
    return data, text


def read_scenario(path: str | Path) -> tuple[Scenario, dict[str, Any]]:
    """Read a scenario file once: the validated `Scenario` and the raw mapping it came from."""
    data, text = read_scenario_dict(path)
    return scenario_from_dict(data, source=str(path), text=text), data


def load_scenario(path: str | Path, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """Load and validate a scenario file, optionally with dotted-path overrides."""
    if not overrides:
        return read_scenario(path)[0]
    data, _ = read_scenario_dict(path)
    data = apply_overrides(data, overrides, source=str(path))
    return scenario_from_dict(data, source=str(path))  # no line numbers: they no longer match the file


def apply_overrides(data: Mapping[str, Any], overrides: Mapping[str, Any], source: str = "<overrides>") -> dict[str, Any]:
    """Return a deep copy of `data` with each dotted path set to its value.

    Paths name existing fields (``policies.substitutes.pool_size``) or list
    items by index (``teams.0.count``); a path to nothing is an error, so that
    a misspelt sweep parameter never silently sweeps nothing.
    """
    out = copy.deepcopy(dict(data))
    problems = []
    for path, value in overrides.items():
        parts = str(path).split(".")
        node: Any = out
        ok = True
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if isinstance(node, list):
                if not part.isdigit() or int(part) >= len(node):
                    problems.append(f"{path}: {'.'.join(parts[:i]) or '(top)'} is a list of {len(node)}; expected an index, found {part!r}")
                    ok = False
                    break
                key: Any = int(part)
            elif isinstance(node, dict):
                key = part
                if key not in node:
                    if not _is_known_field(parts[: i + 1]):
                        problems.append(f"{path}: no field {part!r} at {'.'.join(parts[:i]) or 'the top level'} of the scenario")
                        ok = False
                        break
                    if not last:
                        node[key] = {}  # a section the file left at its defaults
            else:
                problems.append(f"{path}: {'.'.join(parts[:i])} is a value, not a section")
                ok = False
                break
            if last:
                node[key] = value
            else:
                node = node[key]
        if not ok:
            continue
    if problems:
        raise InputError(source, problems)
    return out


def _is_known_field(parts: list[str]) -> bool:
    """True when a dotted path names a field of the schema (sections of models, not dict entries)."""
    model: Any = Scenario
    for part in parts:
        fields = getattr(model, "model_fields", None)
        if fields is None or part not in fields:
            return False
        model = _inner_model(fields[part].annotation)
    return True


def _inner_model(annotation: Any) -> Any:
    from typing import get_args

    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """A plain, YAML-friendly dict of the resolved scenario (times back to 'HH:MM')."""
    data = scenario.model_dump(mode="json")

    def clock(m: int) -> str:
        return f"{m // 60:02d}:{m % 60:02d}"

    data["contract_day"] = {"start": clock(scenario.contract_day.start), "end": clock(scenario.contract_day.end)}
    for name, tt in data["timetables"].items():
        for key, blocks in list(tt.items()):
            if blocks is None:
                del tt[key]
                continue
            tt[key] = [f"{clock(b['start'])}-{clock(b['end'])} {b['activity']}" for b in blocks]
    return data


def dump_scenario(scenario: Scenario) -> str:
    """The resolved scenario as YAML text (what a run folder keeps)."""
    return yaml.safe_dump(scenario_to_dict(scenario), sort_keys=False, allow_unicode=True)


def json_schema() -> str:
    """The scenario JSON Schema, for editor autocompletion (yaml-language-server)."""
    schema = add_compact_schema(Scenario.model_json_schema(mode="validation"))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "staffsim scenario"
    return json.dumps(schema, indent=2)
