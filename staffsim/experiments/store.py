"""Run folders: one layout for every kind of run (`KINDS`).

    <run>/manifest.json            what was run, seeds, versions, status, chunk plan
    <run>/parts.jsonl              the journal: size, SHA-256 and rows of every file as written (`parts`)
    <run>/variants.jsonl           each variant: label, point, resolved scenario (and own seed, years, replications)
    <run>/scenarios/<label>.yaml   each resolved scenario
    <run>/points.csv               sweep points (parameter values) per point id
    <run>/sweep.yaml               sweep only: the sweep file as given (the folder resumes without it)
    <run>/metrics.parquet/         tidy parts: scenario, point, replication, metric, value
    <run>/years.parquet/           the same per year (multi-year runs): ... year, metric, value
    <run>/staff_weeks.parquet/     minutes by activity per staff position per week
    <run>/<table>.parquet/         extra per-replication tables (`RunOptions.tables`): scenario, point, replication, ...
    <run>/summary.parquet|csv      n, mean, sd, 95 % CI per scenario, point (sweep parameters) and metric
    <run>/comparison.parquet|csv   compare only: paired differences from the baseline
    <run>/calibration.parquet|csv  calibrate only: each published target beside its estimate
    <run>/budget_costs.parquet|csv, budget_levers.parquet|csv   budget only: cost, gap and levers
    <run>/.lock                    while a process writes the folder (`locking`)
    <run>/sensitivity.parquet|csv  sensitivity only: ranked indices per metric and parameter (experiments.sensitivity)
    <run>/explain.parquet|csv      explain only: the gap carried by each mechanism (experiments.explain)
    <run>/ensemble_comparison.parquet|csv, <run>/ensemble/   compare --ensemble: the designs over a fit's ensemble

A "fit" folder (`calibrate --fit`) holds one "wave" run folder per wave and its own tables (experiments.fit).

A folder is made whole or not at all: it is set up under a hidden name next
to its place and renamed into place with its manifest (`create_run`), so N
processes started on one `--out` make one folder and the others are refused.
Parts are written atomically as chunks finish and recorded in the journal,
so a killed run leaves only whole parts, and a damaged part is found and
recomputed on resume (`parts.scan`).
"""

from __future__ import annotations

import errno
import json
import os
import platform
import secrets
import shutil
import sys
import time
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Callable, Iterator

import pandas as pd

from staffsim import __version__
from staffsim.errors import InputError
from staffsim.experiments import locking, parts
from staffsim.experiments.parts import (  # noqa: F401  (re-exported: the run folder's API is this module)
    JOURNAL, PART, Scan, clean_partial, parquet_bytes, write_atomic, write_file, write_part,
)

#: The kinds of run folder, by the command that makes them.
KINDS = ("run", "compare", "sweep", "calibrate", "budget", "sensitivity", "fit", "wave", "ensemble", "explain")
PACKAGES = ("simpy", "numpy", "pandas", "pyarrow", "scipy", "pydantic", "click", "seaborn", "matplotlib", "dask", "distributed")
#: Files a run folder holds before any replication ran (a folder holding only these has no results to lose).
SETUP = ("manifest.json", JOURNAL, "variants.jsonl", "points.csv", "sweep.yaml", "scenarios", locking.LOCK)
#: The hidden name a folder is set up under, next to its place: .<name>.staffsim-setup-<pid>-<random>.
STAGING = ".staffsim-setup-"
STALE_SETUP_SECONDS = 600


def now_iso() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def package_versions() -> dict[str, str]:
    out = {}
    for p in PACKAGES:
        try:
            out[p] = version(p)
        except PackageNotFoundError:
            pass
    return out


