"""What every figure shares: the figure record, plain-language metric labels, intervals, titles, saving."""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from staffsim.experiments.runfolder import RunFolder, lookup
from staffsim.experiments.stats import interval_from_moments
from staffsim.present.plots.palette import FONT

LEVEL = 0.95


class Skip(Exception):
    """A figure that cannot be drawn from this run folder (the message says why, in one line)."""


@dataclass
class Drawn:
    """One figure: file stem, the title it carries, and one sentence on how to read it."""

    name: str
    title: str
    caption: str
    figure: Figure
    heading: str = ""  # a short heading for the report (the title is inside the image)
    files: list[Path] = field(default_factory=list)


@dataclass
class Options:
    """What the user chose on the command line."""

    y: str = "small_group_minutes_per_student_per_week"
    designs: list[str] | None = None  # designs to show (None: the first MAX_DESIGNS)
    all_designs: bool = False
    metrics: list[str] | None = None  # sweep figures: metrics to draw
    params: list[str] | None = None  # sweep figures: parameters to draw against


MAX_DESIGNS = 5

# ------------------------------------------------------------------------------------------ labels

#: metric -> (plain-language name, unit as said aloud). Unknown metrics fall back to METRICS' unit.
LABELS: dict[str, tuple[str, str]] = {
    "scheduled_planning_hours_per_week": ("Planning time in the timetable", "hours per week per teacher"),
    "planning_hours_per_week": ("Planning time kept", "hours per week per teacher"),
    "collaborative_planning_hours_per_week": ("Planning time with the team", "hours per week per teacher"),
    "teaching_hours_per_week": ("Teaching time", "hours per week per teacher"),
    "overtime_hours_per_week": ("Overtime (planning beyond the contract day)", "hours per week per teacher"),
    "total_work_hours_per_week": ("Total work time", "hours per week per teacher"),
    "coverage_hours_per_week": ("Planning time lost covering colleagues", "hours per week per teacher"),
    "small_group_minutes_per_student_per_week": ("Small-group instruction", "minutes per student per week"),
    "needs_served_share": ("Student needs served in time", "% of needs"),
    "students_per_adult": ("Students per adult", "students"),
    "reach_share": ("Students on a team led by a teacher-leader", "% of students"),
    "absence_days_per_staff": ("Staff absence", "days per person per year"),
    "uncovered_absence_share": ("Absences with no substitute", "% of absent class time"),
    "mean_exhaustion": ("Teachers' exhaustion at year end", "0 = fresh, 1 = exhausted"),
    "mean_exhaustion_over_year": ("Teachers' exhaustion over the year", "0 = fresh, 1 = exhausted"),
    "burnout_share": ("Teachers at or above the burnout threshold", "% of teachers"),
    "midyear_departure_rate": ("Teachers resigning during the year", "% of teachers"),
    "turnover_rate": ("Teachers leaving or moving school", "% of teachers, during or at the end of the year"),
    "staff_retained_share": ("Teachers still in the same post at the end", "% of teachers"),
    "vacancy_days": ("Days positions stood vacant", "days per year"),
    "personnel_cost": ("Personnel cost", "per year"),
    "cost_per_pupil": ("Cost per pupil", "per year"),
    "budget_gap": ("Over (+) or under (-) budget", "per year"),
    "learning_gain_sd": ("Learning gain (illustrative)", "standard deviations"),
}


#: Metrics where more is better / less is better (for words like "the best value sits top-left").
HIGHER_IS_BETTER = {"planning_hours_per_week", "collaborative_planning_hours_per_week", "scheduled_planning_hours_per_week",
                    "small_group_minutes_per_student_per_week", "needs_served_share", "reach_share",
                    "learning_gain_sd", "staff_retained_share"}
LOWER_IS_BETTER = {"overtime_hours_per_week", "total_work_hours_per_week", "coverage_hours_per_week",
                   "students_per_adult", "absence_days_per_staff", "uncovered_absence_share", "mean_exhaustion",
                   "mean_exhaustion_over_year", "burnout_share", "midyear_departure_rate", "turnover_rate",
                   "vacancy_days", "cost_per_pupil", "personnel_cost", "budget_gap"}


def metric_unit(metric: str) -> str:
    """The unit METRICS records for a metric ('h', 'min', 'share', 'money/year', ...), '' if unknown.

    Cost and workforce metrics add themselves to METRICS when their modules load (importing staffsim does)."""
    from staffsim.metrics.time_use import METRICS

    return METRICS.get(metric, ("", ""))[0]


