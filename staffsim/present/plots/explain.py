"""The waterfall of a contrast: from the gap the designs' structure makes alone to the gap as written.

The first bar is the gap B - A with every channel off; each following bar adds
one mechanism's contribution (the gap as written minus the gap with it off),
largest first, then the interactions; the last bar is the gap as written.
Whiskers are paired 95 % confidence intervals of each step.
"""

from __future__ import annotations

import numpy as np

from staffsim.experiments.runfolder import RunFolder
from staffsim.present.format import format_value, metric_label
from staffsim.present.plots.base import Drawn, Options, Skip, new_figure, set_titles
from staffsim.present.plots.palette import FONT, OKABE_ITO, REFERENCE


def _steps(t):
    """(label, start, end, low, high) of each bar, in drawing order."""
    first, rest = t.iloc[0], t[t["condition"] == "every channel off"].iloc[0]
    channels = t[t["contribution"].notna() & (t["condition"] != "interactions")]
    channels = channels.reindex(channels["contribution"].abs().sort_values(ascending=False).index)
    inter = t[t["condition"] == "interactions"].iloc[0]
    steps = [("structure alone", 0.0, rest.gap, rest.gap_low, rest.gap_high)]
    level = rest.gap
    for r in list(channels.itertuples()) + [inter]:
        lab = r.label.removeprefix("without ")
        steps.append((lab, level, level + r.contribution, level + r.contribution_low, level + r.contribution_high))
        level += r.contribution
    steps.append(("the gap as written", 0.0, first.gap, first.gap_low, first.gap_high))
    return steps


def waterfall(run: RunFolder, designs: list[str], opts: Options) -> Drawn:
    """The explain run's waterfall."""
    t = run.read("explain")
    if t.empty:
        raise Skip("explain.parquet is missing: the explanation has not finished")
    metric, contrast = str(t["metric"].iloc[0]), str(t["contrast"].iloc[0]).replace(" - ", " − ")
    steps = _steps(t)
    fig = new_figure(13.0, 2.2 + 0.6 * len(steps))
    ax = fig.add_subplot()
    y = np.arange(len(steps))[::-1]
    sign = np.sign(steps[-1][2]) or 1.0
    for yy, (label, a, b, lo, hi) in zip(y, steps):
        total = label in ("structure alone", "the gap as written")
        colour = REFERENCE if total else (OKABE_ITO[0] if (b - a) * sign > 0 else OKABE_ITO[1])
        ax.barh(yy, b - a, left=a, color=colour, height=0.6, alpha=0.9 if total else 0.8)
        ax.errorbar([b], [yy], xerr=[[max(b - lo, 0)], [max(hi - b, 0)]], fmt="none", ecolor="#444444", capsize=4, lw=1.3)
    ax.axvline(0, color=REFERENCE, lw=1)
    ax.set_yticks(y, [s[0] for s in steps], fontsize=FONT["tick"] - 2)
    ax.tick_params(axis="x", labelsize=FONT["tick"] - 2)
    ax.xaxis.set_major_formatter(lambda x, _p: format_value(x, metric, signed=True, compact=True))
    name, unit = metric_label(metric)
    title = f"What carries the gap {contrast} in {name.lower()}"
    set_titles(fig, title, f"Bars add up from the gap with every mechanism switched off to the gap as written ({unit}); "
                           "blue adds to the gap, orange works against it. Whiskers: paired 95 % confidence intervals over "
                           f"{run.replications} replications.")
    caption = ("Read from the top: the gap the designs' structure makes by itself, then how much each mechanism adds "
               "(its share: the gap as written minus the gap without it), then what the mechanisms do together. "
               "A short bar is a mechanism the contrast does not depend on.")
    return Drawn(f"explain-{metric}", title, caption, fig, heading=f"What carries the gap in {name.lower()}")
