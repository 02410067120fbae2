"""The designs a session may pick: shipped ones, files named on the command line, uploads; levers applied.

Only the shipped designs folder, the files given at start and uploaded text are
read. Every problem is an `InputError` carrying the same messages `staffsim
validate` prints (the upload is read through the project's loader, safe YAML).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

from staffsim.errors import InputError
from staffsim.scenario.levers import LEVERS, apply_levers, lever_values
from staffsim.scenario.loading import check_scenario, scenario_from_dict
from staffsim.scenario.schema import Scenario
from staffsim.scenario.shipped import shipped_designs

#: The largest upload accepted, in bytes (a shipped design is under 10 kB).
MAX_UPLOAD_BYTES = 256 * 1024
#: At most this many designs are compared at once (the issue: 2-5).
MAX_DESIGNS = 5


@dataclass
class Catalogue:
    """Raw designs (compact form) by name, in the order offered; uploads are added as they come."""

    designs: dict[str, dict[str, Any]] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)  # name -> "shipped" | "file" | "upload"

    def add(self, name: str, data: dict[str, Any], origin: str) -> str:
        """Add a design under a unique name (name, name-2, ...); returns that name."""
        base, n = name, 1
        while name in self.designs and self.designs[name] != data:
            n += 1
            name = f"{base}-{n}"
        self.designs[name] = data
        self.origin[name] = origin
        return name

    def levers(self, name: str) -> dict[str, Any]:
        """The levers that apply to a design, with their current values."""
        return lever_values(self.raw(name))

    def raw(self, name: str) -> dict[str, Any]:
        if name not in self.designs:
            raise InputError(str(name), [f"no such design here; designs: {', '.join(self.designs)}"])
        return self.designs[name]


def load_catalogue(files: tuple[str, ...] = ()) -> Catalogue:
    """The shipped designs, then each file named on the command line (validated; all problems together)."""
    cat = Catalogue()
    for name, path in shipped_designs().items():
        _, data, _ = check_scenario(path)
        cat.add(name, data, "shipped")
    problems: list[str] = []
    for ref in files:
        try:
            _, data, _ = check_scenario(ref)
        except InputError as exc:
            problems.append(exc.render())
            continue
        cat.add(str(data.get("name") or Path(ref).stem), data, "file")
    if problems:
        raise InputError("staffsim app", problems)
    return cat


def modified(cat: Catalogue, name: str, values: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """(raw design with the levers set, whether any lever differs from the design's own value)."""
    own = cat.levers(name)
    changed = {k: v for k, v in values.items() if k not in own or own[k] != v}
    if not changed:
        return cat.raw(name), False
    return apply_levers(cat.raw(name), changed), True


def scenario_of(raw: Mapping[str, Any], label: str) -> Scenario:
    """The validated scenario (same path as `compare`: `scenario_from_dict`)."""
    return scenario_from_dict(dict(raw), source=label)


def safe_filename(name: str) -> str:
    """A file name made of letters, digits, '-', '_' and '.', ending in .yaml."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", Path(name or "upload").name).strip(".-") or "upload"
    return stem if stem.endswith((".yaml", ".yml")) else stem + ".yaml"


def read_upload(cat: Catalogue, filename: str, body: bytes) -> str:
    """Validate an uploaded design exactly as `validate` does, add it, and return its name."""
    shown = safe_filename(filename)
    if len(body) > MAX_UPLOAD_BYTES:
        raise InputError(shown, [f"the file is {len(body) / 1024:.0f} kB; the largest accepted is "
                                 f"{MAX_UPLOAD_BYTES // 1024} kB"])
    with tempfile.TemporaryDirectory(prefix="staffsim-upload-") as tmp:
        path = Path(tmp) / shown
        path.write_bytes(body)
        try:
            _, data, _ = check_scenario(path)
        except InputError as exc:
            raise InputError(shown, [_strip(p, tmp) for p in exc.problems]) from None
    data.setdefault("name", Path(shown).stem)
    return cat.add(str(data["name"]), data, "upload")


def _strip(problem: str, tmp: str) -> str:
    """A problem's text without the temporary folder (keeping its line and hint)."""
    from staffsim.errors import Message

    return Message(str(problem).replace(tmp + "/", ""), getattr(problem, "line", None),
                   getattr(problem, "field", ""), getattr(problem, "hint", ""))


def design_yaml(raw: Mapping[str, Any], name: str) -> str:
    """The YAML of a (modified) design, under `name`: `validate` accepts it, `compare` reproduces it."""
    data = dict(raw)
    data["name"] = name
    head = "# Saved from the staffsim workshop app. Check: staffsim validate FILE; rerun: staffsim compare FILE\n"
    return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def lever_table() -> list[dict[str, Any]]:
    """Every lever's words, unit and range, for the page."""
    return [{"name": lv.name, "label": lv.label, "unit": lv.unit, "kind": lv.kind, "low": lv.low,
             "high": lv.high, "step": lv.step, "help": lv.help} for lv in LEVERS.values()]
