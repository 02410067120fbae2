"""`staffsim run`: replications of one design."""

from __future__ import annotations

import click

from rich.table import Table

from staffsim.experiments import store
from staffsim.experiments.runs import build_variants
from staffsim.metrics.frames import year_means
from staffsim.present.format import format_value, metric_label
from staffsim.scenario.loading import check_scenario
from staffsim.cli.common import files_or_resume, handle_errors, json_option, out, run_options
from staffsim.cli.execution import execute_cli
from staffsim.cli.output import print_run
from staffsim.cli.settings import parse_settings, read_design, set_option
from staffsim.cli.validate import warning_lines


@click.command("run")
@click.argument("scenario", required=False, type=click.Path(dir_okay=False))
@set_option
@run_options
@json_option
@handle_errors
def command(scenario: str | None, settings: tuple[str, ...], as_json: bool, **options) -> None:
    """Simulate SCENARIO (a YAML file or a shipped design's name) for N replications and print its metrics with 95 % CIs.

    Writes a run folder (manifest.json, metrics.parquet, staff_weeks.parquet,
    summary.csv, the resolved scenario) under results/ unless --out says where.
    With --resume, SCENARIO is not needed (nor read).
    """
    variants, name = None, "run"
    if not files_or_resume(options, scenario, "SCENARIO"):
        _, data, warnings = check_scenario(scenario)  # validate first: clear errors before any folder is made
        if warnings:
            click.echo(warning_lines(scenario, warnings), err=True)
        if settings:  # the file itself was valid (its errors carry lines); now with the settings applied
            _, data = read_design(scenario, parse_settings(settings))
        variants, name = build_variants([(data["name"], data)], source=scenario), data["name"]
    run_dir, manifest = execute_cli("run", name, variants, options)
    print_run(run_dir, manifest, as_json)
    if not as_json and int(manifest.get("years", 1)) > 1 and (run_dir / "years.parquet").exists():
        out.print(_year_table(year_means(store.read_table(run_dir, "years"))))


def _year_table(means) -> Table:
    """The per-year means of a multi-year run: one row per metric, one column per year."""
    t = Table(title="year by year (mean over replications)", title_justify="left")
    t.add_column("metric", no_wrap=True)
    years = list(means["year"])
    for y in years:
        t.add_column(f"year {int(y) + 1}", justify="right")
    for m in means.columns[2:]:
        t.add_row(metric_label(m)[0], *(format_value(v, m, compact=True) for v in means[m]))
    return t
