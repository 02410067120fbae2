"""The planner's decision table: one row per design, headline metrics side by side (issue 5).

`decision_table` reshapes a comparison (one row per metric x scenario, with a
95 % confidence interval and the paired difference from the first scenario, as
`stats.compare` makes it) into one row per scenario, in the fixed order of
`DECISION_METRICS`. Metrics a run did not produce (e.g. `budget_gap` without a
budget, `burnout_share` before the workforce model) are left out.

Columns of the table: ``scenario``, then for each metric m present
``m_mean, m_ci_low, m_ci_high, m_diff, m_diff_ci_low, m_diff_ci_high``
(the diff columns are the paired difference from the baseline, the first
scenario; zero for the baseline itself). `render_decision_table` draws it for
the terminal, metrics as rows and designs as columns.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from rich.table import Table

#: The headline metrics in their fixed, documented order (docs/costs.md).
DECISION_METRICS: tuple[str, ...] = (
    "cost_per_pupil",
    "personnel_cost",
    "budget_gap",
    "planning_hours_per_week",
    "small_group_minutes_per_student_per_week",
    "reach_share",
    "burnout_share",
    "turnover_rate",
)

#: metric -> (label, unit kind: money | h | min | share)
DECISION_LABELS: dict[str, tuple[str, str]] = {
    "cost_per_pupil": ("Cost per pupil / year", "money"),
    "personnel_cost": ("Personnel cost / year", "money"),
    "budget_gap": ("Over (+) or under (-) budget", "money"),
    "planning_hours_per_week": ("Planning kept, h/week per teacher", "h"),
    "small_group_minutes_per_student_per_week": ("Small-group min/week per student", "min"),
    "reach_share": ("Students reached by a teacher-leader", "share"),
    "burnout_share": ("Staff at or above burnout threshold", "share"),
    "turnover_rate": ("Turnover (movers + leavers) / year", "share"),
}

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


def _fmt(value: float, unit: str, signed: bool = False) -> str:
    if value is None or not math.isfinite(value):
        return "n/a"
    sign = "+" if signed else ""
    if unit == "money":
        return f"{value:{sign},.0f}"
    if unit == "share":
        return f"{value * 100:{sign}.1f}%"
    if unit == "min":
        return f"{value:{sign}.1f}"
    return f"{value:{sign}.2f}"


def format_cell(table: pd.DataFrame, i: int, metric: str, unit: str, baseline: bool) -> str:
    """'mean [low, high]' and, except for the baseline, 'diff [low, high]' on a second line."""
    r = table.iloc[i]
    text = f"{_fmt(r[f'{metric}_mean'], unit)} [{_fmt(r[f'{metric}_ci_low'], unit)}, {_fmt(r[f'{metric}_ci_high'], unit)}]"
    if not baseline:
        d = r[f"{metric}_diff"]
        text += (
            f"\nΔ {_fmt(d, unit, signed=True)} [{_fmt(r[f'{metric}_diff_ci_low'], unit, signed=True)}, "
            f"{_fmt(r[f'{metric}_diff_ci_high'], unit, signed=True)}]"
        )
    return text


def render_decision_table(table: pd.DataFrame, money: str | None = None, level: float = 0.95) -> Table:
    """A rich Table of the decision table: metrics as rows, designs as columns.

    Each cell shows the mean with its confidence interval and, for every design
    but the baseline (the first), the paired difference from the baseline.
    `money` names the currency and price year (e.g. 'USD 2024').
    """
    scenarios = list(table["scenario"])
    baseline = scenarios[0] if scenarios else "-"
    title = f"Decision table: mean [{level:.0%} CI]; Δ = difference from {baseline} [{level:.0%} CI]"
    out = Table(title=title, show_lines=True)
    out.add_column("metric", style="bold", no_wrap=True)
    for sc in scenarios:
        out.add_column(str(sc) + (" (baseline)" if sc == baseline else ""), justify="right")
    for m in table_metrics(table):
        label, unit = DECISION_LABELS[m]
        if unit == "money":
            label += f" ({money})" if money else ""
        out.add_row(label, *[format_cell(table, i, m, unit, i == 0) for i in range(len(scenarios))])
    return out


def write_decision_table(table: pd.DataFrame, run_dir: str | Path) -> tuple[Path, Path]:
    """Write the table as ``decision.parquet`` and ``decision.csv`` in `run_dir` (atomically); return both paths."""
    from staffsim.experiments.store import write_frame

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
