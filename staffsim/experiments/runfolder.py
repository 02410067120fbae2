"""A run folder opened for plotting and reporting: what kind it is, whether it is whole, its tables.

`open_run(path)` checks that a folder was made by `staffsim run`, `compare` or
`sweep` and that the run finished, and reports every problem at once as an
`InputError` (the CLI prints it and exits 2). The returned `RunFolder` reads
tables lazily and only the columns asked for, so plotting a large sweep does
not load every staff-week into memory.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import pandas as pd
import pyarrow.parquet as pq
import yaml

from staffsim.experiments import store
from staffsim.errors import InputError

#: The kinds of run folder (of `store.KINDS`) that plot and report read: those with per-design figures.
KINDS = ("run", "compare", "sweep")


@dataclass
class RunFolder:
    """A complete run folder (see results/README.md for the layout)."""

    path: Path
    manifest: dict[str, Any]
    designs: dict[str, dict[str, Any]] = field(default_factory=dict)  # label -> resolved scenario (YAML as dict)
    notes: list[str] = field(default_factory=list)  # non-fatal problems (e.g. a scenario file missing)

    @property
    def kind(self) -> str:
        return str(self.manifest["kind"])

    @property
    def scenarios(self) -> list[str]:
        """Design labels in the order of the manifest (the baseline first); this order fixes colours."""
        return [str(s) for s in self.manifest.get("scenarios", [])]

    @property
    def replications(self) -> int:
        return int(self.manifest.get("replications", 0))

    @property
    def years(self) -> int:
        return int(self.manifest.get("years", 1) or 1)

    @property
    def seed(self) -> Any:
        return self.manifest.get("seed")

    def has(self, table: str) -> bool:
        """Whether a Parquet table (a folder of parts or a single file) holds any data."""
        d = self.path / f"{table}.parquet"
        if d.is_file():
            return True
        return d.is_dir() and any(store.PART.match(f.name) for f in d.iterdir())

    def columns(self, table: str) -> list[str]:
        """Column names of a table, read from one part's schema (no data read)."""
        d = self.path / f"{table}.parquet"
        if d.is_file():
            return list(pq.read_schema(d).names)
        if not d.is_dir():
            return []
        for f in sorted(d.iterdir()):
            if store.PART.match(f.name):
                return list(pq.read_schema(f).names)
        return []

    def read(self, table: str, columns: Iterable[str] | None = None, filters: list | None = None) -> pd.DataFrame:
        """A table, only `columns` (those that exist), optionally filtered; empty when absent."""
        if not self.has(table):
            return pd.DataFrame()
        cols = None
        if columns is not None:
            have = set(self.columns(table))
            cols = [c for c in dict.fromkeys(columns) if c in have]
        return pd.read_parquet(self.path / f"{table}.parquet", columns=cols, filters=filters)

    @functools.cached_property
    def metrics(self) -> pd.DataFrame:
        """All tidy per-replication metrics: scenario, point, replication, metric, value (see `values`)."""
        return self.read("metrics")

    def values(self, metrics: Iterable[str]) -> pd.DataFrame:
        """Per-replication rows of some metrics only (read with a filter: large sweeps stay small in memory)."""
        wanted = list(dict.fromkeys(metrics))
        cache = self.__dict__.setdefault("_values", {})
        missing = [m for m in wanted if m not in cache]
        if missing:
            if "metrics" in self.__dict__:
                df = self.metrics[self.metrics["metric"].isin(missing)]
            else:
                df = self.read("metrics", ["scenario", "point", "replication", "metric", "value"],
                               filters=[("metric", "in", missing)])
            for m in missing:
                cache[m] = df[df["metric"] == m].reset_index(drop=True) if not df.empty else df
        frames = [cache[m] for m in wanted if not cache[m].empty]
        if not frames:
            return pd.DataFrame(columns=["scenario", "point", "replication", "metric", "value"])
        return pd.concat(frames, ignore_index=True)

    @functools.cached_property
    def summary(self) -> pd.DataFrame:
        return self.read("summary")

    @functools.cached_property
    def comparison(self) -> pd.DataFrame:
        return self.read("comparison")

    @functools.cached_property
    def metric_names(self) -> list[str]:
        """Metrics the run produced with at least one value (from the small summary table)."""
        s = self.summary
        if s.empty or "metric" not in s:
            return []
        if "n" in s:
            s = s[s["n"] > 0]
        return list(dict.fromkeys(s["metric"]))

    @functools.cached_property
    def points(self) -> pd.DataFrame | None:
        """Sweep points (point id and one column per swept parameter), or None."""
        p = self.path / "points.csv"
        return pd.read_csv(p) if p.is_file() else None

    @property
    def parameters(self) -> list[str]:
        pts = self.points
        return [c for c in pts.columns if c != "point"] if pts is not None else []

    def staff_week_columns(self) -> list[str]:
        return self.columns("staff_weeks")

    def figures_dir(self) -> Path:
        return self.path / "figures"


