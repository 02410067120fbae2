"""The planner's decision table as data: one row per design, headline metrics side by side.

`decision_table` reshapes a comparison (one row per metric x scenario, with a
95 % confidence interval and the paired difference from the first scenario, as
`stats.compare` makes it) into one row per scenario, in the fixed order of
`DECISION_METRICS`. Metrics a run did not produce (e.g. `budget_gap` without a
budget) are left out. Columns: ``scenario``, then for each metric m present
``m_mean, m_ci_low, m_ci_high, m_diff, m_diff_ci_low, m_diff_ci_high`` (the diff
columns are the paired difference from the baseline, the first scenario; zero
for the baseline itself). `present.decision` draws it for the terminal.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from staffsim.experiments.store import write_frame


#: The headline metrics in their fixed, documented order (docs/costs.md).
DECISION_METRICS: tuple[str, ...] = (
    "cost_per_pupil",
    "personnel_cost",
    "budget_gap",
    "student_days_without_regular_teacher",  # next to the money: a cheap vacancy is never a saving alone
    "planning_hours_per_week",
    "small_group_minutes_per_student_per_week",
    "reach_share",
    "burnout_share",
    "turnover_rate",
)

#: Column suffixes per metric, in order.
STATS = ("mean", "ci_low", "ci_high", "diff", "diff_ci_low", "diff_ci_high")
REQUIRED = ("metric", "scenario", "mean", "ci_low", "ci_high")


def decision_table(comparison: pd.DataFrame) -> pd.DataFrame:
    """One row per scenario (input order), columns per headline metric (see the module docstring)."""
    missing = [c for c in REQUIRED if c not in comparison.columns]
    if missing:
        raise ValueError(f"the comparison lacks column(s) {missing}; expected {list(REQUIRED)} and diff columns")
    scenarios = list(pd.unique(comparison["scenario"]))
    present = set(comparison["metric"])
    metrics = [m for m in DECISION_METRICS if m in present]
    rows = {sc: {"scenario": sc} for sc in scenarios}
    for m in metrics:
        for sc in scenarios:
            rows[sc].update({f"{m}_{s}": math.nan for s in STATS})
    sel = comparison[comparison["metric"].isin(metrics)]
    for r in sel.to_dict("records"):
        row = rows[r["scenario"]]
        for s in STATS:
            v = r.get(s, math.nan)
            row[f"{r['metric']}_{s}"] = math.nan if v is None else float(v)
    columns = ["scenario"] + [f"{m}_{s}" for m in metrics for s in STATS]
    table = pd.DataFrame([rows[sc] for sc in scenarios], columns=columns)
    table.attrs["metrics"] = metrics
    table.attrs["baseline"] = scenarios[0] if scenarios else None
    return table


def table_metrics(table: pd.DataFrame) -> list[str]:
    """The headline metrics a decision table holds, in order."""
    return [m for m in DECISION_METRICS if f"{m}_mean" in table.columns]


def write_decision_table(table: pd.DataFrame, run_dir: str | Path) -> tuple[Path, Path]:
    """Write the table as ``decision.parquet`` and ``decision.csv`` in `run_dir` (atomically); return both paths."""
    d = Path(run_dir)
    plain = table.copy()
    plain.attrs = {}
    write_frame(d, "decision", plain)
    return d / "decision.parquet", d / "decision.csv"


def run_money(run_dir: str | Path) -> str | None:
    """The money unit ('USD 2024') of the scenarios saved in a run folder (``scenarios/*.yaml``), if any."""
    from staffsim.metrics.costs import check_same_money
    from staffsim.scenario.loading import load_scenario

    files = sorted((Path(run_dir) / "scenarios").glob("*.yaml"))
    return check_same_money([load_scenario(f) for f in files]) if files else None


def save_decision_table(run_dir: str | Path, comparison: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """Build the decision table of a compare run, write it to the run folder; return (table, money unit)."""
    table = decision_table(comparison)
    write_decision_table(table, run_dir)
    return table, run_money(run_dir)