def is_share(metric: str) -> bool:
    """A proportion shown as a percentage (exhaustion, on a 0-1 scale, is not one)."""
    unit = metric_unit(metric)
    if unit in ("0-1", "0–1", "SD", "ratio", "count", "days", "h", "min") or unit.startswith("money"):
        return False
    return unit == "share" or metric.endswith(("_share", "_rate")) or "_rate_" in metric


def is_money(metric: str) -> bool:
    return metric_unit(metric).startswith("money") or metric.startswith("cost") or metric in ("personnel_cost", "budget_gap")


def metric_label(metric: str, money: str | None = None) -> tuple[str, str]:
    """(name, unit) in plain language; money units name the currency and price year when known."""
    if metric in LABELS:
        name, unit = LABELS[metric]
    else:
        name = metric.replace("_", " ").capitalize()
        unit = metric_unit(metric)
        unit = {"h": "hours", "min": "minutes", "share": "%", "days": "days"}.get(unit, unit)
    if is_money(metric) and money:
        unit = f"{money}, {unit}"
    return name, unit




def fmt(value: float, metric: str, signed: bool = False, extra: int = 0) -> str:
    """A value as a person reads it: shares as %, money with thousands separators, else 2-3 digits.

    `extra` adds decimal places (to tell apart the two ends of a narrow interval)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sign = "+" if signed and value > 0 else ""
    if is_share(metric):
        pct = value * 100
        digits = (0 if abs(pct) >= 10 else 1) + extra
        return f"{sign}{pct:.{digits}f} %"
    if is_money(metric):
        if abs(value) >= 1e6:
            return f"{sign}{value / 1e6:,.{2 + extra}f} million"
        return f"{sign}{value:,.{extra}f}"
    a = abs(value)
    digits = (0 if a >= 100 else 1 if a >= 10 else 2) + extra
    return f"{sign}{value:,.{digits}f}"


def fmt_range(lo: float, hi: float, metric: str, signed: bool = False) -> str:
    """'lo to hi', with more decimals when the rounded ends would read the same."""
    for extra in range(4):
        a, b = fmt(lo, metric, signed, extra), fmt(hi, metric, signed, extra)
        if a != b:
            break
    return f"{a} to {b}"


def money_unit(run: RunFolder) -> str | None:
    """'USD 2024' from the scenarios' costs section, or None."""
    units = set()
    for d in run.designs.values():
        cur, year = lookup(d, "costs.currency"), lookup(d, "costs.price_year")
        if cur:
            units.add(f"{cur} {year}" if year else str(cur))
    return units.pop() if len(units) == 1 else None


# --------------------------------------------------------------------------------------- intervals

def rep_interval(df: pd.DataFrame, keys: list[str], value: str) -> pd.DataFrame:
    """Per `keys`: mean of `value` over replications with a t-based 95 % CI (one row per replication in)."""
    g = df.dropna(subset=[value]).groupby(keys, sort=False)[value]
    agg = g.agg(n="count", total="sum", total_sq=lambda s: float((s**2).sum())).reset_index()
    mean, _sd, lo, hi = interval_from_moments(agg["n"].to_numpy(), agg["total"].to_numpy(), agg["total_sq"].to_numpy(), LEVEL)
    agg = agg.drop(columns=["total", "total_sq"])
    agg["mean"], agg["ci_low"], agg["ci_high"] = mean, lo, hi
    return agg


def summary_rows(run: RunFolder, metric: str, designs: list[str]) -> pd.DataFrame:
    """mean, ci_low, ci_high of one metric per design (from comparison/summary; point-averaged for sweeps)."""
    m = run.values([metric])
    sel = m[m["scenario"].isin(designs)]
    if sel.empty:
        return pd.DataFrame(columns=["scenario", "n", "mean", "ci_low", "ci_high"])
    # average over sweep points within a replication (one point for run/compare), then a t-interval
    per_rep = sel.groupby(["scenario", "replication"], sort=False)["value"].mean().reset_index()
    out = rep_interval(per_rep, ["scenario"], "value")
    out["scenario"] = pd.Categorical(out["scenario"], designs, ordered=True)
    return out.sort_values("scenario").assign(scenario=lambda d: d["scenario"].astype(str)).reset_index(drop=True)


# ---------------------------------------------------------------------------------- figure helpers

def new_figure(width: float = 13.0, height: float = 7.3) -> Figure:
    """A figure sized for a 16:9 slide (no pyplot: nothing global, nothing left open)."""
    return Figure(figsize=(width, height), layout="constrained")


