"""The terminal's tables: a run's summary, a comparison's headline and detail, a sweep's summary.

Metrics are named by their label and unit from the metric registry and
numbers written by `present.format`. The headline of a comparison is built to
fit the terminal (100 columns and more) with every design's name and every
number whole: the fullest cells that fit unwrapped (mean [95 % CI]), else
means with the paired difference ± half its 95 % CI (wrapping between words),
else the designs split over several tables, each with the baseline first.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table

from staffsim.experiments.decision import table_metrics
from staffsim.metrics.metric import Kind
from staffsim.metrics.registry import kind_of
from staffsim.present.decision import format_cell, row_label
from staffsim.present.format import MISSING, format_interval, format_value, metric_label, unit_symbol

#: A wide console that only measures tables (the natural width of a table, unwrapped).
_MEASURE = Console(width=10_000)
LABEL_WIDTH = 30  # the metric column wraps its label and unit beyond this


def summary_table(summary: pd.DataFrame, title: str) -> Table:
    """One row per metric, one column per scenario: mean [95 % CI]."""
    scenarios = list(dict.fromkeys(summary["scenario"]))
    t = Table(title=title, title_justify="left", show_lines=False)
    t.add_column("metric", no_wrap=True)
    t.add_column("unit")
    for s in scenarios:
        t.add_column(f"{s}\nmean [95 % CI]", justify="right")
    metrics = list(dict.fromkeys(summary["metric"]))
    for m in metrics:
        row = [m, unit_symbol(m)]
        for s in scenarios:
            r = summary[(summary["metric"] == m) & (summary["scenario"] == s)]
            if r.empty:
                row.append(MISSING)
            else:
                r = r.iloc[0]
                row.append(format_interval(r["mean"], r["ci_low"], r["ci_high"], m))
        t.add_row(*row)
    return t


def _metric_cell(metric: str, money: str | None = None) -> str:
    """The registry's label, its unit, and the metric's name (what the CSV files call it), one per line."""
    label, unit = metric_label(metric, money)
    return f"{label}\n({unit})\n[dim]{metric}[/]" if unit else f"{label}\n[dim]{metric}[/]"


def comparison_table(comp: pd.DataFrame, title: str, money: str | None = None) -> Table:
    """Every metric (the detail): each design's mean [CI], and its paired difference from the baseline."""
    scenarios = list(dict.fromkeys(comp["scenario"]))
    t = Table(title=title, title_justify="left", show_lines=True)
    t.add_column("metric", max_width=LABEL_WIDTH + 4, overflow="fold")
    t.add_column(f"{scenarios[0]} (baseline)\nmean [95 % CI]", justify="right", min_width=len(str(scenarios[0])))
    for s in scenarios[1:]:
        t.add_column(f"{s}\nmean [95 % CI]\ndiff [paired 95 % CI]", justify="right", min_width=len(str(s)))
    for m in dict.fromkeys(comp["metric"]):
        rows = comp[comp["metric"] == m].set_index("scenario")
        cells = [_metric_cell(m, money)]
        for i, s in enumerate(scenarios):
            if s not in rows.index:
                cells.append(MISSING)
                continue
            r = rows.loc[s]
            share = kind_of(m) is Kind.SHARE  # a share lies in 0-100 %, a difference of two in -100 %..+100 %
            lo, hi = (max(r["ci_low"], 0.0), min(r["ci_high"], 1.0)) if share else (r["ci_low"], r["ci_high"])
            cell = format_interval(r["mean"], lo, hi, m)
            if i > 0 and "diff" in r and not pd.isna(r["diff"]):
                lo, hi = r["diff_ci_low"], r["diff_ci_high"]
                if share:
                    lo, hi = max(lo, -1.0), min(hi, 1.0)
                cell += "\n" + format_interval(r["diff"], lo, hi, m, signed=True)
            cells.append(cell)
        t.add_row(*cells)
    return t


def _half_cell(table: pd.DataFrame, i: int, metric: str, baseline: bool, split: bool) -> str:
    """'mean' and, except for the baseline, 'Δ diff ±half' (half the paired difference's 95 % CI; on its
    own line when `split`)."""
    r = table.iloc[i]
    text = format_value(r[f"{metric}_mean"], metric)
    if not baseline:
        half = (r[f"{metric}_diff_ci_high"] - r[f"{metric}_diff_ci_low"]) / 2
        text += (f"\nΔ {format_value(r[f'{metric}_diff'], metric, signed=True)}"
                 f"{chr(10) if split else ' '}±{format_value(half, metric)}")
    return text


@dataclass(frozen=True)
class Style:
    """How much a headline cell holds: intervals (`full`), or mean and Δ ± half (on a third line if `split`)."""

    full: bool
    split: bool
    label_width: int


