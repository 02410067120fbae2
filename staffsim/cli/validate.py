"""`staffsim validate`: check scenario files without running them."""

from __future__ import annotations

import sys

import click

from staffsim.errors import InputError
from staffsim.scenario.effects import no_effect
from staffsim.scenario.loading import load_scenario


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def command(files: tuple[str, ...]) -> None:
    """Check FILES (scenario YAML): one line per problem with its field path; exit 2 if any.

    Fields that have no effect in the design are named as warnings (the exit code stays 0)."""
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
        for w in no_effect(sc):
            click.echo(f"warning: {f}: {w}")
    if bad:
        sys.exit(2)
