"""A run folder inside another one (a fit's waves, a comparison's ensemble part), started or resumed in one call."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, ContextManager

import pandas as pd

from staffsim.experiments import runs
from staffsim.experiments.runner import RunOptions, Variant

Progress = Callable[[int, int, int], None]
#: What a new sub-run is: its variants, options, manifest fields and points (None: no points.csv).
Plan = tuple[list[Variant], RunOptions, dict[str, Any], pd.DataFrame | None]


def run_or_resume(run_dir: Path, kind: str, make: Callable[[], Plan], execution: dict[str, Any] | None = None,
                  bar: Callable[[int], ContextManager[Progress]] | None = None, command: str = "") -> bool:
    """Start the run folder from `make()` if it does not exist, else resume it; run what is not done.

    `execution` (workers, backend, scheduler) applies on resume too; it never
    changes the numbers. A resume goes through `runs.reopen` (the folder's lock,
    every part checked, damaged ones redone). Returns False when interrupted
    (finished chunks stay).
    """
    execution = {k: v for k, v in (execution or {}).items() if v is not None}
    if not (run_dir / "manifest.json").is_file():
        variants, opts, extra, points = make()
        opts.chunk_size = opts.chunk_size_for(variants)
        manifest = runs.start(kind, run_dir, variants, opts, extra, points, command=[command or f"staffsim ({kind})"])
        found = None
    else:
        resumed = runs.reopen(run_dir)  # its lock held; every part checked
        if resumed.complete:
            resumed.lock.release()
            return True
        resumed.mark_running()
        variants, manifest, found = resumed.variants, resumed.manifest, resumed.found
        opts = runs.options_from_manifest(manifest, **{k: execution.get(k) for k in ("workers", "backend", "scheduler")})
    if bar is None:
        outcome, _ = runs.run(run_dir, variants, opts, manifest, found=found)
    else:
        with bar(opts.total_replications(variants)) as progress:
            outcome, _ = runs.run(run_dir, variants, opts, manifest, progress, found=found)
    return not outcome.interrupted
