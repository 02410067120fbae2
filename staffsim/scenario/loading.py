"""Loading scenario files: YAML -> validated, frozen `Scenario`, with errors that point and teach.

Every way in (validate, run, compare, sweep points, a run folder's JSON) goes
through `scenario_from_dict`, so what one accepts all accept. Messages give the
line of the offending value (scenario/explain.py), a hint, and are reported
once per problem. Also applies dotted-path overrides
(``policies.substitutes.pool_size=3``, the mechanism sweeps use) and exports
the JSON Schema editors autocomplete from.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Mapping

import yaml
from pydantic import ValidationError

from staffsim.errors import InputError, Message
from staffsim.scenario.contract import check_contract
from staffsim.scenario.explain import explain, render
from staffsim.scenario.fields import INDEX
from staffsim.scenario.problems import Problem
from staffsim.scenario.schema import Scenario
from staffsim.scenario.timetable import format_clock
from staffsim.scenario.yaml_source import Locator, SourceMap, YamlProblem, line_of, parse_yaml
from staffsim.scenario.compact import expand_design
from staffsim.scenario.compact.schema import add_compact_schema
from staffsim.scenario.shipped import resolve_design


class _Lines(Mapping):
    """A file's lines by key path, read through its source map (what the compact expansion's messages use)."""

    def __init__(self, locate: Locator):
        self.locate = locate

    def __getitem__(self, loc: tuple) -> int:
        line = line_of(self.locate(loc))
        if line is None:
            raise KeyError(loc)
        return line

    def __contains__(self, loc: object) -> bool:
        return isinstance(loc, tuple) and line_of(self.locate(loc)) is not None

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0

    def __bool__(self) -> bool:  # a source map always answers, though it lists no keys
        return True


def format_validation_error(err: ValidationError, locate: Locator | None = None, data: Any = None) -> list[Message]:
    """One message per problem: line (when `locate` maps paths to YAML nodes), field path, what, found, hint."""
    return explain(err, data, locate)


def scenario_from_dict(data: Mapping[str, Any], source: str = "<scenario>", text: str | None = None,
                       locate: Locator | None = None) -> Scenario:
    """Validate a plain mapping into a `Scenario`, raising `InputError` on any problem.

    `locate` maps an error's location to the YAML node it came from (a file's
    `SourceMap`, or one mapped through a compact design's expansion); `text`,
    the YAML the mapping was read from, is the other way to give lines.
    """
    if not isinstance(data, Mapping):
        raise InputError(source, [f"expected a mapping of scenario sections at the top level, found {type(data).__name__}"])
    if locate is None and text is not None:
        try:
            locate = parse_yaml(text)[1]
        except YamlProblem:
            locate = None
    data = expand_design(data, source, _Lines(locate) if locate is not None else None)  # compact form -> the form below
    try:
        return Scenario.model_validate(dict(data))
    except ValidationError as err:
        raise InputError(source, explain(err, data, locate)) from None


def _yaml_form_problems(data: Mapping[str, Any]) -> list[Problem]:
    """Times of day written as bare numbers in a file (`start: 7` would be 00:07): refused with a hint."""
    spots = [(("contract_day", k), v) for k, v in (data.get("contract_day") or {}).items()] \
        if isinstance(data.get("contract_day"), Mapping) else []
    for name, tt in (data.get("timetables") or {}).items() if isinstance(data.get("timetables"), Mapping) else ():
        for day, blocks in (tt.items() if isinstance(tt, Mapping) else ()):
            for i, b in enumerate(blocks if isinstance(blocks, list) else ()):
                if isinstance(b, Mapping):
                    spots += [(("timetables", name, day, i, k), b.get(k)) for k in ("start", "end")]
    return [Problem(loc, f"a time of day written as the number {v}", f"write it as a clock time in quotes, like "
                    f"'07:40'; a bare number is read as minutes after midnight ({v} would be "
                    f"{format_clock(v) if 0 <= v < 1440 else 'no time of day'})")
            for loc, v in spots if isinstance(v, int) and not isinstance(v, bool)]


def read_yaml(path: str | Path, what: str = "scenario file") -> tuple[Any, str]:
    """(parsed YAML, text) of a file; a missing file or bad YAML is an `InputError` naming the line."""
    data, text, _ = read_yaml_source(path, what)
    return data, text


def read_yaml_source(path: str | Path, what: str = "scenario file") -> tuple[Any, str, SourceMap]:
    """(parsed YAML, text, source map) of a file, read strictly (duplicate keys refused)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(str(path), [f"no such {what}"])
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(str(path), ["not a text file (expected UTF-8 YAML)"]) from None
    except OSError as exc:
        raise InputError(str(path), [f"cannot read the {what} ({exc.strerror})"]) from None
    try:
        data, source = parse_yaml(text)
    except YamlProblem as exc:
        text_line = f"line {exc.line}: " if exc.line else ""
        raise InputError(str(path), [Message(text_line + exc.message, line=exc.line, hint=exc.hint)]) from None
    return data, text, source


