"""Replications streamed as they finish, and the headline summary the page shows after each one.

Replication r of every design uses `replication_seed(seed, r)` through the
runner's own `run_chunk` (one replication per task), so the numbers are those of
`staffsim compare` on the same designs and seed. Tasks go round the designs
(replication 0 of each, then 1, ...) so paired differences appear early.
"""

from __future__ import annotations

import asyncio
import math
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, AsyncIterator

import pandas as pd

from staffsim.experiments.runner import Chunk, Variant, run_chunk
from staffsim.experiments.stats import compare as compare_stats
from staffsim.metrics.metric import Direction, Kind
from staffsim.metrics.registry import METRICS
from staffsim.present.format import format_range, format_value

#: The headline metrics, in the order the page shows them (the issue's list, then workload and students per adult).
HEADLINE = ("planning_hours_per_week", "small_group_minutes_per_student_per_week", "burnout_share", "turnover_rate",
            "cost_per_pupil", "uncovered_absence_share", "total_work_hours_per_week", "students_per_adult")


#: Seconds between two summaries while replications stream in.
EVERY = 0.4


@dataclass(frozen=True)
class Job:
    """A comparison to stream: variants (first is the baseline), replications and seed."""

    variants: tuple[Variant, ...]
    replications: int
    seed: int


def one_replication(variant: Variant, r: int, seed: int) -> pd.DataFrame:
    """The metrics frame of replication r of a variant (a worker task)."""
    return run_chunk(variant, Chunk(0, r, (r,)), seed, 1, staff_weeks=False, yearly=False)["metrics"]


def make_pool(workers: int) -> ProcessPoolExecutor:
    """A warm process pool (each worker imports the model once, not per change)."""
    pool = ProcessPoolExecutor(max_workers=workers)
    for f in [pool.submit(_warm) for _ in range(workers)]:
        f.result()
    return pool


def _warm() -> None:
    import staffsim.engine.simulate  # noqa: F401  (the import is the warm-up)


async def stream(job: Job, pool: Executor | None) -> AsyncIterator[dict[str, Any]]:
    """Yield a summary event after every finished replication; cancels what is left when the consumer stops."""
    loop = asyncio.get_running_loop()
    tasks = [(v, r) for r in range(job.replications) for v in job.variants]
    futures = [loop.run_in_executor(pool, one_replication, v, r, job.seed) for v, r in tasks]
    frames: list[pd.DataFrame] = []
    last = 0.0
    try:
        for done in asyncio.as_completed(futures):
            frames.append(await done)
            n = len(frames)
            # a summary costs ~50 ms: send one at most every EVERY seconds, the first full set and the last at once
            if n == len(tasks) or n == len(job.variants) or time.monotonic() - last >= EVERY:
                yield summary_event(pd.concat(frames, ignore_index=True), job, n, len(tasks))
                last = time.monotonic()
    finally:
        for f in futures:
            f.cancel()


def summary_event(metrics: pd.DataFrame, job: Job, done: int, total: int) -> dict[str, Any]:
    """Headline numbers per design (mean, interval once n >= 2) and paired differences in words."""
    labels = [v.label for v in job.variants]
    metrics = metrics[metrics["metric"].isin(HEADLINE)]
    # pair only replications every design has finished, as compare does with complete runs
    counts = metrics.groupby("replication")["scenario"].nunique()
    complete = counts[counts == len(labels)].index
    table = compare_stats(metrics[metrics["replication"].isin(complete)], labels) if len(complete) else pd.DataFrame()
    rows = {(r.metric, r.scenario): r for r in table.itertuples()} if not table.empty else {}
    out = []
    for name in HEADLINE:
        m = METRICS[name]
        cells = []
        for i, label in enumerate(labels):
            r = rows.get((name, label))
            cells.append(_cell(r, name, labels[0] if i else None))
        out.append({"metric": name, "label": m.label, "unit": m.unit, "cells": cells})
    return {"done": done, "total": total, "paired": len(complete), "designs": labels, "rows": out}


def _cell(r: Any, name: str, base: str | None) -> dict[str, Any]:
    if r is None:
        return {"value": None, "text": "…", "interval": "", "diff": ""}
    ok = r.n >= 2 and math.isfinite(r.ci_low)
    cell = {"value": float(r.mean), "text": format_value(r.mean, name, compact=True),
            "interval": format_range(r.ci_low, r.ci_high, name) if ok else "", "n": int(r.n),
            "low": float(r.ci_low) if ok else None, "high": float(r.ci_high) if ok else None}
    cell["diff"] = plain_difference(name, r.diff, r.diff_ci_low, r.diff_ci_high, base, r.n) if base else ""
    return cell


def _about(x: float, name: str) -> str:
    """A difference to two significant digits for speech ('2.1', '14'); shares and money as the formatter writes them."""
    if METRICS[name].kind in (Kind.SHARE, Kind.MONEY):
        return format_value(x, name, compact=True)
    return f"{x:.1f}" if x < 10 else f"{x:,.0f}"


def plain_difference(name: str, diff: float, lo: float, hi: float, base: str, n: int) -> str:
    """'about 2.1 hours per week per teacher more than traditional (better)', or 'no clear difference …'."""
    m = METRICS[name]
    if n < 2 or not math.isfinite(lo):
        return ""
    if lo <= 0 <= hi:
        return f"no clear difference from {base}"
    amount = _about(abs(diff), name)
    unit = " points" if m.unit.startswith("%") else f" {m.unit}"
    points = ""
    side = "more" if diff > 0 else "less"
    verdict = ""
    if m.direction != Direction.NEITHER:
        good = (diff > 0) == (m.direction == Direction.HIGHER)
        verdict = " (better)" if good else " (worse)"
    return f"about {amount}{points}{unit} {side} than {base}{verdict}"
