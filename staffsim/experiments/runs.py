"""Experiments: set up a run folder, execute it (or resume it), and summarise it.

`run`, `compare` and `sweep` are the same thing with different variants:
one design; several designs (point = design index); or designs x sweep points.
`calibrate` and `budget` run through it too, and finish by writing their own
tables (`finish`). This module is the Python API the CLI wraps (usable from
notebooks too); `run_in` runs an experiment in a folder or a temporary one.

A folder is written by one process at a time (`locking`): `start` creates it
whole with its lock held, `reopen` takes the lock of an existing one (and
checks every part), and `run` releases the lock when it returns.
"""

from __future__ import annotations

import json
import signal
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, TypeVar

import pandas as pd

from staffsim.experiments import locking, parts, store
from staffsim.scenario.schema import Scenario
from staffsim.errors import InputError
from staffsim.experiments.runner import Outcome, RunOptions, Variant, execute, plan_chunks, summarize_run
from staffsim.experiments.stopping import stop_signals
from staffsim.scenario.levers import apply_settings
from staffsim.scenario.loading import dump_scenario, scenario_from_dict
from staffsim.experiments.decision import save_decision_table
from staffsim.experiments.stats import compare as compare_stats

T = TypeVar("T")

#: Variant fields recorded in variants.jsonl only when set (see `Variant`).
OVERRIDES = ("seed", "years", "replications", "first_replication")


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
    files: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Create the run folder, whole, with what the run is (before any replication runs); its lock stays held.

    `files` are more files to keep in the folder (name -> text; the sweep file)."""
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

    def write(folder: Path) -> None:
        write_scenarios(folder, variants)
        if points is not None and not points.empty:
            store.write_file(folder, "points.csv", points.to_csv(index=False), rows=len(points))
        for name, text in (files or {}).items():
            store.write_file(folder, name, text)
        store.write_file(folder, "variants.jsonl", "".join(json.dumps(variant_record(v)) + "\n" for v in variants),
                         rows=len(variants))
        store.write_manifest(folder, manifest)

    store.create_run(run_dir, write)
    return manifest


def write_scenarios(folder: Path, variants: list[Variant], only: set[str] | None = None) -> None:
    """scenarios/<label>.yaml: each design's resolved scenario (its first variant's; `only` these labels)."""
    firsts: dict[str, Variant] = {}
    for v in variants:
        firsts.setdefault(v.label, v)
    for label, v in firsts.items():
        if only is None or label in only:
            sc = Scenario.model_validate_json(v.scenario_json)
            store.write_file(folder, f"scenarios/{label}.yaml", dump_scenario(sc))


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
    for n, line in enumerate(p.read_text().splitlines(), 1):
        if line.strip():
            try:
                d = json.loads(line)
                out.append(Variant(d["label"], int(d["point"]), json.dumps(d["scenario"]),
                                   **{k: d[k] for k in OVERRIDES if k in d}))
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(str(p), [f"line {n} is not a variant ({exc.__class__.__name__}); the run cannot be "
                                          "resumed, start it again in a new folder"]) from None
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
    found: parts.Scan | None = None,
) -> tuple[Outcome, dict[str, Any]]:
    """Execute what is not done yet, then summarise; marks the manifest complete or interrupted.

    Holds the folder's lock (taken by `start` or `reopen`, else here) and releases it on return.
    A stop while summarising counts as an interruption too; any other error marks the folder
    interrupted and propagates (the folder stays resumable)."""
    lock = locking.acquire(run_dir)
    outcome = Outcome(run_dir=run_dir)
    try:
        with stop_signals():
            try:
                outcome = execute(run_dir, variants, opts, progress, found)
                manifest["chunk_size"] = opts.chunk_size
                manifest["wall_seconds"] = round(manifest.get("wall_seconds", 0.0) + outcome.wall_seconds, 3)
                manifest["chunks_done"] = outcome.skipped + outcome.ran
                if not outcome.interrupted:
                    _complete(run_dir, variants, manifest)
                    return outcome, manifest
            except KeyboardInterrupt as exc:  # outside the chunk loop (scanning, summarising)
                outcome.interrupted = True
                outcome.signal = getattr(exc, "signum", signal.SIGINT)
                outcome.stopped_by = signal.Signals(outcome.signal).name
            except BaseException as exc:
                _mark_interrupted(run_dir, manifest, f"error: {exc.__class__.__name__}: {exc}")
                raise
            _mark_interrupted(run_dir, manifest, outcome.stopped_by)
            return outcome, manifest
    finally:
        lock.release()


def _complete(run_dir: Path, variants: list[Variant], manifest: dict[str, Any]) -> None:
    """The summary and the kind's own tables, then the manifest says complete."""
    store.write_frame(run_dir, "summary", with_parameters(summarize_run(run_dir), run_dir))
    finish(run_dir, variants, manifest["kind"])
    manifest["status"] = "complete"
    manifest["finished"] = store.now_iso()
    manifest.pop("stopped_by", None)
    store.write_manifest(run_dir, manifest)


