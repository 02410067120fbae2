"""`staffsim assumptions`: every parameter's value, its plausible range and why, or the figure that fixes it."""

from __future__ import annotations

import click
from rich.table import Table

from staffsim.cli.common import handle_errors, out


@click.command("assumptions")
@click.argument("scenario", required=False, type=click.Path(dir_okay=False))
@click.option("--uncertain", "only_uncertain", is_flag=True, help="Only the parameters that carry a range.")
@click.option("--markdown", is_flag=True, help="Print the Markdown table of docs/model.md §3.5 instead.")
@handle_errors
def command(scenario: str | None, only_uncertain: bool, markdown: bool) -> None:
    """Print the assumptions table: each parameter's dotted path, its default (or SCENARIO's value),
    its plausible range and distribution, and the source that fixes it or the reason for the range.

    Sensitivity analysis (`staffsim sensitivity`) and the calibrated ensemble
    (`staffsim calibrate --fit`) sample the ranges. The table is
    staffsim/scenario/assumptions.yaml.
    """
    from staffsim.present.priors import markdown as markdown_table, parameter_rows
    from staffsim.scenario.loading import load_scenario

    if markdown:
        click.echo(markdown_table())
        return
    sc = load_scenario(scenario) if scenario else None
    rows = [r for r in parameter_rows(sc) if r.range or not only_uncertain]
    t = Table(title=f"Assumptions{f' of {sc.name}' if sc else ' (defaults)'}: {sum(1 for r in rows if r.range)} "
                    "parameters with a plausible range", title_justify="left")
    t.add_column("parameter", no_wrap=True)
    t.add_column("value" if sc else "default", justify="right")
    t.add_column("range")
    t.add_column("source, or assumption: why this range")
    for r in rows:
        t.add_row(r.path, r.value, r.range or "fixed", r.source)
    out.print(t)
