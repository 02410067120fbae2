"""The traditional baseline lands near the published targets (docs/model.md §4.3) and stays there;
calibration runs through the runner (any backend, resumable) with the same numbers."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import SCENARIOS
from staffsim.experiments import store
from staffsim.experiments.calibration import TARGETS, calibrate
from staffsim.present.calibration import format_table
from staffsim.scenario.loading import load_scenario


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """The CLI writes run folders under results/ of the working directory: keep them out of the checkout."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def table():
    # 300 replications x 1 year (~6,600 teacher-years) and a 4-year cohort experiment with 150
    # replications: enough that the 95 % intervals are a few points wide (~10 s on two cores).
    sc = load_scenario(SCENARIOS / "traditional.yaml")
    return calibrate(sc, replications=300, years=1, seed=1, cohort_years=4, cohort_replications=150)


def test_every_target_is_reported(table):
    assert list(table["target"]) == [t.key for t in TARGETS]
    assert table["simulated"].notna().all()
    assert (table["ci_low"] <= table["simulated"]).all() and (table["simulated"] <= table["ci_high"]).all()


def test_traditional_baseline_lands_within_tolerance(table):
    """Tolerances (see docs/model.md §4.3):
    turnover 13-19 % (NCES 15.8 %), each experience band +-4.5 points, movers and leavers +-2 points
    overall and +-4 by band, early-career in-year departures 3.5-8.5 % (6 %), absence 9.5-12.5 days
    (11), total hours 50-54 (52.0), burnout 50-63 % (53-60 %), residency hazard ratio 0.45-0.75 (0.60)."""
    bad = table[~table["within"]]
    assert bad.empty, "\n" + format_table(table)


def test_key_targets_are_estimated_precisely(table):
    """The intervals are narrow enough that landing in the band is not luck."""
    t = table.set_index("target")
    assert t.loc["turnover", "ci_high"] - t.loc["turnover", "ci_low"] < 0.03
    assert t.loc["burnout", "ci_high"] - t.loc["burnout", "ci_low"] < 0.04
    assert t.loc["absence", "ci_high"] - t.loc["absence", "ci_low"] < 0.5
    # the published band ordering survives: 10-19 years turn over least, 1-3 years most
    by_band = t.loc[["turnover_exp_1_3", "turnover_exp_4_9", "turnover_exp_10_19", "turnover_exp_20_plus"], "simulated"]
    assert by_band.idxmin() == "turnover_exp_10_19"
    assert by_band["turnover_exp_1_3"] > by_band["turnover_exp_20_plus"] > by_band["turnover_exp_10_19"]


def test_residency_contrast_matches_the_log_survival_ratio(table):
    row = table.set_index("target").loc["residency"]
    assert row["value"] == pytest.approx(math.log(0.82) / math.log(0.72))
    assert row["ci_low"] < row["value"] < row["ci_high"]
    sg, so = table.attrs["cohort_survival"]
    assert sg > so


def test_cli_prints_the_table(tmp_path):
    from staffsim.cli.calibrate import command

    out = tmp_path / "cal.csv"
    res = CliRunner().invoke(command, [str(SCENARIOS / "traditional.yaml"), "-n", "20", "--cohort-years", "0",
                                       "--csv", str(out)])
    assert res.exit_code == 0, res.output
    assert "teachers burned out at year end" in res.output and "95 % CI" in res.output
    assert out.exists() and "NCES" in out.read_text()
    bad = CliRunner().invoke(command, [str(tmp_path / "missing.yaml")])
    assert bad.exit_code == 2


SMALL = dict(replications=6, seed=2, cohort_years=2, cohort_replications=4)


def test_serial_and_processes_give_the_same_table(tmp_path):
    sc = load_scenario(SCENARIOS / "traditional.yaml")
    serial = calibrate(sc, **SMALL)
    procs = calibrate(sc, **SMALL, workers=2, backend="processes", run_dir=tmp_path / "procs")
    pd.testing.assert_frame_equal(serial, procs)
    assert serial.attrs == procs.attrs
    d = tmp_path / "procs"
    assert store.read_manifest(d)["kind"] == "calibrate"
    for f in ("calibration.csv", "cohort_counts.parquet", "burnout.parquet", "cohort_survival.parquet",
              "metrics.parquet", "scenarios/traditional.yaml", "scenarios/traditional-cohort.yaml"):
        assert (d / f).exists(), f
    counts = store.read_table(d, "cohort_counts")
    assert {"scenario", "point", "replication", "rate", "numerator", "denominator"} <= set(counts.columns)
    survival = store.read_table(d, "cohort_survival")
    assert sorted(survival[survival.point == 1]["replication"]) == [0, 1, 2, 3]  # the cohort's own replications


def test_interrupted_calibration_resumes_to_the_same_table(tmp_path, monkeypatch):
    import staffsim.experiments.runner as runner
    from staffsim.cli.calibrate import command

    scenario = str(SCENARIOS / "traditional.yaml")
    args = [scenario, "-n", "6", "--seed", "2", "--cohort-years", "2", "--cohort-replications", "4",
            "--backend", "serial", "--chunk-size", "1"]
    clean = CliRunner().invoke(command, args + ["--out", str(tmp_path / "clean"), "--csv", str(tmp_path / "clean.csv")])
    assert clean.exit_code == 0, clean.output
    real = runner.run_chunk
    calls = {"n": 0}

    def flaky(*a):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt
        return real(*a)

    monkeypatch.setattr(runner, "run_chunk", flaky)
    cut = tmp_path / "cut"
    res = CliRunner().invoke(command, args + ["--out", str(cut)])
    assert res.exit_code == 130 and "--resume" in res.output
    assert store.read_manifest(cut)["status"] == "interrupted" and not (cut / "calibration.csv").exists()
    monkeypatch.setattr(runner, "run_chunk", real)
    bad = CliRunner().invoke(command, [scenario, "--resume", str(cut), "--cohort-years", "3"])
    assert bad.exit_code == 2 and "cohort_years=2" in bad.output
    res = CliRunner().invoke(command, [scenario, "--resume", str(cut), "--backend", "serial",
                                       "--csv", str(tmp_path / "resumed.csv")])
    assert res.exit_code == 0, res.output
    assert "already done" in res.output
    assert res.stdout == clean.stdout
    assert (tmp_path / "resumed.csv").read_text() == (tmp_path / "clean.csv").read_text()
    assert (cut / "calibration.csv").read_text() == (tmp_path / "clean.csv").read_text()


@pytest.mark.dask
def test_dask_gives_the_same_table():
    pytest.importorskip("dask.distributed")
    sc = load_scenario(SCENARIOS / "traditional.yaml")
    small = dict(SMALL, replications=4, cohort_replications=2)
    pd.testing.assert_frame_equal(calibrate(sc, **small), calibrate(sc, **small, workers=2, backend="dask"))
