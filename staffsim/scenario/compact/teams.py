"""Role templates, team templates and rotations -> the timetables and team members the schema validates.

    role_templates:
      teacher:                                  # what one collaborating teacher does each day
        role: teacher
        every_day: [teaching, {$common: collaborative_planning}]
        $plan_day: planning_day                 # a weekday the rotation gives
        rotate: {plan_day: [tue, wed, thu, fri]}   # copies take the values in turn
    team_templates:
      mcl: {students: 120, members: {leader: 1, teacher: 4, resident: 1, support: 1}}
    teams:
      - {name: team-a, tag: a, template: mcl, common: p2}   # any other key sets a $parameter

A generated timetable is named after the team's tag (when it has one), the role
template, the values of the team's parameters the template uses (when the team has
no tag) and the copy's rotation value: ``a_teacher_tue``, ``teacher_p2``.
Identical names must mean identical weeks (two teams may share one).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from staffsim.scenario.compact.days import Days, params_in
from staffsim.scenario.compact.problems import Loc, Problems, did_you_mean
from staffsim.scenario.timetable import WEEKDAYS

TEAM_KEYS = ("name", "template", "tag", "count", "students", "members")
TEMPLATE_KEYS = ("role", "every_day", "rotate") + WEEKDAYS


@dataclass(frozen=True)
class RoleTemplate:
    """One role's week: its days (key: every_day, a weekday or a $parameter naming weekdays) and rotation."""

    name: str
    role: str
    days: tuple[tuple[str, Any, Loc], ...]
    rotate: dict[str, tuple[str, ...]]
    params: tuple[str, ...]  # parameters the team must give, in order of first use


@dataclass(frozen=True)
class TeamTemplate:
    students: int | None
    count: int | None
    members: dict[str, int]


def read_role_templates(raw: Any, roles: Any, days: Days, problems: Problems) -> dict[str, RoleTemplate]:
    """The design's role templates (problems collected)."""
    out: dict[str, RoleTemplate] = {}
    if raw is None:
        return out
    if not isinstance(raw, dict):
        problems.add(("role_templates",), "expected a mapping of template names to weeks")
        return out
    for name, body in raw.items():
        loc: Loc = ("role_templates", name)
        if not isinstance(body, dict):
            problems.add(loc, "expected a mapping with role, every_day, weekdays and rotate")
            continue
        for key in body:
            if key not in TEMPLATE_KEYS and not (isinstance(key, str) and key.startswith("$")):
                problems.add(loc + (key,), f"unknown key{did_you_mean(str(key), TEMPLATE_KEYS)} "
                                           "(or a $parameter naming weekdays)")
        role = body.get("role")
        if role is None:
            problems.add(loc, "missing role: which of the design's roles follows this week")
        elif isinstance(roles, dict) and role not in roles:
            problems.add(loc + ("role",), f"unknown role {role!r}{did_you_mean(str(role), roles)}")
        rotate = _rotation(body.get("rotate"), loc + ("rotate",), problems)
        entries = tuple((k, v, loc + (k,)) for k, v in body.items() if k not in ("role", "rotate"))
        used: list[str] = []
        for key, spec, eloc in entries:
            days.check(spec, eloc)
            used += [p for p in dict.fromkeys(params_in(key) + days.params(spec)) if p not in used]
        out[name] = RoleTemplate(str(name), str(role), entries, rotate, tuple(p for p in used if p not in rotate))
    return out


def _rotation(raw: Any, loc: Loc, problems: Problems) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    ok = isinstance(raw, dict) and all(isinstance(v, list) and v and all(isinstance(x, str) for x in v)
                                       for v in raw.values())
    if not ok:
        problems.add(loc, "expected {parameter: [values taken in turn]}, e.g. {plan_day: [tue, wed, thu, fri]}")
        return {}
    lengths = {len(v) for v in raw.values()}
    if len(lengths) > 1:
        problems.add(loc, f"every rotated parameter needs the same number of values; found {sorted(lengths)}")
        return {}
    return {str(k): tuple(v) for k, v in raw.items()}


def read_team_templates(raw: Any, templates: Mapping[str, RoleTemplate], problems: Problems) -> dict[str, TeamTemplate]:
    out: dict[str, TeamTemplate] = {}
    if raw is None:
        return out
    if not isinstance(raw, dict):
        problems.add(("team_templates",), "expected a mapping of team template names to teams")
        return out
    for name, body in raw.items():
        loc: Loc = ("team_templates", name)
        if not isinstance(body, dict):
            problems.add(loc, "expected a mapping with students and members")
            continue
        for key in body:
            if key not in ("students", "count", "members"):
                problems.add(loc + (key,), f"unknown key{did_you_mean(str(key), ('students', 'count', 'members'))}")
        members = read_members(body.get("members"), loc + ("members",), templates, problems)
        out[str(name)] = TeamTemplate(body.get("students"), body.get("count"), members)
    return out


