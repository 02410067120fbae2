"""`staffsim compare`: several designs on common random numbers, with paired differences."""

from __future__ import annotations

from pathlib import Path

import click

from staffsim.metrics.costs import check_same_money
from staffsim.errors import InputError, prefixed
from staffsim.experiments.runs import build_variants, unique_labels
from staffsim.cli.common import err, files_or_resume, handle_errors, json_option, run_options
from staffsim.cli.execution import execute_cli
from staffsim.cli.output import print_comparison
from staffsim.cli.settings import parse_settings, read_design, set_option


@click.command("compare")
@click.argument("scenarios", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--detail", is_flag=True, help="Print every metric (the full table), not only the headline.")
@set_option
@click.option("--ensemble", "ensemble", type=click.Path(file_okay=False), default=None, metavar="FIT",
              help="Also compare over the calibrated ensemble of FIT (`calibrate --fit`): intervals with parameter "
                   "uncertainty beside the seed-only ones, P(better), and which conclusions survive.")
@run_options
@json_option
@handle_errors
def command(scenarios: tuple[str, ...], detail: bool, ensemble: str | None, settings: tuple[str, ...], as_json: bool,
            **options) -> None:
    """Compare SCENARIOS (YAML files or shipped designs' names; the first is the baseline) on the same random numbers.

    Prints the headline metrics for each design with the paired difference
    from the baseline (--detail: every metric with its 95 % CI), then the run
    folder and the commands that draw and report it; saves comparison.parquet/.csv,
    metrics.parquet and staff_weeks.parquet in the run folder. With --resume,
    SCENARIOS are not needed (nor read).
    """
    variants = None
    name = "compare"
    if not files_or_resume(options, scenarios, "SCENARIOS"):
        problems = []
        validated, designs = [], []
        changes = parse_settings(settings)
        for path in scenarios:
            try:
                sc, data = read_design(path, changes)
            except InputError as exc:
                problems.extend(prefixed(path, p) for p in exc.problems)
                continue
            validated.append(sc)
            designs.append(data)
        if problems:
            raise InputError("compare", problems)
        labels = unique_labels([d["name"] for d in designs])
        check_same_money(validated)  # costs in different currencies or price years are never compared
        variants = build_variants(list(zip(labels, designs)))
        if ensemble:
            from staffsim.cli.ensemble import check_ensemble

            check_ensemble(ensemble, list(zip(labels, validated)))
        names = list(dict.fromkeys(d["name"] for d in designs))
        name = "compare-" + "-".join(names)
        if len(name) > 60:
            name = f"compare-{names[0]}-and-{len(names) - 1}-more"
    else:
        _resumed_ensemble(options["resume_dir"], ensemble)
    extra = {"ensemble": str(ensemble)} if ensemble else None
    run_dir, manifest = execute_cli("compare", name, variants, options, extra_manifest=extra)
    print_comparison(run_dir, manifest, detail, as_json)
    if manifest.get("ensemble"):
        from staffsim.cli.ensemble import ensemble_part

        ensemble_part(run_dir, manifest, options, " ".join(scenarios) + " " if scenarios else "", as_json)


def _resumed_ensemble(run_dir: str, ensemble: str | None) -> None:
    """A resumed comparison keeps the ensemble it recorded: say so, and refuse a different --ensemble."""
    from staffsim.experiments.store import read_manifest

    recorded = read_manifest(run_dir).get("ensemble")
    if ensemble and (not recorded or Path(ensemble).resolve() != Path(recorded).resolve()):
        raise InputError(str(run_dir), [f"--ensemble {ensemble}: this comparison recorded "
                                        f"{'the ensemble ' + recorded if recorded else 'no ensemble'}; a resumed run "
                                        "keeps what it recorded. Leave out --ensemble, or start a new comparison"])
    if recorded and not ensemble:
        err.print(f"Note: --resume uses the ensemble this comparison recorded: {recorded}.", soft_wrap=True, markup=False,
                  highlight=False)
