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
from dataclasses import dataclass
from typing import Any, Callable, Literal, Mapping

from staffsim.errors import InputError
from staffsim.scenario.planning_levers import (NotApplicable, get_planning_day, get_planning_periods, put_planning_day,
                                               put_planning_periods, role_category)
from staffsim.scenario.vocabulary import CATEGORY_INFO


@dataclass(frozen=True)
class Lever:
    """A named structural choice: its words, unit, kind and the range a planner may set it in.

    A lever that is one field of the design says so with `path` (dotted, as ``--set`` takes it) and
    needs nothing else; a switch over a field that holds a value (a list, say) also gives `on`, what
    it writes when on, and `off`, what it writes when off and what a design without the field means.
    Levers that edit the design in more than one place have an accessor pair in `_ACCESS`.
    """

    name: str
    label: str
    unit: str
    kind: Literal["int", "float", "bool"]
    low: float
    high: float
    step: float
    help: str
    path: str = ""
    on: Any = None
    off: Any = None



LEVERS: dict[str, Lever] = {lv.name: lv for lv in (
    Lever("teachers_per_team", "Teachers per team", "teachers", "int", 1, 10, 1,
          "collaborating teachers in every team template (the count of the teacher role)"),
    Lever("class_size", "Class size", "students", "float", 10, 40, 1, "target students per class (school.class_size)",
          path="school.class_size"),
    Lever("planning_periods_per_day", "Planning periods a day", "periods", "int", 0, 4, 1,
          "periods a teacher plans in on a teaching day; extra ones follow the last, going round the bell schedule"),
    Lever("planning_day", "Weekly planning day", "on/off", "bool", 0, 1, 1,
          "a full teaching-free day a week for teachers and teacher-leaders (off: they teach that day as any other)"),
    Lever("support_per_team", "Support staff per team", "people", "int", 0, 6, 1,
          "support staff in every team template (the count of its one support role)"),
    Lever("residents_per_team", "Residents per team", "people", "int", 0, 4, 1,
          "residents in every team template"),
    Lever("substitute_pool", "Substitute pool", "substitutes a day", "int", 0, 20, 1,
          "day-to-day substitutes the school can call on (policies.substitutes.pool_size)",
          path="policies.substitutes.pool_size"),
    Lever("supplement", "Teacher-leader supplement", "dollars a year", "float", 0, 40000, 1000,
          "annual supplement of every role that leads a team"),
    Lever("protected_planning", "Protected planning", "on/off", "bool", 0, 1, 1,
          "on: coverage never takes a planning block (policies.coverage.protected: planning and "
          "collaborative_planning); off: nothing protected. A design protecting some activities reads on",
          path="policies.coverage.protected", on=["planning", "collaborative_planning"], off=[]),
    Lever("leaders_planning_protected", "Teacher-leaders' planning protected", "on/off", "bool", 0, 1, 1,
          "on: coverage never takes the planning of the roles that lead a team (policies.coverage.protected_roles)"),
    Lever("mentoring", "Mentoring for new teachers", "on/off", "bool", 0, 1, 1,
          "on: every first-year teacher has a mentor (policies.mentoring: an hour a week of a teacher-leader's "
          "time, else an instructional partner's, else a teacher's; the baseline novice, NCES BTLS 8 %); off: "
          "novices have no mentor (policies.mentoring.provided: false, BTLS 16 %). A design with no mentoring "
          "section reads on: its novices leave at the published rates, which BTLS's mentored figure matches"),
)}


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
        hits = [n for n in members if n in templates and role_category(design, templates[n]) == category]
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


def _leader_names(design: Mapping) -> list[str]:
    names = [n for n, r in (design.get("roles") or {}).items()
             if isinstance(r, dict) and r.get("category") in CATEGORY_INFO and CATEGORY_INFO[r["category"]].leads_team]
    if not names:
        raise NotApplicable("it has no role that leads a team")
    return names


def _get_leaders_protected(design: Mapping) -> bool:
    names = _leader_names(design)
    protected = ((design.get("policies") or {}).get("coverage") or {}).get("protected_roles") or ()
    return set(names) <= set(protected)


def _put_leaders_protected(design: dict, value: Any) -> None:
    names = _leader_names(design)
    coverage = design.setdefault("policies", {}).setdefault("coverage", {})
    kept = [r for r in coverage.get("protected_roles") or () if r not in names]
    coverage["protected_roles"] = kept + names if value else kept


def _get_supplement(design: Mapping) -> float:
    return float(_leader_roles(design)[0].get("supplement", 0))


def _put_supplement(design: dict, value: Any) -> None:
    for role in _leader_roles(design):
        role["supplement"] = float(value)


#: Who mentors when the mentoring switch turns on: the first role of these categories the design has.
MENTOR_CATEGORIES = ("teacher_leader", "instructional_partner", "teacher")


def _get_mentoring(design: Mapping) -> bool:
    return ((design.get("policies") or {}).get("mentoring") or {}).get("provided", True) is not False


def _put_mentoring(design: dict, value: Any) -> None:
    policies = design.setdefault("policies", {})
    if not value:
        policies["mentoring"] = {"provided": False}
        return
    section = {**(policies.get("mentoring") or {}), "provided": True}
    roles = design.get("roles") or {}
    for category in MENTOR_CATEGORIES if not section.get("mentor_role") else ():
        section["mentor_role"] = next((n for n, r in roles.items()
                                       if isinstance(r, Mapping) and r.get("category") == category), None)
        if section["mentor_role"]:
            break
    if not section.get("mentor_role"):
        raise NotApplicable("the design has no role that could mentor (a teacher-leader, instructional partner "
                            "or teacher)")
    policies["mentoring"] = section


def _switch(lever: Lever) -> tuple[Callable, Callable]:
    """A path lever's accessors; a switch (`on` given) reads on when the field holds anything but `off`."""
    get, put = _path(*lever.path.split("."))
    if lever.on is None:
        return get, put

    def read(design: Mapping) -> bool:
        try:
            value = get(design)
        except NotApplicable:
            return False  # the field left out means `off`
        return _plain(value) != _plain(lever.off)

    return read, lambda design, value: put(design, copy.deepcopy(lever.on if value else lever.off))


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, (list, tuple)) else value


#: name -> (read the current value, write a value into a copy of the design); path levers from their entry
_ACCESS: dict[str, tuple[Callable, Callable]] = {
    "teachers_per_team": _count_lever("teacher"),
    "planning_periods_per_day": (get_planning_periods, put_planning_periods),
    "planning_day": (get_planning_day, put_planning_day),
    "support_per_team": _count_lever("support"),
    "residents_per_team": _count_lever("resident"),
    "supplement": (_get_supplement, _put_supplement),
    "leaders_planning_protected": (_get_leaders_protected, _put_leaders_protected),
    "mentoring": (_get_mentoring, _put_mentoring),
}
_ACCESS = {name: _ACCESS[name] if name in _ACCESS else _switch(lv) for name, lv in LEVERS.items()}


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
