"""Shared CLI plumbing: common options, error handling, output (consoles, JSON, commands to copy), progress and tables."""

from __future__ import annotations

import functools
import json
import math
import os
import shlex
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

import click
from click.core import ParameterSource
import numpy as np
import pandas as pd
from rich.console import Console, ConsoleDimensions
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from staffsim.errors import InputError
from staffsim.experiments.runner import BACKENDS, default_workers

#: Width of output that goes to a pipe (a log file, a notebook) when COLUMNS does not say: wide, so tables do not wrap.
PIPED_WIDTH = 200


class _Console(Console):
    """A rich console as wide as COLUMNS when set (read at each print, not once at import), else the
    terminal, else (output to a pipe) `PIPED_WIDTH`."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self._width = None  # (rich reads COLUMNS once here; `size` reads it at each print)

    @property
    def size(self) -> ConsoleDimensions:
        if self._width is None:
            columns = os.environ.get("COLUMNS", "")
            if columns.isdigit():
                return ConsoleDimensions(int(columns), super().size.height)
            if not self.is_terminal:
                return ConsoleDimensions(PIPED_WIDTH, 25)
        return super().size

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)


out = _Console(highlight=False)
err = _Console(stderr=True, highlight=False)


def handle_errors(fn: Callable) -> Callable:
    """Report InputError (bad file, field, option) and unwritable places as a message and exit code 2, no traceback.

    Ctrl-C outside a run (which handles it itself) exits with 130 and one line."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            click.echo(f"Error: {exc.render()}", err=True)
            sys.exit(2)
        except OSError as exc:
            if exc.filename is None:
                raise
            click.echo(f"Error: cannot write {exc.filename}: {exc.strerror or exc}", err=True)
            sys.exit(2)
        except KeyboardInterrupt as exc:  # (SIGTERM and SIGHUP too, inside `runner.stop_signals`)
            click.echo("Stopped.", err=True)
            sys.exit(128 + getattr(exc, "signum", 2))

    return wrapper


def json_option(fn: Callable) -> Callable:
    """`--json`: the results as JSON on stdout, and nothing else there (messages stay on stderr)."""
    return click.option("--json", "as_json", is_flag=True,
                        help="Print the results as JSON on stdout (nothing else goes to stdout).")(fn)


def plain(value: Any) -> Any:
    """A value JSON can hold: numpy scalars as Python numbers, NaN and infinities as null, paths as text."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Path):
        return str(value)
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def print_json(data: Any) -> None:
    """`data` as JSON on stdout (see `plain`)."""
    click.echo(json.dumps(plain(data), indent=2, allow_nan=False))


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as plain dicts for JSON."""
    return [plain(r) for r in df.to_dict("records")] if not df.empty else []


def command_text(*words: str | Path) -> str:
    """A command line to copy, each word quoted for the shell as needed."""
    return " ".join(shlex.quote(str(w)) for w in words)


def print_command(console: Console, text: str, indent: str = "  ") -> None:
    """A command to copy, on its own line, never wrapped (whatever the width), no markup."""
    console.print(indent + text, soft_wrap=True, markup=False, highlight=False)


def print_next_steps(run_dir: Path, more: Sequence[tuple[str, str]] = ()) -> None:
    """The run folder, then the commands that show it (plot, report, and `more`: (what, command))."""
    out.print()
    out.print(f"Results: {run_dir}", soft_wrap=True, markup=False, highlight=False)
    out.print("Next:")
    steps = [("figures (PNG and SVG) in the run folder's figures/", command_text("staffsim", "plot", run_dir)),
             ("one self-contained HTML page for a workshop", command_text("staffsim", "report", run_dir)), *more]
    for what, cmd in steps:
        out.print(f"  {what}:", highlight=False)
        print_command(out, cmd, indent="    ")


def files_or_resume(options: dict[str, Any], files: Sequence[str] | str | None, argument: str) -> bool:
    """True when --resume is given: the run folder holds what it needs, and `files` are not read.

    `InputError` when neither files nor --resume are given (`argument` names what is missing)."""
    resume = options.get("resume_dir")
    given_files = [files] if isinstance(files, str) else list(files or [])
    if resume:
        if given_files:
            err.print(f"Note: --resume finishes what {resume} recorded; {', '.join(given_files)} is not read.",
                      soft_wrap=True, markup=False, highlight=False)
        return True
    if not given_files:
        raise InputError(argument, [f"expected {argument}, or --resume RUN_DIR to finish a run"])
    return False


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
