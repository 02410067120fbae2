"""The part of run / compare / sweep / calibrate / budget that is the same: start or resume, execute, report."""

from __future__ import annotations

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
    fixed: dict[str, Any] | None = None,
) -> tuple[Path, dict[str, Any]]:
    """Start (or resume) an experiment and run it with a progress bar. Returns (run_dir, manifest).

    `options` are the command's (`run_options`); `defaults` fill replications,
    seed and years the command line left unset, and give `staff_weeks`,
    `yearly` and `tables`. On resume, replications, seed and years given, and each value of
    `fixed` (manifest key -> value) that is not None, must equal the recorded
    ones. Exits with code 130 and a resume hint when interrupted (Ctrl-C).
    """
    resume = options.get("resume_dir")
    if resume:
        run_dir = Path(resume)
        manifest = store.read_manifest(run_dir)
        if manifest.get("status") == "complete":
            _check_resume(run_dir, manifest, kind, fixed)  # (a finished run ignores -n, --seed, --years)
            err.print(f"{run_dir} is already complete; nothing to do.")
            return run_dir, manifest
        variants, opts = _resume(run_dir, manifest, kind, variants, options, fixed)
    else:
        assert variants is not None
        opts = _options(options, defaults or {})
        opts.chunk_size = opts.chunk_size_for(variants)
        run_dir = Path(options["out_dir"]) if options.get("out_dir") else store.default_run_dir(name)
        manifest = runs.start(kind, run_dir, variants, opts, extra_manifest, points, command=["staffsim"] + sys.argv[1:])
    err.print(f"{'Resuming' if resume else 'Running'} {_plan(variants, opts)} -> {run_dir}")
    with ProgressBar(opts.total_replications(variants), enabled=not options.get("quiet")) as bar:
        outcome, manifest = runs.run(run_dir, variants, opts, manifest, progress=bar)
    if outcome.interrupted:
        err.print(f"[yellow]Interrupted.[/] Finished chunks are saved in {run_dir}.\n"
                  f"Resume with:  staffsim {kind} {resume_hint}--resume {run_dir}")
        sys.exit(130)
    err.print(f"Done in {outcome.wall_seconds:.1f} s ({outcome.ran} chunk(s) run, {outcome.skipped} already done). "
              f"Results: {run_dir}")
    return run_dir, manifest


def _plan(variants: list[Variant], opts: RunOptions) -> str:
    """What runs, for the first line on stderr."""
    if any(v.replications or v.years for v in variants):  # variants of their own size (calibrate)
        return f"{len(variants)} variant(s), {opts.total_replications(variants)} replication(s) in all"
    return (f"{len(variants)} variant(s) x {opts.replications} replication(s)"
            f"{f' x {opts.years} years' if opts.years > 1 else ''}")


def _options(options: dict[str, Any], defaults: dict[str, Any]) -> RunOptions:
    """The options of a new run: the command line's, else `defaults`, else the runner's defaults."""
    return RunOptions(
        replications=options.get("replications") or defaults.get("replications", 20),
        seed=options["seed"] if options.get("seed") is not None else defaults.get("seed", 1),
        years=options.get("years") or defaults.get("years", 1),
        workers=options.get("workers") or default_workers(),
        backend=options.get("backend") or "processes",
        scheduler=options.get("scheduler"),
        chunk_size=options.get("chunk_size"),
        staff_weeks=defaults.get("staff_weeks", True),
        yearly=defaults.get("yearly", True),
        tables=dict(defaults.get("tables", {})),
    )


def _check_resume(run_dir: Path, manifest: dict[str, Any], kind: str, given: dict[str, Any] | None) -> None:
    """A resumed run keeps its kind and the values it was started with (`given`: manifest key -> value or None)."""
    if manifest.get("kind") != kind:
        raise InputError(str(run_dir), [f"this is a {manifest.get('kind')!r} run folder; "
                                        f"resume it with `staffsim {manifest.get('kind')}`"])
    for key, value in (given or {}).items():
        if value is not None and key in manifest and value != manifest[key]:
            raise InputError(f"--{key.replace('_', '-')}", [f"the run was started with {key}={manifest[key]}; "
                                                            f"a resumed run keeps it (found {value})"])


def _resume(run_dir: Path, manifest: dict[str, Any], kind: str, variants: list[Variant] | None,
            options: dict[str, Any], fixed: dict[str, Any] | None) -> tuple[list[Variant], RunOptions]:
    """The recorded variants and options of an unfinished run; marks the manifest running again."""
    given = {k: options.get(k) for k in ("replications", "seed", "years")}
    _check_resume(run_dir, manifest, kind, {**given, **(fixed or {})})
    recorded = runs.load_variants(run_dir)
    if variants is not None and list(map(runs.variant_record, variants)) != list(map(runs.variant_record, recorded)):
        raise InputError(str(run_dir), ["the scenarios or sweep given differ from what this run folder recorded; "
                                        "resume with the same files (or pass the folder alone)"])
    opts = runs.options_from_manifest(manifest, workers=options.get("workers") or default_workers(),
                                      backend=options.get("backend"), scheduler=options.get("scheduler"))
    manifest["status"] = "running"
    manifest.setdefault("resumed", []).append(store.now_iso())
    store.write_manifest(run_dir, manifest)
    return recorded, opts
