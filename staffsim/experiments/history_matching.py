"""History matching: which parameter sets of the assumptions table reproduce the calibration targets.

A wave is a space-filling sample (`scipy.stats.qmc.LatinHypercube`) of points in
a box of the unit cube (the whole cube in the first wave), mapped to the
parameters' ranges through their distributions; every point is simulated
`replications` times and each target of `calibration.TARGETS` is estimated as
`staffsim calibrate` does (pooled rates, means, with their intervals). The
implausibility of a point for target t is

    I_t = |simulated_t - target_t| / sqrt(target variance_t + simulation variance_t)

with the target's standard deviation a quarter of its tolerance band (the band
read as +-2 sd: observation error and model discrepancy together) and the
simulation variance the squared standard error of the estimate over the
point's replications (for a pooled rate at least the binomial variance at the
target's rate, so that a handful of people with no event is not read as certainty). A point is *accepted* when max_t I_t < cutoff (3 by
default, Pukelsheim's three-sigma rule). The next wave samples the box of the
accepted points, widened by `expand` of its width on each side: the space is
refocused where the model can match. The accepted points of the last wave that
accepted any are the *ensemble*: parameter sets that reproduce every target
as well as the targets are known, the uncertainty that remains after
calibration (`compare --ensemble` carries it into comparisons).

`experiments.fit` runs the waves in a run folder; this module holds the
arithmetic: sampling, implausibility, refocusing and the summary tables.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np
import pandas as pd
from scipy.stats import qmc

from staffsim.errors import InputError, pick_named
from staffsim.experiments.calibration import TARGETS, Target, at_risk, estimate, replications_at
from staffsim.experiments.stats import t_critical
from staffsim.scenario.assumptions import Assumption

#: The targets a fit matches by default: all but the residency contrast, which needs a multi-year cohort experiment.
DEFAULT_TARGETS = tuple(t for t in TARGETS if t.kind != "cohort")
MIN_MARGIN = 0.02  # a refocused box is at least this wide on each side of its points (in the unit cube)


@dataclass(frozen=True)
class FitSpec:
    """What a fit varies, what it matches, and how hard it looks."""

    params: tuple[Assumption, ...]
    targets: tuple[Target, ...] = DEFAULT_TARGETS
    waves: int = 3
    samples: int = 400  # points per wave
    replications: int = 10  # per point
    cutoff: float = 3.0
    expand: float = 0.1
    seed: int = 1

    @property
    def names(self) -> list[str]:
        return [a.path for a in self.params]


def check(spec: FitSpec) -> None:
    """Every problem with a fit's settings at once (`InputError`)."""
    problems = []
    if not spec.params:
        problems.append("--param: no parameter to fit")
    if not spec.targets:
        problems.append("--target: no target to match")
    cohort = [t.key for t in spec.targets if t.kind == "cohort"]
    if cohort:
        problems.append(f"--target: {', '.join(cohort)} needs the cohort experiment, which a fit does not run")
    if spec.replications < 2:
        problems.append(f"-n: a fit needs at least 2 replications per point (a simulation variance); found {spec.replications}")
    if spec.samples < 2:
        problems.append(f"--samples: at least 2 points per wave; found {spec.samples}")
    if not spec.cutoff > 0:
        problems.append(f"--cutoff: must be above 0; found {spec.cutoff}")
    if spec.waves < 1:
        problems.append(f"--waves: at least 1; found {spec.waves}")
    if problems:
        raise InputError("calibrate --fit", problems)


def targets_by_key(keys: Sequence[str] | None) -> tuple[Target, ...]:
    """The named targets of `calibration.TARGETS` (all but the cohort one when None); unknown keys are an error."""
    if keys is None:
        return DEFAULT_TARGETS
    return pick_named({t.key: t for t in TARGETS}, keys, "--target", "target")


def target_records(targets: Sequence[Target]) -> list[dict]:
    """The targets as a manifest records them: key, value and band (synthetic targets keep their own)."""
    return [{"key": t.key, "value": t.value, "low": t.low, "high": t.high} for t in targets]


def targets_from_records(records: Sequence[dict]) -> tuple[Target, ...]:
    known = {t.key: t for t in TARGETS}
    return tuple(replace(known[r["key"]], value=r["value"], low=r["low"], high=r["high"]) for r in records)


# ------------------------------------------------------------------------------ sampling and refocusing