def read_members(raw: Any, loc: Loc, templates: Mapping[str, RoleTemplate], problems: Problems) -> dict[str, int]:
    """{role template: how many} of a team (0 leaves the role out)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.add(loc, "expected {role template: how many}, e.g. {leader: 1, teacher: 4}")
        return {}
    out = {}
    for name, n in raw.items():
        if name not in templates:
            problems.add(loc + (name,), f"no role template {name!r}{did_you_mean(str(name), templates)}")
        elif isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= 50:
            problems.add(loc + (name,), f"expected how many people, a whole number 0-50; found {n!r}")
        else:
            out[str(name)] = n
    return out


def is_compact_team(entry: Any) -> bool:
    return isinstance(entry, dict) and ("template" in entry or isinstance(entry.get("members"), dict))


class TeamExpander:
    """Turns compact team entries into expanded teams, collecting the timetables they generate."""

    def __init__(self, days: Days, templates: Mapping[str, RoleTemplate], teams: Mapping[str, TeamTemplate],
                 timetables: dict[str, Any], problems: Problems):
        self.days, self.templates, self.team_templates = days, templates, teams
        self.timetables, self.problems = timetables, problems
        self.explicit = set(timetables)

    def team(self, entry: dict, ti: int) -> dict[str, Any]:
        """One expanded team: {name, count, students, members: [{role, count, timetable}]}."""
        loc: Loc = ("teams", ti)
        base = TeamTemplate(None, None, {})
        if "template" in entry:
            base = self.team_templates.get(entry["template"], base)
            if entry["template"] not in self.team_templates:
                self.problems.add(loc + ("template",), f"no team template {entry['template']!r}"
                                                       f"{did_you_mean(str(entry['template']), self.team_templates)}")
        members = {**base.members, **read_members(entry.get("members"), loc + ("members",), self.templates, self.problems)}
        params = self._params(entry, loc, members)
        out: dict[str, Any] = {"name": entry.get("name")}
        count = entry.get("count", base.count)
        if count is not None:
            out["count"] = count
        out["students"] = entry.get("students", base.students)
        missing = [p for p in dict.fromkeys(p for name in members for p in self.templates[name].params) if p not in entry]
        if missing:  # one message for the team, not one per place that uses it
            users = [name for name in members if set(self.templates[name].params) & set(missing)]
            self.problems.add(loc, f"sets no {', '.join(missing)}: its role templates ({', '.join(users)}) use "
                                   f"{', '.join('$' + p for p in missing)}; give it here, e.g. {missing[0]}: p2")
            out["members"] = []
            return out
        out["members"] = [m for name, n in members.items() if n > 0
                          for m in [self._member(self.templates[name], n, entry, params, loc)]]
        return out

    def _params(self, entry: dict, loc: Loc, members: Mapping[str, int]) -> dict[str, str | tuple[str, ...]]:
        used = {p for name in members for p in self.templates[name].params}
        params: dict[str, str | tuple[str, ...]] = {}
        for key, value in entry.items():
            if key in TEAM_KEYS:
                continue
            if key not in used:
                self.problems.add(loc + (key,), f"unknown key: neither a team field ({', '.join(TEAM_KEYS)}) nor a "
                                                f"$parameter its role templates use{did_you_mean(str(key), used)}")
            elif isinstance(value, str) or (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
                params[key] = value if isinstance(value, str) else tuple(value)
            else:
                self.problems.add(loc + (key,), f"expected a name (e.g. p2) or a list of names; found {value!r}")
        return params

    def _member(self, rt: RoleTemplate, n: int, entry: dict, params: dict, loc: Loc) -> dict[str, Any]:
        tag = entry.get("tag")
        team = entry.get("name", f"teams[{loc[1]}]")
        copies = min(n, len(next(iter(rt.rotate.values())))) if rt.rotate else 1
        names = []
        for i in range(copies):
            turn = {p: v[i] for p, v in rt.rotate.items()}
            parts = [str(tag)] if tag else []
            parts.append(rt.name)
            if not tag:
                parts += ["_".join(params[p]) if isinstance(params[p], tuple) else params[p]
                          for p in rt.params if p in params]
            if turn:
                parts.append(next(iter(turn.values())))
            name = "_".join(parts)
            context = f" (team {team}, {rt.name} {name})"
            week = self._week(rt, {**params, **turn}, context)
            self._register(name, week, loc)
            names.append(name)
        member: dict[str, Any] = {"role": rt.role}
        if n != 1:
            member["count"] = n
        member["timetable"] = names[0] if len(names) == 1 else names
        return member

    def _week(self, rt: RoleTemplate, bind: dict, context: str) -> dict[str, list[str]] | None:
        week: dict[str, list[str]] = {}
        ok = True
        for key, spec, dloc in rt.days:
            targets = [key] if key in ("every_day",) + WEEKDAYS else self._weekdays(key, bind, dloc, context)
            blocks = self.days.build(spec, dloc, bind, context)
            if blocks is None or targets is None:
                ok = False
                continue
            for wd in targets:
                if wd in week:
                    self.problems.add(dloc, f"{wd} is given twice in this week{context}")
                    ok = False
                week[wd] = blocks
        order = ("every_day",) + WEEKDAYS
        return {k: week[k] for k in order if k in week} if ok else None

    def _weekdays(self, key: str, bind: dict, loc: Loc, context: str) -> list[str] | None:
        name = key[1:]
        if name not in bind:
            self.problems.add(loc, f"{key} is not set{context}; give it on the team or in rotate")
            return None
        values = [bind[name]] if isinstance(bind[name], str) else list(bind[name])
        bad = [v for v in values if v not in WEEKDAYS]
        if bad:
            self.problems.add(loc, f"{key} must name weekdays ({', '.join(WEEKDAYS)}); found {bad[0]!r}{context}")
            return None
        return values

    def _register(self, name: str, week: dict | None, loc: Loc) -> None:
        if week is None:
            return
        if name in self.explicit:
            self.problems.add(loc, f"the generated timetable {name!r} has the name of one in timetables; rename one")
        elif name in self.timetables and self.timetables[name] != week:
            self.problems.add(loc, f"two different weeks would both be named {name!r}: give the teams a tag")
        else:
            self.timetables[name] = week
