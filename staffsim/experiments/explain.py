"""Explaining a contrast: how much of the gap B - A in a metric each mechanism carries.

A *channel* is one mechanism of the model that can be switched off by its
parameters (`CHANNELS`; a new mechanism is one row): the demands and
resources of exhaustion, colleagues covering absences, exhaustion driving
absence and exits. Both designs run, on common random numbers, as written,
with each channel off in turn, and with every channel off. A channel's
*contribution* is the gap as written minus the gap with that channel off in
both designs (paired replication by replication, with a t interval); the gap
with every channel off is what the designs' structure alone makes (their
timetables, staffing, pay); the *interactions* are what is left:

    gap = gap with every channel off + sum of contributions + interactions

Switching a channel off is a counterfactual on the whole model: the
baseline's exhaustion is anchored with every channel on (docs/model.md
§3.2), so with one off both designs' levels move, and the contribution is
how much of the *difference* that channel carries.

    <run>/explain.parquet|csv   condition, label, gap (and CI), contribution (and CI), order
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from staffsim.errors import InputError, pick_named
from staffsim.experiments import store
from staffsim.experiments.runner import Variant
from staffsim.experiments.stats import t_interval
from staffsim.metrics.registry import METRICS
from staffsim.scenario.loading import apply_overrides, scenario_from_dict, scenario_to_dict
from staffsim.scenario.schema import Scenario

AS_WRITTEN, ALL_OFF = "as written", "every channel off"


@dataclass(frozen=True)
class Channel:
    """A mechanism and the overrides that switch it off."""

    name: str
    label: str
    off: Mapping[str, Any]


_E = "workforce.exhaustion."
#: The mechanisms `explain` switches off, one row each.
CHANNELS: tuple[Channel, ...] = (
    Channel("overtime", "overtime as a demand", {_E + "overtime_weight": 0.0}),
    Channel("coverage_demand", "covering classes as a demand", {_E + "coverage_weight": 0.0}),
    Channel("load", "student load as a demand", {_E + "load_weight": 0.0}),
    Channel("uncovered", "colleagues' uncovered absences as a demand", {_E + "uncovered_weight": 0.0}),
    Channel("planning", "planning time as a resource", {_E + "planning_weight": 0.0}),
    Channel("collaboration", "collaborative planning as a resource", {_E + "collaboration_weight": 0.0}),
    Channel("coaching", "coaching as a resource", {_E + "coaching_weight": 0.0}),
    Channel("team_support", "teammates' support as a resource", {_E + "team_support_weight": 0.0}),
    Channel("cover", "colleagues covering absences (classes combined instead)",
            {"policies.coverage.order": ["combine_classes"]}),
    Channel("absence_feedback", "exhaustion raising absence", {"workforce.absence.exhaustion_sensitivity": 0.0}),
    Channel("exit_feedback", "exhaustion driving resignations and year-end exits",
            {"workforce.resignation.exhaustion_sensitivity": 0.0, "workforce.decision.exhaustion_sensitivity": 0.0}),
)


def channels(names: list[str] | None = None) -> tuple[Channel, ...]:
    """The named channels (all when None); an unknown name is an `InputError`."""
    if not names:
        return CHANNELS
    return pick_named({c.name: c for c in CHANNELS}, names, "--channel", "channel")


def conditions(chosen: tuple[Channel, ...]) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, label, overrides) of every condition run: as written, each channel off, every channel off."""
    every: dict[str, Any] = {}
    for c in chosen:
        every.update(c.off)
    return ([(AS_WRITTEN, "as written", {})] + [(c.name, f"without {c.label}", dict(c.off)) for c in chosen]
            + [(ALL_OFF, "without any of these channels", every)])


def check_metric(metric: str) -> None:
    if metric not in METRICS:
        raise InputError("--metric", [f"no metric {metric!r}; known metrics: {', '.join(METRICS)}"])


def explain_variants(designs: list[tuple[str, Scenario]], chosen: tuple[Channel, ...]) -> list[Variant]:
    """Both designs under every condition (point = the condition's index), validated first."""
    if len(designs) != 2:
        raise InputError("explain", [f"expected two scenarios (the gap B - A); found {len(designs)}"])
    out, problems = [], []
    for label, sc in designs:
        resolved = scenario_to_dict(sc)
        for i, (name, _, off) in enumerate(conditions(chosen)):
            try:
                data = apply_overrides(resolved, off, source=f"{label} {name}")
                out.append(Variant(label, i, scenario_from_dict(data, source=f"{label}, {name}").model_dump_json()))
            except InputError as err:
                problems.extend(err.problems)
    if problems:
        raise InputError("explain", problems)
    return out


def manifest_fields(metric: str, chosen: tuple[Channel, ...]) -> dict[str, Any]:
    return {"metric": metric, "conditions": [{"name": n, "label": lab, "off": off} for n, lab, off in conditions(chosen)]}


def _gaps(metrics: pd.DataFrame, labels: list[str], metric: str, n_conditions: int) -> np.ndarray:
    """(conditions, replications) paired gap B - A of the metric."""
    m = metrics[metrics["metric"] == metric]
    wide = m.pivot_table(index=["point", "replication"], columns="scenario", values="value", aggfunc="first")
    gap = (wide[labels[1]] - wide[labels[0]]).unstack("replication")
    return gap.reindex(range(n_conditions)).to_numpy(dtype=float)


def explain_table(run_dir: Path) -> pd.DataFrame:
    """The gap under each condition and each channel's contribution, with 95 % t intervals (see the module)."""
    manifest = store.read_manifest(run_dir)
    conds, labels, metric = manifest["conditions"], list(manifest["scenarios"]), manifest["metric"]
    gaps = _gaps(pd.read_parquet(run_dir / "metrics.parquet", filters=[("metric", "==", metric)]), labels, metric,
                 len(conds))
    full, rest = gaps[0], gaps[-1]
    rows = []
    for i, c in enumerate(conds):
        g = t_interval(gaps[i])
        row = {"condition": c["name"], "label": c["label"], "gap": g[0], "gap_low": g[1], "gap_high": g[2]}
        if 0 < i < len(conds) - 1:
            k = t_interval(full - gaps[i])
            row.update(contribution=k[0], contribution_low=k[1], contribution_high=k[2])
        rows.append(row)
    inter = t_interval(full - rest - sum(full - gaps[i] for i in range(1, len(conds) - 1)))
    rows.append({"condition": "interactions", "label": "interactions between the channels", "gap": np.nan,
                 "gap_low": np.nan, "gap_high": np.nan, "contribution": inter[0], "contribution_low": inter[1],
                 "contribution_high": inter[2]})
    table = pd.DataFrame(rows)
    table.insert(0, "metric", metric)
    table.insert(1, "contrast", f"{labels[1]} - {labels[0]}")
    return table


def write_explain(run_dir: Path) -> pd.DataFrame:
    """explain.parquet/csv in a finished explain run folder (`runs.finish`)."""
    table = explain_table(run_dir)
    store.write_frame(run_dir, "explain", table)
    return table
