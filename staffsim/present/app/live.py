"""Replications streamed as they finish, and the headline summary the page shows after each one.

Replication r of every design uses `replication_seed(seed, r)` through the
runner's own `run_chunk` (one replication per task), so the numbers are those of
`staffsim compare` on the same designs and seed. Tasks go round the designs
(replication 0 of each, then 1, ...) so paired differences appear early. With an
ensemble (`app --ensemble FIT`, `app/ensemble.py`) the same replications follow,
each over the parameter set drawn for it: the seed-only numbers arrive first, then
the intervals with parameter uncertainty fill in.
"""

from __future__ import annotations

import asyncio
import math
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, AsyncIterator, Callable

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
    """A comparison to stream: variants (first is the baseline), replications and seed; with an ensemble,
    the member each replication runs with over it (`ensemble.Draw`, one per replication; empty: none)."""

    variants: tuple[Variant, ...]
    replications: int
    seed: int
    draws: tuple[Any, ...] = ()

    def tasks(self) -> list[tuple[str, Callable, tuple]]:
        """(phase, worker function, arguments): seed-only round the designs, then over the ensemble."""
        out = [("seeds", one_replication, (v, r, self.seed)) for r in range(self.replications) for v in self.variants]
        if self.draws:
            from staffsim.present.app.ensemble import over_ensemble

            out += [("ensemble", over_ensemble, (v, self.draws[r], r, self.seed))
                    for r in range(self.replications) for v in self.variants]
        return out


def one_replication(variant: Variant, r: int, seed: int) -> pd.DataFrame:
    """The headline rows of the metrics frame of replication r of a variant (a worker task)."""
    frame = run_chunk(variant, Chunk(0, r, (r,)), seed, 1, staff_weeks=False, yearly=False)["metrics"]
    return frame[frame["metric"].isin(HEADLINE)]


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
    tasks = job.tasks()
    futures = [loop.run_in_executor(pool, fn, *args) for _, fn, args in tasks]
    phase = {id(f): ph for f, (ph, _, _) in zip(futures, tasks)}
    frames: dict[str, list[pd.DataFrame]] = {"seeds": [], "ensemble": []}
    last, wait, n = 0.0, EVERY, 0
    milestones = {len(job.variants), job.replications * len(job.variants), len(tasks)}  # first set, seed-only, all
    try:
        for done in asyncio.as_completed([_tagged(f) for f in futures]):
            key, frame = await done
            frames[phase[key]].append(frame)
            n += 1
            # a summary costs 50-400 ms of this process's time, which the workers need too: at most one every
            # EVERY seconds or three times its own cost, whichever is longer, and at every milestone
            if n in milestones or time.monotonic() - last >= wait:
                t = time.monotonic()
                yield summary_event(frames, job, n, len(tasks))
                last = time.monotonic()
                wait = max(EVERY, 3 * (last - t))
    finally:
        for f in futures:
            f.cancel()


async def _tagged(future: asyncio.Future) -> tuple[int, pd.DataFrame]:
    return id(future), await future


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["metric", "scenario",
                                                                                     "replication", "value"])


def summary_event(frames: dict[str, list[pd.DataFrame]], job: Job, done: int, total: int) -> dict[str, Any]:
    """Headline numbers per design (mean, interval once n >= 2) and paired differences in words; with an
    ensemble, the intervals with parameter uncertainty of the replications done both ways."""
    from staffsim.present.app.ensemble import uncertainty

    labels = [v.label for v in job.variants]
    metrics = _concat(frames["seeds"])
    # pair only replications every design has finished, as compare does with complete runs
    counts = metrics.groupby("replication")["scenario"].nunique()
    complete = counts[counts == len(labels)].index
    table = compare_stats(metrics[metrics["replication"].isin(complete)], labels) if len(complete) else pd.DataFrame()
    rows = {(r.metric, r.scenario): r for r in table.itertuples()} if not table.empty else {}
    over = uncertainty(metrics, _concat(frames["ensemble"]), labels) if frames["ensemble"] else {}
    out = []
    for name in HEADLINE:
        m = METRICS[name]
        cells = []
        for i, label in enumerate(labels):
            cell = _cell(rows.get((name, label)), name, labels[0] if i else None)
            if job.draws:
                cell.update(_ensemble_cell(over.get((name, label)), name, labels[0] if i else None))
            cells.append(cell)
        out.append({"metric": name, "label": m.label, "unit": m.unit, "cells": cells})
    seeds = job.replications * len(labels)
    return {"done": done, "total": total, "seeds_total": seeds, "phase": "seeds" if done <= seeds else "ensemble",
            "ensemble": bool(job.draws), "paired": len(complete), "designs": labels, "rows": out}


def _cell(r: Any, name: str, base: str | None) -> dict[str, Any]:
    if r is None:
        return {"value": None, "text": "…", "interval": "", "diff": ""}
    ok = r.n >= 2 and math.isfinite(r.ci_low)
    cell = {"value": float(r.mean), "text": format_value(r.mean, name, compact=True),
            "interval": format_range(r.ci_low, r.ci_high, name) if ok else "", "n": int(r.n),
            "low": float(r.ci_low) if ok else None, "high": float(r.ci_high) if ok else None}
    cell["diff"] = plain_difference(name, r.diff, r.diff_ci_low, r.diff_ci_high, base, r.n) if base else ""
    return cell


def _ensemble_cell(r: Any, name: str, base: str | None) -> dict[str, Any]:
    """The interval with parameter uncertainty (centred on the mean over the ensemble) and its difference."""
    if r is None or not math.isfinite(r.ens_low):
        return {"ens_interval": "", "ens_diff": "", "ens_n": 0}
    cell = {"ens_interval": format_range(r.ens_low, r.ens_high, name), "ens_low": float(r.ens_low),
            "ens_high": float(r.ens_high), "ens_mean": float(r.ens_mean), "ens_n": int(r.n), "ens_diff": ""}
    if base:
        cell["ens_diff"] = plain_difference(name, r.ens_diff, r.ens_diff_low, r.ens_diff_high, base, r.n)
        cell["p_better"] = None if not math.isfinite(r.p_better) else float(r.p_better)
        cell["verdict"] = r.verdict
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
