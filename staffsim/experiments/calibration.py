"""Calibration: the published targets (docs/model.md §3.1, §4.3) next to what a scenario simulates.

`calibrate(scenario, replications, years, seed)` runs the scenario and returns
one row per target: the published figure, the simulated estimate with its 95 %
confidence interval, whether the estimate lies within the target's tolerance,
and the source. Rates are pooled over replications (sum of events / sum of
people at risk) with a delta-method interval over replications
(`stats.ratio_interval`); per-replication metrics (hours, absence days) use a
t interval of the mean (`stats.t_interval`).

The residency contrast (82 % vs 72 % of novices still in the district, IES/NCEE
2015-4015) needs residency graduates, which a traditional school has none of.
It is checked by a cohort experiment on the same scenario: every initial staff
member is made an early-career teacher and half are flagged as residency
graduates; after `cohort_years` years the log-survival ratio
ln S_graduates / ln S_others is compared with ln 0.82 / ln 0.72 = 0.60, which is
the same at every horizon under proportional hazards. staffsim models one
school, so "still in the district" is read as "still in the same position".

The BTLS mentoring pair (8 % vs 16 % of first-year teachers with and without a
mentor not teaching the next year, NCES 2011-318) is checked by two one-year
variants of the same cohort, mentoring provided and not (`mentoring_cohort`).

All run through the runner as one "calibrate" run folder: the scenario is
variant 0 (point 0), the cohort experiment variant 1 (point 1, its own seed
`seed + COHORT_SEED_OFFSET`, years and replications), the mentoring pair
variants 2 and 3 (one year, the cohort's seed and replications). Besides the metrics the
runner stores per replication the counts behind the rates (`TABLES`), and
`calibration_table` aggregates them from the stored parts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from staffsim.experiments import runs, store
from staffsim.experiments.mentoring_cohort import (MENTORED_POINT, NOVICE_COLUMNS, UNMENTORED_POINT,
                                                   mentoring_scenario)
from staffsim.experiments.runner import RunOptions, Variant
from staffsim.experiments.stats import ratio_interval, t_interval
from staffsim.metrics import workforce as wf
from staffsim.scenario.schema import Scenario
from staffsim.engine.ledger import Ledger

#: The cohort experiment's base seed is the run's seed plus this (its streams differ from the scenario's).
COHORT_SEED_OFFSET = 7919
#: Bootstrap resamples of the residency interval (drawn with numpy's default_rng(seed)).
BOOTSTRAP = 400


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
BTLS = "NCES BTLS 2011-318 (first-year mentor: 8 % vs 16 % not teaching the next year)"
#: Targets read off the mentoring pair: key -> run-folder point.
MENTORING_POINTS = {"mentored": MENTORED_POINT, "unmentored": UNMENTORED_POINT}
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
        Target("mentored", "first-year teachers with a mentor leaving teaching", 0.08, 0.06, 0.10, "share",
               BTLS, "cohort"),
        Target("unmentored", "first-year teachers without a mentor leaving teaching", 0.16, 0.13, 0.19, "share",
               BTLS, "cohort"),
    ]
    return t


TARGETS: tuple[Target, ...] = tuple(_targets())


# --------------------------------------------------------------- per-replication tables (run in workers)

SURVIVAL = ["graduates", "graduates_kept", "others", "others_kept"]


def turnover_counts(ledger: Ledger) -> pd.DataFrame:
    """The counts behind each turnover rate (`workforce.cohort_counts`): rate, numerator, denominator."""
    c = wf.cohort_counts(ledger)
    return pd.DataFrame({"rate": list(c), "numerator": [v[0] for v in c.values()],
                         "denominator": [v[1] for v in c.values()]})


def burnout_table(ledger: Ledger) -> pd.DataFrame:
    """Teachers burned out and teachers in post at year end (`workforce.burnout_counts`), one row."""
    burned, teachers, _ = wf.burnout_counts(ledger)
    return pd.DataFrame({"burned_out": [burned], "teachers": [teachers]})


def survival_table(ledger: Ledger) -> pd.DataFrame:
    """Graduates and other teachers in post at the start of the run, and those still in post at its end.

    One row (graduates, graduates_kept, others, others_kept); "still in post" means
    in the same position at the end of the last year. No rows without workforce data.
    """
    x = ledger.extra
    if "outcome" not in x or "graduate" not in x:
        return pd.DataFrame(columns=SURVIVAL)
    oc = np.asarray(x["outcome"])
    grad = np.asarray(x["graduate"])[0]
    teach = (oc[0] >= 0) & np.isin(ledger.staff_category, (wf.LEADER, wf.TEACHER))
    kept = (oc == wf.STAY).all(axis=0)
    counts = [(teach & grad).sum(), (teach & grad & kept).sum(), (teach & ~grad).sum(), (teach & ~grad & kept).sum()]
    return pd.DataFrame([np.array(counts, dtype=float)], columns=SURVIVAL)


#: The extra tables of a calibrate run: name -> per-replication function (see `runner`).
TABLES = {
    "cohort_counts": f"{__name__}:turnover_counts",
    "burnout": f"{__name__}:burnout_table",
    "cohort_survival": f"{__name__}:survival_table",
    "novices": "staffsim.experiments.mentoring_cohort:novice_table",
}


# --------------------------------------------------------------- running

def cohort_scenario(scenario: Scenario, graduate_share: float = 0.5) -> Scenario:
    """The scenario with an all-early-career initial staff, `graduate_share` of them residency graduates."""
    x = scenario.workforce.experience.model_copy(
        update={"initial_shares": (1.0, 0.0, 0.0, 0.0), "initial_graduate_share": graduate_share}
    )
    w = scenario.workforce.model_copy(update={"experience": x})
    return scenario.model_copy(update={"workforce": w})


def calibration_variants(scenario: Scenario, seed: int, cohort_years: int, cohort_replications: int) -> list[Variant]:
    """The scenario (point 0) and, unless `cohort_years` is 0, its cohort experiment (point 1) and mentoring pair."""
    out = [Variant(scenario.name, 0, scenario.model_dump_json())]
    if cohort_years > 0:
        out.append(Variant(f"{scenario.name}-cohort", 1, cohort_scenario(scenario).model_dump_json(),
                           seed=seed + COHORT_SEED_OFFSET, years=cohort_years, replications=cohort_replications))
        novices = cohort_scenario(scenario, graduate_share=0.0)
        for point, provided, label in ((MENTORED_POINT, True, "mentored"), (UNMENTORED_POINT, False, "unmentored")):
            body = mentoring_scenario(novices, provided).model_dump_json()
            out.append(Variant(f"{scenario.name}-{label}", point, body, seed=seed + COHORT_SEED_OFFSET, years=1,
                               replications=cohort_replications))
    return out


def calibrate(scenario: Scenario, replications: int = 200, years: int = 1, seed: int = 1,
              cohort_years: int = 4, cohort_replications: int | None = None, run_dir: Path | None = None,
              workers: int = 1, backend: str = "serial",
              progress: Callable[[int, int, int], None] | None = None) -> pd.DataFrame:
    """The calibration table of `scenario`: one row per target (see the module).

    Runs in `run_dir` (a new "calibrate" run folder; a temporary one when None)
    on `backend` with `workers`; the numbers do not depend on either.
    """
    n_cohort = cohort_replications or replications
    opts = RunOptions(replications=replications, seed=seed, years=years, workers=workers, backend=backend,
                      staff_weeks=False, yearly=False, tables=dict(TABLES))
    variants = calibration_variants(scenario, seed, cohort_years, n_cohort)
    extra = {"cohort_years": cohort_years, "cohort_replications": n_cohort}
    return runs.run_in("calibrate", variants, opts, calibration_table, run_dir, extra, progress)


# --------------------------------------------------------------- aggregating the stored parts

def _pivot(df: pd.DataFrame, point: int, n: int, column: str, values: str) -> pd.DataFrame:
    """One variant's tidy rows as replication x `column`; replications 0..n-1 in order (the order sums run in)."""
    if df.empty:
        return pd.DataFrame(index=range(n))
    return df[df["point"] == point].pivot(index="replication", columns=column, values=values).reindex(range(n))


