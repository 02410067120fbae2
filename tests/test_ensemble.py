"""Comparisons over a calibrated ensemble: never narrower than seed-only, equal to it for a one-point ensemble,
the same on every backend, refused for another school."""

from __future__ import annotations

import numpy as np
import pandas as pd
import yaml
from click.testing import CliRunner

from staffsim.cli import main
from staffsim.experiments import store
from staffsim.experiments.ensemble import draws
from staffsim.experiments.fit import start_fit
from staffsim.experiments.history_matching import FitSpec, targets_by_key
from staffsim.scenario.assumptions import assumptions
from staffsim.scenario.loading import scenario_from_dict

from conftest import SCENARIOS, small_scenario

PARAMS = ("workforce.exhaustion.gain_per_day", "workforce.decision.exhaustion_sensitivity")


def fake_fit(path, data: dict, members: list[dict]):
    """A finished fit folder of `data`'s scenario whose ensemble is `members` (no simulation needed)."""
    spec = FitSpec(tuple(assumptions()[p] for p in PARAMS), targets_by_key(["burnout"]), waves=1, samples=2)
    start_fit(path, scenario_from_dict(data), spec)
    ens = pd.DataFrame(members)
    ens.insert(0, "point", range(len(ens)))
    ens.insert(0, "wave", 1)
    ens.insert(0, "member", range(len(ens)))
    ens["max_I"] = 0.0
    store.write_frame(path, "ensemble", ens)
    m = store.read_manifest(path)
    m.update(status="complete", ensemble_size=len(ens))
    store.write_manifest(path, m)
    return path


def designs(tmp_path):
    a = small_scenario()
    b = small_scenario(**{"policies.substitutes.pool_size": 0})
    b["name"] = "nosubs"
    files = []
    for d in (a, b):
        f = tmp_path / f"{d['name']}.yaml"
        f.write_text(yaml.safe_dump(d))
        files.append(str(f))
    return a, files


def compare(files, out, fit_dir, *args):
    res = CliRunner().invoke(main, ["compare", *files, "--ensemble", str(fit_dir), "-n", "12", "--seed", "2",
                                    "--out", str(out), "-q", *args])
    assert res.exit_code == 0, res.output
    return pd.read_parquet(out / "ensemble_comparison.parquet"), res.output


def test_ensemble_intervals_are_never_narrower_and_a_one_point_ensemble_is_seed_only(tmp_path):
    data, files = designs(tmp_path)
    members = [{"workforce.exhaustion.gain_per_day": g, "workforce.decision.exhaustion_sensitivity": k}
               for g, k in ((0.01, 0.5), (0.02, 2.0), (0.035, 3.5), (0.015, 1.0), (0.03, 0.0))]
    wide, text = compare(files, tmp_path / "wide", fake_fit(tmp_path / "fit5", data, members), "--backend", "serial")
    assert "survive" in text or "no clear difference" in text
    w = wide.dropna(subset=["ci_low", "ens_low"])
    assert ((w["ens_high"] - w["ens_low"]) >= (w["ci_high"] - w["ci_low"]) - 1e-12).all()
    d = w.dropna(subset=["diff"])
    assert ((d["ens_diff_high"] - d["ens_diff_low"]) >= (d["diff_ci_high"] - d["diff_ci_low"]) - 1e-12).all()
    burn = w[w["metric"] == "burnout_share"]
    assert (burn["ens_high"] - burn["ens_low"] > burn["ci_high"] - burn["ci_low"]).all()  # gain_per_day moves it
    assert set(d["verdict"]) <= {"survives", "does not survive", "no clear difference"}
    assert ((d["p_better"] >= 0) & (d["p_better"] <= 1) | d["p_better"].isna()).all()

    own = [{"workforce.exhaustion.gain_per_day": 0.02, "workforce.decision.exhaustion_sensitivity": 2.0}]  # the defaults
    one, _ = compare(files, tmp_path / "one", fake_fit(tmp_path / "fit1", data, own), "--backend", "serial")
    for a, b in (("mean", "ens_mean"), ("ci_low", "ens_low"), ("ci_high", "ens_high"), ("diff", "ens_diff"),
                 ("diff_ci_low", "ens_diff_low"), ("diff_ci_high", "ens_diff_high")):
        np.testing.assert_array_equal(one[a].to_numpy(), one[b].to_numpy())
    comp = pd.read_parquet(tmp_path / "one" / "comparison.parquet")  # the seed-only intervals are compare's own
    merged = one.merge(comp, on=["metric", "scenario"], suffixes=("", "_c"))
    np.testing.assert_allclose(merged["ci_low"], merged["ci_low_c"], equal_nan=True)


