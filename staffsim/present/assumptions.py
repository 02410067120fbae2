"""A design's key assumptions in plain words, from the resolved scenario a run folder keeps (for the report).

The run folder's `scenarios/<design>.yaml` is read as a plain mapping (an
older or hand-edited file still gives what it can, '?' for what it lacks);
timetables and the contract day are parsed by the scenario layer
(`scenario.timetable.Timetable`, `scenario.school.ContractDay`), whichever
form their times are written in.
"""

from __future__ import annotations

from typing import Any

from staffsim.experiments.runfolder import lookup
from staffsim.metrics.metric import Kind
from staffsim.present.format import format_clock, format_money, format_value
from staffsim.scenario.school import ContractDay
from staffsim.scenario.timetable import WEEKDAYS, Timetable

ACTIVITY_WORDS = {"whole_class": "whole class", "small_group": "small groups", "online_lab": "online lab",
                  "planning": "planning", "collaborative_planning": "team planning", "coaching_given": "coaching others",
                  "coaching_received": "being coached", "duties": "duties", "other": "other"}

#: One assumption: a heading and a line of text, or several lines.
Line = tuple[str, str | list[str]]


def _contract_day(cd: dict[str, Any]) -> str:
    """'07:40–15:10' from a scenario's contract_day ('' if it does not parse)."""
    try:
        day = ContractDay.model_validate(cd)
    except ValueError:
        return ""
    return f"{format_clock(day.start)}–{format_clock(day.end)}"


def _week_minutes(tt: dict[str, Any]) -> dict[str, float]:
    """Minutes per week by activity of one timetable ({} if it does not parse)."""
    try:
        timetable = Timetable.model_validate(tt)
    except ValueError:
        return {}
    out: dict[str, float] = {}
    for day in WEEKDAYS:
        for block in timetable.day(day):
            out[block.activity] = out.get(block.activity, 0.0) + block.minutes
    return out


def _role_timetables(data: dict[str, Any]) -> dict[str, list[dict[str, float]]]:
    """role -> weekly minutes by activity of every position holding it (timetable lists go in turn)."""
    weekly = {name: _week_minutes(tt or {}) for name, tt in (data.get("timetables") or {}).items()}
    out: dict[str, list[dict[str, float]]] = {}
    for team in data.get("teams") or []:
        for _ in range(int(team.get("count", 1))):
            for mem in team.get("members") or []:
                names = mem.get("timetable")
                names = names if isinstance(names, list) else [names]
                for j in range(int(mem.get("count", 1))):
                    out.setdefault(mem.get("role", "?"), []).append(weekly.get(names[j % len(names)], {}))
    return out


def _school(data: dict[str, Any]) -> Line:
    school = data.get("school") or {}
    cal = data.get("calendar") or {}
    day = _contract_day(data.get("contract_day") or {})
    breaks = ", ".join(f"{b.get('name')} ({b.get('weeks')} wk)" for b in cal.get("breaks") or [])
    return ("School", f"{school.get('students', '?')} students ({school.get('grade_band', '')}), "
                      f"target class size {school.get('class_size', '?')}; {cal.get('weeks', '?')} school weeks"
                      + (f", breaks: {breaks}" if breaks else "")
                      + (f"; contract day {day}" if day else ""))


def _timetables(data: dict[str, Any]) -> list[str]:
    """Per role: the average position's hours a week by activity (activities of half an hour or more)."""
    lines = []
    for role, weeks in _role_timetables(data).items():
        if not weeks:
            continue
        acts: dict[str, float] = {}
        for w in weeks:
            for a, v in w.items():
                acts[a] = acts.get(a, 0.0) + v / len(weeks)
        parts = [f"{ACTIVITY_WORDS.get(a, a)} {v / 60:.1f} h" for a, v in sorted(acts.items(), key=lambda kv: -kv[1])
                 if v >= 30]
        lines.append(f"{role.replace('_', ' ')} (×{len(weeks)}): " + ", ".join(parts))
    return lines


