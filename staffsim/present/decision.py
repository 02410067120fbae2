"""The planner's decision table for the terminal: metrics as rows, designs as columns.

The table itself (data: one row per design) is built and saved by
`experiments.decision`; this module only words and draws it.

Original description of the table:

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

from types import MappingProxyType
from typing import Mapping

import pandas as pd
from rich.table import Table

from staffsim.experiments.decision import DECISION_METRICS, table_metrics
from staffsim.metrics.registry import METRICS
from staffsim.present.format import format_interval, metric_label

#: metric -> its label, as the registry words it (a view of `metrics.registry.METRICS`, not a second table).
DECISION_LABELS: Mapping[str, str] = MappingProxyType({m: METRICS[m].label for m in DECISION_METRICS})

def format_cell(table: pd.DataFrame, i: int, metric: str, baseline: bool) -> str:
    """'mean [low, high]' and, except for the baseline, 'Δ diff [low, high]' on a second line."""
    r = table.iloc[i]
    text = format_interval(r[f"{metric}_mean"], r[f"{metric}_ci_low"], r[f"{metric}_ci_high"], metric)
    if not baseline:
        diff = format_interval(r[f"{metric}_diff"], r[f"{metric}_diff_ci_low"], r[f"{metric}_diff_ci_high"], metric,
                               signed=True)
        text += f"\nΔ {diff}"
    return text


def row_label(metric: str, money: str | None = None) -> str:
    """The metric's label and, on a second line, its unit in words (money naming `money`, e.g. 'USD 2024')."""
    name, unit = metric_label(metric, money)
    return f"{name}\n({unit})"


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
    out.add_column("metric", style="bold", max_width=40)  # long units wrap inside the cell
    for sc in scenarios:
        out.add_column(str(sc) + (" (baseline)" if sc == baseline else ""), justify="right")
    for m in table_metrics(table):
        out.add_row(row_label(m, money), *[format_cell(table, i, m, i == 0) for i in range(len(scenarios))])
    return out
