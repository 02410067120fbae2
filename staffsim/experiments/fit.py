"""A history-matching fit as a run folder: its waves run through the runner, resumable (`calibrate --fit`).

    <fit>/manifest.json             kind "fit": scenario, parameters and ranges, targets, settings, status
    <fit>/scenarios/<name>.yaml     the scenario fitted (resolved)
    <fit>/wave-<k>/                 one runner folder per wave (kind "wave"): points.csv, metrics, count tables
    <fit>/fit_points.parquet|csv    every point of every wave: wave, point, default (the scenario's own values),
                                    parameter values, sim_<target> and I_<target>, max_I, accepted
    <fit>/ensemble.parquet|csv      the accepted parameter sets: member, wave, point, values, max_I
    <fit>/fit_targets.parquet|csv   each target: published, band, the scenario's own estimate, the ensemble's range,
                                    the share of the last wave's points it rules out
    <fit>/fit_ranges.parquet|csv    each parameter: plausible range, the scenario's value, the ensemble's range

Point 0 of wave 1 is the scenario's own parameter values (flagged `default`;
never in the ensemble). Waves are drawn from the seed and the waves before, so
`--resume` redoes nothing and a resumed fit equals an uninterrupted one.
See `experiments.history_matching` for the method.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, ContextManager

import numpy as np
import pandas as pd
import yaml

from staffsim.experiments import store
from staffsim.experiments.calibration import TABLES
from staffsim.experiments.history_matching import (
    FitSpec, check, ensemble_table, evaluate_points, ranges_table, refocus, target_records, targets_from_records,
    targets_table, unit_of, values_frame, wave_unit,
)
from staffsim.experiments.runner import RunOptions
from staffsim.experiments.sensitivity import variants_at
from staffsim.experiments.subrun import Progress, run_or_resume
from staffsim.scenario.assumptions import custom, scenario_value
from staffsim.scenario.loading import dump_scenario, scenario_from_dict
from staffsim.scenario.schema import Scenario

#: The per-replication tables a wave stores (those the targets are read from).
WAVE_TABLES = {k: v for k, v in TABLES.items() if k != "cohort_survival"}


def start_fit(run_dir: Path, scenario: Scenario, spec: FitSpec, command: list[str] | None = None) -> dict[str, Any]:
    """Create the fit's folder and manifest (nothing runs yet)."""
    check(spec)
    manifest = store.base_manifest("fit", command)
    manifest.update(
        scenario=scenario.name, scenarios=[scenario.name], seed=spec.seed, replications=spec.replications,
        waves=spec.waves, samples=spec.samples, cutoff=spec.cutoff, expand=spec.expand,
        parameters={a.path: {"low": a.low, "high": a.high, "distribution": a.distribution} for a in spec.params},
        targets=target_records(spec.targets), waves_done=0,
    )

    def write(folder: Path) -> None:
        store.write_file(folder, f"scenarios/{scenario.name}.yaml", dump_scenario(scenario))
        store.write_manifest(folder, manifest)

    store.create_run(run_dir, write).release()  # made whole or not at all; each wave locks its own folder
    return manifest


def spec_of(manifest: dict[str, Any]) -> FitSpec:
    """The fit a manifest describes."""
    params = tuple(custom(p, v["low"], v["high"], v["distribution"]) for p, v in manifest["parameters"].items())
    return FitSpec(params, targets_from_records(manifest["targets"]), int(manifest["waves"]), int(manifest["samples"]),
                   int(manifest["replications"]), float(manifest["cutoff"]), float(manifest["expand"]),
                   int(manifest["seed"]))


def fitted_scenario(run_dir: Path, manifest: dict[str, Any]) -> Scenario:
    """The scenario a fit folder recorded (its resolved YAML)."""
    path = run_dir / "scenarios" / f"{manifest['scenario']}.yaml"
    return scenario_from_dict(yaml.safe_load(path.read_text()), source=str(path))


def _wave_points(spec: FitSpec, scenario: Scenario, wave: int, box) -> pd.DataFrame:
    """The points of a wave (values); wave 1 starts with the scenario's own values as point 0."""
    pts = values_frame(spec, wave_unit(spec, wave, box), first_point=1 if wave == 1 else 0)
    if wave == 1:
        own = pd.DataFrame([{"point": 0, **{a.path: float(scenario_value(scenario, a.path)) for a in spec.params}}])
        pts = pd.concat([own, pts], ignore_index=True)
    return pts


