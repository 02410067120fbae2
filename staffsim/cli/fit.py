"""`staffsim calibrate SCENARIO --fit`: history matching to the calibration targets, ending in an ensemble."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pandas as pd
from rich.table import Table

from staffsim.cli.common import ProgressBar, err, files_or_resume, out
from staffsim.errors import InputError

DEFAULT_REPLICATIONS = 10  # per point, when -n is not given


def _number(v: float, unit: str) -> str:
    if pd.isna(v):
        return "-"
    return f"{100 * v:.1f} %" if unit == "share" else f"{v:.3g}"


def _span(lo: float, hi: float, unit: str) -> str:
    return "-" if pd.isna(lo) else f"{_number(lo, unit)} - {_number(hi, unit)}"


def ranges_table(ranges: pd.DataFrame, shown: float = 0.95) -> Table:
    """The parameters calibration narrowed (ensemble spanning < `shown` of the range), tightest first."""
    from staffsim.present.plots.base import nice_param

    t = Table(title="What the targets pin down: the ensemble's range of each parameter", title_justify="left")
    for c, j in (("parameter", "left"), ("plausible range", "right"), ("scenario", "right"), ("ensemble", "right"),
                 ("kept", "right")):
        t.add_column(c, justify=j)
    for r in ranges[ranges["kept_share"] < shown].itertuples():
        t.add_row(nice_param(r.parameter), f"{r.low:g} - {r.high:g}", f"{r.default:.3g}",
                  f"{r.ensemble_low:.3g} - {r.ensemble_high:.3g}", f"{100 * r.kept_share:.0f} %")
    return t


def targets_table(targets: pd.DataFrame) -> Table:
    t = Table(title="Targets vs ensemble", title_justify="left")
    for c in ("target", "published", "band", "scenario", "ensemble", "rules out"):
        t.add_column(c, justify="left" if c == "target" else "right")
    for r in targets.itertuples():
        t.add_row(r.label, _number(r.value, r.unit), _span(r.low, r.high, r.unit), _number(r.default, r.unit),
                  _span(r.ensemble_low, r.ensemble_high, r.unit), f"{100 * r.ruled_out_share:.0f} %")
    return t


def print_fit(run_dir: Path, manifest: dict[str, Any]) -> None:
    """The fit's result: the targets against the ensemble, the narrowed ranges, or why nothing was accepted."""
    from staffsim.experiments import store
    from staffsim.experiments.history_matching import ruled_out_everything

    targets, ranges = store.read_table(run_dir, "fit_targets"), store.read_table(run_dir, "fit_ranges")
    out.print(targets_table(targets))
    n = int(manifest.get("ensemble_size", 0))
    if n == 0:
        blocking = ruled_out_everything(targets)
        worst = targets.sort_values("ruled_out_share", ascending=False).iloc[0]
        out.print(f"[bold]The fit accepted no parameter set[/]: none of the {manifest.get('points_run')} points run "
                  f"is plausible for every target (max I < {manifest['cutoff']:g}).")
        out.print("Targets that ruled out every point: " + (", ".join(blocking) if blocking else
                  f"none alone; the most restrictive is {worst['target']} ({100 * worst['ruled_out_share']:.0f} % of points)")
                  + ". Widen those parameters' ranges (--param PATH=LOW:HIGH), vary the parameters that drive them, "
                    "or question the target.")
        return
    out.print(ranges_table(ranges))
    loose = int((ranges["kept_share"] >= 0.95).sum())
    out.print(f"Ensemble: {n} accepted parameter sets (ensemble.csv). {loose} of {len(ranges)} parameters are not "
              "narrowed by the targets (the ensemble spans 95 % or more of their range). "
              f"Use it with: staffsim compare A.yaml B.yaml --ensemble {run_dir}")


def resumes_a_fit(options: dict[str, Any]) -> bool:
    """Whether --resume names a fit's folder."""
    from staffsim.experiments import store

    d = options.get("resume_dir")
    return bool(d) and (Path(d) / "manifest.json").is_file() and store.read_manifest(d).get("kind") == "fit"


def fit_command(scenario_file: str | None, options: dict[str, Any], typed: dict[str, Any], waves: int, samples: int,
                cutoff: float, params: tuple[str, ...], targets: tuple[str, ...]) -> None:
    """Start (or resume) a fit, run its waves with a progress bar, print the result."""
    from staffsim.cli.sensitivity import parse_params
    from staffsim.experiments import store
    from staffsim.experiments.fit import fit, start_fit
    from staffsim.experiments.history_matching import FitSpec, targets_by_key
    from staffsim.scenario.loading import load_scenario

    resume = options.get("resume_dir")
    if resume:
        run_dir = Path(resume)
        manifest = store.read_manifest(run_dir)
        if manifest.get("kind") != "fit":
            raise InputError(str(run_dir), [f"this is a {manifest.get('kind')!r} run folder, not a fit; resume it "
                                            f"with `staffsim {manifest.get('kind')} --resume`"])
    else:
        files_or_resume(options, scenario_file, "SCENARIO_FILE")  # a scenario, or --resume
        sc = load_scenario(scenario_file)
        spec = FitSpec(tuple(parse_params(params)), targets_by_key(list(targets) or None), waves, samples,
                       typed["replications"] or DEFAULT_REPLICATIONS, cutoff, seed=options["seed"])
        run_dir = Path(options["out_dir"]) if options.get("out_dir") else store.default_run_dir(f"fit-{sc.name}")
        manifest = start_fit(run_dir, sc, spec, ["staffsim"] + sys.argv[1:])
    if manifest.get("status") != "complete":
        err.print(f"{'Resuming' if resume else 'Fitting'} {len(manifest['parameters'])} parameters to "
                  f"{len(manifest['targets'])} targets: up to {manifest['waves']} waves of {manifest['samples']} points x "
                  f"{manifest['replications']} replications -> {run_dir}")
        execution = {k: options.get(k) for k in ("workers", "backend", "scheduler", "chunk_size")}
        if execution["workers"] is None:
            from staffsim.experiments.runner import default_workers

            execution["workers"] = default_workers()
        try:
            manifest = fit(run_dir, execution, bar=lambda total: ProgressBar(total, enabled=not options.get("quiet")),
                           say=err.print)
        except KeyboardInterrupt:
            err.print(f"[yellow]Interrupted.[/] Finished waves and chunks are saved in {run_dir}.\n"
                      f"Resume with:  staffsim calibrate --resume {run_dir}")
            sys.exit(130)
    else:
        err.print(f"{run_dir} is already complete; nothing to do.")
    print_fit(run_dir, manifest)
