"""The metric registry as a table for people: the reference list in docs/metrics.md and `staffsim metrics`."""

from __future__ import annotations

from staffsim.metrics.metric import Direction, Metric
from staffsim.metrics.registry import METRICS

DIRECTION_WORDS = {Direction.HIGHER: "higher", Direction.LOWER: "lower", Direction.NEITHER: "neither"}
COLUMNS = ("metric", "label", "unit", "better", "family", "meaning")


def metric_rows(metrics: dict[str, Metric] | None = None) -> list[tuple[str, ...]]:
    """One row per registered metric, in display order: the columns of `COLUMNS`."""
    ms = METRICS if metrics is None else metrics
    return [(m.name, m.label, m.unit, DIRECTION_WORDS[m.direction], m.family, m.meaning) for m in ms.values()]


def metrics_markdown() -> str:
    """docs/metrics.md: every metric of the registry (generated; tests/test_metric_table.py keeps it in step)."""
    head = ("# Metrics\n\nGenerated from the metric registry (`staffsim/metrics/registry.py`) by\n"
            "`staffsim metrics --markdown > docs/metrics.md`; do not edit by hand. \"Better\" is the direction\n"
            "tables, figures and the report use to say which design does better. Conventions (per teacher,\n"
            "per week worked, cohort rates, NaN where undefined): [`model.md`](model.md) §1.4.\n\n")
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + " --- |" * len(COLUMNS)]
    for row in metric_rows():
        cells = [f"`{row[0]}`", *(c.replace("|", "\\|") for c in row[1:])]
        lines.append("| " + " | ".join(cells) + " |")
    return head + "\n".join(lines) + "\n"
