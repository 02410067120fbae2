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


def _target_value(v: float, unit: str) -> str:
    if pd.isna(v):
        return "–"
    return f"{100 * v:.1f} %" if unit == "share" else f"{v:.3g}"


def fit_sections(run: RunFolder) -> list[dict[str, Any]]:
    """Targets vs ensemble, and the parameters the targets narrowed (a fit folder)."""
    targets, ranges = run.read("fit_targets"), run.read("fit_ranges")
    if targets.empty:
        return []
    m = run.manifest
    n = int(m.get("ensemble_size", 0))
    rows = [[r.label, _target_value(r.value, r.unit), f"{_target_value(r.low, r.unit)} to {_target_value(r.high, r.unit)}",
             _target_value(r.default, r.unit),
             "–" if pd.isna(r.ensemble_low) else f"{_target_value(r.ensemble_low, r.unit)} to "
                                                 f"{_target_value(r.ensemble_high, r.unit)}",
             f"{100 * r.ruled_out_share:.0f} %"] for r in targets.itertuples()]
    intro = (f"{m.get('points_run', '?')} parameter sets drawn from the assumptions table were each simulated "
             f"{m.get('replications')} times in up to {m.get('waves')} waves, each wave refocused where the last found "
             f"plausible sets. A set is kept when every target is within {m.get('cutoff', 3):g} standard deviations "
             "(the target's band and the simulation's noise together). The table compares each published figure with "
             "the scenario as written and with the kept sets.")
    notes = []
    if n == 0:
        from staffsim.experiments.history_matching import ruled_out_everything

        blocking = ruled_out_everything(targets)
        notes.append("No parameter set was kept. " + (f"These targets ruled out every set: {', '.join(blocking)}."
                     if blocking else "No single target ruled out every set; together they did."))
    out = [_section("Targets vs ensemble", intro, ["target", "published", "band", "as written", "kept sets",
                                                   "sets ruled out"], rows, notes)]
    narrowed = ranges[ranges["kept_share"] < 0.95] if n else ranges.iloc[:0]
    if not narrowed.empty:
        rows = [[nice_param(r.parameter), f"{r.low:g} to {r.high:g}", f"{r.default:.3g}",
                 f"{r.ensemble_low:.3g} to {r.ensemble_high:.3g}", f"{100 * r.kept_share:.0f} %"]
                for r in narrowed.itertuples()]
        out.append(_section("What the targets pin down", f"{n} parameter sets were kept. These assumptions were "
                            "narrowed by the published figures; the others remain as uncertain as the assumptions "
                            "table says.", ["assumption", "plausible range", "as written", "kept sets", "range kept"],
                            rows))
    return out


def report_sections(run: RunFolder) -> list[dict[str, Any]]:
    """The uncertainty sections this run folder supports, in reading order."""
    found: list[dict[str, Any] | None] = []
    if run.kind == "sensitivity":
        found.append(sensitivity_section(run))
    if run.kind == "fit":
        found.extend(fit_sections(run))
    return [s for s in found if s is not None]


def frame_rows(df: pd.DataFrame) -> list[list[str]]:
    """A small frame's values as strings, for a section's table."""
    return [[str(v) for v in row] for row in df.itertuples(index=False)]
