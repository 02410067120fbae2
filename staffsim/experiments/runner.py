"""Replications x scenario variants, on a chosen executor, streamed to a run folder.

The unit of work is a *chunk*: a few replications of one scenario variant
(one design, or one sweep point of one design). Replication r always uses
`streams.replication_seed(seed, r)`, whatever the variant, executor, worker
count, chunk size or completion order, so any subset can be rerun alone and
gives the same numbers, and designs share common random numbers.

Executors: "serial" (in this process), "processes" (a local process pool,
the default) and "dask" (a `LocalCluster`, or an existing cluster given by
its scheduler address; needs the `dask` extra).
"""

from __future__ import annotations

import math
import os
import signal
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

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
    """One scenario to replicate: a design, or a design at one sweep point."""

    label: str  # the `scenario` column in results
    point: int  # the `point` column (scenario index for compare, point id for sweeps)
    scenario_json: str  # the resolved scenario, as JSON (cheap to send to workers)


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


@dataclass
class Outcome:
    """What `execute` did: chunks run now, chunks found done, and whether it was interrupted."""

    run_dir: Path
    ran: int = 0
    skipped: int = 0
    interrupted: bool = False
    wall_seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def plan_chunks(n_variants: int, replications: int, chunk_size: int) -> list[Chunk]:
    """The fixed chunk plan: replications 0..n-1 of each variant cut into runs of `chunk_size`."""
    chunks = []
    for v in range(n_variants):
        for c, lo in enumerate(range(0, replications, chunk_size)):
            chunks.append(Chunk(v, c, tuple(range(lo, min(lo + chunk_size, replications)))))
    return chunks


def auto_chunk_size(n_variants: int, replications: int, workers: int) -> int:
    """Enough chunks to keep workers busy (~4 per worker), few enough that overhead stays small."""
    total = n_variants * replications
    return int(max(1, min(50, math.ceil(total / max(1, workers * 4)))))


@lru_cache(maxsize=64)
def _scenario(scenario_json: str) -> Scenario:
    """Parse once per worker process, so the compiled plan (cached per object) is reused."""
    return Scenario.model_validate_json(scenario_json)


def run_chunk(variant: Variant, chunk: Chunk, seed: int, years: int, staff_weeks: bool) -> dict[str, pd.DataFrame]:
    """Simulate one chunk; return its tidy tables. Runs in a worker; pure given its arguments."""
    sc = _scenario(variant.scenario_json)
    metrics, yearly, weeks = [], [], []
    for r in chunk.replications:
        ledger = simulate(sc, replication_seed(seed, r), years=years)
        metrics.append(metrics_frame(ledger, variant.label, variant.point, r))
        if years > 1:
            for y, part in enumerate(split_years(ledger)):
                f = metrics_frame(part, variant.label, variant.point, r)
                f.insert(3, "year", y)
                yearly.append(f)
        if staff_weeks:
            weeks.append(staff_weeks_frame(ledger, variant.label, variant.point, r))
    out = {"metrics": pd.concat(metrics, ignore_index=True)}
    if yearly:
        out["years"] = pd.concat(yearly, ignore_index=True)
    if weeks:
        out["staff_weeks"] = pd.concat(weeks, ignore_index=True)
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
    chunk_size = opts.chunk_size or auto_chunk_size(len(variants), opts.replications, opts.workers)
    opts.chunk_size = chunk_size
    chunks = plan_chunks(len(variants), opts.replications, chunk_size)
    done = store.done_chunks(run_dir)
    store.clean_partial(run_dir, done)
    todo = [c for c in chunks if (c.variant, c.index) not in done]
    out = Outcome(run_dir=run_dir, skipped=len(chunks) - len(todo))
    if progress:
        progress(out.skipped, len(chunks), 0)
    tasks = (((c.variant, c.index), (variants[c.variant], c, opts.seed, opts.years, opts.staff_weeks)) for c in todo)
    backend = "dask" if opts.scheduler else opts.backend
    if backend == "processes" and opts.workers <= 1:
        backend = "serial"
    if backend == "serial":
        results = _iter_serial(tasks, run_chunk)
    elif backend == "processes":
        results = _iter_processes(tasks, run_chunk, opts.workers)
    elif backend == "dask":
        results = _iter_dask(tasks, run_chunk, opts.workers, opts.scheduler)
    else:
        raise InputError("--backend", [f"expected one of {', '.join(BACKENDS)}, found {backend!r}"])
    n_done = out.skipped
    try:
        for (v, c), tables in results:
            # secondary tables first: the metrics part marks the chunk as done
            for name in ("staff_weeks", "years"):
                if name in tables:
                    store.write_part(run_dir, name, v, c, tables[name])
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
