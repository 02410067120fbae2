"""Sensitivity analysis over the assumption ranges: which parameters drive a metric, or a contrast B - A.

Points are drawn in the unit cube by SALib (Morris trajectories or Saltelli's
Sobol design), mapped to each parameter's range through its distribution
(`scenario.assumptions.Assumption.value`), and run through the runner as a
"sensitivity" run folder: every point is one variant per design, with
`replications` replications on common random numbers. The output of a point
is the mean of the metric over its replications, or, for a contrast of two
designs, the mean of the paired difference B - A (replication r of both
designs shares its random numbers, so the difference is precise).

Morris gives mu* (mean absolute elementary effect, in the metric's units per
the parameter's whole range) with a bootstrap confidence interval, and sigma
(how much the effect depends on the other parameters); Sobol the first-order
(S1) and total (ST) shares of the output's variance, with bootstrap intervals.
Both are ranked, largest first. SALib is in the `sensitivity` extra.

    <run>/points.csv                  point, one column per parameter (its value)
    <run>/sensitivity.parquet|csv     metric, parameter, rank, and the indices with their intervals

The unit-cube points SALib analyses are drawn again from the manifest (method,
samples, levels, seed, ranges) and checked against points.csv.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from staffsim.errors import InputError
from staffsim.experiments import runs, store
from staffsim.experiments.runner import RunOptions, Variant
from staffsim.metrics.registry import METRICS
from staffsim.scenario.assumptions import Assumption, custom, overrides
from staffsim.scenario.loading import apply_overrides, scenario_from_dict, scenario_to_dict
from staffsim.scenario.schema import Scenario

METHODS = ("morris", "sobol")
#: The fewest samples each method can analyse: Morris trajectories, Sobol base samples (a power of two).
MIN_SAMPLES = {"morris": 4, "sobol": 8}
RANK_BY = {"morris": "mu_star", "sobol": "ST"}
COLUMNS = {"morris": ["mu_star", "mu_star_low", "mu_star_high", "mu", "sigma"],
           "sobol": ["S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"]}


@dataclass(frozen=True)
class Design:
    """What is sampled and how: the method, the parameters (with their ranges), the metrics, sizes and seeds."""

    method: str
    params: tuple[Assumption, ...]
    metrics: tuple[str, ...]
    samples: int  # Morris trajectories, or Sobol base samples
    levels: int = 4  # Morris grid levels
    resamples: int = 1000  # bootstrap resamples of the intervals
    seed: int = 1

    @property
    def names(self) -> list[str]:
        return [a.path for a in self.params]


def salib() -> tuple[Any, Any]:
    """SALib's sample and analyze packages; a clear `InputError` when the extra is not installed."""
    try:
        from SALib import analyze, sample
        import SALib.analyze.morris  # noqa: F401
        import SALib.analyze.sobol  # noqa: F401
        import SALib.sample.morris  # noqa: F401
        import SALib.sample.sobol  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise InputError("staffsim sensitivity", [f"SALib could not be imported ({exc}); install the extra: "
                                                  "pip install 'staffsim[sensitivity]'"]) from None
    return sample, analyze


def check(design: Design) -> None:
    """Every problem with a design at once: method, metrics, sample size, parameters."""
    problems = []
    if design.method not in METHODS:
        problems.append(f"--method: expected one of {', '.join(METHODS)}, found {design.method!r}")
    unknown = [m for m in design.metrics if m not in METRICS]
    if unknown:
        problems.append(f"--metric: no metric {', '.join(map(repr, unknown))}; known metrics: {', '.join(METRICS)}")
    if not design.metrics:
        problems.append("--metric: name at least one metric")
    least = MIN_SAMPLES.get(design.method, 1)
    if design.samples < least:
        problems.append(f"--samples: {design.method} needs at least {least} "
                        f"{'trajectories' if design.method == 'morris' else 'base samples'}; found {design.samples}")
    elif design.method == "sobol" and design.samples & (design.samples - 1):
        problems.append(f"--samples: Sobol's design needs a power of two; found {design.samples} "
                        f"(try {1 << (design.samples - 1).bit_length()})")
    if design.method == "morris" and design.levels < 2:
        problems.append(f"--levels: a Morris grid needs at least 2 levels; found {design.levels}")
    if not design.params:
        problems.append("--param: no parameter to vary")
    if problems:
        raise InputError("sensitivity", problems)


