"""The command line, as a user runs it (click's CliRunner)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from staffsim.cli import main

from conftest import SCENARIOS, small_scenario


@pytest.fixture
def cli():
    return CliRunner()


def write_small(tmp_path, name="small", **changes):
    d = small_scenario(**changes)
    d["name"] = name
    f = tmp_path / f"{name}.yaml"
    f.write_text(yaml.safe_dump(d))
    return f


def test_help_explains_every_command(cli):
    res = cli.invoke(main, ["--help"])
    assert res.exit_code == 0
    for cmd in ("run", "compare", "sweep", "validate", "schema"):
        assert cmd in res.output
        sub = cli.invoke(main, [cmd, "--help"])
        assert sub.exit_code == 0 and "Usage" in sub.output


def test_run_prints_metrics_and_writes_a_run_folder(cli, tmp_path):
    out = tmp_path / "run"
    res = cli.invoke(main, ["run", str(SCENARIOS / "traditional.yaml"), "-n", "4", "--seed", "7", "--out", str(out), "-w", "1"])
    assert res.exit_code == 0, res.output
    assert "planning_hours_per_week" in res.output and "95 % CI" in res.output
    m = pd.read_parquet(out / "metrics.parquet")
    assert sorted(m["replication"].unique()) == [0, 1, 2, 3]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "run" and manifest["seed"] == 7 and manifest["status"] == "complete"
    assert (out / "scenarios" / "traditional.yaml").exists() and (out / "staff_weeks.parquet").exists()
    # the same command into the same folder is refused, and nothing is lost
    before = sorted(p.name for p in out.rglob("*"))
    res = cli.invoke(main, ["run", str(SCENARIOS / "traditional.yaml"), "-n", "2", "--out", str(out)])
    assert res.exit_code == 2 and "not empty" in res.output
    assert sorted(p.name for p in out.rglob("*")) == before


def test_same_seed_same_metrics_file(cli, tmp_path):
    f = write_small(tmp_path)
    for d in ("a", "b"):
        assert cli.invoke(main, ["run", str(f), "-n", "3", "--seed", "5", "--out", str(tmp_path / d), "-w", "1"]).exit_code == 0
    a = pd.read_parquet(tmp_path / "a" / "metrics.parquet").sort_values(["replication", "metric"]).reset_index(drop=True)
    b = pd.read_parquet(tmp_path / "b" / "metrics.parquet").sort_values(["replication", "metric"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


def test_compare_design_against_itself_gives_zero_differences(cli, tmp_path):
    f = write_small(tmp_path)
    out = tmp_path / "cmp"
    res = cli.invoke(main, ["compare", str(f), str(f), "-n", "5", "--out", str(out), "-w", "1"])
    assert res.exit_code == 0, res.output
    comp = pd.read_csv(out / "comparison.csv")
    assert set(comp["scenario"]) == {"small", "small#2"}
    other = comp[comp.scenario == "small#2"].dropna(subset=["diff"])
    assert len(other) > 5
    assert (other[["diff", "diff_ci_low", "diff_ci_high"]].to_numpy() == 0).all()
    assert {"metric", "scenario", "mean", "ci_low", "ci_high", "diff", "diff_ci_low", "diff_ci_high"} <= set(comp.columns)


def test_compare_shipped_designs_shows_differences(cli, tmp_path):
    out = tmp_path / "cmp"
    res = cli.invoke(main, ["compare", str(SCENARIOS / "traditional.yaml"), str(SCENARIOS / "team-based.yaml"),
                            "-n", "3", "--out", str(out), "-w", "2"])
    assert res.exit_code == 0, res.output
    comp = pd.read_parquet(out / "comparison.parquet")
    row = comp[(comp.metric == "scheduled_planning_hours_per_week") & (comp.scenario == "team-based")].iloc[0]
    assert row["diff"] > 5  # ~11 h vs 3.75 h


def test_validate_reports_each_problem_with_exit_code_2(cli, tmp_path):
    good = write_small(tmp_path)
    assert cli.invoke(main, ["validate", str(good)]).exit_code == 0
    bad = tmp_path / "bad.yaml"
    text = good.read_text().replace("pool_size: 1", "pool_sise: 1").replace("fill_rate: 0.9", "fill_rate: 2")
    bad.write_text(text)
    res = cli.invoke(main, ["validate", str(bad)])
    assert res.exit_code == 2
    assert "pool_sise" in res.output and "fill_rate" in res.output and "Traceback" not in res.output
    res = cli.invoke(main, ["run", str(bad), "--out", str(tmp_path / "never")])
    assert res.exit_code == 2 and not (tmp_path / "never").exists()


def test_schema_command(cli, tmp_path):
    res = cli.invoke(main, ["schema"])
    assert res.exit_code == 0 and json.loads(res.output)["title"] == "staffsim scenario"


def sweep_file(tmp_path, **over):
    write_small(tmp_path)
    spec = {"scenarios": ["small.yaml"], "design": "grid",
            "parameters": {"policies.substitutes.pool_size": {"values": [0, 2]},
                           "policies.small_groups.max_size": {"values": [2, 4, 6]}},
            "replications": 3, "seed": 2}
    spec.update(over)
    f = tmp_path / "sweep.yaml"
    f.write_text(yaml.safe_dump(spec))
    return f


def test_sweep_grid_runs_every_point(cli, tmp_path):
    out = tmp_path / "sw"
    res = cli.invoke(main, ["sweep", str(sweep_file(tmp_path)), "--out", str(out), "-w", "1"])
    assert res.exit_code == 0, res.output
    m = pd.read_parquet(out / "metrics.parquet")
    assert m.groupby("point")["replication"].nunique().tolist() == [3] * 6
    points = pd.read_csv(out / "points.csv")
    assert len(points) == 6 and "policies.small_groups.max_size" in points
    s = pd.read_csv(out / "summary.csv")
    sg = s[s.metric == "small_group_minutes_per_student_per_week"].merge(points, on=list(points.columns))  # (summary.csv has the values too)
    by_size = sg.groupby("policies.small_groups.max_size")["mean"].mean()
    assert by_size.is_monotonic_increasing


def test_sweep_lhs_and_csv_designs(cli, tmp_path):
    f = sweep_file(tmp_path, design="lhs", parameters={"policies.substitutes.pool_size": {"low": 0, "high": 3},
                                                       "behaviour.absence.days_per_year": {"low": 5.0, "high": 15.0}})
    out = tmp_path / "lhs"
    res = cli.invoke(main, ["sweep", str(f), "--samples", "4", "-n", "2", "--out", str(out), "-w", "1"])
    assert res.exit_code == 0, res.output
    pts = pd.read_csv(out / "points.csv")
    assert len(pts) == 4 and pts["policies.substitutes.pool_size"].between(0, 3).all()
    assert pts["behaviour.absence.days_per_year"].between(5, 15).all()
    (tmp_path / "pts.csv").write_text("policies.substitutes.pool_size\n0\n3\n")
    f = sweep_file(tmp_path, design="csv", points="pts.csv", parameters={})
    res = cli.invoke(main, ["sweep", str(f), "-n", "2", "--out", str(tmp_path / "csv"), "-w", "1"])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("over, fragment", [
    ({"parameters": {"policies.substitutes.pool": {"values": [1]}}}, "no field 'pool'"),
    ({"parameters": {"policies.substitutes.pool_size": {"values": []}}}, "values is empty"),
    ({"parameters": {"policies.substitutes.pool_size": {"values": ["many"]}}}, "valid integer"),
    ({"parameters": {"policies.substitutes.pool_size": {"low": 3, "high": 1}}, "design": "lhs"}, "empty range"),
    ({"design": "csv"}, "needs `points:`"),
    ({"replications": 0}, "replications"),
])
def test_bad_sweep_files_fail_before_anything_runs(cli, tmp_path, over, fragment):
    out = tmp_path / "never"
    res = cli.invoke(main, ["sweep", str(sweep_file(tmp_path, **over)), "--out", str(out)])
    assert res.exit_code == 2, res.output
    assert fragment in res.output and "Traceback" not in res.output
    assert not out.exists()


def test_ctrl_c_leaves_a_resumable_folder_with_a_hint(cli, tmp_path, monkeypatch):
    import staffsim.experiments.runner as runner

    real = runner.run_chunk
    calls = {"n": 0}

    def flaky(*args):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(runner, "run_chunk", flaky)
    f = sweep_file(tmp_path)
    out = tmp_path / "sw"
    res = cli.invoke(main, ["sweep", str(f), "--out", str(out), "--backend", "serial", "--chunk-size", "1"])
    assert res.exit_code == 130
    assert "--resume" in res.output and str(out) in res.output
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"
    monkeypatch.setattr(runner, "run_chunk", real)
    res = cli.invoke(main, ["sweep", str(f), "--resume", str(out), "--backend", "serial"])
    assert res.exit_code == 0, res.output
    m = pd.read_parquet(out / "metrics.parquet")
    assert len(m) == len(m.drop_duplicates(["scenario", "point", "replication", "metric"]))
    assert m.groupby("point")["replication"].nunique().tolist() == [3] * 6
