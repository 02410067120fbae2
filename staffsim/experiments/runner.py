"""Replications x scenario variants, on a chosen executor, streamed to a run folder.

The unit of work is a *chunk*: a few replications of one scenario variant
(one design, or one sweep point of one design). Replication r always uses
`streams.replication_seed(seed, r)`, whatever the variant, executor, worker
count, chunk size or completion order, so any subset can be rerun alone and
gives the same numbers, and designs share common random numbers.

Executors: "serial" (in this process), "processes" (a local process pool,
the default) and "dask" (a `LocalCluster`, or an existing cluster given by
its scheduler address; needs the `dask` extra).

Besides the metrics, a run can store *extra tables*: `RunOptions.tables` maps a
table name to a per-replication function, named "module:function" so workers
import it and manifests record it. The function takes the replication's
ledger and returns a DataFrame of any rows; the runner puts the `scenario`,
`point` and `replication` columns in front and writes the table's parts next
to the metrics (`<name>.parquet/`). Calibration counts are such tables.
"""

from __future__ import annotations

import importlib
import math
import os
import signal
import time
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
import pandas as pd

from staffsim.experiments import store
from staffsim.scenario.schema import Scenario
from staffsim.errors import InputError
from staffsim.engine.ledger import split_years
from staffsim.metrics.frames import metrics_frame, staff_weeks_frame
from staffsim.engine.simulate import simulate
from staffsim.engine.streams import replication_seed

BACKENDS = ("serial", "processes", "dask")


@dataclass(frozen=True)
class Variant:
    """One scenario to replicate: a design, or a design at one sweep point.

    `seed`, `years` and `replications` override the run's options for this
    variant alone (None: the run's); calibration's cohort experiment uses them.
    """

    label: str  # the `scenario` column in results
    point: int  # the `point` column (scenario index for compare, point id for sweeps)
    scenario_json: str  # the resolved scenario, as JSON (cheap to send to workers)
    seed: int | None = None
    years: int | None = None
    replications: int | None = None


@dataclass(frozen=True)
class Chunk:
    variant: int  # index into the variant list
    index: int  # chunk number within the variant
    replications: tuple[int, ...]


@dataclass
class RunOptions:
    replications: int
    seed: int
    years: int = 1
    workers: int = 1
    backend: str = "processes"
    scheduler: str | None = None
    chunk_size: int | None = None
    staff_weeks: bool = True
    yearly: bool = True  # per-year metrics of multi-year replications (years.parquet)
    tables: dict[str, str] = field(default_factory=dict)  # extra table name -> "module:function"

    def replications_of(self, variant: Variant) -> int:
        return variant.replications or self.replications

    def total_replications(self, variants: Sequence[Variant]) -> int:
        return sum(self.replications_of(v) for v in variants)

    def chunk_size_for(self, variants: Sequence[Variant]) -> int:
        """`chunk_size` if set, else the automatic size for these variants."""
        return self.chunk_size or auto_chunk_size(1, self.total_replications(variants), self.workers)


@dataclass
class Outcome:
    """What `execute` did: chunks run now, chunks found done, and whether it was interrupted."""

    run_dir: Path
    ran: int = 0
    skipped: int = 0
    interrupted: bool = False
    wall_seconds: float = 0.0


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def plan_chunks(n_variants: int, replications: int | Sequence[int], chunk_size: int) -> list[Chunk]:
    """The fixed chunk plan: replications 0..n-1 of each variant cut into runs of `chunk_size`.

    `replications` is one count for every variant, or one count per variant.
    """
    counts = [replications] * n_variants if isinstance(replications, int) else list(replications)
    chunks = []
    for v, n in enumerate(counts):
        for c, lo in enumerate(range(0, n, chunk_size)):
            chunks.append(Chunk(v, c, tuple(range(lo, min(lo + chunk_size, n)))))
    return chunks


def auto_chunk_size(n_variants: int, replications: int, workers: int) -> int:
    """Enough chunks to keep workers busy (~4 per worker), few enough that overhead stays small."""
    total = n_variants * replications
    return int(max(1, min(50, math.ceil(total / max(1, workers * 4)))))