def problem(design: Design) -> dict[str, Any]:
    """SALib's problem, in the unit cube (the ranges enter through `Assumption.value`)."""
    return {"num_vars": len(design.params), "names": design.names, "bounds": [[0.0, 1.0]] * len(design.params)}


def unit_points(design: Design) -> np.ndarray:
    """(points, parameters) coordinates in the unit cube, SALib's design for the method (seeded)."""
    sample, _ = salib()
    seed = int(design.seed) + 1  # SALib's Morris sampler ignores a seed of 0
    if design.method == "morris":
        return sample.morris.sample(problem(design), design.samples, num_levels=design.levels, seed=seed)
    return sample.sobol.sample(problem(design), design.samples, calc_second_order=False, seed=seed)


def points_frame(design: Design, unit: np.ndarray) -> pd.DataFrame:
    """point, then one column per parameter path holding its value at each point."""
    df = pd.DataFrame({a.path: a.value(unit[:, j]) for j, a in enumerate(design.params)})
    df.insert(0, "point", np.arange(len(df)))
    return df


def variants_at(designs: list[tuple[str, Scenario]], points: pd.DataFrame) -> list[Variant]:
    """One variant per design (label, scenario) and point, every one validated first.

    Overrides apply to each scenario's resolved form, however its file was written.
    """
    params = [c for c in points.columns if c != "point"]
    out, problems = [], []
    for label, sc in designs:
        resolved = scenario_to_dict(sc)
        for row in points.to_dict("records"):
            point = int(row["point"])
            where = f"{label} point {point}"
            try:
                data = apply_overrides(resolved, overrides(sc, {p: row[p] for p in params}), source=where)
                out.append(Variant(label, point, scenario_from_dict(data, source=where).model_dump_json()))
            except InputError as err:
                problems.extend(f"{label}, point {point}: {p}" for p in err.problems)
    if problems:
        raise InputError("points", problems[:20] + ([f"... and {len(problems) - 20} more"] if len(problems) > 20 else []))
    return out


def manifest_fields(design: Design, labels: list[str], n_points: int) -> dict[str, Any]:
    """What a sensitivity run folder's manifest records beyond a run's (enough to analyse it again)."""
    return {
        "method": design.method, "samples": design.samples, "levels": design.levels, "resamples": design.resamples,
        "sensitivity_metrics": list(design.metrics), "points": n_points,
        "contrast": f"{labels[1]} - {labels[0]}" if len(labels) == 2 else None,
        "parameters": {a.path: {"low": a.low, "high": a.high, "distribution": a.distribution} for a in design.params},
    }


def prepare(design: Design, designs: list[tuple[str, Scenario]]) -> tuple[list[Variant], pd.DataFrame, dict]:
    """The variants, points and manifest fields of a sensitivity run of `designs` (label, scenario)."""
    check(design)
    pts = points_frame(design, unit_points(design))
    labels = [label for label, _ in designs]
    return variants_at(designs, pts), pts, manifest_fields(design, labels, len(pts))


def design_of(manifest: dict[str, Any]) -> Design:
    """The design a sensitivity run folder was made with, from its manifest."""
    params = tuple(custom(p, v["low"], v["high"], v["distribution"]) for p, v in manifest["parameters"].items())
    return Design(manifest["method"], params, tuple(manifest["sensitivity_metrics"]), int(manifest["samples"]),
                  int(manifest["levels"]), int(manifest["resamples"]), int(manifest["seed"]))


def recorded_unit_points(run_dir: Path, design: Design) -> np.ndarray:
    """The unit-cube points of a run folder: SALib's design drawn again, checked against the points it ran."""
    unit = unit_points(design)
    ran = pd.read_csv(run_dir / "points.csv")
    again = points_frame(design, unit)
    if ran.shape != again.shape or not np.allclose(ran[design.names].to_numpy(float), again[design.names].to_numpy(float)):
        raise InputError(str(run_dir), ["this SALib draws other points than the run folder ran (another SALib "
                                        "version?); analyse it with the SALib of its manifest's packages"])
    return unit


def outputs(metrics: pd.DataFrame, labels: list[str], metric: str, n_points: int) -> np.ndarray:
    """(points,) output of one metric: the mean over replications, or of the paired difference B - A."""
    m = metrics[metrics["metric"] == metric]
    wide = m.pivot_table(index=["point", "replication"], columns="scenario", values="value", aggfunc="first")
    y = wide[labels[0]] if len(labels) == 1 else wide[labels[1]] - wide[labels[0]]
    return y.groupby(level="point").mean().reindex(range(n_points)).to_numpy(dtype=float)


