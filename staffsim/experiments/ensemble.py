"""Contrasts under parameter uncertainty: designs compared over a calibrated ensemble (`compare --ensemble`).

A comparison with an ensemble runs twice, on the same replication seeds:

- as written (the compare run folder itself): every design at its own
  parameters, the seed-only intervals of `stats.compare`;
- over the ensemble (`<compare>/ensemble/`, a run folder of kind "ensemble"):
  replication r of every design runs with the same accepted parameter set k_r
  of the fit (`draws`), so common random numbers hold across designs.

For a design (or a paired difference B - A) let y_r be replication r as
written and e_r the same replication over the ensemble, and d_r = e_r - y_r
the effect of the parameter set drawn (common random numbers cancel most of
the noise in it). The interval *with parameter uncertainty* is centred on
mean(e) with half-width sqrt(h^2 + (t sd(d))^2): the seed-only half-width h
combined with the spread the parameter sets cause (t of n - 1 degrees of
freedom, as the seed-only interval). It is never narrower than the seed-only
interval, and with an ensemble of one parameter set equal to the design's own
it is that interval. P(B better than A) is the share of replications over the
ensemble in which B does better by the registry's direction (ties count
half). A conclusion *survives* when its seed-only interval excludes 0 and so
does the interval with parameter uncertainty.

    <compare>/ensemble/                       the replications over the ensemble (point = the member drawn)
    <compare>/ensemble_comparison.parquet|csv metric, scenario, the seed-only and the parameter-uncertainty
                                              intervals of the mean and of the difference, p_better, verdict
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from staffsim.errors import InputError
from staffsim.experiments import store
from staffsim.experiments.runner import RunOptions, Variant
from staffsim.experiments.stats import t_critical
from staffsim.metrics.registry import Direction, direction_of
from staffsim.scenario.assumptions import overrides
from staffsim.scenario.loading import apply_overrides, scenario_from_dict, scenario_to_dict
from staffsim.scenario.schema import Scenario

SUBDIR = "ensemble"
#: What makes designs one family with the scenario an ensemble was fitted to: the same school.
FAMILY = ("students", "grade_band")


@dataclass(frozen=True)
class Ensemble:
    """The accepted parameter sets of a finished fit, and what they were fitted to."""

    path: Path
    scenario: str
    school: dict[str, Any]  # the fitted scenario's school section (`FAMILY` fields)
    params: tuple[str, ...]
    members: pd.DataFrame  # member, then one column per parameter


def load_ensemble(path: str | Path) -> Ensemble:
    """A fit folder's ensemble; `InputError` unless it is a complete fit that accepted something."""
    p = Path(path)
    manifest = store.read_manifest(p)
    if manifest.get("kind") != "fit":
        raise InputError(str(p), [f"--ensemble: this is a {manifest.get('kind')!r} run folder; expected a fit "
                                  "made by `staffsim calibrate SCENARIO --fit`"])
    if manifest.get("status") != "complete":
        raise InputError(str(p), ["--ensemble: the fit is not complete; finish it with "
                                  f"`staffsim calibrate --resume {p}`"])
    members = store.read_table(p, "ensemble")
    if members.empty:
        raise InputError(str(p), ["--ensemble: the fit accepted no parameter set, so there is nothing to draw "
                                  "(fit_targets.csv says which targets ruled everything out)"])
    from staffsim.experiments.fit import fitted_scenario

    sc = fitted_scenario(p, manifest)
    params = tuple(manifest["parameters"])
    return Ensemble(p, sc.name, {k: getattr(sc.school, k) for k in FAMILY}, params, members[["member", *params]])


def check_family(ens: Ensemble, designs: list[tuple[str, Scenario]]) -> None:
    """Every design must be a design of the school the ensemble was fitted to, and take its parameters."""
    problems = []
    for label, sc in designs:
        own = {k: getattr(sc.school, k) for k in FAMILY}
        if own != ens.school:
            problems.append(f"{label}: another school ({_school(own)}) than the ensemble was fitted to "
                            f"({ens.scenario}: {_school(ens.school)}); an ensemble carries one school's calibration")
    if problems:
        raise InputError("--ensemble", problems)
    ensemble_variants(ens, designs, 1, 0)  # a parameter a design lacks is an error now, not in a worker


def _school(s: dict[str, Any]) -> str:
    return f"{s['students']} students, {s['grade_band']}"


def draws(n: int, members: int, seed: int) -> np.ndarray:
    """(n,) the ensemble member replication r runs with: drawn with replacement, seeded, in sorted blocks.

    Replication seeds are independent of the draw, so sorting the draws (to run each
    member's replications as one block) changes nothing but the number of variants.
    """
    rng = np.random.default_rng([int(seed), 0xE45E])
    return np.sort(rng.integers(0, members, n))


def ensemble_variants(ens: Ensemble, designs: list[tuple[str, Scenario]], n: int, seed: int) -> list[Variant]:
    """Per design and member drawn: a variant running that member's block of replications (point = member)."""
    k = draws(n, len(ens.members), seed)
    members, first = np.unique(k, return_index=True)
    counts = np.diff(np.append(first, n))
    out = []
    for label, sc in designs:
        resolved = scenario_to_dict(sc)
        for m, f, c in zip(members, first, counts):
            row = ens.members.iloc[int(m)]
            out.append(member_variant(label, sc, resolved, int(row["member"]), {p: row[p] for p in ens.params},
                                      int(f), int(c), tag=int(m)))
    return out