def _teams(data: dict[str, Any]) -> list[str]:
    """One line per shape of team: how many, for how many students, who is in it."""
    shapes: dict[tuple, int] = {}
    for team in data.get("teams") or []:
        members = tuple((m.get("role", "?"), int(m.get("count", 1))) for m in team.get("members") or [])
        key = (int(team.get("students", 0)), members)
        shapes[key] = shapes.get(key, 0) + int(team.get("count", 1))
    lines = []
    for (students, members), n in shapes.items():
        who = " + ".join(f"{c} {r.replace('_', ' ')}" for r, c in members)
        whom = f"{students} students" if students else "no roster of its own"
        lines.append(f"{n} × team of {whom}: {who}")
    return lines


def _cover(data: dict[str, Any]) -> str:
    subs = lookup(data, "policies.substitutes") or {}
    cov = lookup(data, "policies.coverage") or {}
    if not subs:
        return ""
    order = " → ".join(str(o).replace("_", " ") for o in cov.get("order") or [])
    fill = subs.get("fill_rate")
    return (f"pool of {subs.get('pool_size', '?')} day-to-day substitutes, "
            + (f"{format_value(fill, Kind.SHARE, compact=True)} of requests filled"
               if isinstance(fill, (int, float)) else "")
            + ("; substitutes run small groups" if subs.get("run_small_groups") else "")
            + (f"; when none comes: {order} ({cov.get('scope', 'school')}-wide)" if order else ""))


def _small_groups(data: dict[str, Any]) -> str:
    sg = lookup(data, "policies.small_groups") or {}
    if not sg:
        return ""
    return (f"up to {sg.get('max_size', '?')} students, formed by {str(sg.get('fill', '?')).replace('_', ' ')}, "
            f"needs spotted after {sg.get('detection_delay_days', '?')} day(s), "
            f"regrouped every {sg.get('regroup_every_days', '?')} day(s)")


def _pay(data: dict[str, Any]) -> Line | None:
    """Pay per role and the rates that price a day of cover, in the scenario's money."""
    costs = data.get("costs") or {}
    money = f"{costs.get('currency', '')} {costs.get('price_year', '')}".strip()
    pay = []
    for role, r in (data.get("roles") or {}).items():
        s = f"{role.replace('_', ' ')} {format_money(r.get('salary'))}"
        if r.get("supplement"):
            s += f" + {format_money(r['supplement'])} supplement"
        pay.append(s)
    if not pay:
        return None
    if costs.get("benefits_rate") is not None:
        pay.append(f"benefits {format_value(costs['benefits_rate'], Kind.SHARE, compact=True)} of pay")
    if costs.get("substitute_day_rate") is not None:
        pay.append(f"substitute {format_money(costs['substitute_day_rate'])} a day")
    if data.get("budget") is not None:
        pay.append(f"budget {format_money(data['budget'])} a year")
    return ("Pay" + (f" ({money}, a year)" if money else ""), "; ".join(pay))


def describe_design(data: dict[str, Any]) -> list[Line]:
    """(heading, text or lines of text) of a design's key assumptions, in plain words."""
    lines: list[Line] = []
    if data.get("description"):
        lines.append(("In short", " ".join(str(data["description"]).split())))
    lines.append(_school(data))
    optional: list[tuple[str, str | list[str]]] = [("Timetable (hours a week)", _timetables(data)),
                                                   ("Teams", _teams(data)),
                                                   ("Substitutes and cover", _cover(data)),
                                                   ("Small groups", _small_groups(data))]
    lines.extend((heading, text) for heading, text in optional if text)
    pay = _pay(data)
    if pay:
        lines.append(pay)
    thr = lookup(data, "workforce.exhaustion.burnout_threshold")
    if thr is not None:
        lines.append(("Burnout threshold", f"exhaustion of {thr} or more on a 0–1 scale"))
    return lines
