"""`staffsim plot`: the figures of a run folder, as PNG and SVG in <run>/figures/."""

from __future__ import annotations

import click

from staffsim.cli.common import err, handle_errors, out


def figure_options(fn):
    """Options shared by `plot` and `report`: which figures, for which designs."""
    decorators = [
        click.option("--y", "y", default="small_group_minutes_per_student_per_week", show_default=True, metavar="METRIC",
                     help="The outcome on the vertical axis of the cost trade-off figure."),
        click.option("--design", "designs", multiple=True, metavar="NAME",
                     help="Show only these designs (repeatable). Default: the first five of the run."),
        click.option("--all-designs", is_flag=True, help="Show every design, even more than five, in one figure."),
        click.option("--metric", "metrics", multiple=True, metavar="METRIC",
                     help="Sweeps: the metrics to draw against the swept parameters (repeatable). "
                          "Default: planning kept, small-group minutes, and burnout and cost when the run has them."),
        click.option("--param", "params", multiple=True, metavar="PATH",
                     help="Sweeps: the swept parameters to draw against (repeatable; the first two make the heatmap)."),
    ]
    for d in reversed(decorators):
        fn = d(fn)
    return fn


def plot_options(y: str, designs: tuple[str, ...], all_designs: bool, metrics: tuple[str, ...], params: tuple[str, ...]):
    from staffsim.present.plots import Options

    return Options(y=y, designs=list(designs) or None, all_designs=all_designs, metrics=list(metrics) or None,
                   params=list(params) or None)


@click.command("plot")
@click.argument("run_dir", metavar="RUN", type=click.Path(file_okay=False))
@figure_options
@handle_errors
def command(run_dir: str, **options) -> None:
    """Draw the figures of RUN (a folder made by run, compare or sweep) into RUN/figures/ as PNG and SVG.

    For designs: planning kept week by week, exhaustion, where the time goes,
    small-group instruction, staff staying, and cost per pupil against an
    outcome (--y). For a sweep: each metric against each swept parameter, and a
    heatmap over two. Every figure shows its 95 % confidence interval. A figure
    the run has no data for is skipped with a note. Re-running replaces only
    the figures plot made before. How to read them: docs/figures.md.
    """
    from staffsim.present.plots import make_figures, write_figures
    from staffsim.experiments.runfolder import open_run

    run = open_run(run_dir)
    figures, notes = make_figures(run, plot_options(**options))
    paths = write_figures(run, figures)
    for f in figures:
        out.print(f"{f.name}: {f.title}")
    for n in notes:
        err.print(f"[yellow]Note:[/] {n}")
    out.print(f"{len(figures)} figure(s), {len(paths)} file(s) in {run.figures_dir()}")
