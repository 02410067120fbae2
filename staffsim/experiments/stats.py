"""Confidence intervals and paired comparisons over replications.

Means come with t-based 95 % intervals (scipy.stats.t). Comparisons between
designs are *paired* by replication: replication r of every design ran on the
same random streams, so the per-replication difference cancels the shared
noise and its interval is narrower than an unpaired one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

KEY = ["scenario", "point"]


def t_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high) of a t-based interval; NaNs ignored; one value gives a zero-width interval."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    n = len(v)
    if n == 0:
        return (float("nan"),) * 3
    m = float(v.mean())
    if n == 1:
        return m, m, m
    half = float(sps.t.ppf(0.5 + level / 2, n - 1) * v.std(ddof=1) / np.sqrt(n))
    return m, m - half, m + half


def interval_from_moments(n: np.ndarray, total: np.ndarray, total_sq: np.ndarray, level: float = 0.95):
    """Vectorized t intervals from running sums (n, Σx, Σx²): returns mean, sd, low, high."""
    n = np.asarray(n, dtype=float)
    mean = np.divide(total, n, out=np.full_like(n, np.nan), where=n > 0)
    var = np.divide(total_sq - n * mean**2, n - 1, out=np.zeros_like(n), where=n > 1)
    sd = np.sqrt(np.maximum(var, 0.0))
    tq = np.where(n > 1, sps.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1)), 0.0)
    half = np.divide(tq * sd, np.sqrt(n), out=np.zeros_like(n), where=n > 0)
    return mean, sd, mean - half, mean + half


SUMMARY_COLUMNS = ["scenario", "point", "metric", "n", "mean", "sd", "ci_low", "ci_high"]


def moments(metrics: pd.DataFrame) -> pd.DataFrame:
    """Per (scenario, point, metric): n, Σx, Σx². Moments of parts add up, so a run is summarised part by part."""
    m = metrics.dropna(subset=["value"])
    v = m["value"].to_numpy(dtype=float)
    g = m[KEY + ["metric"]].assign(n=1, total=v, total_sq=v * v)
    return g.groupby(KEY + ["metric"], sort=False)[["n", "total", "total_sq"]].sum()


def summary_from_moments(mom: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """The summary table (`SUMMARY_COLUMNS`) from `moments` (possibly added over parts)."""
    if mom.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    mean, sd, lo, hi = interval_from_moments(mom["n"].to_numpy(), mom["total"].to_numpy(), mom["total_sq"].to_numpy(), level)
    out = mom.index.to_frame(index=False)
    out["n"] = mom["n"].to_numpy().astype(int)
    out["mean"], out["sd"], out["ci_low"], out["ci_high"] = mean, sd, lo, hi
    return clip_shares(out)


def summarize(metrics: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Per (scenario, point, metric): n, mean, sd, ci_low, ci_high."""
    return summary_from_moments(moments(metrics), level)


def compare(metrics: pd.DataFrame, order: list[str], level: float = 0.95) -> pd.DataFrame:
    """Each metric for each scenario with its CI, and the paired difference from `order[0]`.

    Columns: metric, scenario, n, mean, ci_low, ci_high, diff, diff_ci_low, diff_ci_high
    (and unpaired_diff_ci_low/high for reference). Pairs are matched by replication.
    """
    wide = metrics.pivot_table(index=["metric", "replication"], columns="scenario", values="value", aggfunc="first")
    base = order[0]
    rows = []
    for metric in pd.unique(metrics["metric"]):
        if metric not in wide.index.get_level_values(0):
            continue
        block = wide.loc[metric]
        for sc in order:
            if sc not in block:
                continue
            x = block[sc].to_numpy(dtype=float)
            m, lo, hi = t_interval(x, level)
            row = {"metric": metric, "scenario": sc, "n": int(np.sum(~np.isnan(x))), "mean": m, "ci_low": lo, "ci_high": hi}
            if base in block:
                b = block[base].to_numpy(dtype=float)
                d, dlo, dhi = t_interval(x - b, level)
                ulo, uhi = welch_interval(x, b, level)
                row.update(diff=d, diff_ci_low=dlo, diff_ci_high=dhi, unpaired_diff_ci_low=ulo, unpaired_diff_ci_high=uhi)
            rows.append(row)
    return clip_shares(pd.DataFrame(rows))


def welch_interval(x: np.ndarray, y: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Unpaired (Welch) interval for mean(x) - mean(y), for showing what pairing buys."""
    x = x[~np.isnan(x)]
    y = y[~np.isnan(y)]
    if len(x) < 2 or len(y) < 2:
        d = float(np.mean(x) - np.mean(y)) if len(x) and len(y) else float("nan")
        return d, d
    vx, vy = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    se = np.sqrt(vx + vy)
    d = float(x.mean() - y.mean())
    if se == 0:
        return d, d
    dof = (vx + vy) ** 2 / (vx**2 / (len(x) - 1) + vy**2 / (len(y) - 1))
    half = float(sps.t.ppf(0.5 + level / 2, dof) * se)
    return d - half, d + half


def clip_shares(df: pd.DataFrame, columns: tuple[str, ...] = ("ci_low", "ci_high")) -> pd.DataFrame:
    """Clip interval ends of shares (registry kind SHARE) to [0, 1]: a t-interval near a bound can cross it."""
    from staffsim.metrics.registry import Kind, kind_of

    shares = df["metric"].map(lambda m: kind_of(m) is Kind.SHARE).to_numpy(dtype=bool)
    if shares.any():
        for c in columns:
            if c in df:
                df.loc[shares, c] = df.loc[shares, c].clip(0.0, 1.0)
    return df


@dataclass(frozen=True)
class PrecisionWarning:
    scenario: str
    metric: str
    relative_half_width: float


def precision_warnings(summary: pd.DataFrame, threshold: float = 0.1) -> list[PrecisionWarning]:
    """Metrics whose CI half-width exceeds `threshold` × |mean| (more replications advised)."""
    out = []
    for r in summary.itertuples(index=False):
        if not np.isfinite(r.mean) or r.mean == 0 or r.n < 2:
            continue
        rel = (r.ci_high - r.ci_low) / 2 / abs(r.mean)
        if rel > threshold:
            out.append(PrecisionWarning(str(r.scenario), str(r.metric), float(rel)))
    return out
