"""Calibration: the published targets of DESIGN.md §5 next to what a scenario simulates.

`calibrate(scenario, replications, years, seed)` runs the scenario and returns
one row per target: the published figure, the simulated estimate with its 95 %
confidence interval, whether the estimate lies within the target's tolerance,
and the source. Rates are pooled over replications (sum of events / sum of
people at risk) with a delta-method interval over replications; per-replication
metrics (hours, absence days) use a t interval of the mean.

The residency contrast (82 % vs 72 % of novices still in the district, IES/NCEE
2015-4015) needs residency graduates, which a traditional school has none of.
It is checked by a cohort experiment on the same scenario: every initial staff
member is made an early-career teacher and half are flagged as residency
graduates; after `cohort_years` years the log-survival ratio
ln S_graduates / ln S_others is compared with ln 0.82 / ln 0.72 = 0.60, which is
the same at every horizon under proportional hazards. staffsim models one
school, so "still in the district" is read as "still in the same position".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
from scipy import stats

from staffsim.metrics import workforce as wf
from staffsim.scenario.schema import Scenario
from staffsim.engine.ledger import Ledger
from staffsim.metrics.time_use import compute_metrics
from staffsim.engine.simulate import simulate
from staffsim.engine.streams import replication_seed


@dataclass(frozen=True)
class Target:
    """One published figure and how to read it off simulated replications."""

    key: str
    label: str
    value: float  # the published figure (midpoint of a range)
    low: float  # tolerance band the baseline must land in
    high: float
    unit: str
    source: str
    kind: str  # "ratio": pooled counts cohort_counts[key]; "mean": per-replication metric; "burnout"; "cohort"
    metric: str = ""
    published: str = ""  # how the figure is printed (defaults to the value)


def _pct(v: float) -> str:
    return f"{100 * v:.1f} %"


NCES = "NCES Teacher Follow-up Survey 2012-13, table 2"
_BANDS = (("exp_1_3", "1-3"), ("exp_4_9", "4-9"), ("exp_10_19", "10-19"), ("exp_20_plus", "20+"))
_MOVERS = (0.125, 0.117, 0.056, 0.054)
_LEAVERS = (0.071, 0.068, 0.059, 0.114)


def _targets() -> list[Target]:
    t = [
        Target("turnover", "teacher turnover (movers + leavers)", 0.158, 0.13, 0.19, "share", NCES, "ratio"),
        Target("move", "movers", 0.081, 0.06, 0.10, "share", NCES, "ratio"),
        Target("leave", "leavers", 0.077, 0.055, 0.10, "share", NCES, "ratio"),
    ]
    for i, (b, label) in enumerate(_BANDS):
        total = _MOVERS[i] + _LEAVERS[i]
        t.append(Target(f"turnover_{b}", f"turnover, {label} years of experience", total,
                        total - 0.045, total + 0.045, "share", NCES, "ratio"))
    for i, (b, label) in enumerate(_BANDS):
        t.append(Target(f"move_{b}", f"movers, {label} years", _MOVERS[i], _MOVERS[i] - 0.04, _MOVERS[i] + 0.04,
                        "share", NCES, "ratio"))
        t.append(Target(f"leave_{b}", f"leavers, {label} years", _LEAVERS[i], _LEAVERS[i] - 0.04, _LEAVERS[i] + 0.04,
                        "share", NCES, "ratio"))
    t += [
        Target("midyear_exp_1_3", "early-career departures during the year", 0.06, 0.035, 0.085, "share",
               "Redding & Henry 2019, AERJ 56(1)", "ratio"),
        Target("absence", "absence days per staff member", 11.0, 9.5, 12.5, "days",
               "NCTQ Roll Call 2014 (of a 186-day year)", "mean", "absence_days_per_staff"),
        Target("total_hours", "teachers' total hours per week", 52.0, 50.0, 54.0, "h",
               "NCES NTPS 2020-21", "mean", "total_work_hours_per_week"),
        Target("teaching_hours", "teaching hours per week", 25.2, 23.5, 27.0, "h",
               "NCES NTPS 2020-21", "mean", "teaching_hours_per_week"),
        Target("planning_hours", "contracted planning hours per week", 3.75, 3.5, 4.0, "h",
               "NCTQ contract database 2016-17", "mean", "scheduled_planning_hours_per_week"),
        Target("burnout", "teachers burned out at year end", 0.565, 0.50, 0.63, "share",
               "RAND State of the American Teacher 2024-2025 (53-60 %)", "burnout", published="53-60 %"),
        Target("residency", "residency graduates' exit hazard / other novices'", math.log(0.82) / math.log(0.72),
               0.45, 0.75, "ratio", "IES/NCEE 2015-4015: 82 % vs 72 % still in district", "cohort",
               published="0.60 (82 vs 72 %)"),
    ]
    return t


TARGETS: tuple[Target, ...] = tuple(_targets())


def ratio_ci(num: np.ndarray, den: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Pooled ratio sum(num)/sum(den) over replications, with a delta-method confidence interval."""
    num, den = np.asarray(num, float), np.asarray(den, float)
    n = len(num)
    if den.sum() <= 0:
        return float("nan"), float("nan"), float("nan")
    r = num.sum() / den.sum()
    if n < 2:
        return r, float("nan"), float("nan")
    resid = num - r * den
    se = math.sqrt((resid ** 2).sum() / (n * (n - 1))) / den.mean()
    h = stats.t.ppf(0.5 + level / 2, n - 1) * se
    return r, r - h, r + h


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean with a t confidence interval (NaN values dropped)."""
    v = np.asarray(values, float)
    v = v[~np.isnan(v)]
    n = len(v)
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    m = float(v.mean())
    if n < 2:
        return m, float("nan"), float("nan")
    h = stats.t.ppf(0.5 + level / 2, n - 1) * v.std(ddof=1) / math.sqrt(n)
    return m, m - h, m + h


def _replications(scenario: Scenario, n: int, years: int, seed: int,
                  progress: Callable[[int], None] | None = None) -> list[Ledger]:
    out = []
    for r in range(n):
        out.append(simulate(scenario, replication_seed(seed, r), years))
        if progress:
            progress(r + 1)
    return out


def cohort_scenario(scenario: Scenario, graduate_share: float = 0.5) -> Scenario:
    """The scenario with an all-early-career initial staff, `graduate_share` of them residency graduates."""
    x = scenario.workforce.experience.model_copy(
        update={"initial_shares": (1.0, 0.0, 0.0, 0.0), "initial_graduate_share": graduate_share}
    )
    w = scenario.workforce.model_copy(update={"experience": x})
    return scenario.model_copy(update={"workforce": w})


def cohort_survival(ledgers: list[Ledger]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per replication: (graduates at start, graduates still in post, others at start, others still in post).

    Counts teachers in post at the start of the run; "still in post" means in the
    same position at the end of the last year.
    """
    g0, g1, o0, o1 = [], [], [], []
    for L in ledgers:
        oc = np.asarray(L.extra["outcome"])
        grad = np.asarray(L.extra["graduate"])[0]
        teach = (oc[0] >= 0) & np.isin(L.staff_category, (wf.LEADER, wf.TEACHER))
        kept = (oc == wf.STAY).all(axis=0)
        g0.append((teach & grad).sum())
        g1.append((teach & grad & kept).sum())
        o0.append((teach & ~grad).sum())
        o1.append((teach & ~grad & kept).sum())
    return tuple(np.array(a, dtype=float) for a in (g0, g1, o0, o1))  # type: ignore[return-value]


