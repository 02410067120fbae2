"""Shared CLI plumbing: common options, error handling, progress and tables."""

from __future__ import annotations

import functools
import sys
from typing import Any, Callable

import click
from click.core import ParameterSource
import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from staffsim.errors import InputError
from staffsim.experiments.runner import BACKENDS, default_workers
from staffsim.present.format import MISSING, format_interval, unit_symbol

# Wide tables when output is piped (a notebook, a log file, a test), the terminal's width otherwise.
out = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 200)


def handle_errors(fn: Callable) -> Callable:
    """Report InputError (bad file, field, option) as a message and exit code 2, no traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            click.echo(f"Error: {exc.render()}", err=True)
            sys.exit(2)

    return wrapper


def run_options(fn: Callable) -> Callable:
    """Options shared by run, compare and sweep: -n, --seed, --years and the `execution_options`."""
    decorators = [
        click.option("-n", "--replications", type=click.IntRange(1, 1_000_000), default=None,
                     help="Replications per design (and per sweep point). Default: 20, or the sweep file's."),
        click.option("--seed", type=click.IntRange(0), default=None,
                     help="Base seed; replication r uses SeedSequence(seed, spawn_key=(r,)). Default: 1."),
        click.option("--years", type=click.IntRange(1, 50), default=None,
                     help="Consecutive school years per replication (staff carried over). Default: 1."),
    ]
    for d in reversed(decorators):
        fn = d(fn)
    return execution_options(fn)


def execution_options(fn: Callable) -> Callable:
    """Where replications run and where their run folder goes: every command that runs replications has these."""
    decorators = [
        click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
                     help="Run folder to create (must not exist or be empty). Default: results/<name>-<time>."),
        click.option("-w", "--workers", type=click.IntRange(1, 1024), default=None,
                     help=f"Parallel workers. Default: all cores ({default_workers()} here)."),
        click.option("--backend", type=click.Choice(BACKENDS), default="processes", show_default=True,
                     help="Where replications run: in this process, a local process pool, or Dask."),
        click.option("--scheduler", default=None, metavar="ADDRESS",
                     help="Address of an existing Dask scheduler (tcp://host:8786); implies --backend dask."),
        click.option("--chunk-size", type=click.IntRange(1, 10_000), default=None,
                     help="Replications per task sent to a worker. Default: automatic. Never changes results."),
        click.option("--resume", "resume_dir", type=click.Path(file_okay=False, exists=True), default=None,
                     help="Finish an interrupted run in this folder instead of starting a new one."),
        click.option("--quiet", "-q", is_flag=True, help="No progress bar."),
    ]
    for d in reversed(decorators):
        fn = d(fn)
    return fn


def given(options: dict[str, Any], *names: str) -> dict[str, Any]:
    """The options among `names` typed on the command line; None for those left at their default.

    What a resumed run checks against its manifest (a default is not a request to change it).
    """
    ctx = click.get_current_context()
    return {n: None if ctx.get_parameter_source(n) is ParameterSource.DEFAULT else options[n] for n in names}


class ProgressBar:
    """A rich progress bar over chunks, showing replications done and time left."""

    def __init__(self, total_reps: int, enabled: bool = True):
        self.enabled = enabled and err.is_terminal
        self.total_reps = total_reps
        self.reps = 0
        self.progress = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("chunks  {task.fields[reps]} replications"), TimeElapsedColumn(), TextColumn("left"),
            TimeRemainingColumn(), console=err, disable=not self.enabled,
        )
        self.task = None

    def __enter__(self) -> "ProgressBar":
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.progress.__exit__(*exc)

    def __call__(self, done: int, total: int, reps: int) -> None:
        if self.task is None:
            self.task = self.progress.add_task("simulating", total=total, reps="")
        self.reps += reps
        self.progress.update(self.task, completed=done, reps=f"{self.reps}/{self.total_reps}" if reps else "")


def summary_table(summary: pd.DataFrame, title: str) -> Table:
    """One row per metric, one column per scenario: mean [95 % CI]."""
    scenarios = list(dict.fromkeys(summary["scenario"]))
    t = Table(title=title, title_justify="left", show_lines=False)
    t.add_column("metric", no_wrap=True)
    t.add_column("unit")
    for s in scenarios:
        t.add_column(f"{s}\nmean [95 % CI]", justify="right")
    metrics = list(dict.fromkeys(summary["metric"]))
    for m in metrics:
        row = [m, unit_symbol(m)]
        for s in scenarios:
            r = summary[(summary["metric"] == m) & (summary["scenario"] == s)]
            if r.empty:
                row.append(MISSING)
            else:
                r = r.iloc[0]
                row.append(format_interval(r["mean"], r["ci_low"], r["ci_high"], m))
        t.add_row(*row)
    return t


def comparison_table(comp: pd.DataFrame, title: str) -> Table:
    """Per metric: each design's mean [CI], and its paired difference from the baseline."""
    scenarios = list(dict.fromkeys(comp["scenario"]))
    t = Table(title=title, title_justify="left")
    t.add_column("metric", no_wrap=True)
    t.add_column(f"{scenarios[0]} (baseline)\nmean [95 % CI]", justify="right")
    for s in scenarios[1:]:
        t.add_column(f"{s}\nmean [95 % CI]\ndiff [paired 95 % CI]", justify="right")
    for m in dict.fromkeys(comp["metric"]):
        rows = comp[comp["metric"] == m].set_index("scenario")
        cells = [m]
        for i, s in enumerate(scenarios):
            if s not in rows.index:
                cells.append(MISSING)
                continue
            r = rows.loc[s]
            cell = format_interval(r["mean"], r["ci_low"], r["ci_high"], m)
            if i > 0 and "diff" in r and not pd.isna(r["diff"]):
                cell += "\n" + format_interval(r["diff"], r["diff_ci_low"], r["diff_ci_high"], m, signed=True)
            cells.append(cell)
        t.add_row(*cells)
    return t


def print_precision_warnings(summary: pd.DataFrame, threshold: float = 0.1) -> None:
    from staffsim.experiments.stats import precision_warnings

    warns = precision_warnings(summary, threshold)
    if warns:
        names = sorted({w.metric for w in warns})
        worst = max(warns, key=lambda w: w.relative_half_width)
        err.print(
            f"[yellow]Note:[/] {len(warns)} estimate(s) have a 95 % CI half-width above {threshold:.0%} of the mean "
            f"({', '.join(names[:6])}{'...' if len(names) > 6 else ''}; worst {worst.metric} in {worst.scenario}, "
            f"±{worst.relative_half_width:.0%}). More replications (-n) would narrow them."
        )
