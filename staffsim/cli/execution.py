"""The part of run / compare / sweep / calibrate / budget that is the same: start or resume, execute, report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pandas as pd

from staffsim.experiments import runs, store
from staffsim.errors import InputError
from staffsim.experiments.locking import holder_text
from staffsim.experiments.runner import Outcome, RunOptions, Variant, default_workers
from staffsim.experiments.stopping import stop_signals
from staffsim.cli.common import ProgressBar, command_text, err, print_command


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
    files: dict[str, str] | None = None,
) -> tuple[Path, dict[str, Any]]:
    """Start (or resume) an experiment and run it with a progress bar. Returns (run_dir, manifest).

    `options` are the command's (`run_options`); `defaults` fill replications,
    seed and years the command line left unset, and give `staff_weeks`,
    `yearly` and `tables`; `files` are kept in the new folder (name -> text).
    On resume (`variants` None: the folder's own are run), replications, seed and
    years given, and each value of `fixed` (manifest key -> value) that is not None,
    must equal the recorded ones. A stop (Ctrl-C, SIGTERM) exits with 128 + the
    signal's number and prints the resume command. (`resume_hint` is not used: a
    folder resumes from `--resume` alone.)
    """
    resume = bool(options.get("resume_dir"))
    with stop_signals():
        if resume:
            resumed = _reopen(Path(options["resume_dir"]), kind, options, fixed)
            if resumed.complete:
                err.print(f"{resumed.run_dir} is already complete; nothing to do.", soft_wrap=True, markup=False)
                return resumed.run_dir, resumed.manifest
            variants, run_dir, manifest, found = resumed.variants, resumed.run_dir, resumed.manifest, resumed.found
            opts = runs.options_from_manifest(manifest, workers=options.get("workers") or default_workers(),
                                              backend=options.get("backend"), scheduler=options.get("scheduler"))
        else:
            assert variants is not None
            opts = _options(options, defaults or {})
            opts.chunk_size = opts.chunk_size_for(variants)
            run_dir, manifest, found = _start(kind, name, variants, opts, options, extra_manifest, points, files)
        err.print(f"{'Resuming' if resume else 'Running'} {_plan(variants, opts)} -> {run_dir}",
                  soft_wrap=True, markup=False)
        with ProgressBar(opts.total_replications(variants), enabled=not options.get("quiet")) as bar:
            outcome, manifest = runs.run(run_dir, variants, opts, manifest, progress=bar, found=found)
    if outcome.interrupted:
        _stopped(kind, run_dir, outcome)
    err.print(f"Done in {outcome.wall_seconds:.1f} s ({outcome.ran} chunk(s) run, {outcome.skipped} already done"
              f"{f', {len(outcome.damaged)} damaged file(s) redone' if outcome.damaged else ''}). Results: {run_dir}",
              soft_wrap=True, markup=False)
    return run_dir, manifest


def _start(kind: str, name: str, variants: list[Variant], opts: RunOptions, options: dict[str, Any],
           extra_manifest: dict[str, Any] | None, points: pd.DataFrame | None,
           files: dict[str, str] | None) -> tuple[Path, dict[str, Any], None]:
    """A new run folder (at --out, or a fresh results/<name>-<time>); nothing is left behind if setting up fails."""
    out_dir = options.get("out_dir")
    run_dir = Path(out_dir) if out_dir else store.default_run_dir(name)
    try:
        manifest = runs.start(kind, run_dir, variants, opts, extra_manifest, points,
                              command=["staffsim"] + sys.argv[1:], files=files)
    except BaseException:
        if not out_dir and store.is_empty(run_dir):
            run_dir.rmdir()  # the name reserved for it
        raise
    return run_dir, manifest, None


def _reopen(run_dir: Path, kind: str, options: dict[str, Any], fixed: dict[str, Any] | None) -> runs.Reopened:
    """The folder opened for resuming, its lock held; the lock is released again when there is nothing to do."""
    resumed = runs.reopen(run_dir)
    try:
        if resumed.lock.stale:
            err.print(f"Note: took over the lock left by {holder_text(resumed.lock.stale)}, which is no longer running.",
                      soft_wrap=True, markup=False)
        manifest = resumed.manifest
        given = {} if resumed.complete else {k: options.get(k) for k in ("replications", "seed", "years")}
        _check_resume(run_dir, manifest, kind, {**given, **(fixed or {})})  # (a finished run ignores -n, --seed, --years)
        if resumed.complete:
            resumed.lock.release()
            return resumed
        for note in resumed.notes():
            err.print(f"Note: {note}.", soft_wrap=True, markup=False)
        resumed.mark_running()
    except BaseException:
        resumed.lock.release()
        raise
    return resumed


def _stopped(kind: str, run_dir: Path, outcome: Outcome) -> None:
    """Say why the run stopped and how to finish it, then exit (128 + signal, or 1)."""
    err.print(f"[yellow]Interrupted[/] ({outcome.stopped_by or 'stopped'}). Finished chunks are saved in "
              f"{run_dir}. Resume with:", soft_wrap=True)
    print_command(err, command_text("staffsim", kind, "--resume", run_dir))
    sys.exit(128 + outcome.signal if outcome.signal else 1)


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
                                        f"resume it with `staffsim {manifest.get('kind')} --resume {run_dir}`"])
    for key, value in (given or {}).items():
        if value is not None and key in manifest and value != manifest[key]:
            raise InputError(f"--{key.replace('_', '-')}", [f"the run was started with {key}={manifest[key]}; "
                                                            f"a resumed run keeps it (found {value})"])
