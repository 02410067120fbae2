"""`staffsim validate`: check scenario files without running them."""

from __future__ import annotations

import sys

import click

from staffsim.errors import InputError
from staffsim.scenario.effects import no_effect
from staffsim.scenario.loading import check_scenario
from staffsim.cli.common import json_option, print_json


def warning_lines(source: str, warnings: list) -> str:
    """Warnings (contract rules listed in `warn_only`) as the CLI prints them, hints indented."""
    lines = []
    for w in warnings:
        lines.append(f"Warning: {source}: {w}")
        lines.extend(f"      {h}" for h in getattr(w, "hint", "").splitlines())
    return "\n".join(lines)


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@json_option
def command(files: tuple[str, ...], as_json: bool) -> None:
    """Check FILES (scenario YAML or shipped designs' names): one line per problem with its line and field; exit 2 if any.

    Contract rules the contract lists under `warn_only`, and fields that have no effect in the
    design, are printed as warnings (exit 0).
    """
    if as_json:
        return validate_json(files)
    bad = 0
    for f in files:
        try:
            sc, _, warnings = check_scenario(f)
        except InputError as exc:
            bad += 1
            click.echo(f"Error: {exc.render()}", err=True)
            continue
        if warnings:
            click.echo(warning_lines(f, warnings), err=True)
        click.echo(f"{f}: ok ({sc.name}: {sc.staff_count} staff in {sum(t.count for t in sc.teams)} team(s), "
                   f"{sc.school.students} students{f', {len(warnings)} warning(s)' if warnings else ''})")
        for w in no_effect(sc):
            click.echo(f"warning: {f}: {w}")
    if bad:
        sys.exit(2)


def validate_json(files: tuple[str, ...]) -> None:
    """`--json`: one record per file (ok, or its problems, and its warnings) on stdout; exit 2 if any file has a problem."""
    results = []
    for f in files:
        try:
            sc, _, warnings = check_scenario(f)
        except InputError as exc:
            results.append({"file": f, "ok": False, "problems": [str(p) for p in exc.problems], "warnings": []})
            continue
        results.append({"file": f, "ok": True, "name": sc.name, "staff": sc.staff_count,
                        "teams": sum(t.count for t in sc.teams), "students": sc.school.students, "problems": [],
                        "warnings": [str(w) for w in warnings]})
    print_json({"ok": all(r["ok"] for r in results), "files": results})
    if not all(r["ok"] for r in results):
        sys.exit(2)