def _problems(path: Path) -> tuple[dict[str, Any] | None, list[str]]:
    if not path.exists():
        return None, ["no such folder"]
    if not path.is_dir():
        return None, ["not a folder; expected a run folder made by `staffsim run`, `compare` or `sweep`"]
    if not (path / "manifest.json").is_file():
        return None, ["not a staffsim run folder (no manifest.json); expected a folder made by "
                      "`staffsim run`, `staffsim compare` or `staffsim sweep`"]
    manifest = store.read_manifest(path)
    problems: list[str] = []
    kind = manifest.get("kind")
    if kind not in KINDS:
        return manifest, [f"manifest.json: kind is {kind!r}; expected one of {', '.join(KINDS)}"]
    status = manifest.get("status")
    if status != "complete":
        problems.append(f"the {kind} is not complete (manifest status: {status!r}); finish it first with "
                        f"`staffsim {kind} --resume {path}`")
    if not manifest.get("scenarios"):
        problems.append("manifest.json lists no scenarios")
    d = path / "metrics.parquet"
    if not (d.is_file() or (d.is_dir() and any(store.PART.match(f.name) for f in d.iterdir()))):
        problems.append("no results: metrics.parquet is missing or has no parts")
    if not (path / "summary.parquet").is_file():
        problems.append("summary.parquet is missing (it is written when the run completes)")
    if kind == "compare" and not (path / "comparison.parquet").is_file():
        problems.append("comparison.parquet is missing (it is written when a compare completes)")
    if kind == "sweep" and not (path / "points.csv").is_file():
        problems.append("points.csv is missing (every sweep folder has one)")
    return manifest, problems


def open_run(path: str | Path) -> RunFolder:
    """Open and check a run folder; `InputError` listing every problem when it is not a complete one."""
    p = Path(path)
    manifest, problems = _problems(p)
    if problems:
        raise InputError(str(p), problems)
    assert manifest is not None
    run = RunFolder(path=p, manifest=manifest)
    for label in run.scenarios:
        f = p / "scenarios" / f"{label}.yaml"
        if not f.is_file():
            run.notes.append(f"scenarios/{label}.yaml is missing: the design's assumptions are not shown")
            continue
        try:
            data = yaml.safe_load(f.read_text())
        except yaml.YAMLError as exc:
            run.notes.append(f"scenarios/{label}.yaml could not be read ({exc.__class__.__name__})")
            continue
        if isinstance(data, dict):
            run.designs[label] = data
    if not {"scenario", "replication", "metric", "value"} <= set(run.columns("metrics")):
        raise InputError(str(p), ["metrics.parquet lacks the scenario, replication, metric and value columns"])
    if not run.metric_names:
        raise InputError(str(p), ["summary.parquet holds no metrics: the run produced no results"])
    return run


def lookup(data: dict[str, Any] | None, dotted: str, default: Any = None) -> Any:
    """A value at a dotted path of a nested dict (`workforce.exhaustion.burnout_threshold`), or `default`."""
    cur: Any = data
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return default
        cur = cur[part]
    return cur


def inside(path: Path, root: Path) -> bool:
    """True when `path` resolves to a place inside `root` (writes never leave the run folder)."""
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False
