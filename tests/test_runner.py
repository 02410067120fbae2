"""Runner: identical numbers whatever the executor, chunking or interruption."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from staffsim.experiments import store
from staffsim.experiments.runs import build_variants, load_variants, run, start, variant_record
from staffsim.experiments.runner import Chunk, RunOptions, auto_chunk_size, plan_chunks, run_chunk

from conftest import small_scenario

KEY = ["scenario", "point", "replication", "metric"]


def variants(n_designs: int = 2):
    a = small_scenario()
    b = small_scenario(**{"policies.substitutes.pool_size": 0})
    b["name"] = "nosubs"
    return build_variants([("small", a), ("nosubs", b)][:n_designs])


def run_to(tmp: Path, name: str, **opts) -> pd.DataFrame:
    opts.setdefault("replications", 6)
    opts.setdefault("seed", 3)
    o = RunOptions(**opts)
    vs = variants()
    d = tmp / name
    manifest = start("compare", d, vs, o)
    outcome, manifest = run(d, vs, o, manifest)
    assert not outcome.interrupted and manifest["status"] == "complete"
    return store.read_table(d, "metrics").sort_values(KEY).reset_index(drop=True)


def test_chunk_plan_covers_every_replication_once():
    chunks = plan_chunks(3, 10, 4)
    seen = sorted((c.variant, r) for c in chunks for r in c.replications)
    assert seen == [(v, r) for v in range(3) for r in range(10)]
    assert 1 <= auto_chunk_size(3, 1000, 2) <= 50
    own = plan_chunks(2, [5, 2], 2)  # one count per variant
    assert sorted((c.variant, r) for c in own for r in c.replications) == [(0, r) for r in range(5)] + [(1, 0), (1, 1)]


def test_extra_tables_and_variants_with_their_own_seed_years_and_replications(tmp_path):
    vs = variants()
    vs[1] = replace(vs[1], seed=11, years=2, replications=3)
    tables = {"burnout": "staffsim.experiments.calibration:burnout_table"}
    d = tmp_path / "own"
    o = RunOptions(replications=4, seed=3, backend="serial", staff_weeks=False, tables=tables, chunk_size=2)
    outcome, manifest = run(d, vs, o, start("compare", d, vs, o))
    assert manifest["status"] == "complete" and manifest["tables"] == tables
    assert [variant_record(v) for v in load_variants(d)] == [variant_record(v) for v in vs]
    burn = store.read_table(d, "burnout")
    assert list(burn.columns[:3]) == ["scenario", "point", "replication"]
    assert burn.groupby("scenario")["replication"].nunique().to_dict() == {"small": 4, "nosubs": 3}
    assert set(store.read_table(d, "years")["scenario"]) == {"nosubs"}  # only the two-year variant
    assert manifest["yearly"] is True
    alone = run_chunk(vs[1], Chunk(1, 0, (2,)), 3, 1, False, tuple(tables.items()))
    metrics = store.read_table(d, "metrics")
    ref = metrics[(metrics.scenario == "nosubs") & (metrics.replication == 2)].sort_values("metric")
    np.testing.assert_array_equal(alone["metrics"].sort_values("metric")["value"].to_numpy(), ref["value"].to_numpy())
    assert alone["burnout"].iloc[0]["replication"] == 2
    from staffsim.errors import InputError

    with pytest.raises(InputError, match="no table function"):
        run(tmp_path / "bad", vs, replace(o, tables={"x": "staffsim.nothing:here"}), start("compare", tmp_path / "bad", vs, o))


def test_serial_processes_and_chunking_give_identical_metrics(tmp_path):
    serial = run_to(tmp_path, "serial", backend="serial", workers=1, chunk_size=6)
    procs = run_to(tmp_path, "procs", backend="processes", workers=2, chunk_size=1)
    odd = run_to(tmp_path, "odd", backend="processes", workers=2, chunk_size=4)
    pd.testing.assert_frame_equal(serial, procs)
    pd.testing.assert_frame_equal(serial, odd)
    assert len(serial) == serial[KEY].drop_duplicates().shape[0]


@pytest.mark.dask
def test_dask_local_cluster_gives_identical_metrics(tmp_path):
    pytest.importorskip("dask.distributed")
    serial = run_to(tmp_path, "serial", backend="serial", workers=1, chunk_size=2)
    dask = run_to(tmp_path, "dask", backend="dask", workers=2, chunk_size=2)
    pd.testing.assert_frame_equal(serial, dask)


def test_subset_rerun_alone_gives_the_same_numbers(tmp_path):
    full = run_to(tmp_path, "full", backend="serial", workers=1)
    from staffsim.experiments.runner import run_chunk, Chunk

    vs = variants()
    part = run_chunk(vs[1], Chunk(1, 0, (4,)), 3, 1, False)["metrics"]
    ref = full[(full.scenario == "nosubs") & (full.replication == 4)].sort_values("metric")
    np.testing.assert_array_equal(part.sort_values("metric")["value"].to_numpy(), ref["value"].to_numpy())


def test_run_folder_layout_and_never_overwrite(tmp_path):
    run_to(tmp_path, "a", backend="serial", workers=1)
    d = tmp_path / "a"
    for f in ("manifest.json", "variants.jsonl", "summary.csv", "summary.parquet", "comparison.csv", "comparison.parquet",
              "scenarios/small.yaml", "scenarios/nosubs.yaml"):
        assert (d / f).exists(), f
    assert pd.read_parquet(d / "metrics.parquet").columns.tolist() == ["scenario", "point", "replication", "metric", "value"]
    weeks = pd.read_parquet(d / "staff_weeks.parquet")
    assert {"scenario", "replication", "staff", "week", "planning_individual", "overtime"} <= set(weeks.columns)
    m = store.read_manifest(d)
    assert m["seed"] == 3 and m["replications"] == 6 and "numpy" in m["packages"] and m["wall_seconds"] >= 0
    from staffsim.errors import InputError

    with pytest.raises(InputError, match="not empty"):
        start("compare", d, variants(), RunOptions(replications=1, seed=1))


def test_sigkill_then_resume_equals_uninterrupted(tmp_path):
    """Kill a sweep with SIGKILL halfway; --resume completes it with no duplicated or missing rows."""
    sweep = tmp_path / "sw.yaml"
    import yaml

    (tmp_path / "small.yaml").write_text(yaml.safe_dump(small_scenario()))
    sweep.write_text(yaml.safe_dump({
        "scenarios": ["small.yaml"], "design": "grid",
        "parameters": {"policies.substitutes.pool_size": {"values": [0, 2]}},
        "replications": 60, "seed": 9,
    }))
    cmd = [sys.executable, "-m", "staffsim", "sweep", str(sweep), "-q", "--backend", "serial", "--chunk-size", "1"]
    killed = tmp_path / "killed"
    proc = subprocess.Popen(cmd + ["--out", str(killed)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:
        if len(store.done_chunks(killed)) >= 20:
            break
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done = len(store.done_chunks(killed))
    assert 0 < done < 120, f"kill did not land halfway ({done} of 120 chunks)"
    assert store.read_manifest(killed)["status"] == "running"
    res = subprocess.run(cmd[:5] + ["-q", "--resume", str(killed)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "already done" in res.stderr
    clean = tmp_path / "clean"
    res = subprocess.run(cmd + ["--out", str(clean), "--backend", "processes", "--chunk-size", "1"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    a = store.read_table(killed, "metrics").sort_values(KEY).reset_index(drop=True)
    b = store.read_table(clean, "metrics").sort_values(KEY).reset_index(drop=True)
    assert len(a) == a[KEY].drop_duplicates().shape[0]
    assert set(a["replication"]) == set(range(60)) and set(a["point"]) == {0, 1}
    pd.testing.assert_frame_equal(a, b)
    assert store.read_manifest(killed)["status"] == "complete"
