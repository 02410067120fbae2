"""`staffsim new`: start a design file of your own from a shipped design."""

from __future__ import annotations

import re
from pathlib import Path

import click

from staffsim.cli.common import handle_errors, out
from staffsim.errors import InputError
from staffsim.scenario.loading import json_schema, load_scenario
from staffsim.scenario.shipped import resolve_design

SCHEMA_FILE = "scenario.schema.json"
_MODELINE = re.compile(r"^# yaml-language-server:.*\n", re.MULTILINE)
_NAME_LINE = re.compile(r"^name:.*$", re.MULTILINE)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@click.command("new")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--from", "source", default="team-based", show_default=True,
              help="The shipped design (see `staffsim designs`) or design file to start from.")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@click.option("--schema/--no-schema", default=True, show_default=True,
              help=f"Also write {SCHEMA_FILE} next to FILE, so editors complete and check it.")
@handle_errors
def command(file: str, source: str, force: bool, schema: bool) -> None:
    """Write FILE, a copy of a shipped design named after FILE, ready to edit."""
    target = Path(file)
    if target.suffix.lower() not in (".yaml", ".yml"):
        raise InputError(file, ["a design file's name ends in .yaml"])
    if not _NAME.match(target.stem):
        raise InputError(file, ["the file name (without .yaml) becomes the design's name: letters, digits, '-', '_', '.'"])
    if target.exists() and not force:
        raise InputError(file, ["exists already; choose another name or add --force to replace it"])
    origin = resolve_design(source)
    if not origin.is_file():
        raise InputError(source, ["no such design file or shipped design (`staffsim designs` lists them)"])
    text = origin.read_text(encoding="utf-8")
    head = f"# Started from {source!r} with `staffsim new`; edit freely, then `staffsim validate {file}`.\n"
    if schema:
        head = f"# yaml-language-server: $schema={SCHEMA_FILE}\n" + head
    text = head + _MODELINE.sub("", text, count=1)
    text = _NAME_LINE.sub(f"name: {target.stem}", text, count=1) if _NAME_LINE.search(text) else text
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    schema_path = target.parent / SCHEMA_FILE
    if schema and not schema_path.exists():
        schema_path.write_text(json_schema() + "\n", encoding="utf-8")
    sc = load_scenario(target)
    out.print(f"wrote {target} ({sc.name}: {sc.staff_count} staff, from {source})", soft_wrap=True)
    for line in (f"staffsim expand {file}            # every timetable and person, written out",
                 f"staffsim timetable {file}         # the week as a picture",
                 f"staffsim compare traditional {file}"):
        out.print("  " + line, soft_wrap=True)
