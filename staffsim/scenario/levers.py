"""Named structural levers: the numbers a planner turns, each mapped onto the compact design form.

    >>> lever_values(design)                    # {'class_size': 24, 'teachers_per_team': 4, ...}
    >>> apply_levers(design, {"teachers_per_team": 5, "planning_day": False})   # a new raw design dict

A lever reads and writes the raw design (the compact form of
`staffsim.scenario.compact`), so its effect is what a planner would have written
by hand: ``teachers_per_team`` is the count in each team template, ``planning_day``
removes the teaching-free weekday from the teachers' weeks, and so on (`LEVERS`
says each one). A lever that does not fit a design (a planning day in a design
without one) is an `InputError` naming the lever and the design. `apply_settings`
takes lever names and dotted paths together: the form ``--set`` and sweep files use.
"""

from __future__ import annotations

import copy
import difflib
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Literal, Mapping

from staffsim.errors import InputError
from staffsim.scenario.compact import expand_compact
from staffsim.scenario.compact.bell import parse_content, read_bell
from staffsim.scenario.compact.days import Days, params_in
from staffsim.scenario.compact.teams import read_role_templates
from staffsim.scenario.compact.problems import CompactError, Problems
from staffsim.scenario.timetable import WEEKDAYS, Block
from staffsim.scenario.vocabulary import CATEGORY_INFO, INSTRUCTIONAL, PLANNED, PLANNING


@dataclass(frozen=True)
class Lever:
    """A named structural choice: its words, unit, kind and the range a planner may set it in."""

    name: str
    label: str
    unit: str
    kind: Literal["int", "float", "bool"]
    low: float
    high: float
    step: float
    help: str


class NotApplicable(Exception):
    """The lever has nothing to act on in this design (the message says why)."""


LEVERS: dict[str, Lever] = {lv.name: lv for lv in (
    Lever("teachers_per_team", "Teachers per team", "teachers", "int", 1, 10, 1,
          "collaborating teachers in every team template (the count of the teacher role)"),
    Lever("class_size", "Class size", "students", "float", 10, 40, 1, "target students per class (school.class_size)"),
    Lever("planning_periods_per_day", "Planning periods a day", "periods", "int", 0, 4, 1,
          "periods a teacher plans in on a teaching day; extra ones follow the last, going round the bell schedule"),
    Lever("planning_day", "Weekly planning day", "on/off", "bool", 0, 1, 1,
          "a full teaching-free day a week for teachers and teacher-leaders (off: they teach that day as any other)"),
    Lever("support_per_team", "Support staff per team", "people", "int", 0, 6, 1,
          "support staff in every team template (the count of its one support role)"),
    Lever("residents_per_team", "Residents per team", "people", "int", 0, 4, 1,
          "residents in every team template"),
    Lever("substitute_pool", "Substitute pool", "substitutes a day", "int", 0, 20, 1,
          "day-to-day substitutes the school can call on (policies.substitutes.pool_size)"),
    Lever("supplement", "Teacher-leader supplement", "dollars a year", "float", 0, 40000, 1000,
          "annual supplement of every role that leads a team"),
)}


def _category(design: Mapping, template: Mapping) -> str | None:
    role = (design.get("roles") or {}).get(template.get("role"))
    return role.get("category") if isinstance(role, Mapping) else None


def _team_counts(design: Mapping, category: str) -> list[tuple[dict, str]]:
    """(members mapping, role template) for each count of `category` in team templates and teams' own counts."""
    templates = design.get("role_templates") or {}
    if not design.get("team_templates"):
        raise NotApplicable("it has no team templates (its teams are written one by one)")
    maps = [t.get("members") for t in design["team_templates"].values()]
    maps += [t.get("members") for t in design.get("teams") or () if isinstance(t, dict) and "template" in t]
    found = []
    for members in maps:
        if not isinstance(members, dict):
            continue
        hits = [n for n in members if n in templates and _category(design, templates[n]) == category]
        if len(hits) > 1:
            raise NotApplicable(f"a team has {len(hits)} {category} role templates ({', '.join(hits)}); "
                                f"set one by path, e.g. team_templates.<team>.members.{hits[-1]}")
        found += [(members, hits[0])] if hits else []
    if not found:
        raise NotApplicable(f"no team template has a {category} role")
    return found