def default_run_dir(name: str, root: str | Path = "results") -> Path:
    """results/<name>-<YYYYmmdd-HHMMSS> (a numeric suffix if taken), reserved by creating it empty.

    Creating it is what makes the name unique between processes started in the same second."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = Path(root) / f"{name}-{stamp}"
    base.parent.mkdir(parents=True, exist_ok=True)
    path, k = base, 2
    while True:
        try:
            path.mkdir()
            return path
        except FileExistsError:
            path = base.with_name(f"{base.name}-{k}")
            k += 1


def is_empty(path: Path) -> bool:
    """True for a folder holding nothing (an abandoned lock file aside)."""
    return path.is_dir() and all(f.name == locking.LOCK for f in path.iterdir())


def _refuse_existing(p: Path) -> InputError:
    problem = ("the output folder exists and is not empty; choose another --out "
               "(runs never overwrite), or pass --resume to finish an interrupted run")
    holder = locking.held_by(p) if p.is_dir() else None
    if holder is not None:
        problem += f" (another staffsim process is writing it: {locking.holder_text(holder)})"
    return InputError(str(p), [problem])


def create_run(path: str | Path, write: Callable[[Path], None]) -> locking.RunLock:
    """Make a new run folder at `path` whole or not at all; return its lock, held.

    `write(folder)` writes the setup files (the manifest last) into a hidden
    folder next to `path`, which is then renamed to `path`. `path` may be
    absent or an empty folder; if it holds anything, or another process puts a
    folder there first, `InputError` (runs never overwrite). An `OSError` (a
    location that cannot be written) names the path.
    """
    p = Path(path)
    if p.exists() and not is_empty(p):
        raise _refuse_existing(p)
    p.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_setups(p.parent)
    staging = p.parent / f".{p.name}{STAGING}{os.getpid()}-{secrets.token_hex(3)}"
    staging.mkdir()
    lock = None
    try:
        lock = locking.acquire(staging)
        write(staging)
        if p.is_dir() and is_empty(p) and (p / locking.LOCK).exists():
            (p / locking.LOCK).unlink()  # an abandoned lock file of an empty folder (rename needs it empty)
        try:
            os.rename(staging, p)
        except OSError as exc:
            if exc.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR, errno.EISDIR):
                raise _refuse_existing(p) from None
            raise
    except BaseException:
        if lock is not None:
            lock.release()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    lock.moved(p)
    return lock


def _remove_stale_setups(parent: Path) -> None:
    """Delete folders left by a setup that was killed (unlocked, and older than a few minutes)."""
    for d in parent.glob(f".*{STAGING}*"):
        try:
            old = time.time() - d.stat().st_mtime > STALE_SETUP_SECONDS
        except OSError:
            continue
        if d.is_dir() and old:
            lock = locking.try_acquire(d)
            if lock is not None:
                lock.release()
                shutil.rmtree(d, ignore_errors=True)


def journaled(manifest: dict[str, Any]) -> bool:
    """Whether a folder records its parts in the journal (False for folders made before it existed)."""
    return manifest.get("journal") == JOURNAL


def scan(run: Path) -> Scan:
    """`parts.scan` of a run folder, journaled or not as its manifest says (journaled without one)."""
    try:
        manifest = read_manifest(run)
    except InputError:
        manifest = {"journal": JOURNAL}
    return parts.scan(run, journaled(manifest))


def done_chunks(run: Path) -> set[tuple[int, int]]:
    """(variant, chunk) pairs whose parts are all whole and recorded (the record of completed work)."""
    return scan(run).done


def iter_parts(run: Path, table: str) -> Iterator[pd.DataFrame]:
    """Read a table's parts one at a time (keeps memory flat for large sweeps)."""
    d = run / f"{table}.parquet"
    if d.is_file():
        yield pd.read_parquet(d)
        return
    if not d.is_dir():
        return
    for f in sorted(d.iterdir()):
        if PART.match(f.name):
            yield pd.read_parquet(f)


def read_table(run: Path, table: str) -> pd.DataFrame:
    """A whole table (all parts), or an empty frame when the run has none."""
    d = run / f"{table}.parquet"
    if not d.exists() or (d.is_dir() and not any(PART.match(f.name) for f in d.iterdir())):
        return pd.DataFrame()
    return pd.read_parquet(d)


def write_manifest(run: Path, manifest: dict[str, Any]) -> None:
    write_atomic(run / "manifest.json", json.dumps(manifest, indent=2, default=str) + "\n")


def read_manifest(run: str | Path) -> dict[str, Any]:
    p = Path(run) / "manifest.json"
    if not p.is_file():
        raise InputError(str(run), [no_manifest(Path(run))])
    try:
        return json.loads(p.read_text())
    except json.JSONDecodeError as exc:
        raise InputError(str(p), [f"manifest is not valid JSON ({exc.msg} at line {exc.lineno})"]) from None


def no_manifest(run: Path) -> str:
    """Why a folder without manifest.json is not a run folder, and what to do with it."""
    text = "not a staffsim run folder (no manifest.json)"
    if run.is_dir() and is_empty(run):
        text += ("; the folder is empty: a run stopped before it was set up leaves it so, nothing ran "
                 "and it is safe to delete (or to name again with --out)")
    elif run.is_dir() and all(f.name in SETUP for f in run.iterdir()):
        text += "; it holds no results (only set-up files): nothing ran and it is safe to delete"
    return text


def base_manifest(kind: str, command: list[str] | None = None) -> dict[str, Any]:
    return {
        "kind": kind,
        "staffsim_version": __version__,
        "command": " ".join(command if command is not None else sys.argv),
        "started": now_iso(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": package_versions(),
        "status": "running",
        "journal": JOURNAL,
    }


def write_frame(run: Path, name: str, df: pd.DataFrame, csv: bool = True) -> None:
    """Write a small summary frame as Parquet (and CSV) atomically, recorded in the journal."""
    write_file(run, f"{name}.parquet", parquet_bytes(df), rows=len(df))
    if csv:
        write_file(run, f"{name}.csv", df.to_csv(index=False), rows=len(df))