def set_titles(fig: Figure, title: str, subtitle: str | None = None) -> None:
    """Bold title naming the measure and unit; a smaller line under it saying what the band/whiskers are."""
    chars = int(fig.get_figwidth() * 72 / (FONT["title"] * 0.62))
    fig.suptitle(textwrap.fill(title, chars), x=0.01, ha="left", fontsize=FONT["title"], fontweight="bold")
    if subtitle:
        # a footnote under the figure saying what lines, bands and whiskers are (wrapped to the figure's width)
        width = int(fig.get_figwidth() * 72 / (FONT["subtitle"] * 0.56))
        fig.supxlabel(textwrap.fill(subtitle, width), x=0.01, ha="left", fontsize=FONT["subtitle"], color="#444444",
                      linespacing=1.3)


def legend_in(ax, handles: list, ncol: int) -> None:
    """A legend filling an axes of its own (axis hidden), entries read left to right, row by row."""
    ax.axis("off")
    ncol = max(1, min(ncol, len(handles)))
    rows = -(-len(handles) // ncol)
    # matplotlib fills legends column by column; reorder so that rows read left to right
    order = [r * ncol + c for c in range(ncol) for r in range(rows) if r * ncol + c < len(handles)]
    ax.legend(handles=[handles[i] for i in order], loc="center", ncol=ncol, frameon=False, fontsize=FONT["legend"],
              handlelength=1.3, columnspacing=1.4, borderaxespad=0)


def uncertainty_note(run: RunFolder) -> str:
    """What a band or whisker is, in words (said after 'Shaded band:' or 'Whiskers:')."""
    n = run.replications
    reps = f"{n} simulated school years" if run.years == 1 else f"{n} simulated runs of {run.years} years"
    return f"95 % confidence interval of the average over {reps}"


def direct_labels(ax, items: list[tuple[str, float, str]], x: float, min_gap: float | None = None, **kw: Any) -> None:
    """Write labels (text, y, colour) at x, nudged apart vertically so they never overlap."""
    if not items:
        return
    lo, hi = ax.get_ylim()
    gap = min_gap if min_gap is not None else (hi - lo) * 0.075
    order = sorted(items, key=lambda t: t[1])
    ys = [t[1] for t in order]
    heights = [t[0].count("\n") + 1 for t in order]  # two-line labels need more room
    for i in range(1, len(ys)):
        ys[i] = max(ys[i], ys[i - 1] + gap * (heights[i] + heights[i - 1]) / 2)
    overflow = ys[-1] - (hi - gap * 0.3)
    if overflow > 0:
        ys = [y - overflow for y in ys]
        for i in range(len(ys) - 2, -1, -1):
            ys[i] = min(ys[i], ys[i + 1] - gap * (heights[i] + heights[i + 1]) / 2)
    for (text, _y, colour), y in zip(order, ys):
        ax.text(x, y, text, color=colour, va="center", ha="left", fontsize=FONT["legend"], fontweight="bold",
                clip_on=False, **kw)


def place_point_labels(ax, points: list[tuple[str, float, float, str]]) -> None:
    """Name each point (text, x, y, colour) beside it, trying eight positions around it and taking the first
    that overlaps no other label, no point and stays inside the axes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = ax.figure
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    fig.canvas.draw()  # settle the layout so that display positions are final
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    marks = [ax.transData.transform((x, y)) for _, x, y, _ in points]
    candidates = [(16, 10, "left", "bottom"), (-16, 10, "right", "bottom"), (16, -10, "left", "top"),
                  (-16, -10, "right", "top"), (20, 0, "left", "center"), (-20, 0, "right", "center"),
                  (0, 24, "center", "bottom"), (0, -24, "center", "top")]
    placed = []
    for text, x, y, colour in points:
        chosen = None
        for dx, dy, ha, va in candidates:
            ann = ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va, color=colour,
                              fontsize=FONT["legend"], fontweight="bold", zorder=6)
            box = ann.get_window_extent(renderer)
            clash = (any(box.overlaps(b) for b in placed)
                     or any(box.x0 - 12 <= mx <= box.x1 + 12 and box.y0 - 12 <= my <= box.y1 + 12 for mx, my in marks)
                     or box.x0 < frame.x0 or box.x1 > frame.x1 or box.y0 < frame.y0 or box.y1 > frame.y1)
            if not clash:
                chosen = box
                break
            ann.remove()
        if chosen is None:  # nowhere free: the first position, as before
            dx, dy, ha, va = candidates[0]
            ann = ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va, color=colour,
                              fontsize=FONT["legend"], fontweight="bold", zorder=6)
            chosen = ann.get_window_extent(renderer)
        placed.append(chosen)




def nice_param(path: str) -> str:
    """A swept parameter's dotted path as words: policies.substitutes.pool_size -> 'substitutes pool size'."""
    parts = path.split(".")
    if parts[0] in ("policies", "behaviour", "workforce", "school", "costs") and len(parts) > 1:
        parts = parts[1:]
    return " ".join(p.replace("_", " ") for p in parts)