def _count_lever(category: str) -> tuple[Callable, Callable]:
    def get(design: Mapping) -> int:
        members, name = _team_counts(design, category)[0]
        return int(members[name])

    def put(design: dict, value: Any) -> None:
        for members, name in _team_counts(design, category):
            members[name] = int(value)

    return get, put


def _path(*keys: str) -> tuple[Callable, Callable]:
    def get(design: Mapping) -> Any:
        node: Any = design
        for k in keys:
            if not isinstance(node, Mapping) or k not in node:
                raise NotApplicable(f"it does not set {'.'.join(keys)}")
            node = node[k]
        return node

    def put(design: dict, value: Any) -> None:
        node = design
        for k in keys[:-1]:
            node = node.setdefault(k, {})
        node[keys[-1]] = value

    return get, put


def _leader_roles(design: Mapping) -> list[dict]:
    roles = [r for r in (design.get("roles") or {}).values()
             if isinstance(r, dict) and r.get("category") in CATEGORY_INFO and CATEGORY_INFO[r["category"]].leads_team]
    if not roles:
        raise NotApplicable("it has no role that leads a team")
    return roles


def _get_supplement(design: Mapping) -> float:
    return float(_leader_roles(design)[0].get("supplement", 0))


def _put_supplement(design: dict, value: Any) -> None:
    for role in _leader_roles(design):
        role["supplement"] = float(value)


# ---- the planning day: a weekday of the teachers' weeks with no instructional block

def _contents(design: Mapping, spec: Any, seen: frozenset[str] = frozenset()) -> list[Any] | None:
    """Every content a day spec holds (None if it takes a day from a $parameter, so cannot be known here)."""
    days = design.get("days") or {}
    out: list[Any] = []
    for layer in spec if isinstance(spec, list) else [spec]:
        if isinstance(layer, dict):
            out += list(layer.values())
        elif isinstance(layer, str) and layer in days and layer not in seen:
            inner = _contents(design, days[layer], seen | {layer})
            if inner is None:
                return None
            out += inner
        else:
            return None
    return out


def _is_planning_day(design: Mapping, spec: Any) -> bool:
    contents = _contents(design, spec)
    if not contents:
        return False
    teaching = {name for name, a in PLANNED.items() if a in INSTRUCTIONAL}
    try:
        return not any(s.activity in teaching for c in contents for s in parse_content(c))
    except ValueError:
        return False


def _planning_days(design: Mapping) -> list[tuple[dict, str]]:
    """(role template, weekday key) of every planning day in teaching roles' weeks."""
    found = []
    for tmpl in (design.get("role_templates") or {}).values():
        cat = _category(design, tmpl) if isinstance(tmpl, dict) else None
        if cat not in CATEGORY_INFO or not CATEGORY_INFO[cat].teaches:
            continue
        found += [(tmpl, k) for k, spec in tmpl.items()
                  if (k in WEEKDAYS or str(k).startswith("$")) and _is_planning_day(design, spec)]
    if not found:
        raise NotApplicable("its teachers have no planning day (a weekday without teaching) in their role templates")
    return found


def _get_planning_day(design: Mapping) -> bool:
    return bool(_planning_days(design))


def _put_planning_day(design: dict, value: Any) -> None:
    found = _planning_days(design)
    if value:
        return
    for tmpl, key in found:
        del tmpl[key]
        for param in params_in(str(key)):
            tmpl.get("rotate", {}).pop(param, None)
        if "rotate" in tmpl and not tmpl["rotate"]:
            del tmpl["rotate"]


# ---- planning periods: period places of the teachers' every_day layers that hold planning

