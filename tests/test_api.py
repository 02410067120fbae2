"""The experimenters' API: evaluate, experiment, replication_seed, open_run; and docs/experiments.md runs as written."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import staffsim
from staffsim.engine.streams import replication_seed
from staffsim.errors import InputError
from staffsim.scenario.loading import load_scenario, scenario_from_dict

from conftest import ROOT, SCENARIOS, small_scenario

OVR = {"workforce.decision.exhaustion_sensitivity": 3.0, "workforce.resignation.annual_rate_by_experience.1": 0.05}


def same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(x == y or (math.isnan(x) and math.isnan(y)) for x, y in zip(a.values(), b.values()))


def test_evaluate_is_simulate_then_compute_metrics_for_a_path_a_dict_and_a_scenario():
    path = SCENARIOS / "traditional.yaml"
    ref = staffsim.compute_metrics(staffsim.simulate(load_scenario(path), replication_seed(4, 2)))
    assert same(staffsim.evaluate(path, seed=4, replication=2), ref)
    assert same(staffsim.evaluate(str(path), seed=4, replication=2), ref)
    sc = load_scenario(path)
    assert same(staffsim.evaluate(sc, seed=4, replication=2), ref)
    data = small_scenario()
    ref_small = staffsim.compute_metrics(staffsim.simulate(scenario_from_dict(data), replication_seed(1, 0)))
    assert same(staffsim.evaluate(data), ref_small)


def test_overrides_are_dotted_paths_and_list_elements_whatever_the_design_form():
    path = SCENARIOS / "traditional.yaml"
    manual = load_scenario(path, {"workforce.decision.exhaustion_sensitivity": 3.0,
                                  "workforce.resignation.annual_rate_by_experience": [0.06, 0.05, 0.02, 0.02]})
    ref = staffsim.compute_metrics(staffsim.simulate(manual, replication_seed(1, 0)))
    assert same(staffsim.evaluate(path, OVR), ref)
    assert same(staffsim.evaluate(load_scenario(path), OVR), ref)  # a Scenario: overrides on its resolved form
    with pytest.raises(InputError, match="no field"):
        staffsim.evaluate(path, {"workforce.nothing": 1})


def test_experiment_is_evaluate_replication_by_replication_on_any_backend(tmp_path):
    a = small_scenario()
    b = small_scenario(**{"policies.substitutes.pool_size": 0})
    b["name"] = "nosubs"
    points = [{"workforce.exhaustion.load_weight": 0.5}, {"workforce.exhaustion.load_weight": 2.0}]
    df = staffsim.experiment([a, b], points, replications=3, seed=5)
    assert list(df.columns[:5]) == ["scenario", "point", "replication", "metric", "value"]
    assert "workforce.exhaustion.load_weight" in df.columns
    assert set(df["scenario"]) == {"small", "nosubs"} and set(df["point"]) == {0, 1}
    one = df[(df.scenario == "nosubs") & (df.point == 1) & (df.replication == 2)].set_index("metric")["value"]
    ref = staffsim.evaluate(b, points[1], seed=5, replication=2)
    assert same(one.to_dict(), {k: ref[k] for k in one.index})
    par = staffsim.experiment([a, b], points, replications=3, seed=5, backend="processes", workers=2,
                              run_dir=tmp_path / "exp")
    pd.testing.assert_frame_equal(df, par)
    run = staffsim.open_run(tmp_path / "exp")
    assert run.kind == "sweep" and run.scenarios == ["small", "nosubs"] and run.parameters == ["workforce.exhaustion.load_weight"]


def test_replication_seed_and_a_short_ledger_repr():
    ss = staffsim.replication_seed(3, 7)
    assert ss.entropy == 3 and tuple(ss.spawn_key) == (7,)
    ledger = staffsim.simulate(scenario_from_dict(small_scenario()), ss)
    text = repr(ledger)
    assert text.startswith("Ledger('small', seed (3, 7), 1 year(s) x 50 school days, 8 staff") and len(text) < 200


def doc_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "experiments.md").read_text(), re.S)


def run_block(code: str, monkeypatch) -> dict:
    monkeypatch.chdir(ROOT)  # the examples name scenarios/… relative to the repository
    scope: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(code, "docs/experiments.md", "exec"), scope)
    return scope


def test_docs_first_example_and_salib_analysis_run_as_written(monkeypatch):
    pytest.importorskip("SALib")
    blocks = [b for b in doc_blocks() if "ema_workbench" not in b]
    assert len(blocks) >= 2
    for b in blocks:
        scope = run_block(b, monkeypatch)
    si = scope["Si"]  # the SALib block: the decision sensitivity drives the turnover gap, the hiring delay does not
    order = np.argsort(-np.asarray(si["mu_star"]))
    assert scope["names"][order[0]] == "workforce.decision.exhaustion_sensitivity"


def test_docs_ema_workbench_model_runs_as_written(monkeypatch):
    pytest.importorskip("ema_workbench")
    block = next(b for b in doc_blocks() if "ema_workbench" in b)
    scope = run_block(block, monkeypatch)
    assert len(scope["outcomes"]["burnout_gap"]) == 4 and np.all(np.asarray(scope["outcomes"]["burnout_gap"]) < 0)
