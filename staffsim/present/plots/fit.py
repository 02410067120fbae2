"""The calibrated ensemble: where in each parameter's plausible range the accepted parameter sets lie.

One row per parameter, the most narrowed first: the grey bar is the whole
plausible range of the assumptions table (drawn from low to high on its
distribution's scale, so that a uniform sample fills it evenly), each dot an
accepted parameter set, the black mark the scenario's own value.
"""

from __future__ import annotations

import numpy as np

from staffsim.experiments.runfolder import RunFolder
from staffsim.present.plots.base import Drawn, Options, Skip, new_figure, nice_param, set_titles
from staffsim.present.plots.palette import FONT, OKABE_ITO, REFERENCE
from staffsim.scenario.assumptions import custom

SHOWN = 15


def accepted_ranges(run: RunFolder, designs: list[str], opts: Options) -> Drawn:
    """The accepted parameter sets of a fit, parameter by parameter, within the plausible ranges."""
    ranges, ensemble = run.read("fit_ranges"), run.read("ensemble")
    if ranges.empty:
        raise Skip("fit_ranges.parquet is missing: the fit has not finished")
    if ensemble.empty:
        raise Skip("the fit accepted no parameter set, so there are no accepted ranges to draw "
                   "(fit_targets.csv says which targets ruled everything out)")
    rows = ranges.head(SHOWN)
    fig = new_figure(13.0, 1.8 + 0.6 * len(rows))
    ax = fig.add_subplot()
    rng = np.random.default_rng(0)  # fixed jitter: the same data give the same picture
    for i, r in enumerate(rows.itertuples()):
        y = len(rows) - 1 - i
        a = custom(r.parameter, r.low, r.high, r.distribution)
        u = a.unit(ensemble[r.parameter].to_numpy(float))
        ax.barh(y, 1.0, left=0.0, height=0.6, color="#E6E6E6", zorder=1)
        ax.scatter(u, y + rng.uniform(-0.22, 0.22, len(u)), s=14, color=OKABE_ITO[0], alpha=0.6, zorder=2, linewidths=0)
        if np.isfinite(r.default):
            ax.plot([a.unit(r.default)] * 2, [y - 0.34, y + 0.34], color=REFERENCE, lw=3, zorder=3)
    ax.set_yticks(range(len(rows))[::-1], [f"{nice_param(p)}  ({lo:g}–{hi:g})"
                                            for p, lo, hi in zip(rows["parameter"], rows["low"], rows["high"])],
                  fontsize=FONT["tick"])
    ax.set_xlim(-0.02, 1.02)
    ax.set_xticks([0, 0.5, 1], ["low end", "middle", "high end"], fontsize=FONT["tick"])
    ax.grid(False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    n = len(ensemble)
    title = f"What the published figures leave plausible: {n} accepted parameter sets for {run.scenarios[0]}"
    set_titles(fig, title, "Grey: the plausible range of the assumptions table; dots: accepted parameter sets "
                           f"(implausibility below {run.manifest.get('cutoff', 3):g} for every target); black mark: the "
                           "scenario's own value. Most narrowed parameters first.")
    caption = ("Each row is one assumption. Where the dots fill the grey bar, the published figures say nothing about "
               "it; where they bunch, calibration has pinned it down. Comparisons with --ensemble draw from these sets.")
    return Drawn("fit-accepted-ranges", title, caption, fig, heading="What calibration leaves plausible")
