"""The compact design language: a bell schedule, days, role and team templates -> the expanded form.

A design file may describe its staff in the compact form below instead of (or
as well as) writing every timetable and team member out. `expand_compact` turns
it into the expanded form that `staffsim.scenario.schema.Scenario` validates;
every other section passes through unchanged, so a compact file and its
expansion are the same scenario.

    bell_schedule: {arrival: 07:40-08:00, periods: [08:00-08:50, ...], dismissal: 14:50-15:20}
    days:            {teaching: {arrival: duties, periods: whole_class 30 + small_group 20}}
    role_templates:  {teacher: {role: teacher, every_day: [teaching, {$common: collaborative_planning}]}}
    team_templates:  {mcl: {students: 120, members: {teacher: 4}}}
    teams:           [{name: team-a, tag: a, template: mcl, common: p2}]

`bell.py` holds slots and slot contents, `days.py` days and their layers,
`teams.py` role templates, team templates and rotations. docs/designs.md
describes the language for planners.
"""

from __future__ import annotations

import copy
from typing import Any, Mapping

from staffsim.errors import InputError
from staffsim.scenario.compact.bell import read_bell
from staffsim.scenario.compact.days import Days
from staffsim.scenario.compact.problems import CompactError, Loc, Problems, located
from staffsim.scenario.compact.teams import TeamExpander, is_compact_team, read_role_templates, read_team_templates
from staffsim.scenario.timetable import parse_clock

#: Sections only the compact form has; the expansion drops them.
COMPACT_SECTIONS = ("bell_schedule", "days", "role_templates", "team_templates")

__all__ = ["COMPACT_SECTIONS", "CompactError", "expand_compact", "expand_design", "is_compact", "problem_locations"]


def is_compact(data: Any) -> bool:
    """True when a design uses any part of the compact form."""
    if not isinstance(data, Mapping):
        return False
    teams = data.get("teams")
    return any(k in data for k in COMPACT_SECTIONS) or (
        isinstance(teams, list) and any(is_compact_team(t) for t in teams))


def expand_compact(data: Mapping[str, Any]) -> dict[str, Any]:
    """The expanded form of a design (a new dict); raises `CompactError` listing every problem found."""
    problems = Problems()
    bell = read_bell(data.get("bell_schedule"), problems)
    named = data.get("days") or {}
    if not isinstance(named, dict):
        problems.add(("days",), "expected a mapping of day names to days")
        named = {}
    days = Days(bell, named, problems, _contract(data.get("contract_day")))
    for name, spec in named.items():
        days.check(spec, ("days", name))
    templates = read_role_templates(data.get("role_templates"), data.get("roles"), days, problems)
    team_templates = read_team_templates(data.get("team_templates"), templates, problems)
    explicit = data.get("timetables") or {}
    timetables: dict[str, Any] = copy.deepcopy(dict(explicit)) if isinstance(explicit, dict) else explicit
    teams = data.get("teams")
    if isinstance(teams, list) and isinstance(timetables, dict):
        expander = TeamExpander(days, templates, team_templates, timetables, problems)
        teams = [expander.team(t, i) if is_compact_team(t) else copy.deepcopy(t) for i, t in enumerate(teams)]
    problems.raise_if_any()
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in COMPACT_SECTIONS or key == "timetables":
            continue
        if key == "teams":
            out["timetables"] = timetables
        out[key] = teams if key == "teams" else copy.deepcopy(value)
    out.setdefault("timetables", timetables)
    return out


def _contract(raw: Any) -> tuple[int, int] | None:
    """The contract day (start, end) in minutes when it reads as one (the schema reports it otherwise)."""
    try:
        start, end = (v if isinstance(v, int) else parse_clock(str(v)) for v in (raw["start"], raw["end"]))
    except (TypeError, KeyError, ValueError):
        return None
    return (start, end) if start < end else None


def expand_design(data: Mapping[str, Any], source: str = "<scenario>",
                  lines: Mapping[tuple, int] | None = None) -> Mapping[str, Any]:
    """`data` expanded if it is compact (else `data` itself); problems as an `InputError`, with lines if known."""
    if not is_compact(data):
        return data
    try:
        return expand_compact(data)
    except CompactError as err:
        raise InputError(source, located(err.problems, lines)) from None


def problem_locations(err: CompactError) -> list[Loc]:
    """Where each problem is, as paths into the design file's own structure (for mapping onto YAML nodes)."""
    return [loc for loc, _ in err.problems]
