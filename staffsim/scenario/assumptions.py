"""What the model does not know: a plausible range for every parameter not fixed by a cited figure.

The ranges are declared once, in the shipped priors file `assumptions.yaml` beside
this module, keyed by a parameter's dotted path in a scenario (an element of a
list-valued parameter by its index, `workforce.resignation.annual_rate_by_experience.1`).
Each row is either *uncertain* (low, high, distribution, and the reason for the
range) or *cited* (the source that fixes it). Sensitivity analysis
(`experiments.sensitivity`) and history matching (`experiments.history_matching`)
sample the uncertain rows; `staffsim assumptions` and docs/model.md §3.5 show them.

    >>> from staffsim.scenario.assumptions import assumptions
    >>> a = assumptions()["workforce.decision.exhaustion_sensitivity"]
    >>> (a.low, a.high, a.distribution)
    (0.0, 4.0, 'uniform')

Samplers work in the unit cube: `Assumption.value(u)` maps u in [0, 1] to the
parameter's scale by the inverse CDF of its distribution, so one design of
experiments serves every distribution.
"""

from __future__ import annotations

import math
import typing
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
from pydantic_core import PydanticUndefined

from staffsim.errors import InputError
from staffsim.scenario.loading import read_yaml
from staffsim.scenario.schema import Scenario

#: The shipped priors file.
PRIORS = Path(__file__).with_name("assumptions.yaml")
DISTRIBUTIONS = ("uniform", "triangular", "loguniform")
_UNCERTAIN_KEYS = {"low", "high", "distribution", "reason", "mode"}


@dataclass(frozen=True)
class Field:
    """Where a dotted path lands in the schema: the field's type and default (`index` for a list element)."""

    annotation: Any
    default: Any  # the schema default (None when the scenario must give it)
    index: int | None = None

    @property
    def integer(self) -> bool:
        ann = self.annotation
        if self.index is not None:
            args = typing.get_args(ann)
            ann = args[self.index] if self.index < len(args) and args[-1] is not Ellipsis else args[0]
        return ann is int


@dataclass(frozen=True)
class Assumption:
    """One row of the priors file: a range and its reason, or the source that fixes the parameter."""

    path: str
    field: Field
    low: float | None = None
    high: float | None = None
    distribution: str | None = None
    mode: float | None = None  # triangular only
    reason: str = ""  # uncertain: why this range
    source: str = ""  # cited: the figure that fixes the value

    @property
    def uncertain(self) -> bool:
        return self.low is not None

    @property
    def default(self) -> Any:
        return self.field.default

    @property
    def integer(self) -> bool:
        return self.field.integer

    def value(self, u: np.ndarray | float) -> np.ndarray:
        """The parameter's values at unit-cube coordinates `u` (inverse CDF; integers rounded)."""
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        lo, hi = float(self.low), float(self.high)
        if self.distribution == "loguniform":
            x = np.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
        elif self.distribution == "triangular":
            c = (float(self.mode) - lo) / (hi - lo)
            x = np.where(u < c, lo + np.sqrt(u * (hi - lo) * (float(self.mode) - lo)),
                         hi - np.sqrt((1 - u) * (hi - lo) * (hi - float(self.mode))))
        else:
            x = lo + u * (hi - lo)
        return np.rint(x) if self.integer else x

    def unit(self, v: np.ndarray | float) -> np.ndarray:
        """Where values lie in the unit cube: the distribution's CDF (the inverse of `value`, before rounding)."""
        v = np.clip(np.asarray(v, dtype=float), float(self.low), float(self.high))
        lo, hi = float(self.low), float(self.high)
        if self.distribution == "loguniform":
            return (np.log(v) - math.log(lo)) / (math.log(hi) - math.log(lo))
        if self.distribution == "triangular":
            m = float(self.mode)
            return np.where(v < m, (v - lo) ** 2 / ((hi - lo) * (m - lo) or 1.0),
                            1 - (hi - v) ** 2 / ((hi - lo) * (hi - m) or 1.0))
        return (v - lo) / (hi - lo)

    def range_text(self) -> str:
        if not self.uncertain:
            return ""
        return f"{self.low:g} - {self.high:g} ({self.distribution})"


# ------------------------------------------------------------------------------ the schema side

def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        return annotation
    if typing.get_origin(annotation) in (dict, tuple, list):
        return None
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def schema_field(path: str) -> Field | None:
    """The schema field a dotted path names (a scalar, or an element of a fixed-length tuple); None if none."""
    model: Any = Scenario
    parts = path.split(".")
    for i, part in enumerate(parts):
        fields = getattr(model, "model_fields", None)
        if fields is None or part not in fields:
            return None
        info = fields[part]
        default = None if info.default is PydanticUndefined else info.default
        sub = _inner_model(info.annotation)
        last = i == len(parts) - 1
        if last:
            return None if sub is not None else Field(info.annotation, default)
        if sub is None:  # a tuple element: the next part is its index, and the last one
            rest = parts[i + 1:]
            if len(rest) != 1 or not rest[0].isdigit() or typing.get_origin(info.annotation) is not tuple:
                return None
            k = int(rest[0])
            n = len(default) if isinstance(default, tuple) else None
            if n is not None and k >= n:
                return None
            return Field(info.annotation, default[k] if n is not None else None, k)
        model = sub
    return None


def scenario_value(scenario: Scenario, path: str) -> Any:
    """The value a scenario gives the parameter at a dotted path (list elements by index)."""
    node: Any = scenario
    for part in path.split("."):
        node = node[int(part)] if isinstance(node, tuple) else getattr(node, part)
    return node


