"""Differences from the baseline with and without parameter uncertainty (a comparison made with --ensemble).

One panel per headline metric; in it, one row per design other than the
baseline: the dot is the difference as written, the thick bar its seed-only 95 %
confidence interval, the thin bar the interval that adds the spread of the
calibrated ensemble. A thin bar crossing the zero line is a conclusion that
does not survive what we do not know about the parameters.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import numpy as np
from matplotlib.ticker import MaxNLocator

from staffsim.experiments.runfolder import RunFolder
from staffsim.present.format import format_value, metric_label
from staffsim.present.plots.base import Drawn, Options, Skip, money_unit, new_figure, set_titles
from staffsim.present.plots.palette import FONT, REFERENCE, design_colors
from staffsim.present.uncertainty import headline_metrics


def differences(run: RunFolder, designs: list[str], opts: Options) -> list[Drawn]:
    """The paired differences from the baseline, seed-only and with parameter uncertainty, per headline metric.

    Nothing (and no note) for a comparison made without --ensemble.
    """
    table = run.read("ensemble_comparison") if run.kind == "compare" else None
    if table is None or table.empty:
        return []
    others = [d for d in designs if d != run.scenarios[0]]
    metrics = headline_metrics(table)
    if not others or not metrics:
        raise Skip("the ensemble comparison has no design besides the baseline")
    cols = min(3, len(metrics))
    rows = math.ceil(len(metrics) / cols)
    fig = new_figure(13.0, 2.0 + rows * (1.6 + 0.55 * len(others)))
    colours = design_colors(run.scenarios)
    money = money_unit(run)
    for i, metric in enumerate(metrics):
        ax = fig.add_subplot(rows, cols, i + 1)
        t = table[(table["metric"] == metric) & table["scenario"].isin(others)].set_index("scenario").reindex(others)
        y = np.arange(len(others))[::-1]
        for yy, (d, r) in zip(y, t.iterrows()):
            ax.plot([r["ens_diff_low"], r["ens_diff_high"]], [yy, yy], color=colours[d], lw=1.8, alpha=0.8)
            ax.plot([r["diff_ci_low"], r["diff_ci_high"]], [yy, yy], color=colours[d], lw=7, solid_capstyle="butt")
            ax.plot([r["diff"]], [yy], "o", color="white", mec=colours[d], ms=7, mew=2)
        ax.axvline(0, color=REFERENCE, lw=1)
        ax.set_yticks(y, others if i % cols == 0 else [""] * len(others), fontsize=FONT["tick"] - 2)
        ax.set_ylim(-0.7, len(others) - 0.3)
        name, _ = metric_label(metric, money)
        ax.set_title(textwrap.fill(name, 30), fontsize=FONT["tick"] - 3, loc="left")
        ax.tick_params(axis="x", labelsize=FONT["tick"] - 4)
        ax.xaxis.set_major_formatter(lambda x, _p, m=metric: format_value(x, m, signed=True, compact=True))
        ax.xaxis.set_major_locator(MaxNLocator(3))
    title = f"Differences from {run.scenarios[0]}, with and without what we do not know about the parameters"
    set_titles(fig, title, f"Dot: difference as written; thick bar: its 95 % confidence interval over "
                           f"{run.replications} replications; thin bar: with the spread of the calibrated ensemble "
                           f"({Path(str(run.manifest.get('ensemble'))).name}) added.")
    caption = ("A thin bar that stays on one side of the zero line is a difference that survives the parameters' "
               "uncertainty; one that crosses it is not a conclusion to rely on, however narrow the thick bar.")
    return [Drawn("ensemble-differences", title, caption, fig, heading="What survives what we do not know")]
