"""Experiments: set up a run folder, execute it (or resume it), and summarise it.

`run`, `compare` and `sweep` are the same thing with different variants:
one design; several designs (point = design index); or designs x sweep points.
`calibrate` and `budget` run through it too, and finish by writing their own
tables (`finish`). This module is the Python API the CLI wraps (usable from
notebooks too); `run_in` runs an experiment in a folder or a temporary one.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, TypeVar

import pandas as pd

from staffsim.experiments import store
from staffsim.scenario.schema import Scenario
from staffsim.errors import InputError
from staffsim.experiments.runner import Outcome, RunOptions, Variant, execute, summarize_run
from staffsim.scenario.levers import apply_settings
from staffsim.scenario.loading import dump_scenario, scenario_from_dict
from staffsim.experiments.decision import save_decision_table
from staffsim.experiments.stats import compare as compare_stats

T = TypeVar("T")

#: Variant fields recorded in variants.jsonl only when set (see `Variant`).
OVERRIDES = ("seed", "years", "replications")


def unique_labels(names: list[str]) -> list[str]:
    """Scenario names made unique for the results' `scenario` column (a, a#2, ...)."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}#{seen[n]}")
    return out


def build_variants(
    designs: list[tuple[str, dict[str, Any]]],
    points: pd.DataFrame | None = None,
    source: str = "<sweep>",
) -> list[Variant]:
    """Variants for designs (label, raw scenario dict), optionally crossed with sweep points.

    Every variant is validated here, before anything runs; all problems are
    reported together (point, parameter path, what was expected).
    """
    variants: list[Variant] = []
    problems: list[str] = []
    for di, (label, raw) in enumerate(designs):
        if points is None or points.empty:
            sc = scenario_from_dict(raw, source=label)
            variants.append(Variant(label, di, sc.model_dump_json()))
            continue
        params = [c for c in points.columns if c != "point"]
        for row in points.itertuples(index=False):
            values = dict(zip(points.columns, row))
            point = int(values.pop("point"))
            overrides = {k: _plain(values[k]) for k in params}
            try:
                data = apply_settings(raw, overrides, source=f"{label} point {point}")  # levers or dotted paths
                sc = scenario_from_dict(data, source=f"{label} point {point}")
            except InputError as err:
                problems.extend(f"{label}, point {point}: {p}" for p in err.problems)
                continue
            variants.append(Variant(label, point, sc.model_dump_json()))
    if problems:
        if len(problems) > 20:
            problems = problems[:20] + [f"... and {len(problems) - 20} more"]
        raise InputError(source, problems)
    return variants


def _plain(v: Any) -> Any:
    """numpy scalars -> Python scalars (pydantic validates ints strictly)."""
    return v.item() if hasattr(v, "item") else v


def start(
    kind: str,
    run_dir: Path,
    variants: list[Variant],
    opts: RunOptions,
    extra_manifest: dict[str, Any] | None = None,
    points: pd.DataFrame | None = None,
    command: list[str] | None = None,
) -> dict[str, Any]:
    """Create the run folder and write what the run is (before any replication runs)."""
    store.create_run_dir(run_dir)
    written = set()
    for v in variants:
        if v.label in written:
            continue
        written.add(v.label)
        sc = Scenario.model_validate_json(v.scenario_json)
        store.write_atomic(run_dir / "scenarios" / f"{v.label}.yaml", dump_scenario(sc))
    if points is not None and not points.empty:
        store.write_atomic(run_dir / "points.csv", points.to_csv(index=False))
    manifest = store.base_manifest(kind, command)
    manifest.update(
        seed=opts.seed,
        replications=opts.replications,
        years=opts.years,
        backend="dask" if opts.scheduler else opts.backend,
        workers=opts.workers,
        scheduler=opts.scheduler,
        chunk_size=opts.chunk_size,
        staff_weeks=opts.staff_weeks,
        yearly=opts.yearly,
        **({"tables": dict(opts.tables)} if opts.tables else {}),
        seeds="replication r uses numpy SeedSequence(seed, spawn_key=(r,)); streams keyed by name below it",
        scenarios=list(dict.fromkeys(v.label for v in variants)),
        variants=len(variants),
    )
    if extra_manifest:
        manifest.update(extra_manifest)
    store.write_atomic(run_dir / "variants.jsonl", "".join(json.dumps(variant_record(v)) + "\n" for v in variants))
    store.write_manifest(run_dir, manifest)
    return manifest


def variant_record(v: Variant) -> dict[str, Any]:
    """A variant as plain data (a line of variants.jsonl); overrides only when set."""
    rec = {"label": v.label, "point": v.point, "scenario": json.loads(v.scenario_json)}
    rec.update({k: x for k, x in asdict(v).items() if k in OVERRIDES and x is not None})
    return rec


