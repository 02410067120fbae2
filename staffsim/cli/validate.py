"""`staffsim validate`: check scenario files without running them."""

from __future__ import annotations

import sys

import click

from staffsim.errors import InputError
from staffsim.scenario.effects import no_effect
from staffsim.scenario.loading import check_scenario


def warning_lines(source: str, warnings: list) -> str:
    """Warnings (contract rules listed in `warn_only`) as the CLI prints them, hints indented."""
    lines = []
    for w in warnings:
        lines.append(f"Warning: {source}: {w}")
        lines.extend(f"      {h}" for h in getattr(w, "hint", "").splitlines())
    return "\n".join(lines)


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def command(files: tuple[str, ...]) -> None:
    """Check FILES (scenario YAML): one line per problem with its line and field; exit 2 if any.

    Contract rules the contract lists under `warn_only`, and fields that have no effect in the
    design, are printed as warnings (exit 0).
    """
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
