"""Run folders: one layout for every kind of run (`KINDS`).

    <run>/manifest.json            what was run, seeds, versions, status, chunk plan
    <run>/variants.jsonl           each variant: label, point, resolved scenario (and own seed, years, replications)
    <run>/scenarios/<label>.yaml   each resolved scenario
    <run>/points.csv               sweep points (parameter values) per point id
    <run>/metrics.parquet/         tidy parts: scenario, point, replication, metric, value
    <run>/years.parquet/           the same per year (multi-year runs): ... year, metric, value
    <run>/staff_weeks.parquet/     minutes by activity per staff position per week
    <run>/<table>.parquet/         extra per-replication tables (`RunOptions.tables`): scenario, point, replication, ...
    <run>/summary.parquet|csv      n, mean, sd, 95 % CI per scenario, point and metric
    <run>/comparison.parquet|csv   compare only: paired differences from the baseline
    <run>/calibration.parquet|csv  calibrate only: each published target beside its estimate
    <run>/budget_costs.parquet|csv, budget_levers.parquet|csv   budget only: cost, gap and levers

Parts are written atomically (temporary file, then rename) as chunks finish,
so a killed run leaves only whole parts; the set of part files is the record
of what is done, which is what `--resume` reads.
"""

from __future__ import annotations

import json
import os
import platform
import re
import sys
import tempfile
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from staffsim import __version__
from staffsim.errors import InputError

#: The kinds of run folder, by the command that makes them.
KINDS = ("run", "compare", "sweep", "calibrate", "budget")
PART = re.compile(r"^part-p(\d+)-c(\d+)\.parquet$")
PACKAGES = ("simpy", "numpy", "pandas", "pyarrow", "scipy", "pydantic", "click", "seaborn", "matplotlib", "dask", "distributed")


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
    """results/<name>-<YYYYmmdd-HHMMSS>, with a numeric suffix if that exists already."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = Path(root) / f"{name}-{stamp}"
    path, k = base, 2
    while path.exists():
        path = base.with_name(f"{base.name}-{k}")
        k += 1
    return path


def create_run_dir(path: str | Path) -> Path:
    """Create a new, empty run folder; refuse to reuse one that holds anything."""
    p = Path(path)
    if p.exists() and (not p.is_dir() or any(p.iterdir())):
        raise InputError(str(p), ["the output folder exists and is not empty; choose another --out "
                                  "(runs never overwrite), or pass --resume to finish an interrupted run"])
    p.mkdir(parents=True, exist_ok=True)
    return p


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write a file so that readers see either the old content or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_part(run: Path, table: str, variant: int, chunk: int, df: pd.DataFrame) -> None:
    """Write one chunk's rows of a table as an atomic Parquet part (named by variant and chunk)."""
    target = run / f"{table}.parquet" / f"part-p{variant:05d}-c{chunk:05d}.parquet"
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-", suffix=".tmp")
    os.close(fd)
    try:
        pq.write_table(pa.Table.from_pandas(df, preserve_index=False), tmp)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def done_chunks(run: Path) -> set[tuple[int, int]]:
    """(variant, chunk) pairs whose metrics part is on disk (the record of completed work)."""
    d = run / "metrics.parquet"
    if not d.is_dir():
        return set()
    out = set()
    for f in d.iterdir():
        m = PART.match(f.name)
        if m:
            out.add((int(m.group(1)), int(m.group(2))))
    return out


def clean_partial(run: Path, keep: set[tuple[int, int]]) -> None:
    """Remove temporary files and any secondary-table part whose metrics part is missing.

    A chunk counts as done only when its metrics part exists (written last), so
    a staff_weeks (or extra table) part without one is from an interrupted chunk and is redone.
    """
    for d in run.glob("*.parquet"):
        if not d.is_dir():
            continue
        for f in d.iterdir():
            if f.name.startswith(".") and f.name.endswith(".tmp"):
                f.unlink()
                continue
            m = PART.match(f.name)
            if m and (int(m.group(1)), int(m.group(2))) not in keep:
                f.unlink()


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
        raise InputError(str(run), ["not a staffsim run folder (no manifest.json)"])
    try:
        return json.loads(p.read_text())
    except json.JSONDecodeError as exc:
        raise InputError(str(p), [f"manifest is not valid JSON ({exc.msg} at line {exc.lineno})"]) from None


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
    }


def write_frame(run: Path, name: str, df: pd.DataFrame, csv: bool = True) -> None:
    """Write a small summary frame as Parquet (and CSV) atomically."""
    buf = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), buf)
    write_atomic(run / f"{name}.parquet", buf.getvalue().to_pybytes())
    if csv:
        write_atomic(run / f"{name}.csv", df.to_csv(index=False))
