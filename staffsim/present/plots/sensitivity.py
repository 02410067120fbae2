"""Sensitivity figures: the assumptions ranked by how much they drive a metric (or a contrast B - A).

One figure per metric analysed (`--metric` chooses among them): horizontal bars,
largest first, of Morris mu* (the mean absolute effect of moving a parameter
across its whole range) or of the Sobol total index ST (with the first-order
index S1 as a thinner bar inside it), each with its 95 % bootstrap interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffsim.experiments.runfolder import RunFolder
from staffsim.present.format import format_value, metric_label
from staffsim.present.plots.base import Drawn, Options, Skip, money_unit, new_figure, nice_param, set_titles
from staffsim.present.plots.palette import FONT, OKABE_ITO, REFERENCE

SHOWN = 12  # parameters per figure (the rest are in sensitivity.csv)


def _table(run: RunFolder) -> pd.DataFrame:
    t = run.read("sensitivity")
    if t.empty:
        raise Skip("sensitivity.parquet is missing: the analysis has not finished")
    return t


def _bars(ax, rows: pd.DataFrame, method: str, metric: str) -> None:
    y = np.arange(len(rows))[::-1]
    if method == "morris":
        v, lo, hi = rows["mu_star"], rows["mu_star_low"], rows["mu_star_high"]
        ax.barh(y, v, color=OKABE_ITO[0], height=0.65)
    else:
        v, lo, hi = rows["ST"], rows["ST_low"], rows["ST_high"]
        ax.barh(y, v, color=OKABE_ITO[0], height=0.65, label="total (ST)")
        ax.barh(y, rows["S1"].clip(lower=0), color=OKABE_ITO[5], height=0.3, label="first order (S1)")
        ax.legend(loc="lower right", frameon=False, fontsize=FONT["legend"])
    ax.errorbar(v, y, xerr=[np.maximum(v - lo, 0), np.maximum(hi - v, 0)], fmt="none", ecolor=REFERENCE, capsize=4, lw=1.5)
    ax.set_yticks(y, [nice_param(p) for p in rows["parameter"]], fontsize=FONT["tick"])
    ax.axvline(0, color=REFERENCE, lw=1)
    ax.tick_params(axis="x", labelsize=FONT["tick"])
    if method == "morris":
        ax.xaxis.set_major_formatter(lambda x, _pos: format_value(x, metric, compact=True))
    ax.grid(axis="x", alpha=0.3)


def ranked(run: RunFolder, designs: list[str], opts: Options) -> list[Drawn]:
    """One ranked bar figure per metric of a sensitivity run folder."""
    table = _table(run)
    method = str(table["method"].iloc[0])
    output = str(table["output"].iloc[0])
    wanted = list(opts.metrics) if opts.metrics else list(dict.fromkeys(table["metric"]))
    out = []
    for metric in wanted:
        rows = table[table["metric"] == metric].sort_values("rank").head(SHOWN)
        if rows.empty or rows[RANKED[method]].isna().all():
            continue
        name, unit = metric_label(metric, money_unit(run))
        fig = new_figure(13.0, 1.6 + 0.55 * len(rows))
        ax = fig.add_subplot()
        _bars(ax, rows, method, metric)
        contrast = " - " in output
        what = (f"the gap {output.replace(' - ', ' − ')} in {name.lower()}" if contrast
                else f"{name.lower()} in {output}")
        n = int(run.manifest.get("points", 0))
        design = (f"{method.capitalize()} design over {n} points of the assumptions table, {run.replications} "
                  f"replications each{', paired on common random numbers' if contrast else ''}.")
        if method == "morris":
            title = f"What drives {what}"
            note = f"Bars: Morris mu*, the change across each assumption's range ({unit}). "
            caption = ("Each bar is Morris mu*, the average size of the change in the outcome when one assumption "
                       "moves across its whole plausible range, the others held; longer bars matter more. "
                       "A bar whose whisker reaches 0 may not matter at all.")
        else:
            title = f"What drives {what}: shares of its variance"
            note = "Wide bars: Sobol total index ST; thin bars: first-order index S1. "
            caption = ("The wide bar is the Sobol total index ST: the share of the outcome's variance that goes "
                       "if the assumption were known, interactions included; the thin bar the share it causes alone "
                       "(S1). Assumptions near 0 could be fixed anywhere in their range without changing the answer.")
        set_titles(fig, title, f"{note}Whiskers: 95 % bootstrap interval. {design}")
        out.append(Drawn(f"sensitivity-{metric}", title, caption, fig, heading=f"What drives {name.lower()}"))
    if not out:
        raise Skip("no metric of this sensitivity run has indices (an output with missing values?)")
    return out


RANKED = {"morris": "mu_star", "sobol": "ST"}
