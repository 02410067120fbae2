"""`staffsim compare`: several designs on common random numbers, with paired differences."""

from __future__ import annotations

import click

from staffsim.experiments import store
from staffsim.metrics.costs import check_same_money
from staffsim.experiments.decision import run_money
from staffsim.present.decision import render_decision_table
from staffsim.errors import InputError, prefixed
from staffsim.experiments.runs import build_variants, unique_labels
from staffsim.cli.common import comparison_table, handle_errors, out, print_precision_warnings, run_options
from staffsim.cli.execution import execute_cli
from staffsim.cli.settings import parse_settings, read_design, set_option


@click.command("compare")
@click.argument("scenarios", nargs=-1, type=click.Path(dir_okay=False))
@set_option
@run_options
@handle_errors
def command(scenarios: tuple[str, ...], settings: tuple[str, ...], **options) -> None:
    """Compare SCENARIOS (YAML files or shipped designs' names; the first is the baseline) on the same random numbers.

    Prints each metric for each design with its 95 % CI and the paired
    difference from the baseline; saves comparison.parquet/.csv, metrics.parquet
    and staff_weeks.parquet in a run folder. With --resume, SCENARIOS may be omitted.
    """
    variants = None
    name = "compare"
    if scenarios:
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
        names = list(dict.fromkeys(d["name"] for d in designs))
        name = "compare-" + "-".join(names)
        if len(name) > 60:
            name = f"compare-{names[0]}-and-{len(names) - 1}-more"
    elif not options.get("resume_dir"):
        raise InputError("compare", ["expected at least one scenario file (the first is the baseline)"])
    run_dir, manifest = execute_cli("compare", name, variants, options, resume_hint=" ".join(scenarios) + " " if scenarios else "")
    comp = store.read_table(run_dir, "comparison")
    if not comp.empty:
        out.print(comparison_table(comp, f"{len(manifest['scenarios'])} designs, {manifest['replications']} replications each, "
                                         f"seed {manifest['seed']} (differences paired by replication)"))
        decision = store.read_table(run_dir, "decision")
        if not decision.empty:
            out.print(render_decision_table(decision, run_money(run_dir)))
        print_precision_warnings(store.read_table(run_dir, "summary"))
