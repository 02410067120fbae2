"""`staffsim timetable`: a design's week drawn as a grid per role (PNG and SVG), for a facilitator to show."""

from __future__ import annotations

from pathlib import Path

import click

from staffsim.cli.common import handle_errors
from staffsim.cli.settings import parse_settings, read_design, set_option
from staffsim.errors import InputError
from staffsim.present.plots.timetable import save, timetable_panels, week_figures
from staffsim.scenario.compact.problems import did_you_mean


@click.command("timetable")
@click.argument("design", type=click.Path(dir_okay=False))
@set_option
@click.option("--role", default=None, help="Draw every timetable of this role (default: one panel per role).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=".", show_default=True,
              help="Folder to write the figures into.")
@click.option("--format", "formats", type=click.Choice(["png", "svg"]), multiple=True, default=("png", "svg"),
              show_default=True, help="File formats (repeatable).")
@handle_errors
def command(design: str, settings: tuple[str, ...], role: str | None, out_dir: str, formats: tuple[str, ...]) -> None:
    """Draw DESIGN's week (a file or a shipped design's name): weekdays across, the contract day downwards.

    Writes <design>-timetable.png/.svg (with --role, <design>-timetable-<role>...).
    """
    sc, _ = read_design(design, parse_settings(settings))
    panels = None
    name = f"{sc.name}-timetable"
    if role is not None:
        panels = timetable_panels(sc, role)
        if not panels:
            hint = did_you_mean(role, sc.roles) if role not in sc.roles else f"; no team has a {role}"
            raise InputError("--role", [f"no staff with the role {role!r}{hint}"])
        name += f"-{role}"
    for drawn in week_figures(sc, panels, name):
        for path in save(drawn, Path(out_dir), formats):
            click.echo(f"wrote {path}")
