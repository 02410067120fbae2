"""Sensitivity analysis: a known toy, the same indices on every backend, clear errors, figures and report."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from staffsim.cli import main
from staffsim.experiments.sensitivity import Design, run_sensitivity
from staffsim.scenario.assumptions import custom
from staffsim.scenario.loading import scenario_from_dict

from conftest import small_scenario

pytest.importorskip("SALib")

DRIVER = "behaviour.absence.days_per_year"  # drives absence days
INERT = ("costs.long_term_sub_day_rate", "workforce.hiring.delay_shape")  # cannot move absence days (static staff)


def toy():
    data = small_scenario(**{"workforce.static": True})
    data["name"] = "toy"
    return [("toy", scenario_from_dict(data))]


def params():
    return (custom(DRIVER, 4, 16), custom(INERT[0], 139, 240), custom(INERT[1], 1, 5))


def write(tmp_path, name, **changes):
    d = small_scenario(**changes)
    d["name"] = name
    f = tmp_path / f"{name}.yaml"
    f.write_text(yaml.safe_dump(d))
    return str(f)


@pytest.mark.parametrize("method,samples", [("morris", 6), ("sobol", 16)])
def test_a_known_toy_ranks_the_driver_first_and_gives_inert_parameters_nothing(method, samples):
    design = Design(method, params(), ("absence_days_per_staff",), samples, resamples=200, seed=2)
    t = run_sensitivity(toy(), design, replications=2).set_index("parameter")
    assert t["rank"].idxmin() == DRIVER
    for p in INERT:
        r = t.loc[p]
        if method == "morris":
            assert r["mu_star"] == 0 and r["mu_star_low"] <= 0 <= r["mu_star_high"]
        else:
            assert r["ST_low"] <= 0.02 and abs(r["ST"]) < 0.05
    if method == "morris":
        assert t.loc[DRIVER, "mu_star"] > 1.0  # absence days per year move by days across 4-16
    else:
        assert t.loc[DRIVER, "ST"] > 0.5  # the only driver: ~1, estimated from 16 base samples


def test_a_contrast_gives_the_same_indices_serial_and_on_processes(tmp_path):
    a = small_scenario()
    b = small_scenario(**{"policies.substitutes.pool_size": 0})
    b["name"] = "nosubs"
    designs = [("small", scenario_from_dict(a)), ("nosubs", scenario_from_dict(b))]
    design = Design("morris", params(), ("uncovered_absence_share", "burnout_share"), 4, resamples=100, seed=3)
    serial = run_sensitivity(designs, design, replications=2, run_dir=tmp_path / "s", backend="serial")
    procs = run_sensitivity(designs, design, replications=2, run_dir=tmp_path / "p", backend="processes", workers=2)
    pd.testing.assert_frame_equal(serial, procs)
    assert set(serial["output"]) == {"nosubs - small"} and set(serial["metric"]) == {"uncovered_absence_share", "burnout_share"}


def test_the_command_writes_a_run_folder_that_plot_and_report_show(tmp_path):
    f = write(tmp_path, "toy", **{"workforce.static": True})
    out = tmp_path / "run"
    cli = CliRunner()
    res = cli.invoke(main, ["sensitivity", f, "--metric", "absence_days_per_staff", "--param", f"{DRIVER}=4:16",
                            "--param", INERT[0], "--samples", "4", "-n", "2", "--backend", "serial", "--resamples", "50",
                            "--out", str(out), "-q"])
    assert res.exit_code == 0, res.output
    assert "days per year" in res.output or "absence" in res.output
    table = pd.read_csv(out / "sensitivity.csv")
    assert table.loc[table["rank"] == 1, "parameter"].item() == DRIVER
    again = cli.invoke(main, ["sensitivity", f, "--resume", str(out), "-q"])
    assert again.exit_code == 0 and "already complete" in again.output
    res = cli.invoke(main, ["plot", str(out)])
    assert res.exit_code == 0 and (out / "figures" / "sensitivity-absence_days_per_staff.png").is_file(), res.output
    res = cli.invoke(main, ["report", str(out)])
    assert res.exit_code == 0, res.output
    html = (out / "report.html").read_text()
    assert "What the results depend on" in html and "absence days per year" in html


@pytest.mark.parametrize("args,message", [
    (["--param", "workforce.hiring.delay_shape=5:1"], "must be below high"),
    (["--param", "workforce.hiring.delay_shape=a:b"], "PATH=LOW:HIGH with numbers"),
    (["--param", "workforce.nothing"], "no range for this parameter"),
    (["--metric", "no_such_metric"], "no metric 'no_such_metric'"),
    (["--samples", "2"], "morris needs at least 4 trajectories"),
    (["--method", "sobol", "--samples", "4"], "at least 8 base samples"),
    (["--method", "sobol", "--samples", "12"], "power of two"),
])
def test_bad_input_exits_2_with_a_clear_message(tmp_path, args, message):
    f = write(tmp_path, "toy")
    res = CliRunner().invoke(main, ["sensitivity", f, "--out", str(tmp_path / "x"), "-q", *args])
    assert res.exit_code == 2, res.output
    assert message in res.output
    assert not (tmp_path / "x").exists()  # nothing is made before the input is checked


def test_one_or_two_scenarios(tmp_path):
    f = write(tmp_path, "toy")
    res = CliRunner().invoke(main, ["sensitivity", f, f, f, "-q"])
    assert res.exit_code == 2 and "expected one scenario" in res.output


def test_parameters_from_a_sweep_file(tmp_path):
    from staffsim.cli.sensitivity import parse_params

    from conftest import ROOT

    toy = write(tmp_path, "toy")  # the sweep's design must exist: sweep files are checked whole when read
    f = tmp_path / "lhs.yaml"
    f.write_text("scenarios: [toy.yaml]\ndesign: lhs\nsamples: 4\nparameters:\n"
                 "  behaviour.absence.days_per_year: {low: 4, high: 16}\n")
    params = parse_params(("costs.long_term_sub_day_rate",), str(f))
    assert [(a.path, a.low, a.high) for a in params] == [(DRIVER, 4, 16), (INERT[0], 139, 240)]
    res = CliRunner().invoke(main, ["sensitivity", toy, "--params-from", str(ROOT / "scenarios/sweeps/planning-time.yaml"),
                                    "-q", "--out", str(tmp_path / "x")])
    assert res.exit_code == 2 and "needs a range (low, high)" in res.output