_PLANNING = {name for name, a in PLANNED.items() if a in PLANNING}  # YAML spellings


def _plans(value: Any) -> bool:
    try:
        return any(s.activity in _PLANNING for s in parse_content(value))
    except ValueError:
        return False


def _teacher_templates(design: Mapping) -> list[dict]:
    found = [t for t in (design.get("role_templates") or {}).values()
             if isinstance(t, dict) and _category(design, t) == "teacher"]
    if not found or not design.get("bell_schedule"):
        raise NotApplicable("it has no bell schedule and role template for teachers")
    return found


def get_planning_periods(design: Mapping) -> int:
    """The commonest number of periods a teacher plans in on a teaching day (every_day), in the expansion."""
    templates = _teacher_templates(design)
    try:
        expanded = expand_compact(design)
    except CompactError as exc:
        raise NotApplicable(f"it does not expand ({exc})") from None
    bell = read_bell(design["bell_schedule"], Problems())
    periods = [bell.slots[p] for p in bell.periods]
    roles = {t["role"] for t in templates}
    counts = []
    for team in expanded["teams"]:
        for m in team["members"]:
            if m["role"] not in roles:
                continue
            for name in [m["timetable"]] if isinstance(m["timetable"], str) else m["timetable"]:
                blocks = [Block.parse(b) for b in expanded["timetables"][name].get("every_day") or ()]
                plans = [b for b in blocks if b.activity in _PLANNING]
                counts.append(sum(any(b.start < p.end and p.start < b.end for b in plans) for p in periods))
    if not counts:
        raise NotApplicable("no team has a teacher")
    return Counter(counts).most_common(1)[0][0]


def _holders(design: Mapping) -> list[tuple[Any, Any, dict]]:
    """(container, key or index, layer) of every every_day layer of teachers that holds a planning period."""
    days = design.get("days") or {}
    values: dict[str, list[str]] = {}
    for team in design.get("teams") or ():
        for k, v in team.items() if isinstance(team, dict) else ():
            values.setdefault(k, []).extend([v] if isinstance(v, str) else v if isinstance(v, list) else [])
    found: dict[int, tuple[Any, Any, dict]] = {}

    def walk(container: Any, key: Any, seen: frozenset) -> None:
        spec = container[key]
        if isinstance(spec, dict):
            if any(k != "periods" and ".." not in str(k) and ":" not in str(k) and _plans(v) for k, v in spec.items()):
                found.setdefault(id(spec), (container, key, spec))
        elif isinstance(spec, list):
            for i in range(len(spec)):
                walk(spec, i, seen)
        elif isinstance(spec, str):
            names = [spec] if not spec.startswith("$") else [n for p in params_in(spec) for n in values.get(p, [])]
            for name in dict.fromkeys(names):
                if name in days and name not in seen:
                    walk(days, name, seen | {name})

    for tmpl in _teacher_templates(design):
        if "every_day" in tmpl:
            walk(tmpl, "every_day", frozenset())
    return list(found.values())


def _used_params(design: Mapping) -> set[str]:
    problems = Problems()
    days = Days(read_bell(design.get("bell_schedule"), problems), design.get("days") or {}, problems)
    templates = read_role_templates(design.get("role_templates"), design.get("roles"), days, problems)
    return {p for t in templates.values() for p in t.params}


def put_planning_periods(design: dict, value: Any) -> None:
    """Drop the last planning periods of each layer, or add 'planning' in the periods after its last one."""
    n = int(value)
    used = _used_params(design)
    holders = _holders(design)
    if not holders:
        if n == 0 and get_planning_periods(design) == 0:
            return
        raise NotApplicable("its teachers' days have no planning period to count further periods from")
    for container, key, layer in holders:
        keys = [k for k, v in layer.items() if k != "periods" and ".." not in str(k) and ":" not in str(k) and _plans(v)]
        for k in keys[n:]:
            del layer[k]
        if n > len(keys):
            base, _, step = str(keys[-1]).partition("+")
            extra = {f"{base.strip()}+{int(step or 0) + j}": "planning" for j in range(1, n - len(keys) + 1)}
            if isinstance(container, list):
                container.insert(key + 1, extra)
            else:
                container[key] = [layer, extra]
    gone = used - _used_params(design)  # a team value no template uses any more (a dropped $plan) goes too
    for team in design.get("teams") or ():
        for key in gone & set(team if isinstance(team, dict) else ()):
            del team[key]
    got = get_planning_periods(design)
    if got != n:
        raise ValueError(f"the teachers would plan in {got} periods, not {n}: "
                         "the periods after their planning periods are planning already")


