"""Budget-neutral helper: cost against a budget, lever prices worked out by hand, the CLI."""

from __future__ import annotations

import math

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from staffsim.experiments import store
from staffsim.experiments.budget import Estimate, budget_analysis, levers, resolve_budget
from staffsim.cli import main
from staffsim.errors import InputError
from staffsim.scenario.loading import scenario_from_dict

from test_costs import PERSONNEL, priced

# `priced()` with no randomness costs 799,304 a year (test_costs). A budget of 721,304
# leaves it 78,000 over. Loaded pay (benefits 30 %): teacher 78,000, aide 39,000.
BUDGET = 721304
GAP = 78000


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """The CLI writes run folders under results/ of the working directory: keep them out of the checkout."""
    monkeypatch.chdir(tmp_path)


def test_cost_and_gap_without_randomness():
    sc = scenario_from_dict(priced())
    r = budget_analysis(sc, budget=BUDGET, replications=3, seed=1)
    assert r.costs["personnel_cost"].mean == pytest.approx(PERSONNEL)
    assert r.gap.mean == pytest.approx(GAP)
    assert r.gap.ci_low == pytest.approx(GAP) and r.gap.ci_high == pytest.approx(GAP)  # nothing random
    assert r.money == "USD 2024"
    assert list(r.levers_frame()["lever"]) == ["class size", "class size", "support staff", "supplement"]


def test_lever_prices_and_units_by_hand():
    sc = scenario_from_dict(priced())
    by_unit = {lv.unit: lv for lv in levers(sc, Estimate(GAP, GAP, GAP))}
    # class size 20, 8 teaching positions (2 leaders + 6 teachers), a classroom teacher costs 78,000
    up = by_unit["one more student per class"]
    assert up.staff_per_unit == pytest.approx(-8 / 21)
    assert up.cost_per_unit == pytest.approx(-8 / 21 * 78000)  # -29,714.29
    # closing 78,000 = one teacher fewer: 7 teachers for the same students -> class size 20 x 8/7
    assert up.units_to_close == pytest.approx(20 * 8 / 7 - 20)  # +2.857 students per class
    down = by_unit["one fewer student per class"]
    assert down.cost_per_unit == pytest.approx(8 / 19 * 78000)
    assert down.units_to_close is None  # smaller classes widen an overspend
    support = by_unit["one more support position"]
    assert support.cost_per_unit == pytest.approx(39000)
    assert support.units_to_close == pytest.approx(-2.0)  # cut two aides
    supp = by_unit["1,000 more per teacher-leader"]
    assert supp.cost_per_unit == pytest.approx(2 * 1000 * 1.3)  # 2 leaders, with benefits
    assert supp.units_to_close == pytest.approx(-30.0)
    assert "below zero" in supp.note  # the supplement is 12,040: 30,000 less is impossible


def test_under_budget_buys_smaller_classes():
    sc = scenario_from_dict(priced())
    by_unit = {lv.unit: lv for lv in levers(sc, Estimate(-78000, -80000, -76000))}
    down = by_unit["one fewer student per class"]
    # 78,000 buys one teacher more: 9 teachers for the students of 8 -> class size 20 x 8/9
    assert down.units_to_close == pytest.approx(20 - 20 * 8 / 9)
    assert by_unit["one more student per class"].units_to_close is None
    assert by_unit["one more support position"].units_to_close == pytest.approx(2.0)
    lo, hi = by_unit["one more support position"].units_range
    assert sorted((lo, hi)) == pytest.approx([76000 / 39000, 80000 / 39000])


def test_variable_costs_enter_the_price_of_a_position():
    sc = scenario_from_dict(priced(randomness=True))
    r = budget_analysis(sc, budget=BUDGET, replications=4, seed=2)
    variable = sum(r.costs[k].mean for k in ("cost_substitutes", "cost_vacancies", "cost_turnover"))
    assert variable > 0
    support = next(lv for lv in r.levers if lv.name == "support staff")
    assert support.cost_per_unit == pytest.approx(39000 + variable / 12)  # 12 positions
    assert r.gap.ci_low < r.gap.mean < r.gap.ci_high