def test_the_same_ensemble_and_tables_serial_and_on_processes(tmp_path):
    data, files = designs(tmp_path)
    members = [{"workforce.exhaustion.gain_per_day": g, "workforce.decision.exhaustion_sensitivity": 1.0}
               for g in (0.012, 0.02, 0.03)]
    fit_dir = fake_fit(tmp_path / "fit", data, members)
    serial, _ = compare(files, tmp_path / "s", fit_dir, "--backend", "serial")
    procs, _ = compare(files, tmp_path / "p", fit_dir, "--backend", "processes", "-w", "2")
    pd.testing.assert_frame_equal(serial, procs)
    np.testing.assert_array_equal(draws(12, 3, 2), draws(12, 3, 2))
    assert list(draws(12, 3, 2)) == sorted(draws(12, 3, 2))
    res = CliRunner().invoke(main, ["plot", str(tmp_path / "s")])
    assert res.exit_code == 0 and (tmp_path / "s" / "figures" / "ensemble-differences.png").is_file(), res.output
    res = CliRunner().invoke(main, ["report", str(tmp_path / "s")])
    assert res.exit_code == 0 and "What survives what we do not know" in (tmp_path / "s" / "report.html").read_text()


def test_an_ensemble_of_another_school_or_not_a_fit_exits_2(tmp_path):
    data, files = designs(tmp_path)
    fit_dir = fake_fit(tmp_path / "fit", data, [{"workforce.exhaustion.gain_per_day": 0.02,
                                                  "workforce.decision.exhaustion_sensitivity": 2.0}])
    shipped = [str(SCENARIOS / "traditional.yaml"), str(SCENARIOS / "team-based.yaml")]
    res = CliRunner().invoke(main, ["compare", *shipped, "--ensemble", str(fit_dir), "--out", str(tmp_path / "x"), "-q"])
    assert res.exit_code == 2 and "another school" in res.output and "480 students" in res.output, res.output
    assert not (tmp_path / "x").exists()
    run = tmp_path / "run"
    assert CliRunner().invoke(main, ["run", files[0], "-n", "2", "--out", str(run), "-q"]).exit_code == 0
    res = CliRunner().invoke(main, ["compare", *files, "--ensemble", str(run), "-q", "--out", str(tmp_path / "y")])
    assert res.exit_code == 2 and "expected a fit" in res.output
    empty = fake_fit(tmp_path / "empty", data, [])
    res = CliRunner().invoke(main, ["compare", *files, "--ensemble", str(empty), "-q", "--out", str(tmp_path / "z")])
    assert res.exit_code == 2 and "accepted no parameter set" in res.output


def test_a_variant_runs_its_own_block_of_replications(tmp_path):
    from dataclasses import replace

    from staffsim.experiments.runner import RunOptions, plan_chunks
    from staffsim.experiments.runs import build_variants, load_variants, run_in

    chunks = plan_chunks(2, [3, 2], 2, [0, 5])
    assert [c.replications for c in chunks] == [(0, 1), (2,), (5, 6)]
    v = build_variants([("small", small_scenario())])[0]
    block = replace(v, replications=2, first_replication=3)
    opts = RunOptions(replications=5, seed=4, backend="serial", staff_weeks=False, yearly=False)
    read = lambda d: (store.read_table(d, "metrics"), load_variants(d))  # noqa: E731
    whole, _ = run_in("compare", [v], opts, read)
    part, recorded = run_in("compare", [block], RunOptions(replications=5, seed=4, backend="serial", staff_weeks=False,
                                                            yearly=False), read, tmp_path / "block")
    assert recorded[0].first_replication == 3 and sorted(set(part["replication"])) == [3, 4]
    key = ["replication", "metric"]
    ref = whole[whole["replication"].isin([3, 4])].sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(part.sort_values(key).reset_index(drop=True), ref)


def test_a_resumed_comparison_keeps_its_recorded_ensemble(tmp_path):
    data, files = designs(tmp_path)
    point = {"workforce.exhaustion.gain_per_day": 0.02, "workforce.decision.exhaustion_sensitivity": 2.0}
    fit_dir = fake_fit(tmp_path / "fit", data, [point])
    other = fake_fit(tmp_path / "other", data, [point, point])
    out = tmp_path / "cmp"
    compare(files, out, fit_dir)
    before = (out / "manifest.json").read_text()
    res = CliRunner().invoke(main, ["compare", "--resume", str(out), "--ensemble", str(other), "-q"])
    assert res.exit_code == 2 and "recorded the ensemble" in res.output and "start a new comparison" in res.output
    assert (out / "manifest.json").read_text() == before
    res = CliRunner().invoke(main, ["compare", "--resume", str(out)])
    assert res.exit_code == 0, res.output
    assert "uses the ensemble this comparison recorded" in res.output
