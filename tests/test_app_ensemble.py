"""`staffsim app --ensemble FIT`: the page's intervals with parameter uncertainty are `compare --ensemble`'s."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

pytest.importorskip("starlette", reason="needs the app extra (pip install 'staffsim[app]')")
pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx (the test extra)")

from starlette.testclient import TestClient  # noqa: E402

from staffsim.cli import main  # noqa: E402
from staffsim.present.app.catalogue import load_catalogue  # noqa: E402
from staffsim.present.app.ensemble import load_app_ensemble  # noqa: E402
from staffsim.present.app.server import State, create_app  # noqa: E402
from staffsim.scenario.assumptions import scenario_value  # noqa: E402
from staffsim.scenario.loading import check_scenario, scenario_from_dict  # noqa: E402
from staffsim.scenario.shipped import shipped_designs  # noqa: E402

from test_app import events  # noqa: E402
from test_ensemble import PARAMS, designs as small_designs, fake_fit  # noqa: E402

REPS = 4


def traditional() -> dict:
    return check_scenario(shipped_designs()["traditional"])[1]


def final(client, reps=REPS, **levers) -> dict:
    spec = {"designs": [{"design": "traditional", "levers": {}}, {"design": "team-based", "levers": levers}],
            "replications": reps, "seed": 1}
    r = client.get("/api/run", params={"spec": json.dumps(spec)})
    assert r.status_code == 200, r.text
    updates = [e for k, e in events(r.text) if k == "message"]
    assert updates[-1]["done"] == updates[-1]["total"] == 2 * 2 * reps
    assert all(u["phase"] == "seeds" for u in updates if u["done"] <= 2 * reps)
    return updates[-1]


def cells(event: dict, metric: str) -> list[dict]:
    return next(r for r in event["rows"] if r["metric"] == metric)["cells"]


@pytest.fixture(scope="module")
def fit3(tmp_path_factory):
    members = [{PARAMS[0]: g, PARAMS[1]: k} for g, k in ((0.012, 0.8), (0.03, 3.0), (0.02, 1.5))]
    return fake_fit(tmp_path_factory.mktemp("fit3"), traditional(), members)


def test_the_page_shows_compare_ensembles_intervals(fit3, tmp_path):
    state = State(load_catalogue(), pool=None, ensemble=load_app_ensemble(fit3))
    with TestClient(create_app(state)) as c:
        info = c.get("/api/designs").json()["ensemble"]
        assert info["size"] == 3 and info["path"] == str(fit3)
        ev = final(c)
    out = tmp_path / "cmp"
    res = CliRunner().invoke(main, ["compare", "traditional", "team-based", "--ensemble", str(fit3), "-n", str(REPS),
                                    "--seed", "1", "--out", str(out), "-q", "--backend", "serial"])
    assert res.exit_code == 0, res.output
    table = pd.read_parquet(out / "ensemble_comparison.parquet").set_index(["metric", "scenario"])
    for metric in ("planning_hours_per_week", "burnout_share", "turnover_rate"):
        for i, label in enumerate(ev["designs"]):
            cell, row = cells(ev, metric)[i], table.loc[(metric, label)]
            assert cell["value"] == pytest.approx(row["mean"], rel=1e-12)
            assert cell["ens_low"] == pytest.approx(row["ens_low"], rel=1e-12, abs=1e-15)
            assert cell["ens_high"] == pytest.approx(row["ens_high"], rel=1e-12, abs=1e-15)
            assert cell["ens_interval"]
            if i:
                assert cell["verdict"] == row["verdict"] and cell["ens_diff"]
    burn = cells(ev, "burnout_share")[0]  # the gain per day moves burnout: the interval widens
    assert burn["ens_high"] - burn["ens_low"] > burn["high"] - burn["low"]


def test_a_one_point_ensemble_at_the_designs_own_values_is_seed_only(tmp_path):
    own = scenario_from_dict(traditional())
    fit = fake_fit(tmp_path / "fit1", traditional(), [{p: float(scenario_value(own, p)) for p in PARAMS}])
    state = State(load_catalogue(), pool=None, ensemble=load_app_ensemble(fit))
    with TestClient(create_app(state)) as c:
        ev = final(c, reps=3)
    for row in ev["rows"]:
        for cell in row["cells"]:
            if cell["low"] is not None:
                assert (cell["ens_low"], cell["ens_high"]) == pytest.approx((cell["low"], cell["high"]), rel=1e-12)


def test_another_school_or_no_fit_is_a_clear_message(tmp_path):
    data, _ = small_designs(tmp_path)
    fit = fake_fit(tmp_path / "small", data, [{PARAMS[0]: 0.02, PARAMS[1]: 2.0}])
    state = State(load_catalogue(), pool=None, ensemble=load_app_ensemble(fit))
    with TestClient(create_app(state)) as c:
        spec = {"designs": ["traditional", "team-based"], "replications": 2, "seed": 1}
        r = c.get("/api/run", params={"spec": json.dumps(spec)})
    assert r.status_code == 400 and "another school" in r.json()["error"] and "Traceback" not in r.text
    res = CliRunner().invoke(main, ["app", "--no-browser", "--ensemble", str(tmp_path / "nowhere")])
    assert res.exit_code == 2 and "nowhere" in res.output
    res = CliRunner().invoke(main, ["app", "--no-browser", "--ensemble", str(fake_fit(tmp_path / "e", data, []))])
    assert res.exit_code == 2 and "accepted no parameter set" in res.output


def test_export_report_with_an_ensemble_is_compare_ensembles_folder(fit3, tmp_path):
    state = State(load_catalogue(), pool=None, results=tmp_path, ensemble=load_app_ensemble(fit3))
    spec = {"designs": ["traditional", {"design": "team-based", "levers": {"class_size": 26}}], "replications": 3,
            "seed": 1}
    with TestClient(create_app(state)) as c:
        r = c.post("/api/report", json=spec)
    assert r.status_code == 200, r.text
    run_dir = Path(r.json()["run_dir"])
    assert (run_dir / "ensemble_comparison.parquet").is_file()
    assert "What survives what we do not know" in Path(r.json()["report"]).read_text()
