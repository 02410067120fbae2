"""`staffsim explain A B --metric M`: how much of the gap B - A each mechanism carries."""

from __future__ import annotations

import click
import pandas as pd
from rich.table import Table

from staffsim.cli.common import err, execution_options, given, handle_errors, out
from staffsim.cli.execution import execute_cli
from staffsim.errors import InputError


def explain_rich(table: pd.DataFrame) -> Table:
    """The gap under each condition and each channel's share of it, largest contribution first."""
    from staffsim.present.uncertainty import explain_rows

    metric, contrast = table["metric"].iloc[0], table["contrast"].iloc[0]
    t = Table(title=f"{metric}: the gap {contrast.replace(' - ', ' − ')} and what carries it [95 % CI, paired]",
              title_justify="left")
    for c in ("mechanism", "gap with it off", "carries"):
        t.add_column(c, justify="left" if c == "mechanism" else "right")
    for row in explain_rows(table):
        t.add_row(*row)
    return t


@click.command("explain")
@click.argument("scenarios", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--metric", required=False, default=None, metavar="METRIC", help="The metric whose gap B - A to explain.")
@click.option("--channel", "chosen", multiple=True, metavar="NAME",
              help="Switch off only these channels (repeatable). Default: every channel of experiments/explain.py.")
@click.option("-n", "--replications", type=click.IntRange(2, 100_000), default=30, show_default=True,
              help="Replications per design and condition (common random numbers throughout).")
@click.option("--seed", type=click.IntRange(0), default=1, show_default=True, help="Base seed.")
@execution_options
@handle_errors
def command(scenarios: tuple[str, ...], metric: str | None, chosen: tuple[str, ...], **options) -> None:
    """Explain the gap B - A in METRIC between two designs (A first) by switching each mechanism off in both:
    the demands and resources of exhaustion, colleagues covering absences, exhaustion driving absence and exits.

    Prints each mechanism's contribution (the gap as written minus the gap
    with it off) with its paired 95 % CI, the gap the designs' structure makes
    with every channel off, and the interactions; `staffsim plot` draws the
    waterfall. Results in an "explain" run folder (explain.csv).

    Example: staffsim explain traditional team-based --metric burnout_share
    """
    from staffsim.experiments import store
    from staffsim.experiments.explain import channels, check_metric, explain_variants, manifest_fields
    from staffsim.experiments.runs import unique_labels
    from staffsim.scenario.loading import read_scenario

    typed = given(options, "replications", "seed")
    variants, name, extra = None, "explain", None
    if not options.get("resume_dir"):
        if metric is None:
            raise InputError("explain", ["--metric: name the metric whose gap to explain (e.g. burnout_share)"])
        check_metric(metric)
        if len(scenarios) != 2:
            raise InputError("explain", [f"expected two scenarios (the gap B - A); found {len(scenarios)}"])
        read = [read_scenario(p)[0] for p in scenarios]
        labels = unique_labels([sc.name for sc in read])
        picked = channels(list(chosen))
        variants = explain_variants(list(zip(labels, read)), picked)
        extra = manifest_fields(metric, picked)
        name = f"explain-{metric}"
    defaults = {"replications": options["replications"], "seed": options["seed"], "staff_weeks": False, "yearly": False}
    run_dir, manifest = execute_cli("explain", name, variants, {**options, **typed}, defaults, extra,
                                    resume_hint=" ".join(scenarios) + " " if scenarios else "")
    table = store.read_table(run_dir, "explain")
    if not table.empty:
        out.print(explain_rich(table))
        err.print(f"Table: {run_dir / 'explain.csv'}; waterfall: staffsim plot {run_dir}")
