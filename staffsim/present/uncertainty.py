"""The report's sections on uncertainty: what drives the outcomes, the calibrated ensemble, what survives it.

`report_sections(run)` gives the extra sections of a run folder's report, each a
heading, a paragraph and a small table (plain strings: the template lays them
out), chosen by what the folder holds: sensitivity indices, a fit's targets
against its ensemble, a comparison under parameter uncertainty.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from staffsim.experiments.runfolder import RunFolder
from staffsim.present.format import format_value, metric_label
from staffsim.present.plots.base import nice_param

TOP = 8  # parameters shown per metric


def _section(heading: str, intro: str, columns: list[str], rows: list[list[str]], notes: list[str] | None = None) -> dict:
    return {"heading": heading, "intro": intro, "columns": columns, "rows": rows, "notes": notes or []}


def sensitivity_section(run: RunFolder) -> dict[str, Any] | None:
    """The assumptions that drive each analysed metric, largest first (a sensitivity run folder)."""
    t = run.read("sensitivity")
    if t.empty:
        return None
    method, output = str(t["method"].iloc[0]), str(t["output"].iloc[0])
    rows = []
    for metric, g in t.groupby("metric", sort=False):
        name, _ = metric_label(metric)
        for r in g.sort_values("rank").head(TOP).itertuples():
            if method == "morris":
                value = (f"{format_value(r.mu_star, metric, compact=True)} ("
                         f"{format_value(r.mu_star_low, metric, compact=True)} to "
                         f"{format_value(r.mu_star_high, metric, compact=True)})")
            else:
                value = f"ST {r.ST:.2f} ({r.ST_low:.2f} to {r.ST_high:.2f}); S1 {r.S1:.2f}"
            rows.append([name if r.rank == 1 else "", str(r.rank), nice_param(r.parameter), value])
    what = (f"the gap {output.replace(' - ', ' − ')}" if " - " in output else f"{output}'s outcomes")
    intro = ("Each assumption of the assumptions table was varied across its plausible range. "
             + ("The number is the average change in the outcome when one assumption moves across its whole range "
                "(Morris mu*), with its 95 % bootstrap interval: " if method == "morris" else
                "The numbers are the shares of the outcome's variance due to each assumption (Sobol indices): ")
             + f"the assumptions at the top decide {what}; those near zero hardly matter.")
    return _section("What the results depend on", intro, ["outcome", "rank", "assumption", "effect"], rows)


def report_sections(run: RunFolder) -> list[dict[str, Any]]:
    """The uncertainty sections this run folder supports, in reading order."""
    found = [sensitivity_section(run) if run.kind == "sensitivity" else None]
    return [s for s in found if s is not None]


def frame_rows(df: pd.DataFrame) -> list[list[str]]:
    """A small frame's values as strings, for a section's table."""
    return [[str(v) for v in row] for row in df.itertuples(index=False)]
