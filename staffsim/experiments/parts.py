"""The files of a run folder, written so that a kill cannot leave a lie, and checked before they are trusted.

Every file is written atomically (a temporary file in the same folder, then a
rename), created with mode 0666 less the umask like any other program's files.
Each file written through `write_file` (the Parquet parts as chunks finish,
the summary frames, the setup files) is recorded in the journal
`parts.jsonl`: one JSON line per file with its size, SHA-256 and, for tables,
its row count. A later line for the same file supersedes an earlier one
(a part recomputed on resume), and a line `{"file": ..., "removed": true}`
says a part was deleted on purpose.

`scan` checks every part against the journal. A chunk is done only when its
metrics part (written last) and every other part of it are whole and
recorded; a part that is missing, cut short, changed, or not recorded
(a write interrupted between the rename and the journal line) makes its chunk
not done, so `--resume` recomputes it. Run folders made before the journal
existed (no `journal` in their manifest) are checked by reading each part's
Parquet footer instead.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

#: The journal's file name in a run folder (recorded as `journal` in new manifests).
JOURNAL = "parts.jsonl"
#: A part of a table, named by variant and chunk: <table>.parquet/part-p00001-c00002.parquet.
PART = re.compile(r"^part-p(\d+)-c(\d+)\.parquet$")
#: Temporary files of an interrupted write (removed on resume).
TEMPORARY = re.compile(r"^\..+\.tmp$")


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write a file so that readers see either the old content or the whole new one (mode 0666 less the umask)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode() if isinstance(data, str) else data
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def parquet_bytes(df: pd.DataFrame) -> bytes:
    """A frame as the bytes of a Parquet file (no index)."""
    buf = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), buf)
    return buf.getvalue().to_pybytes()


def _append(journal: Path, line: str) -> None:
    """Append one line, first ending a line a killed writer left unfinished (it is then skipped on reading)."""
    with open(journal, "ab+") as fh:
        if fh.tell() > 0:
            fh.seek(-1, os.SEEK_END)
            if fh.read(1) != b"\n":
                fh.write(b"\n")
        fh.write(line.encode() + b"\n")
        fh.flush()


def write_file(run: Path, rel: str, data: bytes | str, rows: int | None = None) -> None:
    """Write `run/rel` atomically and record its size, SHA-256 and row count in the journal."""
    raw = data.encode() if isinstance(data, str) else data
    write_atomic(run / rel, raw)
    rec = {"file": rel, "bytes": len(raw), "sha256": hashlib.sha256(raw).hexdigest()}
    if rows is not None:
        rec["rows"] = int(rows)
    _append(run / JOURNAL, json.dumps(rec))


def part_name(table: str, variant: int, chunk: int) -> str:
    """The path of a part inside the run folder: metrics.parquet/part-p00001-c00002.parquet."""
    return f"{table}.parquet/part-p{variant:05d}-c{chunk:05d}.parquet"


def write_part(run: Path, table: str, variant: int, chunk: int, df: pd.DataFrame) -> None:
    """Write one chunk's rows of a table as an atomic, recorded Parquet part."""
    write_file(run, part_name(table, variant, chunk), parquet_bytes(df), rows=len(df))


def read_journal(run: Path) -> dict[str, dict]:
    """The last record of each file in the journal (lines a kill cut short are skipped)."""
    out: dict[str, dict] = {}
    p = run / JOURNAL
    if not p.is_file():
        return out
    for line in p.read_bytes().splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if isinstance(rec, dict) and isinstance(rec.get("file"), str):
            out[rec["file"]] = rec
    return out


@dataclass(frozen=True)
class Damage:
    """A file that is not what was written: its path in the run folder and what is wrong."""

    file: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file} is damaged ({self.reason})"


