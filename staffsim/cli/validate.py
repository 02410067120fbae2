"""`staffsim validate`: check scenario files without running them."""

from __future__ import annotations

import sys

import click

from staffsim.errors import InputError
from staffsim.scenario.loading import load_scenario


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def command(files: tuple[str, ...]) -> None:
    """Check FILES (scenario YAML): one line per problem with its field path; exit 2 if any."""
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