@lru_cache(maxsize=64)
def _scenario(scenario_json: str) -> Scenario:
    """Parse once per worker process, so the compiled plan (cached per object) is reused."""
    return Scenario.model_validate_json(scenario_json)


@lru_cache(maxsize=64)
def table_function(path: str) -> Callable[[Any], pd.DataFrame]:
    """The per-replication table function named "module:function"; `InputError` if there is none."""
    module, _, name = path.partition(":")
    try:
        fn = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise InputError("tables", [f"no table function {path!r} ({exc})"]) from None
    if not callable(fn):
        raise InputError("tables", [f"{path!r} is not a function"])
    return fn


def _keyed(frames: list[tuple[int, pd.DataFrame]], variant: Variant) -> pd.DataFrame:
    """An extra table's rows of a chunk, (replication, rows) each, with the key columns in front."""
    df = pd.concat([f for _, f in frames], ignore_index=True)
    reps = np.repeat([r for r, _ in frames], [len(f) for _, f in frames])
    df.insert(0, "replication", reps.astype(np.int64))
    df.insert(0, "point", variant.point)
    df.insert(0, "scenario", variant.label)
    return df


def run_chunk(variant: Variant, chunk: Chunk, seed: int, years: int, staff_weeks: bool,
              tables: tuple[tuple[str, str], ...] = (), yearly: bool = True) -> dict[str, pd.DataFrame]:
    """Simulate one chunk; return its tidy tables. Runs in a worker; pure given its arguments.

    `seed` and `years` are the run's; the variant's own, when set, take precedence.
    `tables` are (name, "module:function") pairs of extra tables (see the module);
    `yearly` adds the metrics of each year of multi-year replications ("years").
    """
    sc = _scenario(variant.scenario_json)
    seed = seed if variant.seed is None else variant.seed
    years = variant.years or years
    extra = [(name, table_function(path)) for name, path in tables]
    rows: dict[str, list[pd.DataFrame]] = defaultdict(list)
    extra_rows: dict[str, list[tuple[int, pd.DataFrame]]] = defaultdict(list)
    for r in chunk.replications:
        ledger = simulate(sc, replication_seed(seed, r), years=years)
        rows["metrics"].append(metrics_frame(ledger, variant.label, variant.point, r))
        if yearly and years > 1:
            for y, part in enumerate(split_years(ledger)):
                f = metrics_frame(part, variant.label, variant.point, r)
                f.insert(3, "year", y)
                rows["years"].append(f)
        if staff_weeks:
            rows["staff_weeks"].append(staff_weeks_frame(ledger, variant.label, variant.point, r))
        for name, fn in extra:
            extra_rows[name].append((r, fn(ledger)))
    out = {name: pd.concat(frames, ignore_index=True) for name, frames in rows.items()}
    out.update({name: _keyed(frames, variant) for name, frames in extra_rows.items()})
    return out


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _iter_serial(tasks, fn) -> Iterator[tuple[Any, dict]]:
    for key, args in tasks:
        yield key, fn(*args)


def _iter_processes(tasks, fn, workers: int) -> Iterator[tuple[Any, dict]]:
    tasks = list(tasks)
    with ProcessPoolExecutor(max_workers=workers, initializer=_ignore_sigint) as pool:
        pending = {}
        it = iter(tasks)
        # keep at most 2 tasks per worker in flight: bounded memory for huge sweeps
        for key, args in it:
            pending[pool.submit(fn, *args)] = key
            if len(pending) >= 2 * workers:
                break
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    key = pending.pop(fut)
                    yield key, fut.result()
                    nxt = next(it, None)
                    if nxt is not None:
                        pending[pool.submit(fn, *nxt[1])] = nxt[0]
        finally:
            for fut in pending:
                fut.cancel()
            pool.shutdown(wait=True, cancel_futures=True)


