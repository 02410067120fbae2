"""History matching: synthetic targets made at known parameters are recovered; a hopeless fit says why; resumable."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from staffsim.api import as_scenario
from staffsim.cli import main
from staffsim.experiments import store
from staffsim.experiments.calibration import calibrate
from staffsim.experiments.fit import fit, run_fit, start_fit
from staffsim.experiments.history_matching import (
    FitSpec, implausibility, refocus, ruled_out_everything, target_sd, targets_by_key,
)
from staffsim.experiments.runfolder import open_run
from staffsim.scenario.assumptions import assumptions, custom
from staffsim.scenario.loading import scenario_from_dict

from conftest import small_scenario

TRUTH = {"workforce.exhaustion.gain_per_day": 0.025, "behaviour.absence.days_per_year": 11.0}


def small():
    data = small_scenario()
    return scenario_from_dict(data)


def params():
    return (assumptions()["workforce.exhaustion.gain_per_day"], custom("behaviour.absence.days_per_year", 4, 16))


@pytest.fixture(scope="module")
def synthetic():
    """Burnout and absence targets made by the model itself at TRUTH (40 replications), with bands around them."""
    cal = calibrate(as_scenario(small(), TRUTH), replications=40, cohort_years=0).set_index("target")
    out = []
    for t in targets_by_key(["burnout", "absence"]):
        est, half = cal.loc[t.key, "simulated"], (0.06 if t.key == "burnout" else 1.0)
        out.append(dataclasses.replace(t, value=float(est), low=float(est - half), high=float(est + half)))
    return tuple(out)


def test_synthetic_targets_are_recovered_by_a_small_fit(tmp_path, synthetic):
    spec = FitSpec(params(), synthetic, waves=2, samples=24, replications=6, seed=3)
    ensemble = run_fit(small(), spec, tmp_path / "fit", {"backend": "serial"})
    assert len(ensemble) >= 3
    for path, value in TRUTH.items():
        assert ensemble[path].min() <= value <= ensemble[path].max(), (path, value)
    points = store.read_table(tmp_path / "fit", "fit_points")
    assert set(points["wave"]) <= {1, 2} and points["default"].sum() == 1
    assert (points.loc[points["accepted"], "max_I"] < 3).all()
    assert {"I_burnout", "I_absence", "sim_burnout", "sim_absence"} <= set(points.columns)
    assert set(ensemble["wave"]) == {points.loc[points["accepted"], "wave"].max()}
    manifest = store.read_manifest(tmp_path / "fit")
    assert manifest["kind"] == "fit" and manifest["status"] == "complete" and manifest["ensemble_size"] == len(ensemble)
    run = open_run(tmp_path / "fit")
    res = CliRunner().invoke(main, ["plot", str(run.path)])
    assert res.exit_code == 0 and (run.path / "figures" / "fit-accepted-ranges.png").is_file(), res.output
    res = CliRunner().invoke(main, ["report", str(run.path)])
    assert res.exit_code == 0 and "Targets vs ensemble" in (run.path / "report.html").read_text()


def test_an_interrupted_fit_resumes_to_the_same_ensemble(tmp_path, synthetic):
    spec = FitSpec(params(), synthetic, waves=2, samples=10, replications=3, seed=4)
    whole = run_fit(small(), spec, tmp_path / "whole", {"backend": "serial"})
    d = tmp_path / "cut"
    start_fit(d, small(), spec)
    calls = {"n": 0}

    class Stop:
        def __init__(self, total):
            pass

        def __enter__(self):
            def progress(done, total, reps):
                calls["n"] += 1
                if calls["n"] == 20:  # part way through the second wave
                    raise KeyboardInterrupt

            return progress

        def __exit__(self, *exc):
            return False

    with pytest.raises(KeyboardInterrupt):
        fit(d, {"backend": "serial"}, bar=Stop)
    assert store.read_manifest(d)["status"] == "interrupted"
    fit(d, {"backend": "serial"})
    pd.testing.assert_frame_equal(store.read_table(d, "ensemble"), whole)
    pd.testing.assert_frame_equal(store.read_table(d, "fit_points"), store.read_table(tmp_path / "whole", "fit_points"))


def test_a_fit_that_accepts_nothing_says_which_targets_ruled_everything_out(tmp_path, synthetic):
    hopeless = dataclasses.replace(synthetic[1], value=40.0, low=39.0, high=41.0)  # 40 absence days: out of reach
    spec = FitSpec(params(), (synthetic[0], hopeless), waves=2, samples=8, replications=3, seed=1)
    ensemble = run_fit(small(), spec, tmp_path / "fit", {"backend": "serial"})
    assert ensemble.empty
    targets = store.read_table(tmp_path / "fit", "fit_targets")
    assert ruled_out_everything(targets) == ["absence"]
    assert store.read_manifest(tmp_path / "fit")["waves_done"] == 1  # nothing to refocus on
    for args in (["--fit"], []):  # --resume of a fit's folder finishes (or shows) the fit, --fit or not
        res = CliRunner().invoke(main, ["calibrate", *args, "--resume", str(tmp_path / "fit")])
        assert res.exit_code == 0, res.output
        assert "accepted no parameter set" in res.output and "absence" in res.output


def test_implausibility_and_refocusing():
    t = targets_by_key(["burnout"])[0]
    assert target_sd(t) == pytest.approx((t.high - t.low) / 4)
    assert implausibility(t, t.value, t.value, t.value, 10) == 0
    assert implausibility(t, t.value + 2 * target_sd(t), 0, 0, 10) == pytest.approx(2.0)  # no noise: the band alone
    # nobody burned out in a few replications of few people: the binomial floor keeps it from reading as certain
    assert implausibility(t, 0.0, 0.0, 0.0, 4, people=8) < implausibility(t, 0.0, 0.0, 0.0, 4)
    assert math.isnan(implausibility(t, float("nan"), 0, 0, 4))
    unit = np.array([[0.2, 0.9], [0.4, 0.99]])
    lo, hi = refocus(unit, 0.5)
    np.testing.assert_allclose(lo, [0.1, 0.855])  # half the width each side
    np.testing.assert_allclose(hi, [0.5, 1.0])  # clipped to the unit cube


def write(tmp_path):
    d = small_scenario()
    f = tmp_path / "small.yaml"
    f.write_text(yaml.safe_dump(d))
    return str(f)


@pytest.mark.parametrize("args,message", [
    (["-n", "1"], "not in the range"),  # click refuses it before the fit does
    (["--target", "nope"], "no target 'nope'"),
    (["--target", "residency"], "needs the cohort experiment"),
    (["--param", "workforce.hiring.delay_shape=3:1"], "must be below high"),
])
def test_bad_fit_input_exits_2(tmp_path, args, message):
    res = CliRunner().invoke(main, ["calibrate", write(tmp_path), "--fit", "--out", str(tmp_path / "f"), *args])
    assert res.exit_code == 2, res.output
    assert message in res.output


def test_the_same_fit_serial_and_on_processes(tmp_path, synthetic):
    spec = FitSpec(params(), synthetic, waves=2, samples=6, replications=2, seed=9)
    serial = run_fit(small(), spec, tmp_path / "s", {"backend": "serial"})
    procs = run_fit(small(), spec, tmp_path / "p", {"backend": "processes", "workers": 2})
    pd.testing.assert_frame_equal(serial, procs)
    pd.testing.assert_frame_equal(store.read_table(tmp_path / "s", "fit_points"), store.read_table(tmp_path / "p", "fit_points"))