def read_scenario_dict(path: str | Path) -> tuple[dict[str, Any], str]:
    """Read a scenario file (a path or a shipped design's name) into a raw mapping (name defaults to the file stem)."""
    data, text, _ = _read_scenario_source(path)
    return data, text


def _read_scenario_source(path: str | Path) -> tuple[dict[str, Any], str, SourceMap]:
    p = resolve_design(path)
    data, text, source = read_yaml_source(p)
    if data is None:
        raise InputError(str(path), ["the file is empty; expected scenario sections (see `staffsim schema`)"])
    if not isinstance(data, dict):
        raise InputError(str(path), [f"expected a mapping of scenario sections at the top level, found {type(data).__name__}"])
    data.setdefault("name", p.stem)
    form = _yaml_form_problems(data)
    if form:
        raise InputError(str(path), render(form, data, source))
    return data, text, source


def read_scenario(path: str | Path) -> tuple[Scenario, dict[str, Any]]:
    """Read a scenario file once: the validated `Scenario` and the raw mapping it came from."""
    sc, data, _ = check_scenario(path)
    return sc, data


def check_scenario(path: str | Path) -> tuple[Scenario, dict[str, Any], list[Message]]:
    """Read and validate a scenario file: the `Scenario`, its raw mapping and the warnings to show.

    Warnings are contract rules the design breaks that the contract lists in
    `warn_only`; any other problem is an `InputError`.
    """
    data, _, source = _read_scenario_source(path)
    sc = scenario_from_dict(data, source=str(path), locate=source)
    return sc, data, scenario_warnings(sc, data, source)


def scenario_warnings(sc: Scenario, data: Any = None, locate: Locator | None = None) -> list[Message]:
    """The warnings of a valid scenario (contract rules listed in `warn_only`), one line each."""
    return render([p for p in check_contract(sc) if p.warning], data, locate)


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
    problems = override_path_problems(overrides)
    if problems:
        raise InputError(source, problems)
    for path, value in overrides.items():
        parts = str(path).split(".")
        node: Any = out
        ok = True
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if isinstance(node, list):
                if not INDEX.match(part) or int(part) >= len(node):
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


def override_path_problems(paths: Any) -> list[str]:
    """'path: why' for paths spelt two ways (`breaks.0` and `breaks.00`) or with an index not written plainly."""
    problems, seen = [], {}
    for path in paths:
        parts = str(path).split(".")
        canon = ".".join(str(int(p)) if p.isdigit() else p for p in parts)
        plain = "write list indices as plain numbers (0, 1, 12), so that each field has one spelling"
        if canon in seen and seen[canon] != path:
            problems.append(f"{path}: names the same field as {seen[canon]}; give it once ({plain})")
        elif any(p.isdigit() and not INDEX.match(p) for p in parts):
            problems.append(f"{path}: {plain}: {canon}")
        seen.setdefault(canon, path)
    return problems


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
    clock = format_clock
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