def test_bad_budgets_are_input_errors():
    sc = scenario_from_dict(priced())
    with pytest.raises(InputError, match="0 or more"):
        resolve_budget(sc, -5.0)
    with pytest.raises(InputError, match="no budget given"):
        resolve_budget(sc, None)
    assert resolve_budget(scenario_from_dict(priced(budget=900000)), None) == 900000
    assert resolve_budget(scenario_from_dict(priced(budget=900000)), 5.0) == 5.0
    with pytest.raises(InputError):
        resolve_budget(sc, math.nan)


@pytest.fixture
def scenario_file(tmp_path):
    p = tmp_path / "priced.yaml"
    p.write_text(yaml.safe_dump(priced(budget=BUDGET)))
    return p


def test_cli_reports_gap_and_levers(scenario_file):
    res = CliRunner().invoke(main, ["budget", str(scenario_file), "-n", "2", "--seed", "3"])
    assert res.exit_code == 0, res.output
    assert "Over budget by 78,000 USD 2024" in res.stdout
    for text in ("support staff", "supplement", "class size", "799,304", "-29,714", "2.86"):
        assert text in res.stdout, text
    res = CliRunner().invoke(main, ["budget", str(scenario_file), "-n", "2", "--budget", "900000"])
    assert res.exit_code == 0 and "Under budget by 100,696" in res.stdout


@pytest.mark.parametrize("args, message", [
    (["--budget", "-5"], "0 or more"),
    (["--budget", "lots"], "lots"),
    (["-n", "0"], "-n"),
])
def test_cli_bad_input_exits_2(scenario_file, args, message):
    res = CliRunner().invoke(main, ["budget", str(scenario_file), *args])
    assert res.exit_code == 2
    assert message in res.stderr
    assert "Traceback" not in res.output


def test_cli_missing_budget_exits_2(tmp_path):
    p = tmp_path / "nobudget.yaml"
    p.write_text(yaml.safe_dump(priced()))
    res = CliRunner().invoke(main, ["budget", str(p), "-n", "1"])
    assert res.exit_code == 2
    assert "no budget given" in res.stderr
    res = CliRunner().invoke(main, ["budget", str(tmp_path / "missing.yaml"), "--budget", "1"])
    assert res.exit_code == 2 and "no such scenario file" in res.stderr


def test_serial_and_processes_give_the_same_report(tmp_path):
    sc = scenario_from_dict(priced(randomness=True))
    serial = budget_analysis(sc, budget=BUDGET, replications=4, seed=2)
    procs = budget_analysis(sc, budget=BUDGET, replications=4, seed=2, workers=2, backend="processes",
                            run_dir=tmp_path / "procs")
    pd.testing.assert_frame_equal(serial.costs_frame(), procs.costs_frame())
    pd.testing.assert_frame_equal(serial.levers_frame(), procs.levers_frame())
    d = tmp_path / "procs"
    m = store.read_manifest(d)
    assert m["kind"] == "budget" and m["budget"] == BUDGET and m["status"] == "complete"
    pd.testing.assert_frame_equal(pd.read_csv(d / "budget_costs.csv"), serial.costs_frame())
    assert (d / "budget_levers.csv").exists() and (d / "metrics.parquet").exists()


def test_cli_budget_run_folder_and_resume(scenario_file, tmp_path):
    out = tmp_path / "bud"
    first = CliRunner().invoke(main, ["budget", str(scenario_file), "-n", "3", "--seed", "2", "--out", str(out), "-w", "1"])
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(main, ["budget", str(scenario_file), "--resume", str(out)])
    assert again.exit_code == 0 and "already complete" in again.output
    assert again.stdout == first.stdout
    bad = CliRunner().invoke(main, ["budget", str(scenario_file), "--resume", str(out), "--budget", "5"])
    assert bad.exit_code == 2 and f"budget={BUDGET}" in bad.output
    bad = CliRunner().invoke(main, ["calibrate", str(scenario_file), "--resume", str(out)])
    assert bad.exit_code == 2 and "'budget' run folder" in bad.output
