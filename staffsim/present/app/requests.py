"""What the page asks for, checked: designs with lever values, replications, seed -> a `Job`."""

from __future__ import annotations

import json
from typing import Any

from staffsim.errors import InputError
from staffsim.experiments.runner import Variant
from staffsim.experiments.runs import unique_labels
from staffsim.metrics.costs import check_same_money
from staffsim.present.app.catalogue import MAX_DESIGNS, Catalogue, modified, scenario_of
from staffsim.present.app.live import Job

#: The largest replication count the page may ask for (a workshop wants answers in seconds).
MAX_REPLICATIONS = 200


def parse_spec(text: str) -> dict[str, Any]:
    """The JSON the page sends: {"designs": [{"design": name, "levers": {...}}], "replications": n, "seed": s}."""
    try:
        spec = json.loads(text or "{}")
    except json.JSONDecodeError:
        raise InputError("request", ["expected JSON describing the designs to compare"]) from None
    if not isinstance(spec, dict):
        raise InputError("request", ["expected a JSON object"])
    return spec


def _count(spec: dict[str, Any], key: str, default: int, low: int, high: int) -> int:
    value = spec.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(key, [f"{key}: expected a whole number {low}-{high}; found {value!r}"])
    return value


def variants_of(cat: Catalogue, spec: dict[str, Any], ensemble: Any = None) -> Job:
    """The job for a spec; every problem (an unknown design, a lever out of range) reported together.
    With an `ensemble` (`experiments.ensemble.Ensemble`) the designs must be of its school, and each
    replication also runs over the member drawn for it."""
    picks = spec.get("designs") or []
    if not isinstance(picks, list) or not 2 <= len(picks) <= MAX_DESIGNS:
        raise InputError("designs", [f"pick 2-{MAX_DESIGNS} designs (the first is the baseline)"])
    reps = _count(spec, "replications", 20, 2, MAX_REPLICATIONS)
    seed = _count(spec, "seed", 1, 0, 2**31 - 1)
    problems: list[str] = []
    built = []
    for pick in picks:
        name = str(pick.get("design")) if isinstance(pick, dict) else str(pick)
        levers = pick.get("levers") or {} if isinstance(pick, dict) else {}
        try:
            raw, changed = modified(cat, name, levers)
            label = name + ("-modified" if changed else "")
            built.append((label, raw, scenario_of(raw, label)))
        except InputError as exc:
            problems.extend(str(p) if str(p).startswith(name) else f"{name}: {p}" for p in exc.problems)
    if problems:
        raise InputError("levers", problems)
    check_same_money([sc for _, _, sc in built])
    labels = unique_labels([lab for lab, _, _ in built])
    variants = tuple(Variant(lab, i, sc.model_dump_json()) for i, (lab, (_, _, sc)) in enumerate(zip(labels, built)))
    if ensemble is None:
        return Job(variants, reps, seed)
    from staffsim.present.app.ensemble import check_designs, drawn

    check_designs(ensemble, variants)
    return Job(variants, reps, seed, drawn(ensemble, reps, seed))