def _rows(df: pd.DataFrame, point: int, n: int) -> pd.DataFrame:
    """One variant's rows (one per replication), replications 0..n-1 in order."""
    if df.empty:
        return pd.DataFrame(index=range(n))
    return df[df["point"] == point].set_index("replication").reindex(range(n))


def _column(frame: pd.DataFrame, name: str, missing: float) -> np.ndarray:
    """A column as floats, `missing` where a replication has no entry (a count it did not report)."""
    if name not in frame:
        return np.full(len(frame), missing)
    col = frame[name].to_numpy(dtype=float)
    return np.where(np.isnan(col), missing, col)


def log_survival_ratio(g0, g1, o0, o1) -> float:
    """ln S_graduates / ln S_others of pooled survival S = kept / at start; NaN unless both lie in (0, 1)."""
    sg, so = g1.sum() / g0.sum(), o1.sum() / o0.sum()
    if not (0 < sg < 1 and 0 < so < 1):
        return float("nan")
    return math.log(sg) / math.log(so)


def _bootstrap_interval(cohort: tuple[np.ndarray, ...], seed: int) -> tuple[float, float]:
    """2.5 and 97.5 percentiles of `log_survival_ratio` over replications resampled with replacement."""
    rng = np.random.default_rng(seed)
    n_c = len(cohort[0])
    boot = []
    for _ in range(BOOTSTRAP):
        i = rng.integers(0, n_c, n_c)
        boot.append(log_survival_ratio(*(a[i] for a in cohort)))
    boot = np.array(boot)
    boot = boot[~np.isnan(boot)]
    return tuple(np.percentile(boot, [2.5, 97.5])) if len(boot) else (np.nan, np.nan)


