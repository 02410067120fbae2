"""What every figure shares: the figure record, intervals, titles, label placement (labels and numbers: `present.format`)."""

from __future__ import annotations

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

