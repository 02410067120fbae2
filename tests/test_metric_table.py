"""docs/metrics.md is the registry's own table, regenerated whenever a metric changes."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from staffsim.cli import main
from staffsim.metrics.registry import METRICS
from staffsim.present.metric_table import metric_rows, metrics_markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "metrics.md"


def test_docs_metrics_md_matches_the_registry():
    assert DOC.read_text() == metrics_markdown(), "regenerate: staffsim metrics --markdown > docs/metrics.md"


def test_every_metric_has_a_row_and_the_cli_prints_them():
    assert [r[0] for r in metric_rows()] == list(METRICS)
    res = CliRunner().invoke(main, ["metrics", "--markdown"])
    assert res.exit_code == 0 and all(f"`{m}`" in res.output for m in METRICS)
