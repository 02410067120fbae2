"""`staffsim designs`: the shipped designs, by name (usable wherever a design file is)."""

from __future__ import annotations

import click
from rich.table import Table

from staffsim.cli.common import handle_errors, out
from staffsim.scenario.loading import read_scenario
from staffsim.scenario.shipped import shipped_designs


@click.command("designs")
@click.option("--paths", is_flag=True, help="Also show where each design's file is installed.")
@handle_errors
def command(paths: bool) -> None:
    """List the shipped designs: their names work in place of a file (`staffsim compare traditional team-based`)."""
    t = Table(title="Shipped designs", title_justify="left")
    t.add_column("name", no_wrap=True)
    t.add_column("staff", justify="right")
    t.add_column("what it is")
    if paths:
        t.add_column("file")
    for name, path in shipped_designs().items():
        sc, _ = read_scenario(path)
        first = sc.description.split(". ")[0].rstrip(".") + "."
        t.add_row(name, str(sc.staff_count), first, *([str(path)] if paths else []))
    out.print(t)
    out.print("Start your own from one of them: staffsim new my-school.yaml --from team-based", soft_wrap=True)
