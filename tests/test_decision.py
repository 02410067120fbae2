"""Decision table: fixed metric order, one row per design, differences from the baseline, outputs."""

from __future__ import annotations

import copy

import pandas as pd
import pytest
from rich.console import Console

from staffsim.experiments import stats, store
from staffsim.experiments.decision import DECISION_METRICS, STATS, decision_table, save_decision_table, table_metrics, write_decision_table
from staffsim.present.decision import DECISION_LABELS, render_decision_table
from staffsim.metrics.frames import metrics_frame
from staffsim.engine.simulate import simulate
from staffsim.scenario.loading import dump_scenario, scenario_from_dict
from staffsim.engine.streams import replication_seed

from test_costs import priced


def comparison_rows() -> pd.DataFrame:
    """A hand-made comparison: three designs, metrics out of order, one non-headline metric, no burnout."""
    rows = []
    values = {
        "overtime_hours_per_week": (10.0, 8.0, 6.0),
        "reach_share": (0.0, 0.5, 1.0),
        "cost_per_pupil": (4000.0, 4400.0, 3900.0),
        "personnel_cost": (1.92e6, 2.112e6, 1.872e6),
        "planning_hours_per_week": (3.5, 10.5, 9.0),
        "turnover_rate": (0.16, 0.12, 0.10),
    }
    for metric, vals in values.items():
        for sc, v in zip(["traditional", "pilot", "team"], vals):
            rows.append({"metric": metric, "scenario": sc, "n": 20, "mean": v, "ci_low": v * 0.9, "ci_high": v * 1.1,
                         "diff": v - vals[0], "diff_ci_low": v - vals[0] - 1, "diff_ci_high": v - vals[0] + 1})
    return pd.DataFrame(rows)


def test_table_has_one_row_per_design_in_input_order_and_fixed_metric_order():
    t = decision_table(comparison_rows())
    assert list(t["scenario"]) == ["traditional", "pilot", "team"]
    expected = ["cost_per_pupil", "personnel_cost", "planning_hours_per_week", "reach_share", "turnover_rate"]
    assert table_metrics(t) == expected  # DECISION_METRICS order; budget_gap, burnout, small groups absent
    assert list(t.columns) == ["scenario"] + [f"{m}_{s}" for m in expected for s in STATS]
    assert "overtime_hours_per_week_mean" not in t.columns
    pilot = t.set_index("scenario").loc["pilot"]
    assert pilot["cost_per_pupil_mean"] == 4400 and pilot["cost_per_pupil_diff"] == 400
    assert pilot["planning_hours_per_week_diff_ci_high"] == pytest.approx(8.0)
    assert pilot["reach_share_ci_low"] == pytest.approx(0.45)
    assert t.set_index("scenario").loc["traditional", "turnover_rate_diff"] == 0


def test_the_documented_order():
    assert DECISION_METRICS == ("cost_per_pupil", "personnel_cost", "budget_gap",
                                "student_days_without_regular_teacher", "planning_hours_per_week",
                                "small_group_minutes_per_student_per_week", "reach_share", "burnout_share",
                                "turnover_rate")
    assert set(DECISION_LABELS) == set(DECISION_METRICS)


def test_missing_cells_are_nan_and_bad_input_is_refused():
    comp = comparison_rows()
    comp = comp[~((comp["scenario"] == "team") & (comp["metric"] == "reach_share"))]
    t = decision_table(comp)
    assert pd.isna(t.set_index("scenario").loc["team", "reach_share_mean"])
    with pytest.raises(ValueError, match="ci_low"):
        decision_table(comp.drop(columns=["ci_low"]))


def test_render_shows_every_design_metric_and_difference():
    t = decision_table(comparison_rows())
    table = render_decision_table(t, money="USD 2024")
    assert len(table.columns) == 1 + 3 and table.row_count == 5
    console = Console(record=True, width=200)
    console.print(table)
    text = console.export_text()
    assert "USD 2024" in text and "traditional (baseline)" in text
    assert "4,400 [3,960, 4,840]" in text and "Δ +400 [+399, +401]" in text
    assert "50.0%" in text  # reach share as a percentage


def _metrics(sc, reps=3):
    frames = []
    for r in range(reps):
        led = simulate(sc, replication_seed(1, r))  # priced from led.config, the scenario it ran
        frames.append(metrics_frame(led, sc.name, 0, r))
    return frames


def test_from_simulated_comparison_with_costs(tmp_path):
    a = scenario_from_dict(priced(budget=800000))
    data = copy.deepcopy(priced(budget=800000))
    data["name"] = "more-aides"
    data["teams"][0]["members"][1]["count"] = 2  # one more aide per team: 2 x 39,000 with benefits
    b = scenario_from_dict(data)
    metrics = pd.concat(_metrics(a) + _metrics(b), ignore_index=True)
    comp = stats.compare(metrics, order=["small", "more-aides"])
    t = decision_table(comp)
    assert list(t["scenario"]) == ["small", "more-aides"]
    assert "budget_gap_mean" in t.columns and "burnout_share_mean" in t.columns
    row = t.set_index("scenario").loc["more-aides"]
    assert row["personnel_cost_diff"] == pytest.approx(78000)
    assert row["cost_per_pupil_diff"] == pytest.approx(650)
    assert row["budget_gap_mean"] == pytest.approx(799304 + 78000 - 800000)
    # written to the run folder as CSV and Parquet, with the money unit of the saved scenarios
    (tmp_path / "scenarios").mkdir()
    for sc in (a, b):
        (tmp_path / "scenarios" / f"{sc.name}.yaml").write_text(dump_scenario(sc))
    table, money = save_decision_table(tmp_path, comp)
    assert money == "USD 2024"
    back = pd.read_parquet(tmp_path / "decision.parquet")
    pd.testing.assert_frame_equal(back, table, check_dtype=False)
    assert list(pd.read_csv(tmp_path / "decision.csv").columns) == list(table.columns)


def test_write_returns_paths(tmp_path):
    paths = write_decision_table(decision_table(comparison_rows()), tmp_path)
    assert all(p.exists() for p in paths)
    assert store.read_table(tmp_path, "metrics").empty  # writes nothing else