def _wave_plan(spec: FitSpec, scenario: Scenario, wave: int, box, execution: dict[str, Any]):
    """What a new wave runs: one variant per point, `replications` each, storing the targets' count tables."""
    pts = _wave_points(spec, scenario, wave, box)
    variants = variants_at([(scenario.name, scenario)], pts)
    opts = RunOptions(replications=spec.replications, seed=spec.seed, staff_weeks=False, yearly=False,
                      tables=dict(WAVE_TABLES), **execution)
    return variants, opts, {"wave": wave, "points": len(pts)}, pts


def _evaluate_wave(wave_dir: Path, spec: FitSpec, wave: int) -> pd.DataFrame:
    """A finished wave's points with their estimates, implausibilities and acceptance."""
    pts = pd.read_csv(wave_dir / "points.csv")
    metrics = [t.metric for t in spec.targets if t.kind == "mean"]
    tables = {"cohort_counts": store.read_table(wave_dir, "cohort_counts"),
              "burnout": store.read_table(wave_dir, "burnout"),
              "metrics": pd.read_parquet(wave_dir / "metrics.parquet", filters=[("metric", "in", metrics)])
              if metrics else pd.DataFrame(columns=["scenario", "point", "replication", "metric", "value"])}
    scored = evaluate_points(tables, list(pts["point"]), spec.replications, spec.seed, spec.targets)
    out = pts.merge(scored, on="point")
    out.insert(0, "wave", wave)
    out.insert(2, "default", (wave == 1) & (out["point"] == 0))
    out["accepted"] = (out["max_I"] < spec.cutoff) & ~out["default"]
    return out


def fit(run_dir: Path, execution: dict[str, Any] | None = None,
        bar: Callable[[int], ContextManager[Progress]] | None = None,
        say: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run (or resume) every wave of the fit in `run_dir`, then write its tables; returns the final manifest.

    `execution` holds the runner's workers, backend, scheduler and chunk_size;
    `bar(total_replications)` a progress context for each wave, `say` one-line
    reports. KeyboardInterrupt is raised again after the manifest says "interrupted".
    """
    execution = {k: v for k, v in (execution or {}).items() if v is not None}
    manifest = store.read_manifest(run_dir)
    spec, scenario = spec_of(manifest), fitted_scenario(run_dir, manifest)
    manifest["status"] = "running"
    store.write_manifest(run_dir, manifest)
    box = (np.zeros(len(spec.params)), np.ones(len(spec.params)))
    scored = []
    for wave in range(1, spec.waves + 1):
        wave_dir = run_dir / f"wave-{wave}"
        ok = run_or_resume(wave_dir, "wave", lambda w=wave, b=box: _wave_plan(spec, scenario, w, b, execution),
                           execution, bar, "staffsim calibrate --fit (a wave)")
        if not ok:
            manifest.update(status="interrupted", interrupted=store.now_iso())
            store.write_manifest(run_dir, manifest)
            raise KeyboardInterrupt(f"interrupted; finished chunks are in {wave_dir}")
        points = _evaluate_wave(wave_dir, spec, wave)
        scored.append(points)
        accepted = points[points["accepted"]]
        manifest["waves_done"] = wave
        store.write_manifest(run_dir, manifest)
        if say:
            say(f"wave {wave}: {int((~points['default']).sum())} points, {len(accepted)} accepted (max I < {spec.cutoff:g})")
        if accepted.empty:
            break
        box = refocus(unit_of(spec, accepted), spec.expand)
    return _finish(run_dir, manifest, spec, pd.concat(scored, ignore_index=True))


def _finish(run_dir: Path, manifest: dict[str, Any], spec: FitSpec, points: pd.DataFrame) -> dict[str, Any]:
    ensemble = ensemble_table(points, spec)
    store.write_frame(run_dir, "fit_points", points)
    store.write_frame(run_dir, "ensemble", ensemble)
    store.write_frame(run_dir, "fit_targets", targets_table(points, spec, ensemble))
    store.write_frame(run_dir, "fit_ranges", ranges_table(points, spec, ensemble))
    manifest.update(status="complete", finished=store.now_iso(), ensemble_size=len(ensemble),
                    points_run=int((~points["default"]).sum()))
    store.write_manifest(run_dir, manifest)
    return manifest


def run_fit(scenario: Scenario, spec: FitSpec, run_dir: Path, execution: dict[str, Any] | None = None) -> pd.DataFrame:
    """Fit `scenario` into a new folder `run_dir` and return the ensemble (library use)."""
    start_fit(run_dir, scenario, spec, ["python: staffsim.experiments.fit.run_fit"])
    fit(run_dir, execution)
    return store.read_table(run_dir, "ensemble")