def _iter_dask(tasks, fn, workers: int, scheduler: str | None) -> Iterator[tuple[Any, dict]]:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise InputError("--backend dask", [f"Dask could not be imported ({exc}); install the extra: "
                                            "pip install 'staffsim[dask]'"]) from None
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise InputError("--scheduler", [f"cannot reach the Dask scheduler at {scheduler!r} ({exc})"]) from None
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        tasks = list(tasks)
        window = max(2 * workers, 4)
        it = iter(tasks)
        futs = {}
        for key, args in it:
            futs[client.submit(fn, *args, pure=False)] = key
            if len(futs) >= window:
                break
        ac = as_completed(list(futs))
        for fut in ac:
            key = futs.pop(fut)
            yield key, fut.result()
            fut.release()
            nxt = next(it, None)
            if nxt is not None:
                nf = client.submit(fn, *nxt[1], pure=False)
                futs[nf] = nxt[0]
                ac.add(nf)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _results(todo: list[Chunk], variants: list[Variant], opts: RunOptions) -> Iterator[tuple[Any, dict]]:
    """(variant, chunk) keys and tables of the chunks in `todo`, on the executor `opts` asks for."""
    tables = tuple(opts.tables.items())
    tasks = (((c.variant, c.index),
              (variants[c.variant], c, opts.seed, opts.years, opts.staff_weeks, tables, opts.yearly)) for c in todo)
    backend = "dask" if opts.scheduler else opts.backend
    if backend == "processes" and opts.workers <= 1:
        backend = "serial"
    if backend == "serial":
        return _iter_serial(tasks, run_chunk)
    if backend == "processes":
        return _iter_processes(tasks, run_chunk, opts.workers)
    if backend == "dask":
        return _iter_dask(tasks, run_chunk, opts.workers, opts.scheduler)
    raise InputError("--backend", [f"expected one of {', '.join(BACKENDS)}, found {backend!r}"])


def execute(
    run_dir: Path,
    variants: list[Variant],
    opts: RunOptions,
    progress: Callable[[int, int, int], None] | None = None,
) -> Outcome:
    """Run every chunk not yet on disk in `run_dir`, writing parts as chunks finish.

    `progress(done_chunks, total_chunks, replications_in_chunk)` is called after
    each chunk (and once at start with what resume found). KeyboardInterrupt
    stops cleanly: finished parts stay, and `Outcome.interrupted` is True.
    """
    started = time.perf_counter()
    for path in opts.tables.values():
        table_function(path)  # fail here, not in a worker
    opts.chunk_size = opts.chunk_size_for(variants)
    chunks = plan_chunks(len(variants), [opts.replications_of(v) for v in variants], opts.chunk_size)
    done = store.done_chunks(run_dir)
    store.clean_partial(run_dir, done)
    todo = [c for c in chunks if (c.variant, c.index) not in done]
    out = Outcome(run_dir=run_dir, skipped=len(chunks) - len(todo))
    if progress:
        progress(out.skipped, len(chunks), 0)
    n_done = out.skipped
    try:
        for (v, c), tables in _results(todo, variants, opts):
            # secondary tables first: the metrics part marks the chunk as done
            for name, df in tables.items():
                if name != "metrics" and not df.empty:
                    store.write_part(run_dir, name, v, c, df)
            store.write_part(run_dir, "metrics", v, c, tables["metrics"])
            out.ran += 1
            n_done += 1
            if progress:
                progress(n_done, len(chunks), len(tables["metrics"]["replication"].unique()))
    except KeyboardInterrupt:
        out.interrupted = True
    out.wall_seconds = time.perf_counter() - started
    return out


def summarize_run(run_dir: Path, level: float = 0.95) -> pd.DataFrame:
    """Summary (n, mean, sd, CI) per scenario, point and metric, reading parts one at a time.

    Only the running moments per (scenario, point, metric) are kept, so memory does
    not grow with the number of parts.
    """
    from staffsim.experiments.stats import moments, summary_from_moments

    acc: pd.DataFrame | None = None
    for part in store.iter_parts(run_dir, "metrics"):
        m = moments(part)
        acc = m if acc is None else pd.concat([acc, m]).groupby(level=[0, 1, 2], sort=False).sum()
    return summary_from_moments(acc if acc is not None else pd.DataFrame(), level)
