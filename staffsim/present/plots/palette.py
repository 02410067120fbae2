"""Colours and the shared figure style: one colour per design, the same in every figure.

Designs take the Okabe-Ito colours (Okabe & Ito 2008, "Color Universal
Design"), distinguishable with the common colour-vision deficiencies, in the
order the run's manifest lists them; so the baseline is always the first
colour, and a design keeps its colour when others are left out of a figure.
Activities in the time-use bars use Paul Tol's "muted" scheme, also
colour-blind safe, grouped by kind (teaching blues, planning greens,
coaching purple, lost time reds, overtime dark).
"""

from __future__ import annotations

import contextlib
from typing import Iterator

import matplotlib as mpl
import seaborn as sns

#: Okabe-Ito without black (kept for text and reference lines); yellow last, as it is faint on white.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442"]
#: Beyond seven designs (only when asked for): Tol "bright" tones, then repeat with a different line style.
EXTRA = ["#AA3377", "#228833", "#4477AA", "#CCBB44", "#66CCEE", "#EE6677", "#BBBBBB"]
REFERENCE = "#222222"  # thresholds, scheduled-time lines, annotations
BREAK_GREY = "#8C8C8C"

#: Activity -> colour (Tol muted + greys), keyed by the time-use groups of `plots.timeuse`.
ACTIVITY_COLORS = {
    "Whole class": "#332288",
    "Small group": "#88CCEE",
    "Online lab": "#44AA99",
    "Planning alone": "#117733",
    "Team planning": "#999933",
    "Coaching": "#AA4499",
    "Duties & other": "#DDDDDD",
    "Covering classes": "#CC6677",
    "Interruptions": "#DDCC77",
    "Overtime": "#882255",
}

#: Font sizes (points) for figures shown on a projector: a 13-inch-wide figure fills the screen.
FONT = {"base": 19, "title": 24, "subtitle": 16, "tick": 17, "legend": 17, "annotation": 16}


#: The shipped designs keep their colour in every run and every figure (a workshop shows several runs).
SHIPPED_COLORS = {
    "traditional": OKABE_ITO[0],
    "blended": OKABE_ITO[1],
    "team-based": OKABE_ITO[2],
    "pilot-4plus1": OKABE_ITO[3],
    "pilot-two-periods": OKABE_ITO[4],
}


def design_colors(scenarios: list[str]) -> dict[str, str]:
    """Design label -> colour: shipped designs by name, others in manifest order from the colours left."""
    out = {s: SHIPPED_COLORS[s] for s in scenarios if s in SHIPPED_COLORS}
    free = [c for c in OKABE_ITO + EXTRA if c not in out.values()]
    others = [s for s in scenarios if s not in out]
    for i, s in enumerate(others):
        out[s] = free[i % len(free)]
    return {s: out[s] for s in scenarios}


@contextlib.contextmanager
def figure_style() -> Iterator[None]:
    """seaborn's white-grid look with large fonts, without touching global matplotlib state."""
    rc = {
        "font.size": FONT["base"],
        "axes.titlesize": FONT["title"],
        "axes.labelsize": FONT["base"],
        "xtick.labelsize": FONT["tick"],
        "ytick.labelsize": FONT["tick"],
        "legend.fontsize": FONT["legend"],
        "legend.title_fontsize": FONT["legend"],
        "figure.titlesize": FONT["title"],
        "axes.titleweight": "bold",
        "figure.titleweight": "bold",
        "lines.linewidth": 3.5,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#444444",
        "grid.color": "#E3E3E3",
        "svg.fonttype": "path",
        "savefig.facecolor": "white",
        "figure.facecolor": "white",
    }
    with sns.axes_style("whitegrid"), mpl.rc_context(rc):
        yield
