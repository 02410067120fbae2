"""The compact form's sections in the JSON Schema, so editors complete compact design files too."""

from __future__ import annotations

import copy
from typing import Any

from staffsim.scenario.timetable import WEEKDAYS
from staffsim.scenario.vocabulary import PLANNED

_RANGE = {"type": "string", "pattern": r"^\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s*$",
          "description": "a time range like '08:00-08:50'"}
_CONTENT = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
            "description": "what the slot holds, segments laid end to end: 'whole_class 30 + small_group 20', "
                           "'planning 45' (the rest is free), 'free'; activities: " + ", ".join(PLANNED)}
_LAYER = {"type": "object", "additionalProperties": _CONTENT,
          "description": "place -> content; a place is `periods` (every period), a slot (p3, lunch), slot+N "
                         "(the Nth period after), a span 'arrival..p4', times '12:05-14:50' or a $parameter"}
_DAY = {"anyOf": [{"type": "string", "description": "a day named in `days`, or a $parameter naming one"},
                  _LAYER, {"type": "array", "items": {"anyOf": [{"type": "string"}, _LAYER]}}]}
_NAMES = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
_COUNTS = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 50},
           "description": "{role template: how many}, e.g. {leader: 1, teacher: 4}"}

SECTIONS: dict[str, Any] = {
    "bell_schedule": {
        "type": "object", "description": "the school day's slots: periods (named p1, p2, ...) and any others",
        "properties": {"periods": {"anyOf": [{"type": "array", "items": _RANGE},
                                             {"type": "object", "additionalProperties": _RANGE}]}},
        "additionalProperties": _RANGE,
    },
    "days": {"type": "object", "additionalProperties": _DAY, "description": "named days, usable as layers"},
    "role_templates": {
        "type": "object", "description": "one role's week; team members are generated from these",
        "additionalProperties": {
            "type": "object", "required": ["role"],
            "properties": {"role": {"type": "string"}, "every_day": _DAY, **{d: _DAY for d in WEEKDAYS},
                           "rotate": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
                                      "description": "{parameter: [values]}: the role's copies take the values in turn"}},
            "patternProperties": {r"^\$": _DAY},
            "additionalProperties": False,
        },
    },
    "team_templates": {
        "type": "object", "description": "teams stamped out by `teams` entries with `template:`",
        "additionalProperties": {"type": "object", "additionalProperties": False,
                                 "properties": {"students": {"type": "integer", "minimum": 0},
                                                "count": {"type": "integer", "minimum": 1}, "members": _COUNTS}},
    },
}

_COMPACT_TEAM = {
    "type": "object", "required": ["name"],
    "description": "a compact team: a team template and/or {role template: how many}; other keys set $parameters",
    "properties": {"name": {"type": "string"}, "template": {"type": "string"}, "tag": {"type": "string"},
                   "count": {"type": "integer", "minimum": 1}, "students": {"type": "integer", "minimum": 0},
                   "members": _COUNTS},
    "additionalProperties": _NAMES,
}


def add_compact_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The scenario JSON Schema with the compact sections added (timetables then become optional)."""
    out = copy.deepcopy(schema)
    out["properties"].update(copy.deepcopy(SECTIONS))
    teams = out["properties"]["teams"]
    teams["items"] = {"anyOf": [teams["items"], _COMPACT_TEAM]}
    out["required"] = [r for r in out.get("required", []) if r != "timetables"]
    return out