def check(run: Path, rel: str, rec: dict | None) -> str | None:
    """What is wrong with one file against its record (None: whole). No record: its Parquet footer is read."""
    path = run / rel
    if rec is None:
        try:
            pq.read_metadata(path)
        except Exception as exc:  # any reading error means the part cannot be used
            return f"not a readable Parquet file: {exc.__class__.__name__}"
        return None
    if not path.is_file():
        return "missing"
    size = path.stat().st_size
    if size != rec.get("bytes"):
        return f"{size:,} bytes on disk, {rec.get('bytes', 0):,} written"
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != rec.get("sha256"):
        return "its checksum differs from the one recorded when it was written"
    return None


@dataclass
class Scan:
    """What `scan` found: chunks whose parts are all whole and recorded, the damaged files, and parts on disk
    the journal does not record (an interrupted write, or not written by this run)."""

    done: set[tuple[int, int]] = field(default_factory=set)
    damaged: list[Damage] = field(default_factory=list)
    unrecorded: list[str] = field(default_factory=list)


def _parts(run: Path) -> dict[str, tuple[int, int]]:
    """Every part file on disk: its path in the run folder -> (variant, chunk)."""
    out = {}
    for d in sorted(run.glob("*.parquet")):
        if d.is_dir():
            for f in sorted(d.iterdir()):
                m = PART.match(f.name)
                if m:
                    out[f"{d.name}/{f.name}"] = (int(m.group(1)), int(m.group(2)))
    return out


def scan(run: Path, journaled: bool = True) -> Scan:
    """Check every part (and every recorded file); see the module docstring for when a chunk is done.

    `journaled` is False for folders made before the journal (their parts are checked by their footer)."""
    journal = read_journal(run) if journaled else {}
    found = _parts(run)
    out = Scan()
    bad: set[tuple[int, int]] = set()
    for rel, key in found.items():
        rec = journal.get(rel)
        if journaled and (rec is None or rec.get("removed")):
            bad.add(key)  # written but not recorded: an interrupted chunk, recomputed (not damage)
            out.unrecorded.append(rel)
            continue
        problem = check(run, rel, rec)
        if problem:
            out.damaged.append(Damage(rel, problem))
            bad.add(key)
        elif rel.startswith("metrics.parquet/"):
            out.done.add(key)
    for rel, rec in journal.items():
        if rec.get("removed") or rel in found:
            continue
        m = PART.match(rel.rpartition("/")[2])
        if m:
            bad.add((int(m.group(1)), int(m.group(2))))
        problem = check(run, rel, rec)
        if problem:
            out.damaged.append(Damage(rel, problem))
    out.done -= bad
    return out


def adopt(run: Path) -> None:
    """Record every readable part of a folder made before the journal, so it can be resumed with one."""
    journal = read_journal(run)
    for rel in _parts(run):
        if rel not in journal and check(run, rel, None) is None:
            raw = (run / rel).read_bytes()
            rows = pq.read_metadata(io.BytesIO(raw)).num_rows
            rec = {"file": rel, "bytes": len(raw), "sha256": hashlib.sha256(raw).hexdigest(), "rows": rows}
            _append(run / JOURNAL, json.dumps(rec))


def forget(run: Path, rel: str) -> None:
    """Record that a file was removed on purpose (it is then neither checked nor missed)."""
    _append(run / JOURNAL, json.dumps({"file": rel, "removed": True}))


def clean_partial(run: Path, keep: set[tuple[int, int]]) -> None:
    """Remove temporary files and every part of a chunk not in `keep` (they are rewritten when it reruns)."""
    removed = []
    for d in run.glob("*.parquet"):
        if not d.is_dir():
            continue
        for f in d.iterdir():
            if TEMPORARY.match(f.name):
                f.unlink()
                continue
            m = PART.match(f.name)
            if m and (int(m.group(1)), int(m.group(2))) not in keep:
                f.unlink()
                removed.append(f"{d.name}/{f.name}")
    journal = read_journal(run)
    for rel, rec in journal.items():
        m = PART.match(rel.rpartition("/")[2])
        if m and not rec.get("removed") and (int(m.group(1)), int(m.group(2))) not in keep and rel not in removed:
            removed.append(rel)  # recorded, but already gone: say so, so it is not reported missing
    for rel in removed:
        if rel in journal:
            forget(run, rel)
    for f in run.glob(".*.tmp"):
        f.unlink()
