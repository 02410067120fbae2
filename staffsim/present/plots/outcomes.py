"""Design-level outcomes: small-group instruction (4), workforce staying (5), cost trade-off (6)."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from staffsim.experiments.runfolder import RunFolder
from staffsim.metrics.metric import Direction, Kind
from staffsim.metrics.registry import direction_of, kind_of
from staffsim.present.format import format_money, format_value, metric_label
from staffsim.present.plots.base import Drawn, Options, Skip, legend_in, place_point_labels, money_unit, new_figure, rep_interval, set_titles, summary_rows, uncertainty_note
from staffsim.present.plots.palette import FONT, REFERENCE, design_colors
from staffsim.scenario.vocabulary import ROLE_CATEGORIES


def _bars(ax, rows: pd.DataFrame, metric: str, colours: dict[str, str], scale: float = 1.0, labels: bool = True) -> None:
    """One horizontal bar per design (baseline on top) with 95 % CI whiskers and the value written past it."""
    y = np.arange(len(rows))[::-1]
    mean = rows["mean"].to_numpy() * scale
    lo = rows["ci_low"].to_numpy() * scale
    hi = rows["ci_high"].to_numpy() * scale
    if kind_of(metric) is Kind.SHARE:
        lo, hi = np.clip(lo, 0, scale), np.clip(hi, 0, scale)
    ax.barh(y, mean, color=[colours[s] for s in rows["scenario"]], height=0.7, zorder=2)
    ax.errorbar(mean, y, xerr=[mean - lo, hi - mean], fmt="none", ecolor=REFERENCE, elinewidth=2.5, capsize=8,
                capthick=2.5, zorder=3)
    top = np.nanmax(hi) if len(hi) else 1.0
    for yi, h, raw in zip(y, hi, rows["mean"]):
        ax.text(h + top * 0.02, yi, format_value(raw, metric, compact=True), ha="left", va="center", fontsize=FONT["base"], fontweight="bold")
    ax.set_yticks(y)
    ax.set_yticklabels(rows["scenario"] if labels else [""] * len(rows))
    for lab, s in zip(ax.get_yticklabels(), rows["scenario"]):
        lab.set_color(colours[s])
        lab.set_fontweight("bold")
    ax.set_xlim(0, max(top, 1e-9) * 1.25)
    ax.grid(axis="y", visible=False)


def small_groups(run: RunFolder, designs: list[str], opts: Options) -> Drawn:
    panels = [m for m in ("small_group_minutes_per_student_per_week", "needs_served_share") if m in run.metric_names]
    if not panels:
        raise Skip("this run has neither small-group minutes nor needs-served metrics")
    colours = design_colors(run.scenarios)
    fig = new_figure(13, 7.3)
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for i, (ax, metric) in enumerate(zip(axes, panels)):
        rows = summary_rows(run, metric, designs)
        share = kind_of(metric) is Kind.SHARE
        _bars(ax, rows, metric, colours, 100.0 if share else 1.0, labels=i == 0)
        name, unit = metric_label(metric)
        ax.set_title(f"{name}\n({unit})", fontsize=FONT["base"] + 1, loc="left")
        if share:
            ax.set_xlim(0, 125)
            ax.set_xticks([0, 25, 50, 75, 100])
            ax.set_xticklabels(["0 %", "25 %", "50 %", "75 %", "100 %"])
    set_titles(fig, "Small-group instruction per student, and needs served in time",
               f"Whiskers: {uncertainty_note(run)}.")
    caption = ("The left bars show how many minutes of small-group teaching each student gets in a week, the right "
               "bars what share of students' flagged needs were met by a small group in time; longer is better, and "
               "the whiskers show how sure we are.")
    return Drawn("04-small-groups", "Small-group instruction per student, and needs served in time", caption, fig, heading="Small-group instruction")


#: Staff categories with their own turnover metric (`turnover_rate_<category>`), in display order.
CATEGORY_LABELS = {c.name: c.plural for c in ROLE_CATEGORIES}


def _staying(run: RunFolder, designs: list[str]) -> pd.DataFrame:
    """Per-replication share of staff staying (1 - turnover) with `group` (staff category) and `year` columns.

    `turnover_rate_<category>` when the run has them, else the overall `turnover_rate` (teachers);
    per year from years.parquet for multi-year runs.
    """
    wanted = ["turnover_rate"] + [f"turnover_rate_{c}" for c in CATEGORY_LABELS]
    source = pd.DataFrame()
    if run.years > 1 and run.has("years"):
        source = _tidy_years(run.read("years"))
        source = source[source["metric"].isin(wanted)] if not source.empty else source
    if source.empty:
        source = run.values(wanted).assign(year=0)
    m = source[source["scenario"].isin(designs)]
    names = set(m["metric"])
    rows = []
    for cat, label in CATEGORY_LABELS.items():
        name = f"turnover_rate_{cat}"
        if name in names:
            r = m[m["metric"] == name]
            if r["value"].notna().any():
                rows.append(r.assign(group=label))
    if not rows and "turnover_rate" in names:
        rows.append(m[m["metric"] == "turnover_rate"].assign(group="teachers"))
    if not rows:
        raise Skip("this run has no turnover metrics (turnover_rate), so no workforce figure")
    df = pd.concat(rows, ignore_index=True).dropna(subset=["value"])
    df = df.groupby(["scenario", "replication", "year", "group"], sort=False)["value"].mean().reset_index()
    df["value"] = 1.0 - df["value"]
    return df


def _tidy_years(years: pd.DataFrame) -> pd.DataFrame:
    """years.parquet as scenario, replication, year, metric, value (it may be tidy or one column per metric)."""
    if years.empty or "year" not in years:
        return pd.DataFrame()
    if {"metric", "value"} <= set(years.columns):
        return years
    ids = [c for c in ("scenario", "point", "replication", "year") if c in years]
    return years.melt(id_vars=ids, var_name="metric", value_name="value")


def workforce(run: RunFolder, designs: list[str], opts: Options) -> Drawn:
    df = _staying(run, designs)
    stats = rep_interval(df, ["scenario", "year", "group"], "value")
    years = sorted(stats["year"].unique())
    groups = list(dict.fromkeys(stats["group"]))
    colours = design_colors(run.scenarios)
    multi = len(years) > 1
    # x: roles (one year) or years (several); bars: designs
    cats = [f"{int(y) + 1}" for y in years] if multi else groups
    panels = groups if multi else [None]
    nrows = (len(panels) + 1) // 2 if len(panels) > 1 else 1
    ncols = 2 if len(panels) > 1 else 1
    fig = new_figure(13, 7.3 if len(panels) == 1 else 5.0 * nrows + 2.0)
    gs = fig.add_gridspec(nrows + 1, ncols, height_ratios=[0.5] + [5.0] * nrows)
    legend_ax = fig.add_subplot(gs[0, :])
    axes = [fig.add_subplot(gs[1 + i // ncols, i % ncols]) for i in range(nrows * ncols)]
    width = 0.8 / len(designs)
    for ax, panel in zip(axes, panels):
        s = stats if panel is None else stats[stats["group"] == panel]
        for i, d in enumerate(designs):
            r = s[s["scenario"] == d]
            if r.empty:
                continue
            xs = (np.array([years.index(y) for y in r["year"]]) if multi else
                  np.array([groups.index(g) for g in r["group"]])) + (i - (len(designs) - 1) / 2) * width
            # shares cannot leave 0-100 %: a t-interval over few replications can, so it is clipped
            mean = r["mean"].to_numpy() * 100
            lo, hi = np.clip(r["ci_low"].to_numpy() * 100, 0, 100), np.clip(r["ci_high"].to_numpy() * 100, 0, 100)
            ax.bar(xs, mean, width=width * 0.92, color=colours[d], label=d, zorder=2)
            ax.errorbar(xs, mean, yerr=[mean - lo, hi - mean], fmt="none", ecolor=REFERENCE, elinewidth=2.2,
                        capsize=6, capthick=2.2, zorder=3)
            if len(designs) * len(cats) <= (12 if ncols == 1 else 4):
                for x, v, h in zip(xs, mean, hi):
                    ax.text(x, h + 1.5, f"{v:.0f} %", ha="center", va="bottom", fontsize=FONT["annotation"])
        ax.set_xticks(range(len(cats)))
        ax.set_xticklabels(cats)
        ax.set_xlim(-0.65, len(cats) - 0.35)
        ax.set_ylim(0, 112)
        ax.set_yticks([0, 25, 50, 75, 100])
        ax.set_yticklabels(["0 %", "25 %", "50 %", "75 %", "100 %"])
        ax.grid(axis="x", visible=False)
        if multi:
            ax.set_xlabel("after school year")
        if panel is not None:
            ax.set_title(panel, loc="left", fontsize=FONT["base"])
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    axes[0].set_ylabel("Staff staying")
    shown = [d for d in designs if (stats["scenario"] == d).any()]
    legend_in(legend_ax, [Patch(color=colours[d], label=d) for d in shown], min(5, len(shown)))
    title = "Workforce: % of staff who stay on, after each school year" if multi else \
        "Workforce: % of staff who stay for the next school year"
    set_titles(fig, title, "Staying = in post at the start of the year and neither resigning during it nor moving or "
               "leaving at its end (residents: not withdrawing during their residency year). "
               f"Whiskers: {uncertainty_note(run)}.")
    caption = ("Each bar is the share of the staff in post at the start of a school year who are still in post at the "
               "start of the next (the rest resigned, moved school or left teaching), by "
               + ("staff group and year" if multi else "staff group") + " and design; taller is better, and the "
               "whiskers show how sure we are.")
    return Drawn("05-workforce", title, caption, fig, heading="Who stays")


def tradeoff(run: RunFolder, designs: list[str], opts: Options) -> Drawn:
    if "cost_per_pupil" not in run.metric_names:
        raise Skip("this run has no cost metrics (cost_per_pupil), so no cost trade-off figure")
    y = opts.y
    if y not in run.metric_names:
        raise Skip(f"this run has no metric {y!r} for the trade-off's vertical axis")
    xs = summary_rows(run, "cost_per_pupil", designs).set_index("scenario")
    ys = summary_rows(run, y, designs).set_index("scenario")
    both = [d for d in designs if d in xs.index and d in ys.index]
    colours = design_colors(run.scenarios)
    money = money_unit(run)
    share = kind_of(y) is Kind.SHARE
    k = 100.0 if share else 1.0
    ymin_data = float(run.values([y])["value"].min())
    fig = new_figure()
    ax = fig.add_subplot()
    points = []
    for d in both:
        xr, yr = xs.loc[d], ys.loc[d]
        ylo, yhi = yr["ci_low"] * k, yr["ci_high"] * k
        if share:
            ylo, yhi = max(ylo, 0.0), min(yhi, 100.0)
        ax.errorbar(xr["mean"], yr["mean"] * k, xerr=[[xr["mean"] - xr["ci_low"]], [xr["ci_high"] - xr["mean"]]],
                    yerr=[[yr["mean"] * k - ylo], [yhi - yr["mean"] * k]], fmt="o",
                    color=colours[d], markersize=17, elinewidth=3, capsize=8, capthick=3, zorder=3,
                    markeredgecolor="white", markeredgewidth=2)
        points.append((d, float(xr["mean"]), float(yr["mean"] * k), colours[d]))
    xlo = min(float(xs.loc[both, "ci_low"].min()), float(xs.loc[both, "mean"].min()))
    xhi = float(xs.loc[both, "ci_high"].max())
    pad = max((xhi - xlo) * 0.25, abs(xhi) * 0.03, 1.0)
    ax.set_xlim(xlo - pad, xhi + pad * 1.6)
    ylo, yhi = float(ys.loc[both, "ci_low"].min()) * k, float(ys.loc[both, "ci_high"].max()) * k
    ypad = max((yhi - ylo) * 0.25, abs(yhi) * 0.05, 1e-6)
    bottom = ylo - ypad
    if ymin_data >= 0 and (bottom < 0 or ylo < ypad):  # never negative: start at zero
        bottom = 0.0
    ax.set_ylim(bottom, yhi + ypad)
    yname, yunit = metric_label(y, money)
    xname, xunit = metric_label("cost_per_pupil", money)
    ax.set_xlabel(f"{xname} ({xunit})")
    ax.set_ylabel(textwrap.fill(f"{yname} ({yunit})", 30))
    ax.xaxis.set_major_formatter(lambda v, _p: format_money(v))
    if share:
        ax.yaxis.set_major_formatter(lambda v, _p: f"{v:.0f} %")
    set_titles(fig, f"Trade-off: cost per pupil against {yname.lower()}",
               f"Up is more {yname.lower()}, left is cheaper. Whiskers: {uncertainty_note(run)}.")
    place_point_labels(ax, points)
    direction = direction_of(y)
    if direction is Direction.LOWER:
        best = "so the best value sits bottom-left"
    elif direction is Direction.HIGHER:
        best = "so the best value sits top-left"
    else:
        best = "so compare each design's height with its cost"
    caption = (f"Each dot is a design: further left costs less per pupil, higher means more {yname.lower()}, {best}; "
               "the whiskers in both directions show how sure we are, and designs whose whiskers overlap cannot be "
               "told apart.")
    return Drawn("06-cost-tradeoff", f"Trade-off: cost per pupil against {yname.lower()}", caption, fig,
                 heading="Cost against outcome")

