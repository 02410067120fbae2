"""Tidy tables of one replication: its metrics, its staff-weeks, its metrics per year (what a run folder stores)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffsim.engine.ledger import Ledger, split_years
from staffsim.metrics.registry import compute_metrics
from staffsim.metrics.workforce import exhaustion_by_week
from staffsim.scenario.vocabulary import CATEGORY_NAMES, LABELS

#: `ledger.extra` counts that the per-year table adds after the metrics.
YEAR_COUNTS = ("staff_at_start", "midyear_departures", "movers", "leavers", "retirements")

#: The metrics a multi-year run shows year by year (`staffsim run --years N`): is the staff stationary?
YEAR_TABLE_METRICS = (
    "novice_teacher_share",
    "mean_teacher_experience",
    "turnover_rate",
    "burnout_share",
    "absence_days_per_staff",
    "vacancy_days",
    "student_days_without_regular_teacher",
    "cost_per_pupil",
)


def metrics_frame(ledger: Ledger, scenario: str, point: int, replication: int) -> pd.DataFrame:
    """Tidy rows (scenario, point, replication, metric, value) for one replication."""
    m = compute_metrics(ledger)
    return pd.DataFrame(
        {
            "scenario": scenario,
            "point": point,
            "replication": replication,
            "metric": list(m.keys()),
            "value": np.array(list(m.values()), dtype=float),
        }
    )


def staff_weeks_frame(ledger: Ledger, scenario: str, point: int, replication: int) -> pd.DataFrame:
    """Minutes by activity per staff position per week (summed over the week's school days).

    Columns: scenario, point, replication, year, week, staff, role, category,
    days_in_post, one column of minutes per activity, and `exhaustion` (the
    week's mean, NaN where the position stood vacant or nothing was recorded)."""
    L = ledger
    D, S, N = L.minutes.shape
    week_id = L.year * (L.week.max() + 1) + L.week
    n_weeks = int(week_id.max()) + 1
    sums = np.zeros((n_weeks, S, N))
    np.add.at(sums, week_id, L.minutes)
    days_in_post = np.zeros((n_weeks, S))
    np.add.at(days_in_post, week_id, L.filled.astype(float))

    df = pd.DataFrame(sums.reshape(n_weeks * S, N), columns=LABELS)
    weeks_per_year = int(L.week.max()) + 1
    wk = np.repeat(np.arange(n_weeks), S)
    df.insert(0, "days_in_post", days_in_post.reshape(-1))
    df.insert(0, "category", np.tile(np.array(CATEGORY_NAMES)[L.staff_category], n_weeks))
    df.insert(0, "role", np.tile(np.array(L.staff_role), n_weeks))
    df.insert(0, "staff", np.tile(np.array(L.staff_labels), n_weeks))
    df.insert(0, "week", wk % weeks_per_year)
    df.insert(0, "year", wk // weeks_per_year)
    df.insert(0, "replication", replication)
    df.insert(0, "point", point)
    df.insert(0, "scenario", scenario)
    df["exhaustion"] = exhaustion_by_week(L, week_id, n_weeks).reshape(-1)
    return df


def per_year_frame(ledger: Ledger) -> pd.DataFrame:
    """One row per simulated year: every metric of that year (the per-year table of multi-year runs)."""
    rows = []
    for y, part in enumerate(split_years(ledger)):
        m = compute_metrics(part)
        x = part.extra
        m = {"year": y, **m}
        for k in YEAR_COUNTS:
            if k in x:
                m[k] = float(np.asarray(x[k]).sum())
        rows.append(m)
    return pd.DataFrame(rows)


def year_means(years: pd.DataFrame, metrics: tuple[str, ...] = YEAR_TABLE_METRICS) -> pd.DataFrame:
    """Mean over replications of each metric per year, from a run folder's `years` table.

    One row per (scenario, year) with one column per metric in `metrics` that the table holds."""
    sel = years[years["metric"].isin(metrics)]
    wide = sel.groupby(["scenario", "year", "metric"], sort=False)["value"].mean().unstack("metric")
    return wide[[m for m in metrics if m in wide.columns]].reset_index()
