"""`staffsim report`: one self-contained HTML report of a run folder, for a workshop projector."""

from __future__ import annotations

from pathlib import Path

import click

from staffsim.errors import InputError
from staffsim.cli.common import err, handle_errors, out
from staffsim.cli.plot import figure_options, plot_options


@click.command("report")
@click.argument("run_dir", metavar="RUN", type=click.Path(file_okay=False))
@click.option("--title", default=None, help="The report's title. Default: says what was compared.")
@click.option("--notes", "notes_file", type=click.Path(dir_okay=False), default=None, metavar="FILE.md",
              help="A short facilitator's note (Markdown) shown at the top.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), default=None, metavar="FILE.html",
              help="Where to write it, inside RUN. Default: RUN/report.html (replaced if staffsim wrote it).")
@figure_options
@handle_errors
def command(run_dir: str, title: str | None, notes_file: str | None, out_file: str | None, **options) -> None:
    """Write RUN/report.html: headline numbers with 95 % CIs, the figures with how to read them,
    each design's key assumptions and the run's provenance.

    The file has everything inside it (images, styles; no scripts, no links),
    so it opens offline on any laptop and reads on a projector.
    """
    from staffsim.present.report import ReportOptions, build_report, write_report
    from staffsim.experiments.runfolder import open_run

    notes = None
    if notes_file:
        p = Path(notes_file)
        if not p.exists() or p.is_dir():
            raise InputError(notes_file, ["no such notes file"])
        try:
            notes = p.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise InputError(notes_file, ["the notes file is not UTF-8 text"]) from None
    run = open_run(run_dir)
    html, skipped = build_report(run, ReportOptions(title=title, notes=notes, plot=plot_options(**options)))
    path = write_report(run, html, out_file)
    for n in skipped + run.notes:
        err.print(f"[yellow]Note:[/] {n}")
    out.print(f"Report: {path} ({path.stat().st_size / 1e6:.1f} MB, self-contained)")