def overrides(scenario: Scenario, values: Mapping[str, Any]) -> dict[str, Any]:
    """Dotted-path overrides (`loading.apply_overrides`) that set `values` in `scenario`.

    A list element's path becomes an override of the whole list, its other
    elements kept at the scenario's values; integers stay integers.
    """
    out: dict[str, Any] = {}
    for path, v in values.items():
        f = schema_field(path)
        v = _plain(v, f)
        if f is not None and f.index is not None:
            whole = path.rsplit(".", 1)[0]
            cur = list(out.get(whole, scenario_value(scenario, whole)))
            cur[f.index] = v
            out[whole] = [list(x) if isinstance(x, tuple) else x for x in cur]
        else:
            out[path] = v
    return out


def _plain(v: Any, f: Field | None) -> Any:
    """numpy scalars as Python ones; a number as the field's type (paths the schema does not type: as given)."""
    v = v.item() if hasattr(v, "item") else v
    if f is None or isinstance(v, bool) or not isinstance(v, (int, float)):
        return v
    return int(round(v)) if f.integer else float(v)


# ------------------------------------------------------------------------------ the priors file

def _row(path: str, spec: Any) -> tuple[Assumption | None, list[str]]:
    """One priors-file row checked: the path exists, the keys are known, low < high, the default inside."""
    f = schema_field(path)
    if f is None:
        return None, [f"{path}: no such parameter in the scenario schema (see `staffsim schema`)"]
    if not isinstance(spec, dict):
        return None, [f"{path}: expected a mapping (low, high, distribution, reason) or (source)"]
    if "source" in spec:
        extra = set(spec) - {"source"}
        if extra:
            return None, [f"{path}: a cited row has only `source`; found also {', '.join(sorted(extra))}"]
        return Assumption(path, f, source=str(spec["source"])), []
    problems = [f"{path}: unknown key {k!r}" for k in spec if k not in _UNCERTAIN_KEYS]
    problems += [f"{path}: missing {k}" for k in ("low", "high", "distribution", "reason") if k not in spec]
    if problems:
        return None, problems
    lo, hi, dist = spec["low"], spec["high"], spec["distribution"]
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (lo, hi)):
        return None, [f"{path}: low and high must be numbers; found {lo!r}, {hi!r}"]
    a = Assumption(path, f, float(lo), float(hi), str(dist), spec.get("mode", f.default if dist == "triangular" else None),
                   reason=str(spec["reason"]))
    return a, range_problems(a)


def range_problems(a: Assumption) -> list[str]:
    """What is wrong with an uncertain row's range: low >= high, an unknown distribution, a default outside."""
    out = []
    if not a.low < a.high:
        out.append(f"{a.path}: the range is empty: low ({a.low:g}) must be below high ({a.high:g})")
    if a.distribution not in DISTRIBUTIONS:
        out.append(f"{a.path}: distribution {a.distribution!r}; expected one of {', '.join(DISTRIBUTIONS)}")
    if a.distribution == "loguniform" and a.low <= 0:
        out.append(f"{a.path}: a loguniform range needs low > 0 (found {a.low:g})")
    if a.distribution == "triangular" and (a.mode is None or not a.low <= a.mode <= a.high):
        out.append(f"{a.path}: a triangular range needs a mode inside it (found {a.mode!r})")
    d = a.default
    if isinstance(d, (int, float)) and not isinstance(d, bool) and not a.low <= d <= a.high:
        out.append(f"{a.path}: the default {d:g} lies outside the range {a.low:g} - {a.high:g}")
    return out


def load_assumptions(path: str | Path = PRIORS) -> dict[str, Assumption]:
    """Read and check a priors file (the shipped one by default); `InputError` listing every problem."""
    data, _ = read_yaml(path, "priors file")
    if not isinstance(data, dict):
        raise InputError(str(path), ["expected a mapping of dotted parameter paths to rows"])
    rows, problems = {}, []
    for key, spec in data.items():
        a, bad = _row(str(key), spec)
        problems += bad
        if a is not None and not bad:
            rows[a.path] = a
    if problems:
        raise InputError(str(path), problems)
    return rows


@lru_cache(maxsize=1)
def assumptions() -> Mapping[str, Assumption]:
    """The shipped priors, by path, in file order (read once)."""
    return load_assumptions(PRIORS)


def uncertain(paths: Iterable[str] | None = None) -> list[Assumption]:
    """The uncertain rows (all, or those named); naming a cited or unknown path is an `InputError`."""
    table = assumptions()
    if paths is None:
        return [a for a in table.values() if a.uncertain]
    out, problems = [], []
    for p in dict.fromkeys(paths):
        a = table.get(p)
        if a is None:
            problems.append(f"{p}: no range for this parameter in the assumptions table (`staffsim assumptions` "
                            "lists them); give one as PATH=LOW:HIGH")
        elif not a.uncertain:
            problems.append(f"{p}: fixed by a cited figure ({a.source}); give a range as PATH=LOW:HIGH to vary it")
        else:
            out.append(a)
    if problems:
        raise InputError("--param", problems)
    return out


def custom(path: str, low: float, high: float, distribution: str = "uniform") -> Assumption:
    """A range given by the user for one parameter (checked like a priors-file row)."""
    f = schema_field(path)
    if f is None:
        raise InputError("--param", [f"{path}: no such parameter in the scenario schema (see `staffsim schema`)"])
    a = Assumption(path, f, float(low), float(high), distribution, f.default if distribution == "triangular" else None,
                   reason="given on the command line")
    problems = [p for p in range_problems(a) if "the default" not in p]  # a user's range may exclude the default
    if problems:
        raise InputError("--param", problems)
    return a
