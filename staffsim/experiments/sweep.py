"""Sweep files: base designs, parameters to vary by dotted path, and a design of points.

    scenarios: [../traditional.yaml, ../team-based.yaml]   # paths relative to this file
    design: grid            # grid | lhs | csv
    parameters:
      policies.substitutes.pool_size: {values: [0, 1, 2, 4]}      # grid: listed values
      behaviour.absence.days_per_year: {low: 6, high: 16}         # lhs: a range
    samples: 20             # lhs only (or --samples)
    points: points.csv      # csv only: one column per parameter path (from SALib, EMA Workbench...)
    replications: 20
    seed: 1

Points are numbered 0..n-1; every design runs at every point, and all points
share replication seeds (common random numbers across points and designs).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError, model_validator
from scipy.stats import qmc

from staffsim.errors import InputError, Message, prefixed
from staffsim.experiments.sweep_checks import check_parameters, check_points
from staffsim.scenario.explain import explain, render
from staffsim.scenario.frozen import Frozen
from staffsim.scenario.loading import check_scenario, read_yaml_source
from staffsim.scenario.problems import Problem
from staffsim.scenario.shipped import resolve_design


class Parameter(Frozen):
    """A swept parameter: listed `values` (grid) or a `low`-`high` range (Latin hypercube)."""

    values: tuple[float | int | str | bool, ...] | None = None
    low: int | float | None = None
    high: int | float | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> "Parameter":
        if self.values is not None:
            if len(self.values) == 0:
                raise ValueError("values is empty; list at least one value")
            if self.low is not None or self.high is not None:
                raise ValueError("give either values or low/high, not both")
        else:
            if self.low is None or self.high is None:
                raise ValueError("expected values: [...] or both low and high")
            if not self.high > self.low:
                raise ValueError(f"empty range: high ({self.high}) must be greater than low ({self.low})")
        return self

    @property
    def integer(self) -> bool:
        return isinstance(self.low, int) and isinstance(self.high, int)


class SweepSpec(Frozen):
    scenarios: tuple[str, ...] = Field(min_length=1, description="scenario files, relative to the sweep file")
    design: Literal["grid", "lhs", "csv"] = "grid"
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    samples: int | None = Field(None, ge=1, le=1_000_000)
    points: str | None = None
    replications: int = Field(20, ge=1, le=1_000_000)
    seed: int = Field(1, ge=0)
    years: int = Field(1, ge=1, le=50)

    @model_validator(mode="after")
    def _design_needs(self) -> "SweepSpec":
        if self.design == "grid":
            missing = [k for k, p in self.parameters.items() if p.values is None]
            if not self.parameters:
                raise ValueError("a grid design needs at least one parameter")
            if missing:
                raise ValueError(f"a grid design needs values for every parameter; ranges given for {', '.join(missing)}")
        if self.design == "lhs":
            missing = [k for k, p in self.parameters.items() if p.values is not None]
            if not self.parameters:
                raise ValueError("an lhs design needs at least one parameter")
            if missing:
                raise ValueError(f"an lhs design needs low/high for every parameter; values given for {', '.join(missing)}")
        if self.design == "csv" and not self.points:
            raise ValueError("a csv design needs `points:` naming a CSV file of points")
        return self


def load_sweep(path: str | Path) -> tuple[SweepSpec, Path]:
    """Read and validate a sweep file; returns the spec and its folder (for relative paths).

    Besides the file's own fields, every parameter is checked against the
    scenario field it sets (one spelling per path, values of the field's type
    and range) before anything runs.
    """
    p = Path(path)
    data, _, source = read_yaml_source(p, "sweep file")
    if not isinstance(data, dict):
        raise InputError(str(path), ["expected a mapping with scenarios, design and parameters"])
    if isinstance(data.get("scenarios"), str):
        data["scenarios"] = [data["scenarios"]]
    try:
        spec = SweepSpec.model_validate(data)
    except ValidationError as err:
        raise InputError(str(path), explain(err, data, source, root=SweepSpec)) from None
    problems: list[Message] = render(_missing_files(spec, p.parent), data, source) + check_parameters(spec, data, source)
    if problems:
        raise InputError(str(path), problems)
    return spec, p.parent


def _missing_files(spec: SweepSpec, folder: Path) -> list[Problem]:
    """Scenario and points files the sweep names that do not exist (paths relative to the sweep file)."""
    named = [(("scenarios", i), rel) for i, rel in enumerate(spec.scenarios)]
    named += [(("points",), spec.points)] if spec.design == "csv" and spec.points else []
    return [Problem(loc, f"no such file {rel!r} (looked for {folder / rel})", "paths are relative to the sweep file")
            for loc, rel in named if not (Path(rel) if Path(rel).is_absolute() else folder / rel).is_file()]


def build_points(spec: SweepSpec, folder: Path, samples: int | None = None) -> pd.DataFrame:
    """The design's points: a `point` column and one column per parameter path."""
    names = list(spec.parameters)
    if spec.design == "grid":
        combos = list(itertools.product(*(spec.parameters[n].values for n in names)))
        df = pd.DataFrame(combos, columns=names)
    elif spec.design == "lhs":
        n = samples or spec.samples
        if not n:
            raise InputError("sweep", ["an lhs design needs a number of samples: `samples:` in the file or --samples N"])
        unit = qmc.LatinHypercube(d=len(names), seed=np.random.default_rng(spec.seed)).random(n)
        cols = {}
        for j, name in enumerate(names):
            p = spec.parameters[name]
            x = p.low + unit[:, j] * (p.high - p.low)
            cols[name] = np.rint(x).astype(int) if p.integer else x
        df = pd.DataFrame(cols)
    else:
        csv = (folder / spec.points) if not Path(spec.points).is_absolute() else Path(spec.points)
        if not csv.is_file():
            raise InputError(str(csv), ["no such points file (named by `points:` in the sweep file)"])
        try:
            df = pd.read_csv(csv)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            raise InputError(str(csv), [f"not a readable CSV ({exc})"]) from None
        if "point" in df.columns:
            df = df.drop(columns=["point"])
        if df.empty or len(df.columns) == 0:
            raise InputError(str(csv), ["the points file has no rows or no parameter columns"])
        problems = check_points(df, spec)
        if problems:
            raise InputError(str(csv), problems)
    if df.empty:
        raise InputError("sweep", ["the design has no points"])
    df.insert(0, "point", np.arange(len(df)))
    return df


def design_files(spec: SweepSpec, folder: Path) -> list[tuple[str, dict]]:
    """The raw scenario dicts of the sweep's designs, each valid as a file (and validated per point later)."""
    out, problems = [], []
    for rel in spec.scenarios:
        p = resolve_design(rel, folder)  # a path relative to the sweep file, or a shipped name
        try:
            _, data, _ = check_scenario(p)
        except InputError as exc:
            problems += [prefixed(exc.source, m) for m in exc.problems]
            continue
        out.append((data["name"], data))
    if problems:
        raise InputError("sweep", problems)
    return out
