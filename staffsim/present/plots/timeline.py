"""Week-by-week figures: planning time kept (1) and exhaustion (2), per design, with 95 % bands."""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffsim.experiments.runfolder import RunFolder, lookup
from staffsim.scenario.vocabulary import TEACHER_CATEGORIES
from staffsim.present.plots.base import Drawn, Options, Skip, direct_labels, new_figure, rep_interval, set_titles, summary_rows, uncertainty_note
from staffsim.present.plots.data import break_positions, role_weeks, weeks_per_year
from staffsim.present.plots.palette import BREAK_GREY, FONT, REFERENCE, design_colors


def _x(frame: pd.DataFrame, weeks: int) -> np.ndarray:
    return frame["year"].to_numpy() * weeks + frame["week"].to_numpy() + 1


def _calendar_marks(ax, run: RunFolder, weeks: int, years: int) -> None:
    """Dotted lines where breaks fall, solid ones at each summer, named along the top edge (away from the data);
    a name that would run into the one before it is left out (its line stays)."""
    breaks = break_positions(run)
    marks: list[tuple[float, str]] = []
    for y in range(years):
        if y > 0:
            ax.axvline(y * weeks + 0.5, color=BREAK_GREY, linewidth=3, zorder=0)
            marks.append((y * weeks + 0.5, "summer"))
        for x, name in breaks:
            ax.axvline(y * weeks + x, color=BREAK_GREY, linestyle=":", linewidth=2.2, zorder=0)
            marks.append((y * weeks + x, name))
    # label widths in weeks: characters x font size, against the axes' width (about 80 % of the figure)
    weeks_per_inch = weeks * years / (ax.figure.get_figwidth() * 0.8)
    ticks, names, right_end = [], [], -np.inf
    for x, name in sorted(marks):
        half = len(name) * FONT["annotation"] * 0.55 / 72 * weeks_per_inch / 2
        if x - half > right_end:
            ticks.append(x)
            names.append(name)
            right_end = x + half + 0.1
    if ticks:
        top = ax.secondary_xaxis("top")
        top.set_xticks(ticks)
        top.set_xticklabels(names, fontsize=FONT["annotation"], color="#555555")
        top.tick_params(length=0, pad=3)
        top.spines["top"].set_visible(False)


def _xaxis(ax, weeks: int, years: int) -> None:
    total = weeks * years
    ax.set_xlim(0.5, total + 0.5)
    if years == 1:
        ax.set_xlabel("Week of the school year")
        ax.set_xticks([1] + list(range(5, total + 1, 5)))
    else:
        ax.set_xlabel(f"Week (school years 1–{years}, {weeks} weeks each)")
        ax.set_xticks([y * weeks + 1 for y in range(years)])
        ax.set_xticklabels([f"year {y + 1}" for y in range(years)])


def _lines(ax, stats: pd.DataFrame, designs: list[str], colours: dict[str, str], weeks: int) -> list[tuple[str, float, str]]:
    ends = []
    for d in designs:
        s = stats[stats["scenario"] == d].sort_values(["year", "week"])
        if s.empty:
            continue
        x = _x(s, weeks)
        ax.fill_between(x, s["ci_low"], s["ci_high"], color=colours[d], alpha=0.28, linewidth=0, zorder=2)
        ax.plot(x, s["mean"], color=colours[d], zorder=3, solid_capstyle="round")
        ends.append((d, float(s["mean"].iloc[-1]), colours[d]))
    return ends


