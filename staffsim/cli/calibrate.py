"""`staffsim calibrate`: published targets (DESIGN.md §5) next to what a scenario simulates."""

from __future__ import annotations

import sys
import time

import click

from staffsim.experiments.calibration import calibrate, format_table
from staffsim.scenario.loading import load_scenario
from staffsim.cli.common import handle_errors


@click.command("calibrate")
@click.argument("scenario_file", type=click.Path(dir_okay=False))
@click.option("-n", "--replications", type=click.IntRange(2, 1_000_000), default=200, show_default=True,
              help="Replications of the scenario.")
@click.option("--years", type=click.IntRange(1, 50), default=1, show_default=True,
              help="Consecutive school years per replication; rates are pooled over all years.")
@click.option("--seed", type=click.IntRange(0), default=1, show_default=True, help="Base seed.")
@click.option("--cohort-years", type=click.IntRange(0, 50), default=4, show_default=True,
              help="Years of the residency cohort experiment (0 skips it).")
@click.option("--cohort-replications", type=click.IntRange(2, 1_000_000), default=None,
              help="Replications of the cohort experiment. Default: as many as -n.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the table (with tolerance bands) to this CSV file.")
@click.option("--check", is_flag=True, help="Exit with code 1 if any estimate lies outside its tolerance band.")
@handle_errors
def command(scenario_file: str, replications: int, years: int, seed: int, cohort_years: int,
            cohort_replications: int | None, csv_path: str | None, check: bool) -> None:
    """Print each published target of DESIGN.md §5 beside the simulated estimate and its 95 % CI.

    Example: staffsim calibrate scenarios/traditional.yaml -n 200 --years 1 --seed 1
    """
    sc = load_scenario(scenario_file)
    n_cohort = cohort_replications or replications
    t0 = time.perf_counter()
    click.echo(f"simulating {replications} x {years} year(s) of {sc.name}"
               + (f" and a {cohort_years}-year cohort experiment ({n_cohort} replications)" if cohort_years else "")
               + " ...", err=True)
    table = calibrate(sc, replications=replications, years=years, seed=seed, cohort_years=cohort_years,
                      cohort_replications=n_cohort)
    click.echo(format_table(table))
    click.echo(f"({time.perf_counter() - t0:.1f} s)", err=True)
    if csv_path:
        table.to_csv(csv_path, index=False)
    if check and not table["within"].all():
        sys.exit(1)