#: From the fullest to the narrowest; the first that fits the terminal is used.
STYLES = (Style(True, False, LABEL_WIDTH), Style(False, False, LABEL_WIDTH), Style(False, True, LABEL_WIDTH),
          Style(False, True, 22), Style(False, True, 16))


def _headline(table: pd.DataFrame, rows: list[int], money: str | None, style: Style, title: str) -> Table:
    """One headline table of the decision table's designs at positions `rows` (0, the baseline, first)."""
    scenarios = list(table["scenario"])
    t = Table(title=title, title_justify="left", show_lines=True, box=box.SIMPLE_HEAD, show_edge=False,
              pad_edge=False)
    t.add_column("", max_width=style.label_width)
    for i in rows:
        t.add_column(str(scenarios[i]), justify="right", no_wrap=True)  # names and numbers whole
    for m in table_metrics(table):
        if style.full:
            cells = [format_cell(table, i, m, i == 0) for i in rows]
        else:
            cells = [_half_cell(table, i, m, i == 0, style.split) for i in rows]
        t.add_row(row_label(m, money), *cells)
    return t


def _fits(t: Table, width: int) -> bool:
    return _MEASURE.measure(t).maximum <= width


def headline_tables(table: pd.DataFrame, money: str | None, width: int, subject: str) -> list[Table]:
    """The decision table (`present.decision`) as tables that fit `width` columns, names and numbers whole.

    `subject` starts each title (what was compared). Too many designs for one
    table: several, each the baseline and as many others as fit."""
    n = len(table)
    baseline = table["scenario"].iloc[0] if n else "-"

    def title(style: Style) -> str:
        if style.full:
            return f"{subject}. Mean [95 % CI]; Δ = paired difference from {baseline} [95 % CI]"
        return f"{subject}. Mean; Δ = paired difference from {baseline} ± half its 95 % CI"

    for style in STYLES:
        t = _headline(table, list(range(n)), money, style, title(style))
        if _fits(t, width):
            return [t]
    style = STYLES[-1]
    groups: list[list[int]] = []  # the baseline, then as many designs as fit
    for i in range(1, n):
        if groups and _fits(_headline(table, [*groups[-1], i], money, style, ""), width):
            groups[-1].append(i)
        else:
            groups.append([0, i])
    return [_headline(table, rows, money, style, f"{title(style)} (designs {rows[1] + 1}-{rows[-1] + 1} of {n})")
            for rows in groups]


def _as_written(value: object) -> str:
    """A parameter's value as a sweep file would write it (2, 0.25, True)."""
    if isinstance(value, float) and value.is_integer():
        return f"{value:g}"
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _sweep(summary: pd.DataFrame, keys: pd.DataFrame, parameters: list[str], metrics: list[str],
           money: str | None, title: str) -> Table:
    from staffsim.present.plots.base import nice_param

    t = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    t.add_column("design", no_wrap=True)
    t.add_column("point", justify="right")
    for p in parameters:
        t.add_column(nice_param(p), justify="right", max_width=12)
    for m in metrics:
        label, unit = metric_label(m, money)
        t.add_column(f"{label}\n({unit})" if unit else label, justify="right", max_width=13)
    by = summary.set_index(["scenario", "point", "metric"]).sort_index()
    for row in keys.itertuples(index=False):
        cells = [str(row[0]), str(row[1]), *[_as_written(v) for v in row[2:]]]
        for m in metrics:
            key = (row[0], row[1], m)
            if key in by.index:
                r = by.loc[key]
                r = r.iloc[0] if isinstance(r, pd.DataFrame) else r
                half = (r["ci_high"] - r["ci_low"]) / 2
                cells.append(f"{format_value(r['mean'], m)} ±{format_value(half, m)}")
            else:
                cells.append(MISSING)
        t.add_row(*cells)
    return t


def sweep_table(summary: pd.DataFrame, parameters: list[str], metrics: list[str], money: str | None,
                title: str, width: int, limit: int = 30) -> Table:
    """One row per design and point: the parameter values, then each metric's mean ± half its 95 % CI.

    At most `limit` rows, and the first of `metrics` that fit `width` (every one is in summary.csv)."""
    keys = summary.drop_duplicates(["scenario", "point"])[["scenario", "point", *parameters]]
    shown = keys.head(limit)
    for k in range(len(metrics), 0, -1):
        t = _sweep(summary, shown, parameters, metrics[:k], money, title)
        if _fits(t, width):
            break
    if len(keys) > limit:
        t.caption = f"... and {len(keys) - limit} more rows in summary.csv"
        t.caption_justify = "left"
    return t