def _mark_interrupted(run_dir: Path, manifest: dict[str, Any], why: str | None) -> None:
    manifest["status"] = "interrupted"
    manifest["interrupted"] = store.now_iso()
    if why:
        manifest["stopped_by"] = why
    store.write_manifest(run_dir, manifest)


def with_parameters(summary: pd.DataFrame, run_dir: Path) -> pd.DataFrame:
    """A sweep's summary with each point's parameter values (from points.csv) after the point column."""
    p = run_dir / "points.csv"
    if summary.empty or "point" not in summary or not p.is_file():
        return summary
    points = pd.read_csv(p)
    params = [c for c in points.columns if c != "point" and c not in summary.columns]
    out = summary.merge(points[["point", *params]], on="point", how="left")
    at = list(summary.columns).index("point") + 1
    cols = list(summary.columns)
    return out[cols[:at] + params + cols[at:]]


@dataclass
class Reopened:
    """An existing run folder opened to finish it: its lock (held), manifest, variants and what a scan found."""

    run_dir: Path
    manifest: dict[str, Any]
    variants: list[Variant]
    found: parts.Scan
    lock: locking.RunLock
    missing: int  # planned chunks not done

    @property
    def complete(self) -> bool:
        """Nothing to do: the manifest says complete, every part is whole, and no part is unaccounted for."""
        return (self.manifest.get("status") == "complete" and not self.found.damaged and not self.found.unrecorded
                and not self.missing)

    def notes(self) -> list[str]:
        """What a resume does about each damaged or stray file (see `repair`)."""
        out = []
        for d in self.found.damaged:
            if ".parquet/" in d.file:
                out.append(f"{d}; its chunk is computed again")
            elif d.file.startswith("scenarios/"):
                out.append(f"{d}; it is written again from variants.jsonl")
            elif d.file in REFERENCE:
                out.append(f"{d}; it is moved aside to {d.file}.damaged (a resume does not need it)")
            else:
                out.append(f"{d}; it is written again when the run completes")
        if self.manifest.get("status") == "complete":
            out += [f"{rel} was not written by this run; it is removed" for rel in self.found.unrecorded]
        return out

    def repair(self) -> None:
        """Mend damaged files a resume does not recompute: scenario files from the variants; copies kept for
        reference moved aside. (Parts are recomputed and frames rewritten by `run`.)"""
        labels = {d.file[len("scenarios/"):-len(".yaml")] for d in self.found.damaged if d.file.startswith("scenarios/")}
        if labels:
            write_scenarios(self.run_dir, self.variants, labels)
        for d in self.found.damaged:
            if d.file in REFERENCE and (self.run_dir / d.file).exists():
                (self.run_dir / d.file).replace(self.run_dir / f"{d.file}.damaged")
                parts.forget(self.run_dir, d.file)

    def mark_running(self) -> None:
        """Repair what can be, then say the run is running again (and is journaled from now on)."""
        self.repair()
        self.manifest["status"] = "running"
        self.manifest["journal"] = parts.JOURNAL
        self.manifest.setdefault("resumed", []).append(store.now_iso())
        store.write_manifest(self.run_dir, self.manifest)


#: Files a resume needs exactly as written (a damaged one cannot be rebuilt).
ESSENTIAL = ("variants.jsonl", "points.csv")
#: Files kept for reference only (a resume neither needs nor can rebuild them).
REFERENCE = ("sweep.yaml",)


def reopen(run_dir: Path) -> Reopened:
    """Take the lock of an existing run folder and check every part (`InputError` if it cannot be resumed).

    Folders made before the journal have their readable parts recorded now."""
    if not (run_dir / "manifest.json").is_file():
        raise InputError(str(run_dir), [store.no_manifest(run_dir)])
    lock = locking.acquire(run_dir)
    try:
        manifest = store.read_manifest(run_dir)
        journaled = store.journaled(manifest)
        found = parts.scan(run_dir, journaled)
        essential = [d for d in found.damaged if d.file in ESSENTIAL]
        if essential:
            raise InputError(str(run_dir), [f"{d}: the run cannot be resumed; start it again in a new folder"
                                            for d in essential])
        variants = load_variants(run_dir)
        if not journaled:
            parts.adopt(run_dir)
        opts = options_from_manifest(manifest)
        planned = plan_chunks(len(variants), [opts.replications_of(v) for v in variants], opts.chunk_size)
        missing = sum((c.variant, c.index) not in found.done for c in planned)
    except BaseException:
        lock.release()
        raise
    return Reopened(run_dir, manifest, variants, found, lock, missing)


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
    elif kind == "sensitivity":
        from staffsim.experiments.sensitivity import write_sensitivity  # imports this module

        write_sensitivity(run_dir)
    elif kind == "explain":
        from staffsim.experiments.explain import write_explain

        write_explain(run_dir)


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
    manifest = start(kind, run_dir, variants, opts, extra_manifest,
                     command=[f"python: staffsim.experiments.runs.run_in({kind!r})"])
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
