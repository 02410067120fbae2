"""The Python API for experimenters: one replication as a function, many as a tidy table.

    >>> import staffsim
    >>> staffsim.evaluate("traditional", {"workforce.decision.exhaustion_sensitivity": 1.0},
    ...                   seed=1, replication=0)["turnover_rate"]
    >>> staffsim.experiment(["traditional", "team-based"],
    ...                     [{"workforce.exhaustion.load_weight": w} for w in (0.5, 1, 2)], replications=10)

A *design* is a scenario file's path, a scenario as a plain dict, or a
`Scenario`. *Overrides* are dotted paths (`policies.substitutes.pool_size`,
an element of a list by its index: `workforce.resignation.annual_rate_by_experience.1`).
Replication r of seed s always uses `replication_seed(s, r)`, whatever the
design or overrides, so designs and points share common random numbers and
`experiment` gives the numbers `evaluate` gives, replication by replication.
docs/experiments.md has a worked SALib analysis and an EMA Workbench model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from staffsim.engine.simulate import simulate
from staffsim.engine.streams import replication_seed
from staffsim.experiments import runs, store
from staffsim.experiments.runfolder import open_run
from staffsim.experiments.runner import RunOptions, Variant, default_workers
from staffsim.metrics.registry import compute_metrics
from staffsim.scenario.assumptions import overrides as element_overrides
from staffsim.scenario.loading import apply_overrides, load_scenario, scenario_from_dict, scenario_to_dict
from staffsim.scenario.schema import Scenario

__all__ = ["Design", "as_scenario", "evaluate", "experiment", "open_run", "replication_seed"]

Design = str | Path | Mapping[str, Any] | Scenario


def as_scenario(design: Design, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """The validated scenario of a design with `overrides` applied (`InputError` on a bad path or value).

    Overrides apply to the design's resolved form, however its file was written.
    """
    if isinstance(design, Scenario):
        base, source = design, design.name
    elif isinstance(design, Mapping):
        source = str(design.get("name", "<design>"))
        base = scenario_from_dict(dict(design), source=source)
    else:
        base, source = load_scenario(design), str(design)
    if not overrides:
        return base
    data = apply_overrides(scenario_to_dict(base), element_overrides(base, overrides), source=source)
    return scenario_from_dict(data, source=source)


def evaluate(design: Design, overrides: Mapping[str, Any] | None = None, seed: int = 1, replication: int = 0,
             years: int = 1) -> dict[str, float]:
    """Every metric of one replication of a design (with overrides), by name in registry order.

    A pure function of its arguments: the same call always returns the same numbers.
    """
    return compute_metrics(simulate(as_scenario(design, overrides), replication_seed(seed, replication), years=years))


def _designs(designs: Design | Sequence[Design] | Mapping[str, Design]) -> list[tuple[str, Design]]:
    """(label, design) pairs; labels are the scenarios' names made unique, or the mapping's keys."""
    if isinstance(designs, Mapping) and "school" not in designs:
        return [(str(k), v) for k, v in designs.items()]
    items = [designs] if isinstance(designs, (str, Path, Scenario, Mapping)) else list(designs)
    names = [as_scenario(d).name for d in items]
    return list(zip(runs.unique_labels(names), items))


def _points(points: pd.DataFrame | Iterable[Mapping[str, Any]] | None) -> pd.DataFrame:
    """Points as a frame: a `point` column (0..n-1 unless given) and one column per parameter path."""
    if points is None:
        return pd.DataFrame({"point": [0]})
    df = points.copy() if isinstance(points, pd.DataFrame) else pd.DataFrame(list(points))
    if "point" not in df:
        df.insert(0, "point", range(len(df)))
    return df.reset_index(drop=True)


def variants(designs: Design | Sequence[Design] | Mapping[str, Design],
             points: pd.DataFrame | Iterable[Mapping[str, Any]] | None = None) -> tuple[list[Variant], pd.DataFrame]:
    """The runner's variants for every design at every point (all validated first), and the points frame."""
    pts = _points(points)
    params = [c for c in pts.columns if c != "point"]
    out = []
    for label, design in _designs(designs):
        for row in pts.to_dict("records"):
            values = {p: row[p] for p in params if not pd.isna(row[p])}
            sc = as_scenario(design, values)
            out.append(Variant(label, int(row["point"]), sc.model_dump_json()))
    return out, pts


def experiment(designs: Design | Sequence[Design] | Mapping[str, Design],
               points: pd.DataFrame | Iterable[Mapping[str, Any]] | None = None, replications: int = 20,
               seed: int = 1, backend: str = "serial", workers: int | None = None, years: int = 1,
               run_dir: str | Path | None = None) -> pd.DataFrame:
    """Every design at every point, `replications` each, through the runner: a tidy frame.

    Columns: scenario, point, replication, metric, value, then the point's
    parameter values. `backend` is "serial", "processes" or "dask"; the numbers
    do not depend on it. The run folder goes to `run_dir` (kept; a "sweep"
    folder that `open_run` reads) or a temporary folder (removed).
    """
    vs, pts = variants(designs, points)
    opts = RunOptions(replications=replications, seed=seed, years=years, backend=backend,
                      workers=workers or (default_workers() if backend != "serial" else 1),
                      staff_weeks=False, yearly=False)

    def read(d: Path) -> pd.DataFrame:
        if run_dir is not None:
            store.write_file(d, "points.csv", pts.to_csv(index=False), rows=len(pts))  # recorded in the journal
        m = store.read_table(d, "metrics").sort_values(["scenario", "point", "replication"], kind="stable")
        return m.merge(pts, on="point", how="left").reset_index(drop=True)

    extra = {"points": int(len(pts)), "parameters": [c for c in pts.columns if c != "point"]}
    return runs.run_in("sweep", vs, opts, read, Path(run_dir) if run_dir is not None else None, extra)
