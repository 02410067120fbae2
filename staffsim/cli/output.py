"""What run, compare and sweep print when they finish: their tables (or `--json`), the run folder, what to run next."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from staffsim.experiments import store
from staffsim.present.format import metric_label
from staffsim.cli.common import (command_text, out, print_json, print_next_steps, print_precision_warnings,
                                 records)
from staffsim.cli.tables import comparison_table, headline_tables, summary_table, sweep_table

#: Columns of a summary that are not a sweep's parameters.
SUMMARY_COLUMNS = ("scenario", "point", "metric", "n", "mean", "sd", "ci_low", "ci_high")


def header(run_dir: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """What every JSON result starts with: the kind of run, its folder and how it was run."""
    return {"kind": manifest.get("kind"), "run_dir": str(run_dir), "status": manifest.get("status"),
            "scenarios": manifest.get("scenarios", []), "replications": manifest.get("replications"),
            "seed": manifest.get("seed"), "years": manifest.get("years", 1)}


def labelled(df: pd.DataFrame) -> pd.DataFrame:
    """A frame with a `metric` column, with each metric's label and unit (from the registry) beside it."""
    if df.empty or "metric" not in df:
        return df
    words = {m: metric_label(m) for m in df["metric"].unique()}
    at = list(df.columns).index("metric") + 1
    df = df.copy()
    df.insert(at, "unit", df["metric"].map(lambda m: words[m][1]))
    df.insert(at, "label", df["metric"].map(lambda m: words[m][0]))
    return df


def _money(run_dir: Path) -> str | None:
    from staffsim.experiments.decision import run_money

    return run_money(run_dir)


def print_run(run_dir: Path, manifest: dict[str, Any], as_json: bool = False) -> None:
    """`staffsim run`: every metric with its 95 % CI (or JSON), then what to run next."""
    summary = store.read_table(run_dir, "summary")
    if as_json:
        print_json({**header(run_dir, manifest), "summary": records(labelled(summary))})
        return
    if not summary.empty:
        name = manifest.get("scenarios", ["?"])[0]
        out.print(summary_table(summary, f"{name}: {manifest['replications']} replications, seed {manifest['seed']}"))
        print_precision_warnings(summary)
    print_next_steps(run_dir)


def print_comparison(run_dir: Path, manifest: dict[str, Any], detail: bool = False, as_json: bool = False) -> None:
    """`staffsim compare`: the headline that fits the terminal (every metric with `detail`), or JSON; what next."""
    comp = store.read_table(run_dir, "comparison")
    decision = store.read_table(run_dir, "decision")
    if as_json:
        scenarios = manifest.get("scenarios", [])
        print_json({**header(run_dir, manifest), "baseline": scenarios[0] if scenarios else None,
                    "comparison": records(labelled(comp)), "decision": records(decision)})
        return
    money = _money(run_dir)
    subject = (f"{len(manifest['scenarios'])} designs, {manifest['replications']} replications each, "
               f"seed {manifest['seed']}")
    if detail and not comp.empty:
        out.print(comparison_table(comp, f"{subject}: every metric (differences paired by replication)", money))
    if not decision.empty:
        for t in headline_tables(decision, money, out.width, subject):
            out.print(t)
    print_precision_warnings(store.read_table(run_dir, "summary"))
    more = [] if detail else [("every metric with its 95 % CI",
                               command_text("staffsim", "compare", "--resume", run_dir, "--detail"))]
    print_next_steps(run_dir, more)


def sweep_parameters(summary: pd.DataFrame) -> list[str]:
    """The swept parameters' columns of a sweep's summary (between `point` and `metric`)."""
    return [c for c in summary.columns if c not in SUMMARY_COLUMNS]


def print_sweep(run_dir: Path, manifest: dict[str, Any]) -> None:
    """`staffsim sweep`: per design and point, the parameter values and the headline metrics; what next."""
    from staffsim.present.plots.sweep import DEFAULT_METRICS, MAX_DEFAULT

    summary = store.read_table(run_dir, "summary")
    if not summary.empty:
        have = set(summary.loc[summary["n"] > 0, "metric"]) if "n" in summary else set(summary["metric"])
        metrics = [m for m in DEFAULT_METRICS if m in have][:MAX_DEFAULT]
        points = manifest.get("points", summary["point"].nunique())
        title = (f"{points} point(s) x {len(manifest['scenarios'])} design(s) x {manifest['replications']} "
                 f"replications, seed {manifest['seed']}: mean ± half its 95 % CI")
        out.print(sweep_table(summary, sweep_parameters(summary), metrics, _money(run_dir), title, out.width))
    out.print(f"Every metric at every point, with the parameter values: {run_dir / 'summary.csv'}",
              soft_wrap=True, markup=False, highlight=False)
    print_next_steps(run_dir)