def analyse(method: str, prob: dict[str, Any], unit: np.ndarray, y: np.ndarray, levels: int, resamples: int,
            seed: int) -> pd.DataFrame:
    """One output's indices per parameter (`COLUMNS[method]`), intervals at 95 %."""
    _, analyze = salib()
    if method == "morris":
        si = analyze.morris.analyze(prob, unit, y, num_resamples=resamples, conf_level=0.95, num_levels=levels,
                                    seed=seed + 1)
        ms, conf = np.asarray(si["mu_star"], float), np.asarray(si["mu_star_conf"], float)
        return pd.DataFrame({"mu_star": ms, "mu_star_low": np.maximum(ms - conf, 0.0), "mu_star_high": ms + conf,
                             "mu": np.asarray(si["mu"], float), "sigma": np.asarray(si["sigma"], float)})
    si = analyze.sobol.analyze(prob, y, calc_second_order=False, num_resamples=resamples, conf_level=0.95, seed=seed + 1)
    out = {}
    for k in ("S1", "ST"):
        v, c = np.asarray(si[k], float), np.asarray(si[f"{k}_conf"], float)
        out.update({k: v, f"{k}_low": v - c, f"{k}_high": v + c})
    return pd.DataFrame(out)


def sensitivity_table(run_dir: Path) -> pd.DataFrame:
    """The ranked indices of a finished sensitivity run folder: one row per metric and parameter."""
    manifest = store.read_manifest(run_dir)
    method, labels = manifest["method"], list(manifest["scenarios"])
    design = design_of(manifest)
    unit, names, prob = recorded_unit_points(run_dir, design), design.names, problem(design)
    wanted = list(design.metrics)
    metrics = pd.read_parquet(run_dir / "metrics.parquet", filters=[("metric", "in", wanted)])
    frames = []
    for metric in wanted:
        y = outputs(metrics, labels, metric, len(unit))
        if np.isnan(y).any():
            idx = pd.DataFrame({c: np.full(len(names), np.nan) for c in COLUMNS[method]})
        else:
            idx = analyse(method, prob, unit, y, design.levels, design.resamples, design.seed)
        idx.insert(0, "parameter", names)
        idx.insert(0, "metric", metric)
        idx["output_sd"] = float(np.nanstd(y, ddof=1)) if len(y) > 1 else np.nan
        idx = idx.sort_values(RANK_BY[method], ascending=False, kind="stable", na_position="last")
        idx.insert(2, "rank", np.arange(1, len(idx) + 1))
        frames.append(idx)
    table = pd.concat(frames, ignore_index=True)
    table.insert(2, "method", method)
    table.insert(3, "output", manifest.get("contrast") or labels[0])
    return table


def write_sensitivity(run_dir: Path) -> pd.DataFrame:
    """sensitivity.parquet/csv in a finished sensitivity run folder (`runs.finish`)."""
    table = sensitivity_table(run_dir)
    store.write_frame(run_dir, "sensitivity", table)
    return table


def run_sensitivity(designs: list[tuple[str, Scenario]], design: Design, replications: int = 4,
                    run_dir: Path | None = None, backend: str = "serial", workers: int = 1,
                    progress: Callable[[int, int, int], None] | None = None) -> pd.DataFrame:
    """Run a sensitivity analysis (in `run_dir`, or a temporary folder) and return its table (library use)."""
    import tempfile

    if run_dir is None:
        with tempfile.TemporaryDirectory(prefix="staffsim-sensitivity-") as tmp:
            return run_sensitivity(designs, design, replications, Path(tmp) / "run", backend, workers, progress)
    variants, pts, extra = prepare(design, designs)
    opts = RunOptions(replications=replications, seed=design.seed, backend=backend, workers=workers,
                      staff_weeks=False, yearly=False)
    opts.chunk_size = opts.chunk_size_for(variants)
    manifest = runs.start("sensitivity", run_dir, variants, opts, extra, pts, ["python: staffsim.experiments.sensitivity"])
    outcome, _ = runs.run(run_dir, variants, opts, manifest, progress)
    if outcome.interrupted:
        raise KeyboardInterrupt(f"interrupted; finished chunks are in {run_dir}")
    return store.read_table(run_dir, "sensitivity")
