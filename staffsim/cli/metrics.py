"""`staffsim metrics`: the metric registry (names, labels, units, which way is better, meaning)."""

from __future__ import annotations

import click
from rich.table import Table

from staffsim.cli.common import handle_errors, out
from staffsim.present.metric_table import COLUMNS, metric_rows, metrics_markdown


@click.command("metrics")
@click.option("--markdown", is_flag=True, help="Print the Markdown table of docs/metrics.md instead of a terminal table.")
@handle_errors
def command(markdown: bool) -> None:
    """List every metric staffsim computes: name, label, unit, which way is better, family, meaning."""
    if markdown:
        click.echo(metrics_markdown(), nl=False)
        return
    t = Table(title="Metrics (the registry)", show_lines=False)
    for c in COLUMNS:
        t.add_column(c, overflow="fold")
    for row in metric_rows():
        t.add_row(*row)
    out.print(t)
