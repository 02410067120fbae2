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
from staffsim.present.format import format_range, format_value, metric_label
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


# ------------------------------------------------------------------------------ compare --ensemble

def headline_metrics(table: pd.DataFrame) -> list[str]:
    """The decision table's metrics the ensemble comparison holds, in their order."""
    from staffsim.experiments.decision import DECISION_METRICS

    present = set(table["metric"])
    return [m for m in DECISION_METRICS if m in present]


def uncertainty_rows(table: pd.DataFrame, money: str | None = None) -> list[list[str]]:
    """Per headline metric and design: as written [seed-only CI], with parameter uncertainty [interval], and for
    each design but the baseline the same for the difference, P(better) and the verdict."""
    rows = []
    for metric in headline_metrics(table):
        name, unit = metric_label(metric, money)
        for r in table[table["metric"] == metric].itertuples():
            base = pd.isna(getattr(r, "diff", float("nan")))
            cells = [f"{name} ({unit})" if r.Index == table[table["metric"] == metric].index[0] else "", r.scenario,
                     f"{format_value(r.mean, metric, compact=True)} [{format_range(r.ci_low, r.ci_high, metric)}]",
                     f"{format_value(r.ens_mean, metric, compact=True)} [{format_range(r.ens_low, r.ens_high, metric)}]"]
            if base:
                cells += ["baseline", "", "", ""]
            else:
                cells += [f"{format_value(r.diff, metric, signed=True, compact=True)} "
                          f"[{format_range(r.diff_ci_low, r.diff_ci_high, metric, signed=True)}]",
                          f"{format_value(r.ens_diff, metric, signed=True, compact=True)} "
                          f"[{format_range(r.ens_diff_low, r.ens_diff_high, metric, signed=True)}]",
                          "–" if pd.isna(r.p_better) else f"{100 * r.p_better:.0f} %", str(r.verdict)]
            rows.append(cells)
    return rows


UNCERTAINTY_COLUMNS = ["measure", "design", "as written [95 % CI]", "with parameter uncertainty",
                       "difference as written", "difference with parameter uncertainty", "P(better)", "conclusion"]


def verdict_sentences(table: pd.DataFrame, money: str | None = None) -> list[str]:
    """Which differences from the baseline survive parameter uncertainty, in plain words (headline metrics)."""
    out = []
    baseline = table["scenario"].iloc[0] if len(table) else ""
    for metric in headline_metrics(table):
        name, _ = metric_label(metric, money)
        for r in table[(table["metric"] == metric) & table["diff"].notna()].itertuples():
            diff = format_value(r.diff, metric, signed=True, compact=True)
            if r.verdict == "survives":
                better = "better" if r.p_better >= 0.5 else "worse"
                out.append(f"{name}: {r.scenario} differs from {baseline} by {diff}, and the difference survives what "
                           f"we do not know about the parameters ({format_range(r.ens_diff_low, r.ens_diff_high, metric, signed=True)}; "
                           f"{r.scenario} does {better} in {100 * max(r.p_better, 1 - r.p_better):.0f} % of the draws).")
            elif r.verdict == "does not survive":
                out.append(f"{name}: {r.scenario} differs from {baseline} by {diff} as written, but not once the "
                           f"parameters' uncertainty is included ({format_range(r.ens_diff_low, r.ens_diff_high, metric, signed=True)}): "
                           "do not rely on this difference.")
            else:
                out.append(f"{name}: no clear difference between {r.scenario} and {baseline}, with or without the "
                           "parameters' uncertainty.")
    return out


def ensemble_section(run: RunFolder) -> dict[str, Any] | None:
    """What survives parameter uncertainty (a comparison made with --ensemble)."""
    t = run.read("ensemble_comparison")
    if t.empty:
        return None
    from staffsim.present.plots.base import money_unit

    money = money_unit(run)
    m = run.manifest
    intro = (f"Each design was also simulated over the calibrated ensemble ({m.get('ensemble')}): in replication r "
             "every design ran with the same parameter set drawn from those that reproduce the published figures. "
             "The intervals with parameter uncertainty add the spread those sets cause to the random-seed interval; "
             "P(better) is the share of the draws in which the design does better than the baseline.")
    return _section("What survives what we do not know", intro, UNCERTAINTY_COLUMNS, uncertainty_rows(t, money),
                    verdict_sentences(t, money))


# ------------------------------------------------------------------------------ explain

def explain_rows(table: pd.DataFrame) -> list[list[str]]:
    """As written, each channel (largest contribution first), every channel off, interactions: text cells."""
    metric = table["metric"].iloc[0]

    def fmt(v: float, lo: float, hi: float) -> str:
        if pd.isna(v):
            return ""
        return f"{format_value(v, metric, signed=True, compact=True)} [{format_range(lo, hi, metric, signed=True)}]"

    first, last = table.iloc[0], table[table["condition"] == "every channel off"].iloc[0]
    channels = table[table["contribution"].notna() & (table["condition"] != "interactions")]
    channels = channels.reindex(channels["contribution"].abs().sort_values(ascending=False).index)
    rows = [["the gap as written", fmt(first.gap, first.gap_low, first.gap_high), ""]]
    rows += [[r.label.removeprefix("without "), fmt(r.gap, r.gap_low, r.gap_high),
              fmt(r.contribution, r.contribution_low, r.contribution_high)] for r in channels.itertuples()]
    rows.append(["structure alone (every channel off)", fmt(last.gap, last.gap_low, last.gap_high),
                 fmt(last.gap, last.gap_low, last.gap_high)])
    inter = table[table["condition"] == "interactions"].iloc[0]
    rows.append(["interactions between the channels", "", fmt(inter.contribution, inter.contribution_low,
                                                             inter.contribution_high)])
    return rows


def explain_section(run: RunFolder) -> dict[str, Any] | None:
    t = run.read("explain")
    if t.empty:
        return None
    metric, contrast = t["metric"].iloc[0], t["contrast"].iloc[0].replace(" - ", " − ")
    name, _ = metric_label(metric)
    intro = (f"How much of the gap {contrast} in {name.lower()} each mechanism carries: each was switched off in "
             "both designs in turn (same random events), and its share is the gap as written minus the gap without "
             "it. What is left with every mechanism off is what the designs' structure makes by itself.")
    return _section(f"What carries the gap in {name.lower()}", intro, ["mechanism", "gap with it off", "carries"],
                    explain_rows(t))


def report_sections(run: RunFolder) -> list[dict[str, Any]]:
    """The uncertainty sections this run folder supports, in reading order."""
    found: list[dict[str, Any] | None] = []
    if run.kind == "sensitivity":
        found.append(sensitivity_section(run))
    if run.kind == "fit":
        found.extend(fit_sections(run))
    if run.kind == "compare":
        found.append(ensemble_section(run))
    if run.kind == "explain":
        found.append(explain_section(run))
    return [s for s in found if s is not None]


def frame_rows(df: pd.DataFrame) -> list[list[str]]:
    """A small frame's values as strings, for a section's table."""
    return [[str(v) for v in row] for row in df.itertuples(index=False)]
