"""Confidence intervals and paired comparisons over replications.

Every interval of a mean is one t interval (`t_half_width`): mean +- t x sd / sqrt(n),
with t the (1 + level) / 2 quantile of Student's t with n - 1 degrees of
freedom (`scipy.stats.t`). `t_interval` takes the values, `interval_from_moments`
running sums (a run summarised part by part), `ratio_interval` a ratio of sums
(the delta method).

The rule for fewer than two values (written once, in `small_n_rule`): with no
value the mean and the interval are NaN; with one value the mean is that value
and the interval has zero width (low = high = mean), since there is no spread
to estimate. Summaries carry `n`, so such rows stay recognisable, and
`precision_warnings` skips them.

Comparisons between designs are *paired* by replication: replication r of
every design ran on the same random streams, so the per-replication difference
cancels the shared noise and its interval is narrower than an unpaired one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

KEY = ["scenario", "point"]


def t_critical(dof: np.ndarray | float, level: float = 0.95) -> np.ndarray:
    """The two-sided critical value of Student's t at `level` for `dof` degrees of freedom."""
    return sps.t.ppf(0.5 + level / 2, dof)


def small_n_rule(half: np.ndarray | float, n: np.ndarray | float) -> np.ndarray:
    """The n < 2 rule for a half-width computed as if n >= 2: 0 for n = 1, NaN for n = 0."""
    n = np.asarray(n, dtype=float)
    return np.where(n >= 2, half, np.where(n == 1, 0.0, np.nan))


def t_half_width(sd: np.ndarray | float, n: np.ndarray | float, level: float = 0.95) -> np.ndarray:
    """Half-width t x sd / sqrt(n) of the interval of a mean of `n` values with sample sd `sd`.

    Vectorised over `sd` and `n`; for n < 2 see `small_n_rule` (`sd` is then ignored).
    """
    m = np.maximum(np.asarray(n, dtype=float), 2.0)
    sd = np.where(np.asarray(n) >= 2, sd, 0.0)
    return small_n_rule(t_critical(m - 1, level) * sd / np.sqrt(m), n)


def t_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high) of the t interval of the mean of `values`; NaNs ignored (n < 2: see the module)."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if len(v) == 0:
        return (float("nan"),) * 3
    m = float(v.mean())
    half = float(t_half_width(v.std(ddof=1) if len(v) > 1 else 0.0, len(v), level))
    return m, m - half, m + half


def interval_from_moments(n: np.ndarray, total: np.ndarray, total_sq: np.ndarray, level: float = 0.95):
    """Vectorized t intervals from running sums (n, Σx, Σx²): returns mean, sd, low, high."""
    n = np.asarray(n, dtype=float)
    mean = np.divide(total, n, out=np.full_like(n, np.nan), where=n > 0)
    var = np.divide(total_sq - n * mean**2, n - 1, out=np.zeros_like(n), where=n > 1)
    sd = np.sqrt(np.maximum(var, 0.0))
    half = t_half_width(sd, n, level)
    return mean, sd, mean - half, mean + half


def ratio_interval(num: np.ndarray, den: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Pooled ratio r = sum(num) / sum(den) over replications, with its delta-method t interval.

    Standard error sqrt(sum((num - r den)^2) / (n (n - 1))) / mean(den), the t
    critical value of `t_critical` and the n < 2 rule of `small_n_rule`; NaN
    throughout when sum(den) <= 0.
    """
    num, den = np.asarray(num, float), np.asarray(den, float)
    n = len(num)
    if den.sum() <= 0:
        return float("nan"), float("nan"), float("nan")
    r = num.sum() / den.sum()
    m = max(n, 2)
    se = math.sqrt(((num - r * den) ** 2).sum() / (m * (m - 1))) / den.mean()
    half = float(small_n_rule(t_critical(m - 1, level) * se, n))
    return r, r - half, r + half


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
    half = float(t_critical(dof, level) * se)
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