def planning_by_week(run: RunFolder, designs: list[str], opts: Options) -> Drawn:
    rw = role_weeks(run, designs)
    if rw.empty:
        raise Skip("no staff_weeks table in this run folder (sweeps do not record one), so no week-by-week view")
    t = rw[rw["category"].isin(TEACHER_CATEGORIES)]
    if t.empty or "planning_individual" not in t:
        raise Skip("no teachers' planning minutes in staff_weeks")
    cols = [c for c in ("planning_individual", "planning_collaborative", "planning_structured") if c in t]
    g = t.groupby(["scenario", "replication", "year", "week"], sort=False)[cols + ["present_days"]].sum().reset_index()
    g = g[g["present_days"] > 0]
    g["hours"] = g[cols].sum(axis=1) / g["present_days"] * 5 / 60
    stats = rep_interval(g, ["scenario", "year", "week"], "hours")
    weeks = weeks_per_year(run, stats)
    years = int(stats["year"].max()) + 1
    colours = design_colors(run.scenarios)

    fig = new_figure()
    ax = fig.add_subplot()
    ends = _lines(ax, stats, designs, colours, weeks)
    sched = summary_rows(run, "scheduled_planning_hours_per_week", designs)
    top = max(float(stats["ci_high"].max()), float(sched["mean"].max()) if not sched.empty else 0.0) * 1.22
    ax.set_ylim(0, max(top, 1.0))
    # timetable references: a dashed line per distinct scheduled value (in the design's colour, or dark grey when
    # designs share it); one label per cluster of nearby values, so labels never overprint each other
    groups: dict[float, list[str]] = {}
    for r in sched.itertuples(index=False):
        if np.isfinite(r.mean):
            groups.setdefault(round(float(r.mean), 2), []).append(r.scenario)
    for value, ds in groups.items():
        ax.axhline(value, color=colours[ds[0]] if len(ds) == 1 else REFERENCE, linestyle=(0, (6, 4)), linewidth=2.2,
                   zorder=1)
    tol = ax.get_ylim()[1] * 0.06
    clusters: list[list[float]] = []
    for v in sorted(groups):
        if clusters and v - clusters[-1][-1] <= tol:
            clusters[-1].append(v)
        else:
            clusters.append([v])
    for c in clusters:
        ds = [d for v in c for d in groups[v]]
        colour = colours[ds[0]] if len(ds) == 1 else REFERENCE
        text = f"{c[0]:.2f} h" if len(c) == 1 else f"{c[0]:.1f}–{c[-1]:.1f} h"
        ax.annotate(f"in the timetable: {text}", (1.0, c[-1]), xycoords="data", xytext=(2, 6),
                    textcoords="offset points", color=colour, fontsize=FONT["annotation"], va="bottom")
    _calendar_marks(ax, run, weeks, years)
    _xaxis(ax, weeks, years)
    ax.set_ylabel("Hours per teacher per week")
    direct_labels(ax, ends, weeks * years + 1.0)
    set_titles(fig, "Planning time kept per teacher, hours per week",
               f"Solid line: planning actually kept; dashed: planning in the timetable. Shaded band: {uncertainty_note(run)}.")
    caption = ("Each solid line is the planning time a teacher actually kept, week by week; the dashed line is what "
               "the timetable promises, so the gap between them is planning lost to covering absent colleagues "
               "and interruptions; the shaded band shows how sure we are of the average.")
    return Drawn("01-planning-by-week", "Planning time kept per teacher, hours per week", caption, fig, heading="Planning time, week by week")


def exhaustion_by_week(run: RunFolder, designs: list[str], opts: Options) -> Drawn:
    rw = role_weeks(run, designs)
    if rw.empty:
        raise Skip("no staff_weeks table in this run folder (sweeps do not record one), so no exhaustion by week")
    if "exhaustion_sum" not in rw:
        raise Skip("this run recorded no exhaustion (no `exhaustion` column in staff_weeks), so no exhaustion figure")
    rw = rw[rw["category"].isin(TEACHER_CATEGORIES)]  # as mean_exhaustion and burnout_share: teachers
    g = rw.groupby(["scenario", "replication", "year", "week"], sort=False)[["exhaustion_sum", "exhaustion_n"]].sum().reset_index()
    g = g[g["exhaustion_n"] > 0]
    g["exhaustion"] = g["exhaustion_sum"] / g["exhaustion_n"]
    stats = rep_interval(g, ["scenario", "year", "week"], "exhaustion")
    weeks = weeks_per_year(run, stats)
    years = int(stats["year"].max()) + 1
    colours = design_colors(run.scenarios)
    thresholds = {d: lookup(run.designs.get(d), "workforce.exhaustion.burnout_threshold") for d in designs}
    thresholds = {d: float(v) for d, v in thresholds.items() if isinstance(v, (int, float))}

    fig = new_figure()
    ax = fig.add_subplot()
    ends = _lines(ax, stats, designs, colours, weeks)
    hi = max([float(stats["ci_high"].max())] + list(thresholds.values()))
    ax.set_ylim(0, min(1.0, hi * 1.3) if hi > 0 else 1.0)
    distinct = sorted(set(round(v, 3) for v in thresholds.values()))
    for v in distinct:
        ax.axhline(v, color=REFERENCE, linestyle=(0, (6, 4)), linewidth=2.4, zorder=1)
        who = "" if len(distinct) == 1 else " (" + ", ".join(d for d, t in thresholds.items() if round(t, 3) == v) + ")"
        # labelled in the right margin with the designs (never on top of the lines)
        ends.append((f"burnout\nthreshold {v:g}{who}", v, REFERENCE))
    _calendar_marks(ax, run, weeks, years)
    _xaxis(ax, weeks, years)
    ax.set_ylabel("Exhaustion (0 = fresh, 1 = exhausted)")
    direct_labels(ax, ends, weeks * years + 1.0)
    span = "week by week" if years == 1 else f"over {years} years"
    note = "" if thresholds else " (no burnout threshold found in the scenarios)"
    set_titles(fig, f"Teachers' exhaustion {span} (0 = fresh, 1 = exhausted)",
               f"Teachers and teacher-leaders in post. Dotted lines: breaks, where exhaustion should fall. Shaded band: {uncertainty_note(run)}.{note}")
    caption = ("Each line is the average exhaustion of the teachers in post, week by week (0 = fresh, 1 = exhausted); "
               "it climbs while school is in session and falls after each break (dotted lines), and the dashed line "
               "marks the burnout threshold, so a line near it means many teachers are close to burning out.")
    return Drawn("02-exhaustion-by-week", f"Teachers' exhaustion {span} (0 = fresh, 1 = exhausted)", caption, fig, heading="Exhaustion through the year")