def wave_unit(spec: FitSpec, wave: int, box: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """(samples, parameters) Latin-hypercube points in `box` of the unit cube, seeded by (seed, wave)."""
    lo, hi = box
    u = qmc.LatinHypercube(d=len(spec.params), seed=np.random.default_rng([spec.seed, wave])).random(spec.samples)
    return lo + u * (hi - lo)


def refocus(unit: np.ndarray, expand: float) -> tuple[np.ndarray, np.ndarray]:
    """The box of accepted points (unit cube), widened by `expand` of its width (at least `MIN_MARGIN`) each side."""
    lo, hi = unit.min(axis=0), unit.max(axis=0)
    margin = np.maximum(expand * (hi - lo), MIN_MARGIN)
    return np.clip(lo - margin, 0.0, 1.0), np.clip(hi + margin, 0.0, 1.0)


def values_frame(spec: FitSpec, unit: np.ndarray, first_point: int = 0) -> pd.DataFrame:
    """point, then each parameter's value at each unit-cube point."""
    df = pd.DataFrame({a.path: a.value(unit[:, j]) for j, a in enumerate(spec.params)})
    df.insert(0, "point", np.arange(first_point, first_point + len(df)))
    return df


def unit_of(spec: FitSpec, values: pd.DataFrame) -> np.ndarray:
    """Where points (a values frame) lie in the unit cube."""
    return np.column_stack([a.unit(values[a.path].to_numpy(float)) for a in spec.params])


# ------------------------------------------------------------------------------ implausibility

def target_sd(t: Target) -> float:
    """The target's standard deviation: a quarter of its tolerance band (the band read as +-2 sd)."""
    return (t.high - t.low) / 4


def implausibility(t: Target, est: float, lo: float, hi: float, n: int, people: float = float("nan")) -> float:
    """|estimate - target| / sqrt(target variance + the estimate's variance); NaN when it cannot be estimated.

    The estimate's variance is its standard error squared, read off its interval
    over `n` replications. A pooled rate over `people` is at least as variable as
    a binomial share at the target's rate, p (1 - p) / people: with few people at
    risk and no event in any replication the interval alone would claim certainty.
    """
    if not math.isfinite(est):
        return float("nan")
    se = (hi - lo) / (2 * float(t_critical(n - 1))) if n >= 2 and math.isfinite(hi - lo) else 0.0
    var = se ** 2
    if math.isfinite(people) and people > 0 and 0 < t.value < 1:
        var = max(var, t.value * (1 - t.value) / people)
    return abs(est - t.value) / math.sqrt(target_sd(t) ** 2 + var)


def evaluate_points(tables: dict[str, pd.DataFrame], points: Sequence[int], n: int, seed: int,
                    targets: Sequence[Target]) -> pd.DataFrame:
    """Per point: each target's estimate (`sim_<key>`) and implausibility (`I_<key>`), and `max_I` (NaNs ignored)."""
    groups = {name: dict(tuple(df.groupby("point"))) if not df.empty else {} for name, df in tables.items()}
    empty = pd.DataFrame(columns=["point", "replication"])
    rows = []
    for p in points:
        part = {name: g.get(p, empty) for name, g in groups.items()}
        data = replications_at(part["cohort_counts"], part["metrics"], part["burnout"], p, n, seed)
        row: dict[str, float] = {"point": p}
        for t in targets:
            est, lo, hi = estimate(t, data)
            row[f"sim_{t.key}"] = est
            row[f"I_{t.key}"] = implausibility(t, est, lo, hi, n, at_risk(t, data))
        rows.append(row)
    out = pd.DataFrame(rows)
    i_cols = [f"I_{t.key}" for t in targets]
    out["max_I"] = out[i_cols].max(axis=1, skipna=True)
    return out


# ------------------------------------------------------------------------------ summary tables

def ensemble_table(points: pd.DataFrame, spec: FitSpec) -> pd.DataFrame:
    """The accepted parameter sets of the last wave that accepted any: member, wave, point, values, max_I."""
    acc = points[points["accepted"]]
    if acc.empty:
        return pd.DataFrame(columns=["member", "wave", "point", *spec.names, "max_I"])
    last = acc[acc["wave"] == acc["wave"].max()]
    out = last[["wave", "point", *spec.names, "max_I"]].reset_index(drop=True)
    out.insert(0, "member", np.arange(len(out)))
    return out


def targets_table(points: pd.DataFrame, spec: FitSpec, ensemble: pd.DataFrame) -> pd.DataFrame:
    """Each target against the ensemble: published value and band, the scenario's own estimate (its defaults),
    the ensemble's lowest, median and highest estimate, and the share of the last wave's points it rules out."""
    last = points[(points["wave"] == points["wave"].max()) & ~points["default"]]
    members = points.merge(ensemble[["wave", "point"]], on=["wave", "point"]) if not ensemble.empty else points.iloc[:0]
    default = points[points["default"]]
    rows = []
    for t in spec.targets:
        sim = members[f"sim_{t.key}"]
        rows.append({
            "target": t.key, "label": t.label, "unit": t.unit, "value": t.value, "low": t.low, "high": t.high,
            "default": float(default[f"sim_{t.key}"].iloc[0]) if not default.empty else np.nan,
            "default_I": float(default[f"I_{t.key}"].iloc[0]) if not default.empty else np.nan,
            "ensemble_low": float(sim.min()) if len(sim) else np.nan,
            "ensemble_median": float(sim.median()) if len(sim) else np.nan,
            "ensemble_high": float(sim.max()) if len(sim) else np.nan,
            "ruled_out_share": float((last[f"I_{t.key}"] >= spec.cutoff).mean()) if len(last) else np.nan,
            "source": t.source,
        })
    return pd.DataFrame(rows)


def ranges_table(points: pd.DataFrame, spec: FitSpec, ensemble: pd.DataFrame) -> pd.DataFrame:
    """Each parameter: its plausible range, the scenario's value, and the ensemble's range (how far calibration narrowed it)."""
    default = points[points["default"]]
    rows = []
    for a in spec.params:
        v = ensemble[a.path] if not ensemble.empty else pd.Series(dtype=float)
        lo, hi = (float(v.min()), float(v.max())) if len(v) else (np.nan, np.nan)
        rows.append({"parameter": a.path, "low": a.low, "high": a.high, "distribution": a.distribution,
                     "default": float(default[a.path].iloc[0]) if not default.empty else np.nan,
                     "ensemble_low": lo, "ensemble_high": hi,
                     "kept_share": float(a.unit(hi) - a.unit(lo)) if len(v) else 0.0})
    return pd.DataFrame(rows).sort_values("kept_share", kind="stable").reset_index(drop=True)


def ruled_out_everything(targets: pd.DataFrame) -> list[str]:
    """The targets no point of the last wave met (each alone rules out every point), most restrictive first."""
    t = targets.sort_values("ruled_out_share", ascending=False)
    return [str(k) for k, s in zip(t["target"], t["ruled_out_share"]) if s >= 1.0]