#: name -> (read the current value, write a value into a copy of the design)
_ACCESS: dict[str, tuple[Callable, Callable]] = {
    "teachers_per_team": _count_lever("teacher"),
    "class_size": _path("school", "class_size"),
    "planning_periods_per_day": (get_planning_periods, put_planning_periods),
    "planning_day": (_get_planning_day, _put_planning_day),
    "support_per_team": _count_lever("support"),
    "residents_per_team": _count_lever("resident"),
    "substitute_pool": _path("policies", "substitutes", "pool_size"),
    "supplement": (_get_supplement, _put_supplement),
}


def lever_values(design: Mapping[str, Any]) -> dict[str, Any]:
    """The current value of each lever that applies to this design."""
    out = {}
    for name, (get, _) in _ACCESS.items():
        try:
            out[name] = get(design)
        except NotApplicable:
            continue
    return out


def apply_levers(design: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """A new raw design dict (compact form) with each lever set; every problem is reported together."""
    out = copy.deepcopy(dict(design))
    label = str(design.get("name", "the design"))
    problems = []
    for name, value in values.items():
        lever = LEVERS.get(name)
        if lever is None:
            close = difflib.get_close_matches(str(name), LEVERS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"levers: {', '.join(LEVERS)}"
            problems.append(f"{name}: no such lever; {hint}")
            continue
        try:
            value = _checked(lever, value)
            _ACCESS[name][1](out, value)
        except (ValueError, NotApplicable) as exc:
            problems.append(f"{name}: does not apply to {label}: {exc}" if isinstance(exc, NotApplicable)
                            else f"{name}: {exc}")
    if problems:
        raise InputError(label, problems)
    return out


def _checked(lever: Lever, value: Any) -> Any:
    """The value as the lever's kind, or ValueError saying what was expected."""
    if hasattr(value, "item"):
        value = value.item()  # numpy scalars from sweep designs
    if lever.kind == "bool":
        if isinstance(value, bool) or value in (0, 1):
            return bool(value)
        raise ValueError(f"expected true or false; found {value!r}")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"expected a number {lever.low:g}-{lever.high:g} ({lever.unit}); found {value!r}")
    if lever.kind == "int" and value != int(value):
        raise ValueError(f"expected a whole number of {lever.unit}; found {value!r}")
    if not lever.low <= value <= lever.high:
        raise ValueError(f"expected {lever.low:g}-{lever.high:g} {lever.unit}; found {value!r}")
    return int(value) if lever.kind == "int" else float(value)


def apply_settings(design: Mapping[str, Any], settings: Mapping[str, Any], source: str = "<settings>") -> dict[str, Any]:
    """Lever names and dotted paths (``policies.substitutes.fill_rate``) set together; levers first."""
    from staffsim.scenario.loading import apply_overrides

    from staffsim.scenario.schema import Scenario

    # a name without a dot that is no top-level field is taken as a (perhaps misspelt) lever
    levers = {k: v for k, v in settings.items() if k in LEVERS or ("." not in str(k) and k not in Scenario.model_fields)}
    paths = {k: v for k, v in settings.items() if k not in levers}
    problems: list[str] = []
    out = copy.deepcopy(dict(design))
    for step, values in ((apply_levers, levers), (lambda d, v: apply_overrides(d, v, source=source), paths)):
        try:
            out = step(out, values) if values else out
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(source, problems)
    return out