@dataclass(frozen=True)
class _Replications:
    """What the estimates are read from: per replication of the scenario (and of the cohort experiment)."""

    numerators: pd.DataFrame  # replication x rate
    denominators: pd.DataFrame
    metrics: pd.DataFrame  # replication x metric
    burnout: pd.DataFrame  # burned_out, teachers
    cohort: tuple[np.ndarray, ...] | None  # graduates, graduates_kept, others, others_kept
    seed: int
    novices: dict[str, tuple[np.ndarray, np.ndarray]] | None = None  # mentoring target -> (left, first-year)


def replications_at(counts: pd.DataFrame, metrics: pd.DataFrame, burnout: pd.DataFrame, point: int, n: int,
                    seed: int, cohort: tuple[np.ndarray, ...] | None = None) -> _Replications:
    """What one variant's (point's) estimates are read from: its rows of the stored tables, replications 0..n-1."""
    return _Replications(
        numerators=_pivot(counts, point, n, "rate", "numerator"),
        denominators=_pivot(counts, point, n, "rate", "denominator"),
        metrics=_pivot(metrics, point, n, "metric", "value"),
        burnout=_rows(burnout, point, n),
        cohort=cohort, seed=seed,
    )


def _read(run_dir: Path, manifest: dict) -> _Replications:
    n = int(manifest["replications"])
    cohort = novices = None
    if int(manifest["cohort_years"]) > 0:
        n_c = int(manifest["cohort_replications"])
        surv = _rows(store.read_table(run_dir, "cohort_survival"), 1, n_c)
        cohort = tuple(_column(surv, c, 0.0) for c in SURVIVAL)
        table = store.read_table(run_dir, "novices")
        if not table.empty and set(MENTORING_POINTS.values()) <= set(table["point"]):
            novices = {}
            for key, point in MENTORING_POINTS.items():
                rows = _rows(table, point, n_c)
                novices[key] = tuple(_column(rows, c, 0.0) for c in reversed(NOVICE_COLUMNS))
    data = replications_at(store.read_table(run_dir, "cohort_counts"), store.read_table(run_dir, "metrics"),
                           store.read_table(run_dir, "burnout"), 0, n, int(manifest["seed"]), cohort)
    return replace(data, novices=novices)


def estimate(t: Target, data: _Replications) -> tuple[float, float, float] | None:
    """(estimate, ci_low, ci_high) of one target; None for the residency target without a cohort experiment."""
    if t.kind == "ratio":
        return ratio_interval(_column(data.numerators, t.key, 0.0), _column(data.denominators, t.key, 0.0))
    if t.kind == "mean":
        return t_interval(_column(data.metrics, t.metric, np.nan))
    if t.kind == "burnout":
        return ratio_interval(_column(data.burnout, "burned_out", 0.0), _column(data.burnout, "teachers", 0.0))
    if t.key in MENTORING_POINTS:
        return None if data.novices is None else ratio_interval(*data.novices[t.key])
    if data.cohort is None:
        return None
    return (log_survival_ratio(*data.cohort), *_bootstrap_interval(data.cohort, data.seed))


def at_risk(t: Target, data: _Replications) -> float:
    """The people a pooled-rate target's estimate is over (its denominators summed); NaN for other targets."""
    if t.kind == "ratio":
        return float(_column(data.denominators, t.key, 0.0).sum())
    if t.kind == "burnout":
        return float(_column(data.burnout, "teachers", 0.0).sum())
    return float("nan")


def calibration_table(run_dir: Path) -> pd.DataFrame:
    """The calibration table of a "calibrate" run folder, from its stored parts (see the module).

    One row per target: target, label, unit, published, value, low, high,
    simulated, ci_low, ci_high, within, source. `attrs` say what was run, and
    the cohort experiment's pooled survival of graduates and of other novices.
    """
    manifest = store.read_manifest(run_dir)
    data = _read(run_dir, manifest)
    rows = []
    for t in TARGETS:
        e = estimate(t, data)
        if e is None:
            continue
        est, lo, hi = e
        rows.append({
            "target": t.key, "label": t.label, "unit": t.unit,
            "published": t.published or (_pct(t.value) if t.unit == "share" else f"{t.value:g}"),
            "value": t.value, "low": t.low, "high": t.high,
            "simulated": est, "ci_low": float(lo), "ci_high": float(hi),
            "within": bool(t.low <= est <= t.high) if not math.isnan(est) else False,
            "source": t.source,
        })
    df = pd.DataFrame(rows)
    df.attrs.update(replications=int(manifest["replications"]), years=int(manifest["years"]), seed=data.seed,
                    cohort_years=int(manifest["cohort_years"]), scenario=runs.load_variants(run_dir)[0].label)
    if data.cohort is not None:
        g0, g1, o0, o1 = data.cohort
        df.attrs["cohort_survival"] = (float(g1.sum() / g0.sum()), float(o1.sum() / o0.sum()))
    if data.novices is not None:
        df.attrs["novices"] = {k: (float(left.sum() / max(n.sum(), 1.0)), float(n.sum()))
                               for k, (left, n) in data.novices.items()}
    return df


def write_calibration(run_dir: Path) -> pd.DataFrame:
    """calibration.parquet/csv in a finished "calibrate" run folder (`runs.finish`)."""
    table = calibration_table(run_dir)
    store.write_frame(run_dir, "calibration", table)
    return table