def load_variants(run_dir: Path) -> list[Variant]:
    """The variants recorded in a run folder (what `--resume` re-runs)."""
    p = run_dir / "variants.jsonl"
    if not p.is_file():
        raise InputError(str(run_dir), ["not a resumable staffsim run folder (no variants.jsonl)"])
    out = []
    for line in p.read_text().splitlines():
        if line.strip():
            d = json.loads(line)
            out.append(Variant(d["label"], int(d["point"]), json.dumps(d["scenario"]), **{k: d[k] for k in OVERRIDES if k in d}))
    return out


def options_from_manifest(manifest: dict[str, Any], workers: int | None = None, backend: str | None = None,
                          scheduler: str | None = None) -> RunOptions:
    """The options of a recorded run; how it executes (workers, backend) may change on resume."""
    return RunOptions(
        replications=int(manifest["replications"]),
        seed=int(manifest["seed"]),
        years=int(manifest.get("years", 1)),
        workers=workers or int(manifest.get("workers", 1)),
        backend=backend or manifest.get("backend", "processes"),
        scheduler=scheduler,
        chunk_size=int(manifest["chunk_size"]),
        staff_weeks=bool(manifest.get("staff_weeks", True)),
        yearly=bool(manifest.get("yearly", True)),
        tables=dict(manifest.get("tables", {})),
    )


def run(
    run_dir: Path,
    variants: list[Variant],
    opts: RunOptions,
    manifest: dict[str, Any],
    progress: Callable[[int, int, int], None] | None = None,
) -> tuple[Outcome, dict[str, Any]]:
    """Execute what is not done yet, then summarise; marks the manifest complete or interrupted."""
    outcome = execute(run_dir, variants, opts, progress)
    manifest["chunk_size"] = opts.chunk_size
    manifest["wall_seconds"] = round(manifest.get("wall_seconds", 0.0) + outcome.wall_seconds, 3)
    manifest["chunks_done"] = len(store.done_chunks(run_dir))
    if outcome.interrupted:
        manifest["status"] = "interrupted"
        manifest["interrupted"] = store.now_iso()
        store.write_manifest(run_dir, manifest)
        return outcome, manifest
    summary = summarize_run(run_dir)
    store.write_frame(run_dir, "summary", summary)
    finish(run_dir, variants, manifest["kind"])
    manifest["status"] = "complete"
    manifest["finished"] = store.now_iso()
    store.write_manifest(run_dir, manifest)
    return outcome, manifest


def finish(run_dir: Path, variants: list[Variant], kind: str) -> None:
    """The tables a kind of run writes once all its replications are on disk (see `store`)."""
    if kind == "compare":
        write_comparison(run_dir, [v.label for v in variants])
    elif kind == "calibrate":
        from staffsim.experiments.calibration import write_calibration  # imports this module

        write_calibration(run_dir)
    elif kind == "budget":
        from staffsim.experiments.budget import write_budget  # imports this module

        write_budget(run_dir)


def run_in(
    kind: str,
    variants: list[Variant],
    opts: RunOptions,
    read: Callable[[Path], T],
    run_dir: Path | None = None,
    extra_manifest: dict[str, Any] | None = None,
    progress: Callable[[int, int, int], None] | None = None,
) -> T:
    """Run an experiment into `run_dir` (a temporary folder when None) and return `read(run_dir)`.

    For library use (calibrate, budget): an interruption keeps what is done in
    `run_dir` and raises KeyboardInterrupt again.
    """
    if run_dir is None:
        with tempfile.TemporaryDirectory(prefix=f"staffsim-{kind}-") as tmp:
            return run_in(kind, variants, opts, read, Path(tmp), extra_manifest, progress)
    opts.chunk_size = opts.chunk_size_for(variants)
    manifest = start(kind, run_dir, variants, opts, extra_manifest, command=[f"python: staffsim.experiments.runs.run_in({kind!r})"])
    outcome, _ = run(run_dir, variants, opts, manifest, progress)
    if outcome.interrupted:
        raise KeyboardInterrupt(f"interrupted; finished chunks are in {run_dir}")
    return read(run_dir)


def write_comparison(run_dir: Path, labels: list[str]) -> pd.DataFrame:
    """comparison.parquet/csv: each metric per design with CI and the paired difference from the first."""
    metrics = store.read_table(run_dir, "metrics")
    comp = compare_stats(metrics, list(dict.fromkeys(labels)))
    store.write_frame(run_dir, "comparison", comp)
    save_decision_table(run_dir, comp)
    return comp
