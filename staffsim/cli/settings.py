"""`--set NAME=VALUE` for run and compare: a lever (`class_size=26`) or a dotted path, before validation."""

from __future__ import annotations

from typing import Any, Callable

import click
import yaml

from staffsim.errors import InputError
from staffsim.scenario.levers import LEVERS, apply_settings
from staffsim.scenario.loading import read_scenario, scenario_from_dict
from staffsim.scenario.schema import Scenario


def set_option(fn: Callable) -> Callable:
    """The repeatable --set option (parsed by `parse_settings`)."""
    return click.option(
        "--set", "settings", multiple=True, metavar="NAME=VALUE",
        help="Change the design before it runs: a lever (" + ", ".join(LEVERS) + ") or a dotted path "
             "(policies.substitutes.fill_rate=0.9). Repeatable; applies to every design given.",
    )(fn)


def parse_settings(items: tuple[str, ...]) -> dict[str, Any]:
    """('class_size=26', 'planning_day=false') -> {'class_size': 26, 'planning_day': False} (values read as YAML)."""
    out: dict[str, Any] = {}
    problems = []
    for item in items:
        name, eq, text = item.partition("=")
        if not eq or not name.strip():
            problems.append(f"--set {item!r}: expected NAME=VALUE, e.g. class_size=26")
            continue
        try:
            out[name.strip()] = yaml.safe_load(text) if text.strip() else text
        except yaml.YAMLError:
            out[name.strip()] = text
    if problems:
        raise InputError("--set", problems)
    return out


def read_design(ref: str, settings: dict[str, Any]) -> tuple[Scenario, dict[str, Any]]:
    """A design (path or shipped name) with the settings applied: the validated scenario and its raw mapping."""
    if not settings:
        return read_scenario(ref)
    _, data = read_scenario(ref)  # the file itself is valid first: its errors carry line numbers
    data = apply_settings(data, settings, source=ref)
    return scenario_from_dict(data, source=f"{ref} with --set"), data
