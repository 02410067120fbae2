"""`staffsim calibrate`: published targets (docs/model.md §3.1, §4.3) next to what a scenario simulates."""

from __future__ import annotations

import sys

import click

from staffsim.experiments.calibration import TABLES, calibration_table, calibration_variants
from staffsim.present.calibration import format_table
from staffsim.scenario.loading import load_scenario
from staffsim.cli.common import execution_options, files_or_resume, given, handle_errors
from staffsim.cli.execution import execute_cli


@click.command("calibrate")
@click.argument("scenario_file", required=False, type=click.Path(dir_okay=False))
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
@click.option("--fit", is_flag=True, help="History matching instead: waves of parameter sets from the assumptions "
              "table, keeping those that reproduce every target (an ensemble for `compare --ensemble`). "
              "-n is then replications per point (default 10).")
@click.option("--waves", type=click.IntRange(1, 20), default=3, show_default=True, help="--fit: waves of points.")
@click.option("--samples", type=click.IntRange(2, 100_000), default=400, show_default=True,
              help="--fit: points per wave (a Latin hypercube).")
@click.option("--cutoff", type=click.FloatRange(0, min_open=True), default=3.0, show_default=True,
              help="--fit: a point is accepted when every target's implausibility is below this.")
@click.option("--param", "params", multiple=True, metavar="PATH[=LOW:HIGH]",
              help="--fit: the parameters to vary (repeatable). Default: every parameter with a range.")
@click.option("--target", "targets", multiple=True, metavar="KEY",
              help="--fit: the targets to match (repeatable). Default: all but the residency contrast.")
@execution_options
@handle_errors
def command(scenario_file: str | None, csv_path: str | None, check: bool, fit: bool, waves: int, samples: int,
            cutoff: float, params: tuple[str, ...], targets: tuple[str, ...], **options) -> None:
    """Print each published calibration target beside the simulated estimate and its 95 % CI.

    The scenario and the cohort experiment run as a "calibrate" run folder
    (calibration.csv in it); --resume finishes an interrupted one.

    With --fit, history matching (docs/experiments.md): the parameter sets
    of the assumptions table that reproduce every target, saved as an
    ensemble in a "fit" run folder.

    Example: staffsim calibrate traditional -n 200 --years 1 --seed 1
    """
    from staffsim.cli.fit import fit_command, resumes_a_fit

    typed = given(options, "replications", "seed", "years", "cohort_years", "cohort_replications")
    if fit or resumes_a_fit(options):  # `calibrate --resume FIT` finishes a fit, --fit or not
        return fit_command(scenario_file, options, typed, waves, samples, cutoff, params, targets)
    variants, name, extra = None, "calibrate", None
    if not files_or_resume(options, scenario_file, "SCENARIO_FILE"):
        sc = load_scenario(scenario_file)
        n_cohort = options["cohort_replications"] or options["replications"]
        variants = calibration_variants(sc, options["seed"], options["cohort_years"], n_cohort)
        name = f"calibrate-{sc.name}"
        extra = {"cohort_years": options["cohort_years"], "cohort_replications": n_cohort}
    defaults = {k: options[k] for k in ("replications", "seed", "years")}
    run_dir, _ = execute_cli(
        "calibrate", name, variants, {**options, **typed}, {**defaults, "staff_weeks": False, "yearly": False, "tables": TABLES},
        extra, fixed={k: typed[k] for k in ("cohort_years", "cohort_replications")},
    )
    table = calibration_table(run_dir)
    click.echo(format_table(table))
    if csv_path:
        table.to_csv(csv_path, index=False)
    if check and not table["within"].all():
        sys.exit(1)
