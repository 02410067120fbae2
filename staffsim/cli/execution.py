"""The part of run / compare / sweep that is the same: start or resume, execute, report."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from staffsim.experiments import runs, store
from staffsim.errors import InputError
from staffsim.experiments.runner import RunOptions, Variant, default_workers
from staffsim.cli.common import ProgressBar, err


def execute_cli(
    kind: str,
    name: str,
    variants: list[Variant] | None,
    options: dict[str, Any],
    defaults: dict[str, Any] | None = None,
    extra_manifest: dict[str, Any] | None = None,
    points: pd.DataFrame | None = None,
    resume_hint: str = "",
) -> tuple[Path, dict[str, Any]] | None:
    """Start (or resume) an experiment and run it with a progress bar. Returns (run_dir, manifest).

    Exits with code 130 and a resume hint when interrupted (Ctrl-C).
    """
    defaults = defaults or {}
    resume = options.get("resume_dir")
    workers = options.get("workers") or default_workers()
    if resume:
        run_dir = Path(resume)
        manifest = store.read_manifest(run_dir)
        if manifest.get("kind") != kind:
            raise InputError(str(run_dir), [f"this is a {manifest.get('kind')!r} run folder; resume it with `staffsim {manifest.get('kind')}`"])
        if manifest.get("status") == "complete":
            err.print(f"{run_dir} is already complete; nothing to do.")
            return run_dir, manifest
        recorded = runs.load_variants(run_dir)
        same = lambda vs: [(v.label, v.point, json.loads(v.scenario_json)) for v in vs]  # noqa: E731
        if variants is not None and same(variants) != same(recorded):
            raise InputError(str(run_dir), ["the scenarios or sweep given differ from what this run folder recorded; "
                                            "resume with the same files (or pass the folder alone)"])
        variants = recorded
        opts = runs.options_from_manifest(manifest, workers=workers, backend=options.get("backend"),
                                                scheduler=options.get("scheduler"))
        for key in ("replications", "seed", "years"):
            given = options.get(key)
            if given is not None and given != getattr(opts, key):
                raise InputError(f"--{key}", [f"the run was started with {key}={getattr(opts, key)}; "
                                              f"a resumed run keeps it (found {given})"])
        manifest["status"] = "running"
        manifest.setdefault("resumed", []).append(store.now_iso())
        store.write_manifest(run_dir, manifest)
    else:
        assert variants is not None
        opts = RunOptions(
            replications=options.get("replications") or defaults.get("replications", 20),
            seed=options["seed"] if options.get("seed") is not None else defaults.get("seed", 1),
            years=options.get("years") or defaults.get("years", 1),
            workers=workers,
            backend=options.get("backend") or "processes",
            scheduler=options.get("scheduler"),
            chunk_size=options.get("chunk_size"),
            staff_weeks=defaults.get("staff_weeks", True),
        )
        from staffsim.experiments.runner import auto_chunk_size

        opts.chunk_size = opts.chunk_size or auto_chunk_size(len(variants), opts.replications, opts.workers)
        run_dir = Path(options["out_dir"]) if options.get("out_dir") else store.default_run_dir(name)
        manifest = runs.start(kind, run_dir, variants, opts, extra_manifest, points, command=["staffsim"] + sys.argv[1:])
    total = len(variants) * opts.replications
    err.print(f"{'Resuming' if resume else 'Running'} {len(variants)} variant(s) x {opts.replications} replication(s)"
              f"{f' x {opts.years} years' if opts.years > 1 else ''} -> {run_dir}")
    with ProgressBar(total, enabled=not options.get("quiet")) as bar:
        outcome, manifest = runs.run(run_dir, variants, opts, manifest, progress=bar)
    if outcome.interrupted:
        err.print(f"[yellow]Interrupted.[/] Finished chunks are saved in {run_dir}.\n"
                  f"Resume with:  staffsim {kind} {resume_hint}--resume {run_dir}")
        sys.exit(130)
    err.print(f"Done in {outcome.wall_seconds:.1f} s ({outcome.ran} chunk(s) run, {outcome.skipped} already done). "
              f"Results: {run_dir}")
    return run_dir, manifest
