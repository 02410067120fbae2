"""`staffsim compare`: several designs on common random numbers, with paired differences."""

from __future__ import annotations

import click

from staffsim.experiments import store
from staffsim.metrics.costs import check_same_money
from staffsim.experiments.decision import run_money
from staffsim.present.decision import render_decision_table
from staffsim.errors import InputError
from staffsim.experiments.runs import build_variants, unique_labels
from staffsim.scenario.loading import read_scenario
from staffsim.cli.common import comparison_table, handle_errors, out, print_precision_warnings, run_options
from staffsim.cli.execution import execute_cli


@click.command("compare")
@click.argument("scenarios", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--ensemble", "ensemble", type=click.Path(file_okay=False), default=None, metavar="FIT",
              help="Also compare over the calibrated ensemble of FIT (`calibrate --fit`): intervals with parameter "
                   "uncertainty beside the seed-only ones, P(better), and which conclusions survive.")
@run_options
@handle_errors
def command(scenarios: tuple[str, ...], ensemble: str | None, **options) -> None:
    """Compare SCENARIOS (YAML files; the first is the baseline) on the same random numbers.

    Prints each metric for each design with its 95 % CI and the paired
    difference from the baseline; saves comparison.parquet/.csv, metrics.parquet
    and staff_weeks.parquet in a run folder. With --resume, SCENARIOS may be omitted.
    """
    variants = None
    name = "compare"
    if scenarios:
        problems = []
        validated, designs = [], []
        for path in scenarios:
            try:
                sc, data = read_scenario(path)
            except InputError as exc:
                problems.extend(f"{path}: {p}" for p in exc.problems)
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
    elif not options.get("resume_dir"):
        raise InputError("compare", ["expected at least one scenario file (the first is the baseline)"])
    hint = " ".join(scenarios) + " " if scenarios else ""
    extra = {"ensemble": str(ensemble)} if ensemble else None
    run_dir, manifest = execute_cli("compare", name, variants, options, extra_manifest=extra, resume_hint=hint)
    comp = store.read_table(run_dir, "comparison")
    if not comp.empty:
        out.print(comparison_table(comp, f"{len(manifest['scenarios'])} designs, {manifest['replications']} replications each, "
                                         f"seed {manifest['seed']} (differences paired by replication)"))
        decision = store.read_table(run_dir, "decision")
        if not decision.empty:
            out.print(render_decision_table(decision, run_money(run_dir)))
        print_precision_warnings(store.read_table(run_dir, "summary"))
    if manifest.get("ensemble"):
        from staffsim.cli.ensemble import ensemble_part

        ensemble_part(run_dir, manifest, options, hint)
