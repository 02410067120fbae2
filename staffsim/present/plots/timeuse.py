"""Where the time goes (3): an average week per design and role, as stacked horizontal bars."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.patches import Patch

from staffsim.experiments.runfolder import RunFolder
from staffsim.scenario.vocabulary import ROLE_CATEGORIES
from staffsim.present.plots.base import Drawn, Options, Skip, legend_in, new_figure, rep_interval, set_titles
from staffsim.present.plots.data import CONTRACT, role_weeks
from staffsim.present.plots.palette import ACTIVITY_COLORS, FONT, REFERENCE, design_colors

#: Bar segments in order (left to right) and the staff_weeks columns each one adds up.
GROUPS: dict[str, tuple[str, ...]] = {
    "Whole class": ("whole_class",),
    "Small group": ("small_group",),
    "Online lab": ("online_lab",),
    "Planning alone": ("planning_individual", "planning_structured"),
    "Team planning": ("planning_collaborative",),
    "Coaching": ("coaching_given", "coaching_received"),
    "Covering classes": ("coverage",),
    "Interruptions": ("interruption",),
    "Duties & other": ("duties", "other"),
    "Overtime": ("overtime",),
}
CATEGORY_ORDER = {c.name: c.display_order for c in ROLE_CATEGORIES}


def _dark(colour: str) -> bool:
    r, g, b = to_rgb(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5


def _role_means(rw) -> tuple:
    """Per design and role: mean hours by activity group, headcount, and the total's interval; the contract week."""
    cols = [c for cols in GROUPS.values() for c in cols if c in rw]
    per = rw.groupby(["scenario", "replication", "role", "category"], sort=False)[cols + ["present_days", "staff_in_post"]].sum().reset_index()
    per = per[per["present_days"] > 0]
    weeks_seen = rw.groupby(["scenario", "replication", "role"], sort=False)["week"].size().rename("weeks").reset_index()
    per = per.merge(weeks_seen, on=["scenario", "replication", "role"])
    for g, members in GROUPS.items():
        have = [c for c in members if c in per]
        per[g] = per[have].sum(axis=1) / per["present_days"] * 5 / 60 if have else 0.0
    per["total"] = per[list(GROUPS)].sum(axis=1)
    per["headcount"] = per["staff_in_post"] / per["weeks"]
    means = per.groupby(["scenario", "role", "category"], sort=False)[list(GROUPS) + ["headcount"]].mean().reset_index()
    total = rep_interval(per, ["scenario", "role"], "total")
    means = means.merge(total[["scenario", "role", "mean", "ci_low", "ci_high"]], on=["scenario", "role"])
    # contract week in hours (what the contract-day segments add up to for someone present all week)
    contract_minutes = rw[[c for c in CONTRACT if c in rw]].sum(axis=1).sum()
    contract_week = contract_minutes / rw["staff_in_post"].sum() / 60 if rw["staff_in_post"].sum() else np.nan
    return means, contract_week


def _bars(ax, m, shown: list[str], xmax: float) -> None:
    """One design's stacked bars (one per role), hour labels inside, the total's whisker and label."""
    y = np.arange(len(m))[::-1]
    left = np.zeros(len(m))
    for g in shown:
        w = m[g].to_numpy()
        ax.barh(y, w, left=left, color=ACTIVITY_COLORS[g], height=0.72, edgecolor="white", linewidth=1.2)
        for yi, li, wi in zip(y, left, w):
            if wi >= 2.6:
                ax.text(li + wi / 2, yi, f"{wi:.0f}", ha="center", va="center", fontsize=FONT["annotation"],
                        color="white" if _dark(ACTIVITY_COLORS[g]) else "#111111", fontweight="bold")
        left += w
    ax.errorbar(m["mean"], y, xerr=[m["mean"] - m["ci_low"], m["ci_high"] - m["mean"]], fmt="none",
                ecolor=REFERENCE, elinewidth=2.5, capsize=7, capthick=2.5, zorder=5)
    for yi, tot in zip(y, m["mean"]):
        ax.text(tot + xmax * 0.012, yi, f"{tot:.0f} h", va="center", ha="left", fontsize=FONT["annotation"],
                color=REFERENCE)
    ax.set_yticks(y)
    ax.set_yticklabels([f"{r.replace('_', ' ')} (×{h:.0f})" if h >= 1.5 else r.replace("_", " ")
                        for r, h in zip(m["role"], m["headcount"])])
    ax.grid(axis="y", visible=False)
    ax.set_ylim(-0.6, len(m) - 0.4)


def time_use(run: RunFolder, designs: list[str], opts: Options) -> Drawn:
    rw = role_weeks(run, designs)
    if rw.empty:
        raise Skip("no staff_weeks table in this run folder (sweeps do not record one), so no time-use bars")
    means, contract_week = _role_means(rw)
    shown = [g for g in GROUPS if (means[g] > 0.05).any()]
    colours = design_colors(run.scenarios)
    blocks = []
    for d in designs:
        m = means[means["scenario"] == d].copy()
        m["order"] = m["category"].map(CATEGORY_ORDER).fillna(9)
        blocks.append((d, m.sort_values(["order", "role"])))
    n_bars = sum(len(b) for _, b in blocks)
    fig = new_figure(13, 3.4 + 0.72 * n_bars + 0.6 * len(blocks))
    ncol = 4 if len(shown) > 4 else len(shown)
    legend_rows = -(-len(shown) // ncol)
    gs = fig.add_gridspec(len(blocks) + 1, 1, height_ratios=[0.45 * legend_rows] + [max(len(b), 1) for _, b in blocks])
    legend_ax = fig.add_subplot(gs[0])
    axes = [fig.add_subplot(gs[i + 1]) for i in range(len(blocks))]
    for ax in axes[1:]:
        ax.sharex(axes[0])
    for ax in axes[:-1]:
        ax.tick_params(labelbottom=False)
    xmax = float(means["ci_high"].max()) * 1.04
    for ax, (d, m) in zip(axes, blocks):
        _bars(ax, m, shown, xmax)
        ax.set_title(d, loc="left", color=colours[d], fontsize=FONT["base"] + 2, fontweight="bold", pad=6)
        if np.isfinite(contract_week):
            ax.axvline(contract_week, color=REFERENCE, linestyle=(0, (5, 4)), linewidth=2, zorder=4)
    axes[0].annotate(f"contract week {contract_week:.1f} h", (contract_week, 1.0), xycoords=("data", "axes fraction"),
                     xytext=(0, 4), textcoords="offset points", ha="center", va="bottom", fontsize=FONT["annotation"],
                     color=REFERENCE) if np.isfinite(contract_week) else None
    axes[-1].set_xlim(0, xmax * 1.08)
    axes[-1].set_xlabel("Hours per person in an average week at work")
    legend_in(legend_ax, [Patch(color=ACTIVITY_COLORS[g], label=g) for g in shown], ncol)
    set_titles(fig, "Where the time goes: an average week, hours per person",
               f"Numbers inside bars: hours. Whiskers at the end of each bar: 95 % confidence interval of the total, "
               f"over {run.replications} simulated school years.")
    caption = ("Each bar splits an average working week of one person in that role into what they spent it on; "
               "the dashed line is the contract week, so anything beyond it is unpaid overtime, and the whisker "
               "at the end of each bar shows how sure we are of the total.")
    return Drawn("03-time-use", "Where the time goes: an average week, hours per person", caption, fig, heading="Where the time goes")
