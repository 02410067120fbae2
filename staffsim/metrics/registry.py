"""The metric registry: every metric of the model, declared once, and `compute_metrics`.

Each family module declares its metrics (`Metric`: name, kind, direction,
label, unit in words, meaning, family, the family function) next to the
function that computes them; a family function returns several metrics that
share intermediate results. The registry is built from the explicit list
`FAMILY_TABLES` below, nothing registers itself at import. Tables, figures,
the report and the CLI read labels, units, kinds and directions from `METRICS`.

    >>> from staffsim.metrics.registry import METRICS, compute_metrics
    >>> METRICS["planning_hours_per_week"].label
    'Planning time kept'
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from staffsim.engine.ledger import Ledger
from staffsim.metrics import costs, students, time_use, workforce
from staffsim.metrics.metric import Direction, FamilyFunction, Kind, Metric

#: The families' declarations, in display order (the order of `compute_metrics`' keys).
FAMILY_TABLES: tuple[Mapping[str, Metric], ...] = (
    time_use.TIME_USE_METRICS,
    students.STUDENT_METRICS,
    workforce.ABSENCE_METRICS,
    costs.COST_METRICS,
    workforce.WORKFORCE_METRICS,
)

#: Every metric by name, in display order (read-only).
METRICS: Mapping[str, Metric] = MappingProxyType({name: m for table in FAMILY_TABLES for name, m in table.items()})

#: The family functions, each run once per ledger, in display order.
FAMILIES: tuple[FamilyFunction, ...] = tuple(dict.fromkeys(m.compute for m in METRICS.values()))

if len(METRICS) != sum(len(t) for t in FAMILY_TABLES):  # pragma: no cover  (a declaration error)
    raise ValueError("a metric name is declared by two families")


def compute_metrics(ledger: Ledger) -> dict[str, float]:
    """Every metric of one replication, in `METRICS` order.

    A family may leave metrics out: the cost family reports nothing for a ledger
    without a scenario, and `budget_gap` only when the scenario sets a budget."""
    out: dict[str, float] = {}
    for family in FAMILIES:
        out.update(family(ledger))
    return out


def metric(name: str) -> Metric:
    """The registered metric called `name` (KeyError naming the known ones otherwise)."""
    try:
        return METRICS[name]
    except KeyError:
        raise KeyError(f"no metric {name!r}; known metrics: {', '.join(METRICS)}") from None


def kind_of(name: str) -> Kind | None:
    """The metric's kind, or None for a name the registry does not know (e.g. from an older run folder)."""
    m = METRICS.get(name)
    return m.kind if m is not None else None


def direction_of(name: str) -> Direction:
    """Which way is better for the metric (NEITHER for an unknown name)."""
    m = METRICS.get(name)
    return m.direction if m is not None else Direction.NEITHER