def member_variant(label: str, sc: Scenario, resolved: dict[str, Any], member: int, values: dict[str, Any],
                   first: int, count: int, tag: int) -> Variant:
    """The variant running design `sc` (`resolved`: its `scenario_to_dict`) with one member's parameter
    `values`, for replications first .. first + count - 1 (`tag`: the member's row, in messages).
    The workshop app builds them one at a time, in its workers."""
    data = apply_overrides(resolved, overrides(sc, values), source=f"{label} member {tag}")
    sc_m = scenario_from_dict(data, source=f"{label} with ensemble member {tag}")
    return Variant(label, member, sc_m.model_dump_json(), replications=count, first_replication=first)


def plan(ens: Ensemble, designs: list[tuple[str, Scenario]], opts: RunOptions):
    """What the ensemble part of a comparison runs (`subrun.run_or_resume`)."""
    variants = ensemble_variants(ens, designs, opts.replications, opts.seed)
    sub = RunOptions(replications=opts.replications, seed=opts.seed, years=opts.years, workers=opts.workers,
                     backend=opts.backend, scheduler=opts.scheduler, staff_weeks=False, yearly=False)
    return variants, sub, {"ensemble": str(ens.path), "ensemble_size": len(ens.members)}, None


# ------------------------------------------------------------------------------ the comparison

def _interval(x: np.ndarray) -> tuple[float, float]:
    """(mean, t half-width) of values (NaNs dropped); half-width 0 for fewer than two."""
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return float("nan"), float("nan")
    half = float(t_critical(len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x))) if len(x) > 1 else 0.0
    return float(x.mean()), half


def _spread(d: np.ndarray) -> float:
    """t x sd of the parameter sets' effects d (NaNs dropped)."""
    d = d[~np.isnan(d)]
    return float(t_critical(len(d) - 1) * d.std(ddof=1)) if len(d) > 1 else 0.0


def _with_parameters(y: np.ndarray, e: np.ndarray) -> tuple[float, float, float, float, float, float]:
    """Seed-only (mean, low, high) of y and, with parameter uncertainty, (mean, low, high) of e."""
    m, h = _interval(y)
    me, _ = _interval(e)
    half = math.sqrt(h ** 2 + _spread(e - y) ** 2) if math.isfinite(h) else float("nan")
    return m, m - h, m + h, me, me - half, me + half


def _verdict(lo: float, hi: float, elo: float, ehi: float) -> str:
    if not (lo > 0 or hi < 0):
        return "no clear difference"
    return "survives" if (elo > 0 or ehi < 0) else "does not survive"


def _p_better(diff: np.ndarray, direction: Direction) -> float:
    d = diff[~np.isnan(diff)]
    if direction is Direction.NEITHER or len(d) == 0:
        return float("nan")
    s = np.sign(d) * int(direction)
    return float(((s > 0).sum() + 0.5 * (s == 0).sum()) / len(d))


def ensemble_comparison(compare_dir: Path) -> pd.DataFrame:
    """Per metric and design: seed-only and parameter-uncertainty intervals, of the mean and of the difference
    from the baseline (the first design), P(better than the baseline) and the verdict (see the module)."""
    manifest = store.read_manifest(compare_dir)
    return contrast(store.read_table(compare_dir, "metrics"), store.read_table(compare_dir / SUBDIR, "metrics"),
                    list(manifest["scenarios"]))


def contrast(as_written: pd.DataFrame, over: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """`ensemble_comparison` of two metrics frames (replications as written, the same over the ensemble);
    labels[0] is the baseline. The workshop app calls it on the replications streamed so far."""
    wide = {name: df.pivot_table(index=["metric", "replication"], columns="scenario", values="value", aggfunc="first")
            for name, df in (("y", as_written), ("e", over))}
    rows = []
    for metric in pd.unique(as_written["metric"]):
        if metric not in wide["e"].index.get_level_values(0):
            continue
        y, e = wide["y"].loc[metric], wide["e"].loc[metric].reindex(wide["y"].loc[metric].index)
        base_y, base_e = y[labels[0]].to_numpy(float), e[labels[0]].to_numpy(float)
        for label in labels:
            yy, ee = y[label].to_numpy(float), e[label].to_numpy(float)
            m, lo, hi, me, elo, ehi = _with_parameters(yy, ee)
            row = {"metric": metric, "scenario": label, "n": int(np.sum(~np.isnan(ee))), "mean": m, "ci_low": lo,
                   "ci_high": hi, "ens_mean": me, "ens_low": elo, "ens_high": ehi}
            if label != labels[0]:
                d, dlo, dhi, de, delo, dehi = _with_parameters(yy - base_y, ee - base_e)
                row.update(diff=d, diff_ci_low=dlo, diff_ci_high=dhi, ens_diff=de, ens_diff_low=delo, ens_diff_high=dehi,
                           p_better=_p_better(ee - base_e, direction_of(metric)), verdict=_verdict(dlo, dhi, delo, dehi))
            rows.append(row)
    from staffsim.experiments.stats import clip_shares
    from staffsim.metrics.registry import Kind, kind_of

    out = clip_shares(pd.DataFrame(rows), ("ci_low", "ci_high", "ens_low", "ens_high"))
    shares = out["metric"].map(lambda m: kind_of(m) is Kind.SHARE).to_numpy(dtype=bool)
    for c in ("diff_ci_low", "diff_ci_high", "ens_diff_low", "ens_diff_high"):
        if c in out and shares.any():  # a difference of two shares lies in -100 % .. +100 %
            out.loc[shares, c] = out.loc[shares, c].clip(-1.0, 1.0)
    return out


def write_ensemble_comparison(compare_dir: Path) -> pd.DataFrame:
    """ensemble_comparison.parquet/csv in the compare folder, once both parts are complete."""
    table = ensemble_comparison(compare_dir)
    store.write_frame(compare_dir, "ensemble_comparison", table)
    return table
