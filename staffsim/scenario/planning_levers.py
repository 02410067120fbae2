"""The planning levers: the planning day and planning periods, read from and written into the compact design.

`levers.py` lists them (`LEVERS`); this module holds the two that edit the
teachers' role templates and day layers, and what every lever shares
(`NotApplicable`, `role_category`).
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Mapping

from staffsim.scenario.compact import expand_compact
from staffsim.scenario.compact.bell import parse_content, read_bell
from staffsim.scenario.compact.days import Days, params_in
from staffsim.scenario.compact.teams import read_role_templates
from staffsim.scenario.compact.problems import CompactError, Problems
from staffsim.scenario.timetable import WEEKDAYS, Block
from staffsim.scenario.vocabulary import CATEGORY_INFO, INSTRUCTIONAL, PLANNED, PLANNING


class NotApplicable(Exception):
    """The lever has nothing to act on in this design (the message says why)."""


def role_category(design: Mapping, template: Mapping) -> str | None:
    """The category of a role template's role (None if the role is not declared)."""
    role = (design.get("roles") or {}).get(template.get("role"))
    return role.get("category") if isinstance(role, Mapping) else None


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
        cat = role_category(design, tmpl) if isinstance(tmpl, dict) else None
        if cat not in CATEGORY_INFO or not CATEGORY_INFO[cat].teaches:
            continue
        found += [(tmpl, k) for k, spec in tmpl.items()
                  if (k in WEEKDAYS or str(k).startswith("$")) and _is_planning_day(design, spec)]
    if not found:
        raise NotApplicable("its teachers have no planning day (a weekday without teaching) in their role templates")
    return found


def get_planning_day(design: Mapping) -> bool:
    return bool(_planning_days(design))


def put_planning_day(design: dict, value: Any) -> None:
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
             if isinstance(t, dict) and role_category(design, t) == "teacher"]
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
