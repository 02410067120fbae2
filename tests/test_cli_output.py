"""What the terminal shows: tables that fit 100 columns, registry labels, commands never wrapped, --json."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from rich.console import Console

from staffsim.cli import main
from staffsim.cli.budget import _units
from staffsim.cli.tables import headline_tables
from staffsim.experiments.budget import Lever
from staffsim.metrics.registry import METRICS
from staffsim.experiments.decision import DECISION_METRICS, STATS, table_metrics

from conftest import small_scenario

WIDTH = 100


def write(tmp_path, name, **changes):
    d = small_scenario(**changes)
    d["name"] = name
    f = tmp_path / f"{name}.yaml"
    f.write_text(yaml.safe_dump(d))
    return f


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """A compare of two designs (one with a long name) at COLUMNS=100: (result, run folder)."""
    tmp = tmp_path_factory.mktemp("cmp")
    a = write(tmp, "small")
    b = write(tmp, "no-substitutes-and-a-long-name", **{"policies.substitutes.pool_size": 0})
    out = tmp / "a-run-folder" / ("x" * 90)
    res = CliRunner().invoke(main, ["compare", str(a), str(b), "-n", "3", "-w", "1", "-q", "--out", str(out)],
                             env={"COLUMNS": str(WIDTH)})
    assert res.exit_code == 0, res.output
    return res, out


def test_compare_prints_a_headline_that_fits_100_columns_then_the_folder_and_next_commands(compared):
    res, out = compared
    lines = res.stdout.splitlines()
    commands = {f"staffsim plot {out}", f"staffsim report {out}", f"staffsim compare --resume {out} --detail"}
    tables = [line for line in lines if line.strip() not in commands and not line.startswith("Results:")]
    assert max(len(line) for line in tables) <= WIDTH
    assert any("small" in line and "no-substitutes-and-a-long-name" in line for line in lines)  # names whole
    for m in table_metrics(pd.DataFrame(columns=[f"{m}_mean" for m in DECISION_METRICS])):
        if m != "budget_gap":  # (no budget in these designs)
            assert METRICS[m].label.split()[0] in res.stdout
    assert "planning_hours_per_week" not in res.stdout  # labels, not names
    for cmd in commands:  # never wrapped, whatever their length
        assert cmd in [line.strip() for line in lines], cmd
    assert f"Results: {out}" in lines


def test_detail_prints_every_metric_by_its_label(compared, tmp_path):
    _, out = compared
    res = CliRunner().invoke(main, ["compare", "--resume", str(out), "--detail"], env={"COLUMNS": "160"})
    assert res.exit_code == 0, res.output
    for name in ("teaching_hours_per_week", "vacancy_days", "staff_retained_share"):
        assert METRICS[name].label.split(" (")[0][:20] in res.stdout and name in res.stdout


def _decision(names: list[str]) -> pd.DataFrame:
    """A decision table of made-up numbers for these designs (the shape `present.decision` makes)."""
    rng = np.random.default_rng(1)
    rows = []
    for i, n in enumerate(names):
        row = {"scenario": n}
        for m in DECISION_METRICS:
            scale = 2_000_000 if m == "personnel_cost" else 5000 if "cost" in m or "gap" in m else 1.0
            mean, diff = scale * rng.uniform(0.5, 1), 0.0 if i == 0 else scale * rng.uniform(-0.2, 0.2)
            half = scale * rng.uniform(0.001, 0.05)
            row.update(dict(zip([f"{m}_{s}" for s in STATS],
                                [mean, mean - half, mean + half, diff, diff - half / 3, diff + half / 3])))
        rows.append(row)
    return pd.DataFrame(rows)


@pytest.mark.parametrize("names", [
    ["traditional", "blended", "team-based", "pilot-4plus1", "pilot-two-periods"],
    ["traditional", "a-design-with-a-very-long-name-indeed", "b", "another-long-design-name", "c", "d", "e", "f"],
])
def test_headline_fits_100_columns_with_every_name_whole(names):
    console = Console(width=WIDTH, record=True, file=open("/dev/null", "w"))
    tables = headline_tables(_decision(names), "USD 2024", WIDTH, f"{len(names)} designs")
    for t in tables:
        console.print(t)
    text = console.export_text()
    assert max(len(line.rstrip()) for line in text.splitlines()) <= WIDTH
    headers = [line for line in text.splitlines() if line.strip().startswith("traditional") or "traditional " in line]
    shown = " ".join(headers).split()
    for n in names:
        assert n in shown, n  # every name whole in a header
    assert "…" not in text
    if len(names) == 5:
        assert len(tables) == 1  # the shipped five fit one table


def test_commands_to_copy_are_never_wrapped(tmp_path, monkeypatch):
    import staffsim.experiments.runner as runner

    real = runner.run_chunk
    monkeypatch.setattr(runner, "run_chunk", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt))
    out = tmp_path / ("a-long-folder-name-" * 5)
    res = CliRunner().invoke(main, ["run", str(write(tmp_path, "small")), "-n", "2", "--out", str(out),
                                    "--backend", "serial"], env={"COLUMNS": "60"})
    monkeypatch.setattr(runner, "run_chunk", real)
    assert res.exit_code == 130
    assert f"  staffsim run --resume {out}" in res.output.splitlines()


def test_sweep_prints_parameter_values_and_writes_them_into_summary_csv(tmp_path):
    write(tmp_path, "small")
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(yaml.safe_dump({"scenarios": ["small.yaml"], "design": "grid", "replications": 2, "seed": 2,
                                     "parameters": {"policies.substitutes.pool_size": {"values": [0, 3]},
                                                    "policies.small_groups.max_size": {"values": [2, 5]}}}))
    out = tmp_path / "sw"
    res = CliRunner().invoke(main, ["sweep", str(sweep), "-w", "1", "-q", "--out", str(out)], env={"COLUMNS": "100"})
    assert res.exit_code == 0, res.output
    assert "substitutes pool size" in res.stdout.replace("\n", " ") or "pool size" in res.stdout
    rows = [line.split() for line in res.stdout.splitlines() if line.startswith("small ")]
    assert sorted((r[1], r[2], r[3]) for r in rows) == [("0", "2", "0"), ("1", "2", "3"), ("2", "5", "0"), ("3", "5", "3")]
    assert max(len(line) for line in res.stdout.splitlines() if "summary.csv" not in line) <= 100
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary.columns[:4]) == ["scenario", "point", "policies.small_groups.max_size",
                                         "policies.substitutes.pool_size"]
    points = pd.read_csv(out / "points.csv")
    merged = summary.drop_duplicates("point").merge(points, on="point", suffixes=("", "_points"))
    for c in ("policies.small_groups.max_size", "policies.substitutes.pool_size"):
        assert (merged[c] == merged[f"{c}_points"]).all()


def test_budget_levers_say_add_or_remove():
    assert _units(Lever("support staff", "one more support position", 1.0, 50_000, -4.2, (-3.9, -4.5))) \
        == "remove 4.20 [3.90, 4.50]"
    assert _units(Lever("class size", "one more student per class", -2, -1e5, 2.1, (1.5, 2.7))) == "add 2.10 [1.50, 2.70]"
    assert _units(Lever("supplement", "1,000 more", 0, 900, 0.5, (-0.4, 1.4))) == "add 0.50 [remove 0.40 to add 1.40]"
    assert _units(Lever("x", "y", None, math.nan, None)) == "-"


def test_json_on_validate_run_compare_and_budget(tmp_path, compared):
    good = write(tmp_path, "small")
    bad = tmp_path / "bad.yaml"
    bad.write_text(good.read_text().replace("fill_rate: 0.9", "fill_rate: 2"))
    cli = CliRunner()
    res = cli.invoke(main, ["validate", "--json", str(good), str(bad)])
    data = json.loads(res.stdout)
    assert res.exit_code == 2 and not data["ok"] and [f["ok"] for f in data["files"]] == [True, False]
    assert any("fill_rate" in p for p in data["files"][1]["problems"])
    res = cli.invoke(main, ["run", str(good), "-n", "2", "-w", "1", "--json", "--out", str(tmp_path / "r")])
    data = json.loads(res.stdout)  # nothing else on stdout
    assert res.exit_code == 0 and data["kind"] == "run" and data["replications"] == 2
    row = next(r for r in data["summary"] if r["metric"] == "planning_hours_per_week")
    assert row["label"] == METRICS["planning_hours_per_week"].label and row["n"] == 2
    _, out = compared
    res = cli.invoke(main, ["compare", "--resume", str(out), "--json"])
    data = json.loads(res.stdout)
    assert res.exit_code == 0 and data["baseline"] == "small" and len(data["decision"]) == 2
    assert {"metric", "label", "unit", "scenario", "mean", "diff"} <= set(data["comparison"][0])
    res = cli.invoke(main, ["budget", str(good), "-n", "2", "--budget", "600000", "-w", "1", "--json",
                            "--out", str(tmp_path / "b")])
    data = json.loads(res.stdout)
    assert res.exit_code == 0 and data["budget"] == 600000 and data["verdict"]
    assert all(lv["to_close_the_gap"].split()[0] in ("add", "remove", "-") for lv in data["levers"])
