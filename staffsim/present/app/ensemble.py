"""`staffsim app --ensemble FIT`: every replication again over a calibrated ensemble, as `compare --ensemble` runs it.

Replication r of every design is run twice on the same seed, `replication_seed(seed, r)`:
as written (the seed-only intervals, streamed first) and with the parameter set the
ensemble draws for r (`experiments.ensemble.draws`, the same draw `compare --ensemble FIT`
makes for the same replications and seed). The page shows both intervals; the one with
parameter uncertainty is `experiments.ensemble.contrast` of the replications done so far,
so once every replication is in, its numbers are those of `compare --ensemble` on the
saved files. The cost is one more replication per replication, whatever the size of the
ensemble: a parameter set is a new scenario, which the worker builds itself (cached), so
the page's process only draws which set each replication uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from staffsim.errors import InputError
from staffsim.experiments.ensemble import Ensemble, check_family, contrast, draws, load_ensemble, member_variant
from staffsim.experiments.runner import Variant, _scenario
from staffsim.scenario.loading import scenario_to_dict
from staffsim.scenario.schema import Scenario


@dataclass(frozen=True)
class Draw:
    """The ensemble member replication r runs with: its id and parameter values (plain, picklable, hashable)."""

    member: int
    row: int  # its row in the fit's ensemble table (messages)
    values: tuple[tuple[str, float], ...]


def load_app_ensemble(path: str | Path | None) -> Ensemble | None:
    """The fit folder's ensemble (the messages of `compare --ensemble` when it is not a finished fit)."""
    if path is None:
        return None
    if not Path(path).is_dir():
        raise InputError("--ensemble", [f"{path}: no such folder (expected a fit made by `staffsim calibrate "
                                        "SCENARIO --fit`)"])
    return load_ensemble(path)


def drawn(ens: Ensemble, replications: int, seed: int) -> tuple[Draw, ...]:
    """Per replication r, the member it runs with (as `ensemble_variants` draws them)."""
    out = []
    for k in draws(replications, len(ens.members), seed):
        row = ens.members.iloc[int(k)]
        out.append(Draw(int(row["member"]), int(k), tuple((p, float(row[p])) for p in ens.params)))
    return tuple(out)


#: (fit folder, label, scenario JSON) -> the problems `check_family` found (a design checked once, not per change)
_CHECKED: dict[tuple[str, str, str], tuple[str, ...]] = {}


def check_designs(ens: Ensemble, variants: Sequence[Variant]) -> None:
    """Every design is of the school the ensemble was fitted to and takes its parameters (else InputError)."""
    problems: list[str] = []
    for v in variants:
        key = (str(ens.path), v.label, v.scenario_json)
        if key not in _CHECKED:
            if len(_CHECKED) > 256:
                _CHECKED.clear()
            try:
                check_family(ens, [(v.label, Scenario.model_validate_json(v.scenario_json))])
                _CHECKED[key] = ()
            except InputError as exc:
                _CHECKED[key] = tuple(exc.problems)
        problems += _CHECKED[key]
    if problems:
        raise InputError("--ensemble", problems)


@lru_cache(maxsize=256)
def _member(scenario_json: str, label: str, draw: Draw) -> Variant:
    sc = _scenario(scenario_json)
    return member_variant(label, sc, scenario_to_dict(sc), draw.member, dict(draw.values), 0, 1, tag=draw.row)


def over_ensemble(variant: Variant, draw: Draw, r: int, seed: int) -> pd.DataFrame:
    """The metrics frame of replication r of a design with the member drawn for r (a worker task)."""
    from staffsim.present.app.live import one_replication

    return one_replication(_member(variant.scenario_json, variant.label, draw), r, seed)


def uncertainty(as_written: pd.DataFrame, over: pd.DataFrame, labels: list[str]) -> dict[tuple[str, str], Any]:
    """(metric, design) -> the `contrast` row, over the replications every design has finished both ways."""
    have = [f.groupby("replication")["scenario"].nunique() for f in (as_written, over)]
    both = sorted(set(have[0][have[0] == len(labels)].index) & set(have[1][have[1] == len(labels)].index))
    if len(both) < 2:
        return {}
    table = contrast(as_written[as_written["replication"].isin(both)], over[over["replication"].isin(both)], labels)
    return {(r.metric, r.scenario): r for r in table.itertuples()}