def log_survival_ratio(g0, g1, o0, o1) -> float:
    sg, so = g1.sum() / g0.sum(), o1.sum() / o0.sum()
    if not (0 < sg < 1 and 0 < so < 1):
        return float("nan")
    return math.log(sg) / math.log(so)


def calibrate(scenario: Scenario, replications: int = 200, years: int = 1, seed: int = 1,
              cohort_years: int = 4, cohort_replications: int | None = None,
              progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """The calibration table of `scenario`: one row per target of DESIGN.md §5."""
    ledgers = _replications(scenario, replications, years, seed, progress)
    counts = [wf.cohort_counts(L) for L in ledgers]
    mets = [compute_metrics(L) for L in ledgers]
    burn = np.array([wf.burnout_counts(L)[:2] for L in ledgers])
    cohort = None
    if cohort_years > 0:
        n_c = cohort_replications or replications
        cl = _replications(cohort_scenario(scenario), n_c, cohort_years, seed + 7919)
        cohort = cohort_survival(cl)
    rows = []
    for t in TARGETS:
        if t.kind == "ratio":
            num = np.array([c.get(t.key, (0, 0))[0] for c in counts])
            den = np.array([c.get(t.key, (0, 0))[1] for c in counts])
            est, lo, hi = ratio_ci(num, den)
        elif t.kind == "mean":
            est, lo, hi = mean_ci(np.array([m.get(t.metric, np.nan) for m in mets]))
        elif t.kind == "burnout":
            est, lo, hi = ratio_ci(burn[:, 0], burn[:, 1])
        else:
            if cohort is None:
                continue
            est = log_survival_ratio(*cohort)
            rng = np.random.default_rng(seed)
            n_c = len(cohort[0])
            boot = []
            for _ in range(400):
                i = rng.integers(0, n_c, n_c)
                boot.append(log_survival_ratio(*(a[i] for a in cohort)))
            boot = np.array(boot)
            boot = boot[~np.isnan(boot)]
            lo, hi = (np.percentile(boot, [2.5, 97.5]) if len(boot) else (np.nan, np.nan))
        rows.append({
            "target": t.key, "label": t.label, "unit": t.unit,
            "published": t.published or (_pct(t.value) if t.unit == "share" else f"{t.value:g}"),
            "value": t.value, "low": t.low, "high": t.high,
            "simulated": est, "ci_low": float(lo), "ci_high": float(hi),
            "within": bool(t.low <= est <= t.high) if not math.isnan(est) else False,
            "source": t.source,
        })
    df = pd.DataFrame(rows)
    df.attrs.update(replications=replications, years=years, seed=seed, cohort_years=cohort_years,
                    scenario=scenario.name)
    if cohort is not None:
        df.attrs["cohort_survival"] = (float(cohort[1].sum() / cohort[0].sum()), float(cohort[3].sum() / cohort[2].sum()))
    return df


def format_table(df: pd.DataFrame) -> str:
    """The calibration table as aligned text (what `staffsim calibrate` prints)."""

    def fmt(v: float, unit: str) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return "-"
        return _pct(v) if unit == "share" else f"{v:.2f}"

    lines = []
    head = ("target", "published", "simulated", "95 % CI", "ok", "source")
    body = []
    for r in df.itertuples():
        ci = f"{fmt(r.ci_low, r.unit)} - {fmt(r.ci_high, r.unit)}"
        body.append((r.label, r.published, fmt(r.simulated, r.unit), ci, "yes" if r.within else "NO", r.source))
    widths = [max(len(str(x[i])) for x in [head] + body) for i in range(len(head))]
    a = df.attrs
    lines.append(f"calibration of {a.get('scenario', '?')}: {a.get('replications')} replications x "
                 f"{a.get('years')} year(s), seed {a.get('seed')}")
    lines.append("  ".join(str(h).ljust(w) for h, w in zip(head, widths)))
    lines.append("  ".join("-" * w for w in widths))
    for row in body:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))
    if "cohort_survival" in a:
        sg, so = a["cohort_survival"]
        lines.append(f"cohort experiment ({a['cohort_years']} years, early-career staff, half residency graduates): "
                     f"{_pct(sg)} of graduates vs {_pct(so)} of other novices still in post")
    lines.append("ok: the estimate lies within the target's tolerance band (see docs/model.md, Calibration)")
    return "\n".join(lines)
