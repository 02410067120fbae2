"""`staffsim sweep`: designs x parameter points from a sweep file."""

from __future__ import annotations

from pathlib import Path

import click

from staffsim.experiments.runs import build_variants, unique_labels
from staffsim.experiments.sweep import build_points, design_files, load_sweep
from staffsim.cli.common import files_or_resume, handle_errors, run_options
from staffsim.cli.execution import execute_cli
from staffsim.cli.output import print_sweep


@click.command("sweep")
@click.argument("sweep_file", required=False, type=click.Path(dir_okay=False))
@click.option("--samples", type=click.IntRange(1, 1_000_000), default=None,
              help="Points of a Latin hypercube (lhs) design; overrides `samples:` in the file.")
@click.option("--staff-weeks/--no-staff-weeks", default=False, show_default=True,
              help="Also save minutes by activity per staff member and week (large for big sweeps).")
@run_options
@handle_errors
def command(sweep_file: str | None, samples: int | None, staff_weeks: bool, **options) -> None:
    """Run the sweep described in SWEEP_FILE: every design at every point, N replications each.

    Results stream to the run folder as chunks finish; Ctrl-C, SIGTERM or a
    killed process leaves a folder that `staffsim sweep --resume RUN_DIR`
    completes without redoing or duplicating anything (the folder keeps its own
    copy of the sweep file). Prints each point's parameter values and headline
    metrics; the summary per point and metric (mean and 95 % CI, with the
    parameter values) is saved as summary.parquet/.csv.
    """
    variants, name, extra, points, defaults, files = None, "sweep", None, None, None, None
    if not files_or_resume(options, sweep_file, "SWEEP_FILE"):
        spec, folder = load_sweep(sweep_file)
        points = build_points(spec, folder, samples)
        designs = design_files(spec, folder)
        labels = unique_labels([n for n, _ in designs])
        variants = build_variants([(lab, d) for lab, (_, d) in zip(labels, designs)], points, source=sweep_file)
        extra = {
            "sweep_file": str(Path(sweep_file)),
            "design": spec.design,
            "parameters": {k: v.model_dump(exclude_none=True) for k, v in spec.parameters.items()},
            "points": int(len(points)),
        }
        defaults = {"replications": spec.replications, "seed": spec.seed, "years": spec.years, "staff_weeks": staff_weeks}
        name = "sweep-" + Path(sweep_file).stem
        files = {"sweep.yaml": Path(sweep_file).read_text(encoding="utf-8")}
    run_dir, manifest = execute_cli("sweep", name, variants, options, defaults, extra, points, files=files)
    print_sweep(run_dir, manifest)
