"""Golden backtest: every shipped design's per-replication metrics for seeds 1-20 are exactly as stored.

A refactor must pass this unchanged. A deliberate model change regenerates the files
(`python tests/golden/make_golden.py`) in a commit of its own whose message says why.
NaN is stored as JSON NaN and compared as equal to NaN.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "golden"))
from make_golden import CASES, case_file, golden_metrics  # noqa: E402


@pytest.mark.parametrize("name,years", CASES, ids=[f"{n}-{y}y" for n, y in CASES])
def test_golden_metrics_identical(name, years):
    stored = json.loads(case_file(name, years).read_text())
    fresh = golden_metrics(name, years)
    assert sorted(fresh) == sorted(stored)
    for seed, metrics in stored.items():
        now = fresh[seed]
        assert sorted(now) == sorted(metrics), f"seed {seed}: metric names changed"
        diff = {k: (v, now[k]) for k, v in metrics.items()
                if not (v == now[k] or (math.isnan(v) and math.isnan(now[k])))}
        assert not diff, f"{name} {years}y seed {seed}: {diff}"
