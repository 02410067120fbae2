"""`staffsim expand`: a design as the schema sees it, every timetable and team member written out."""

from __future__ import annotations

from pathlib import Path

import click
import yaml
from rich.table import Table

from staffsim.cli.common import handle_errors, out
from staffsim.cli.settings import parse_settings, read_design, set_option
from staffsim.engine.plan import compile_plan
from staffsim.present.plots.timeuse import GROUPS
from staffsim.scenario.compact import expand_design
from staffsim.scenario.loading import dump_scenario
from staffsim.scenario.vocabulary import Activity


@click.command("expand")
@click.argument("design", type=click.Path(dir_okay=False))
@set_option
@click.option("--resolved", is_flag=True, help="With every default filled in (the form a run folder keeps).")
@click.option("--people", is_flag=True, help="Instead: one row per person, with their hours a week by activity.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), default=None,
              help="Write the expanded design to this file instead of printing it.")
@handle_errors
def command(design: str, settings: tuple[str, ...], resolved: bool, people: bool, out_file: str | None) -> None:
    """Print DESIGN (a file or a shipped design's name) expanded: every timetable, team and member.

    The output is itself a valid design file: the compact form's bell schedule,
    days and templates are replaced by what they generate.
    """
    sc, data = read_design(design, parse_settings(settings))
    if people:
        out.print(_people_table(sc))
        return
    if resolved:
        text = dump_scenario(sc)
    else:
        text = yaml.safe_dump(dict(expand_design(data)), sort_keys=False, allow_unicode=True, width=100)
    head = (f"# {sc.name}, expanded by `staffsim expand`: {len(sc.timetables)} timetables, {sc.staff_count} staff "
            f"in {sum(t.count for t in sc.teams)} team(s). A valid design file.\n")
    if out_file:
        Path(out_file).write_text(head + text, encoding="utf-8")
        click.echo(f"wrote {out_file}", err=True)
    else:
        click.echo(head + text, nl=False)


def _people_table(sc) -> Table:
    """Every position: team/role label, role, and hours a week by activity (the timetable, before anything happens)."""
    plan = compile_plan(sc)
    week = plan.minutes.sum(axis=0) / 60  # (staff, activity) hours a week
    groups = {g: [int(a) for a in Activity if a.label in cols] for g, cols in GROUPS.items()}
    shown = [g for g, cols in groups.items() if cols and week[:, cols].sum() > 0]
    t = Table(title=f"{sc.name}: {plan.n_staff} people, hours a week as timetabled", title_justify="left")
    t.add_column("person", no_wrap=True)
    t.add_column("role", no_wrap=True)
    for g in shown:
        t.add_column(g, justify="right")
    for s, label in enumerate(plan.staff_labels):
        t.add_row(label, plan.staff_role[s], *[f"{week[s, groups[g]].sum():.1f}" for g in shown])
    return t
