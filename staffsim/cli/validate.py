"""`staffsim validate`: check scenario files without running them."""

from __future__ import annotations

import sys

import click

from staffsim.errors import InputError
from staffsim.scenario.loading import load_scenario
from staffsim.cli.common import json_option, print_json


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@json_option
def command(files: tuple[str, ...], as_json: bool) -> None:
    """Check FILES (scenario YAML): one line per problem with its field path; exit 2 if any."""
    if as_json:
        return validate_json(files)
    bad = 0
    for f in files:
        try:
            sc = load_scenario(f)
        except InputError as exc:
            bad += 1
            click.echo(f"Error: {exc.render()}", err=True)
            continue
        click.echo(f"{f}: ok ({sc.name}: {sc.staff_count} staff in {sum(t.count for t in sc.teams)} team(s), "
                  f"{sc.school.students} students)")
    if bad:
        sys.exit(2)


def validate_json(files: tuple[str, ...]) -> None:
    """`--json`: one record per file (ok, or its problems) on stdout; exit 2 if any file has a problem."""
    results = []
    for f in files:
        try:
            sc = load_scenario(f)
        except InputError as exc:
            results.append({"file": f, "ok": False, "problems": [str(p) for p in exc.problems]})
            continue
        results.append({"file": f, "ok": True, "name": sc.name, "staff": sc.staff_count,
                        "teams": sum(t.count for t in sc.teams), "students": sc.school.students, "problems": []})
    print_json({"ok": all(r["ok"] for r in results), "files": results})
    if not all(r["ok"] for r in results):
        sys.exit(2)
