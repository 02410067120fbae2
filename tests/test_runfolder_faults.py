"""Run folders under attack: kills at any moment, damaged parts, concurrent writers and resumers, signals, umask.

Every fault ends in the same numbers as an uninterrupted run, or in a clear
message (exit 2) and a folder that `--resume` finishes. Kills are injected
at named moments (in a forked child, which dies with `os._exit` in the middle
of a write) and at random times (SIGKILL of a real process). Set
STAFFSIM_FAULT_TRIALS=N for N random kills instead of a few.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from staffsim.cli import main
from staffsim.experiments import locking, parts, store

from conftest import ROOT, small_scenario

KEY = ["scenario", "point", "replication", "metric"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and locks")


def write_sweep(tmp: Path, replications: int = 4) -> Path:
    (tmp / "small.yaml").write_text(yaml.safe_dump(small_scenario()))
    f = tmp / "sw.yaml"
    f.write_text(yaml.safe_dump({"scenarios": ["small.yaml"], "design": "grid", "replications": replications, "seed": 4,
                                 "parameters": {"policies.substitutes.pool_size": {"values": [0, 2]}}}))
    return f


def sweep_args(sweep: Path, out: Path, *more: str) -> list[str]:
    return ["sweep", str(sweep), "-q", "--backend", "serial", "--chunk-size", "1", "--out", str(out), *more]


def results(run: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The per-replication metrics (sorted) and the summary of a complete folder."""
    assert store.read_manifest(run)["status"] == "complete"
    m = store.read_table(run, "metrics").sort_values(KEY).reset_index(drop=True)
    assert len(m) == len(m[KEY].drop_duplicates())
    return m, pd.read_csv(run / "summary.csv")


def same_results(run: Path, reference: Path) -> None:
    a, sa = results(run)
    b, sb = results(reference)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(sa, sb)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """An uninterrupted sweep (2 points x 4 replications, chunks of one)."""
    tmp = tmp_path_factory.mktemp("reference")
    sweep = write_sweep(tmp)
    res = CliRunner().invoke(main, sweep_args(sweep, tmp / "clean"))
    assert res.exit_code == 0, res.output
    return tmp / "clean"


def finish(sweep: Path, out: Path) -> CliRunner:
    """What a user does after a crash: resume the folder if it exists, else start again with the same --out."""
    args = ["sweep", "-q", "--backend", "serial", "--resume", str(out)] if out.exists() else sweep_args(sweep, out)
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output
    return res


# ------------------------------------------------------------------------------ kills at named moments

def _die_half_written(path: Path, data: bytes | str) -> None:
    raw = data.encode() if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    path.with_name(f".{path.name}.dead.tmp").write_bytes(raw[: len(raw) // 2])
    os._exit(9)


def _child(point: str, k: int, args: list[str]) -> None:
    """In a forked child: run the CLI and die (os._exit) at the k-th call of the moment `point`."""
    calls = {"n": 0}

    def nth() -> bool:
        calls["n"] += 1
        return calls["n"] == k

    real_write, real_append, real_manifest, real_rename = parts.write_atomic, parts._append, store.write_manifest, os.rename

    def write(path, data):
        return _die_half_written(path, data) if nth() else real_write(path, data)

    def append(journal, line):
        if nth():
            if point == "journal-half":
                with open(journal, "ab") as fh:
                    fh.write(line.encode()[: len(line) // 2])
            os._exit(9)
        real_append(journal, line)

    def manifest(run, data):
        if nth():
            os._exit(9)
        real_manifest(run, data)

    def rename(a, b):
        if nth():
            os._exit(9)
        real_rename(a, b)

    if point == "write":
        parts.write_atomic = store.write_atomic = write
    elif point.startswith("journal"):
        parts._append = append
    elif point == "manifest":
        store.write_manifest = manifest
    elif point == "rename":
        os.rename = rename
    sys.stdout = sys.stderr = open(os.devnull, "w")
    main(args)


#: (moment, k): the k-th file written, the k-th journal line, the k-th manifest write, the set-up folder's rename.
#: A run of the sweep writes 16 files: 4 set-up files and the manifest, 8 parts, summary.parquet and .csv, the
#: manifest again; and 14 journal lines (set-up files, parts, summaries).
MOMENTS = [("manifest", 1), ("rename", 1), ("write", 1), ("write", 4), ("write", 5), ("write", 7), ("write", 12),
           ("write", 14), ("write", 15), ("write", 16), ("journal", 3), ("journal", 9), ("journal-half", 6),
           ("journal-half", 14), ("manifest", 2)]


@POSIX
@pytest.mark.parametrize("point,k", MOMENTS, ids=[f"{p}-{k}" for p, k in MOMENTS])
def test_a_kill_at_any_moment_then_resume_gives_the_uninterrupted_results(tmp_path, reference, point, k):
    sweep = write_sweep(tmp_path)
    out = tmp_path / "run"
    child = multiprocessing.get_context("fork").Process(target=_child, args=(point, k, sweep_args(sweep, out)))
    child.start()
    child.join(120)
    assert child.exitcode == 9, f"the kill at {point} #{k} did not happen (exit {child.exitcode})"
    if not out.exists():  # killed while being set up: nothing is at --out (a hidden set-up folder at most)
        assert all(p.name.startswith(".") for p in tmp_path.iterdir() if p.name not in ("sw.yaml", "small.yaml"))
    finish(sweep, out)
    same_results(out, reference)
    assert not list(out.rglob("*.tmp")) and not (out / locking.LOCK).exists()


@POSIX
def test_random_sigkills_then_resume_give_the_uninterrupted_results(tmp_path, reference):
    sweep = write_sweep(tmp_path)
    rng = random.Random(14)
    trials = int(os.environ.get("STAFFSIM_FAULT_TRIALS", "3"))
    survived = 0
    for t in range(trials):
        out = tmp_path / f"k{t}"
        proc = subprocess.Popen([sys.executable, "-m", "staffsim", *sweep_args(sweep, out)], env=ENV,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.0, 3.0))  # from before the folder exists to after it is complete
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        finish(sweep, out)
        same_results(out, reference)
        survived += 1
    assert survived == trials


# ------------------------------------------------------------------------------ damaged parts

@pytest.mark.parametrize("damage", ["truncate", "flip", "delete", "stray", "summary", "scenario", "sweep-copy"])
def test_a_damaged_file_is_named_by_plot_and_report_and_mended_on_resume(tmp_path, reference, damage):
    import shutil

    out = tmp_path / "run"
    shutil.copytree(reference, out)
    part = sorted((out / "metrics.parquet").iterdir())[3]
    name = f"metrics.parquet/{part.name}"
    if damage == "truncate":
        part.write_bytes(part.read_bytes()[:500])
    elif damage == "flip":
        raw = bytearray(part.read_bytes())
        raw[len(raw) // 2] ^= 0xFF
        part.write_bytes(bytes(raw))
    elif damage == "delete":
        part.unlink()
    elif damage == "stray":  # a part the run did not write (a copy under another chunk's name) would duplicate rows
        name = "metrics.parquet/part-p00000-c00099.parquet"
        (out / name).write_bytes(part.read_bytes())
    else:
        name = {"summary": "summary.csv", "scenario": "scenarios/small.yaml", "sweep-copy": "sweep.yaml"}[damage]
        (out / name).write_text((out / name).read_text().replace("0", "1"))
    for cmd in ("plot", "report"):
        res = CliRunner().invoke(main, [cmd, str(out)])
        assert res.exit_code == 2 and name in res.output and "--resume" in res.output, res.output
        assert "Traceback" not in res.output
    res = CliRunner().invoke(main, ["sweep", "--resume", str(out), "-q", "--backend", "serial"])
    assert res.exit_code == 0, res.output
    assert name in res.output and "Note:" in res.output
    same_results(out, reference)
    assert (out / "scenarios" / "small.yaml").read_text() == (reference / "scenarios" / "small.yaml").read_text()
    assert CliRunner().invoke(main, ["plot", str(out)]).exit_code == 0
    again = CliRunner().invoke(main, ["sweep", "--resume", str(out)])
    assert again.exit_code == 0 and "already complete" in again.output


def test_a_damaged_variants_file_is_a_clear_refusal(tmp_path, reference):
    import shutil

    out = tmp_path / "run"
    shutil.copytree(reference, out)
    (out / "variants.jsonl").write_text('{"label": "small", "poi')
    res = CliRunner().invoke(main, ["sweep", "--resume", str(out)])
    assert res.exit_code == 2 and "variants.jsonl is damaged" in res.output and "new folder" in res.output
    assert "Traceback" not in res.output and not (out / locking.LOCK).exists()


def test_scan_tells_done_chunks_from_interrupted_and_damaged_ones(tmp_path):
    run = tmp_path / "r"
    run.mkdir()
    frame = pd.DataFrame({"x": [1, 2, 3]})
    parts.write_part(run, "metrics", 0, 0, frame)
    parts.write_part(run, "staff_weeks", 0, 1, frame)
    parts.write_part(run, "metrics", 0, 1, frame)
    parts.write_part(run, "metrics", 0, 2, frame)
    (run / parts.part_name("metrics", 0, 3)).write_bytes((run / parts.part_name("metrics", 0, 0)).read_bytes())
    (run / parts.part_name("staff_weeks", 0, 1)).write_bytes(b"PAR1")
    with open(run / parts.JOURNAL, "ab") as fh:
        fh.write(b'{"file": "metrics.parquet/part-p0')  # a line a kill cut short
    found = parts.scan(run)
    assert found.done == {(0, 0), (0, 2)}  # chunk 1: its staff_weeks part is damaged; chunk 3: not recorded
    assert [d.file for d in found.damaged] == [parts.part_name("staff_weeks", 0, 1)]
    assert found.unrecorded == [parts.part_name("metrics", 0, 3)]
    parts.clean_partial(run, found.done)
    parts.write_part(run, "metrics", 0, 1, frame)  # the recomputed chunk; the cut line is skipped, not glued on
    again = parts.scan(run)
    assert again.done == {(0, 0), (0, 1), (0, 2)} and not again.damaged and not again.unrecorded
    assert parts.read_journal(run)[parts.part_name("staff_weeks", 0, 1)]["removed"] is True


# ------------------------------------------------------------------------------ one writer at a time

def _cli_in_child(args: list[str], log: str) -> None:
    """In a forked child: the CLI with stdout and stderr to `log` (exits with the CLI's code)."""
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    sys.stdout, sys.stderr = open(1, "w", closefd=False), open(2, "w", closefd=False)
    main(args)


def _at_once(tmp: Path, args: list[str], n: int) -> list[tuple[int, str]]:
    """`n` processes (forked: no interpreter start-up) running the same command at once: (exit code, output)."""
    ctx = multiprocessing.get_context("fork")
    logs = [str(tmp / f"log-{i}.txt") for i in range(n)]
    procs = [ctx.Process(target=_cli_in_child, args=(args, log)) for log in logs]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    return [(p.exitcode, Path(log).read_text()) for p, log in zip(procs, logs)]


@POSIX
def test_concurrent_writers_on_one_out_exactly_one_runs(tmp_path, reference):
    sweep = write_sweep(tmp_path)
    out = tmp_path / "same"
    done = _at_once(tmp_path, sweep_args(sweep, out), 8)
    assert sorted(c for c, _ in done) == [0] + [2] * 7, done
    for code, text in done:
        if code == 2:
            assert "not empty" in text and "Traceback" not in text
    same_results(out, reference)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no set-up folder left behind


def _interrupted(tmp_path: Path, monkeypatch, out: Path, after: int = 3) -> Path:
    import staffsim.experiments.runner as runner

    real, calls = runner.run_chunk, {"n": 0}

    def flaky(*args):
        calls["n"] += 1
        if calls["n"] == after:
            raise KeyboardInterrupt
        return real(*args)

    sweep = write_sweep(tmp_path)
    monkeypatch.setattr(runner, "run_chunk", flaky)
    res = CliRunner().invoke(main, sweep_args(sweep, out))
    monkeypatch.setattr(runner, "run_chunk", real)
    assert res.exit_code == 130 and store.read_manifest(out)["status"] == "interrupted"
    return sweep


@POSIX
def test_concurrent_resumers_exactly_one_runs(tmp_path, reference, monkeypatch):
    out = tmp_path / "cut"
    _interrupted(tmp_path, monkeypatch, out)
    done = _at_once(tmp_path, ["sweep", "--resume", str(out), "--backend", "serial"], 6)
    ran = [text for code, text in done if code == 0 and "already done" in text]
    assert len(ran) == 1, done
    for code, text in done:
        assert code in (0, 2) and "Traceback" not in text
        if code == 2:
            assert "another staffsim process is writing this run folder: pid" in text
        elif text not in ran:
            assert "already complete" in text
    same_results(out, reference)


HOLD = """
import sys, time
from pathlib import Path
from staffsim.experiments import locking
locking.acquire(Path(sys.argv[1]))
print("held", flush=True)
time.sleep(60)
"""


@POSIX
def test_a_held_lock_names_its_holder_and_a_stale_one_is_taken_over(tmp_path, reference, monkeypatch):
    out = tmp_path / "cut"
    _interrupted(tmp_path, monkeypatch, out)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(out)], env=ENV, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        res = CliRunner().invoke(main, ["sweep", "--resume", str(out), "--backend", "serial"])
        assert res.exit_code == 2 and f"pid {holder.pid}" in res.output, res.output
    finally:
        holder.kill()
        holder.wait()
    assert (out / locking.LOCK).exists()  # left by the killed holder
    res = CliRunner().invoke(main, ["sweep", "--resume", str(out), "--backend", "serial", "-q"])
    assert res.exit_code == 0, res.output
    assert f"took over the lock left by pid {holder.pid}" in res.output
    same_results(out, reference)


# ------------------------------------------------------------------------------ signals

def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def _start_with_workers(tmp_path: Path, out: Path) -> tuple[subprocess.Popen, list[int]]:
    sweep = write_sweep(tmp_path, replications=40)
    proc = subprocess.Popen([sys.executable, "-m", "staffsim", "sweep", str(sweep), "-q", "-w", "2", "--chunk-size", "1",
                             "--out", str(out)], env=ENV, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    kids: list[int] = []
    while time.time() < deadline:
        kids = _children(proc.pid)
        if len(kids) >= 2 and len(store.done_chunks(out)) >= 2:
            break
        time.sleep(0.05)
    assert len(kids) >= 2, "the workers did not start"
    return proc, kids


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_stops_the_workers_marks_the_folder_and_prints_the_resume_command(tmp_path, sig):
    out = tmp_path / "a-run-folder-with-a-rather-long-name-that-would-wrap-in-a-narrow-terminal"
    proc, kids = _start_with_workers(tmp_path, out)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + sig, err
    time.sleep(0.5)
    assert not [k for k in kids if _alive(k)], "a worker outlived the run"
    assert store.read_manifest(out)["status"] == "interrupted"
    assert f"staffsim sweep --resume {out}" in err.splitlines()[-1]  # whole, on one line
    assert not (out / locking.LOCK).exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG and /proc are Linux's")
def test_workers_die_with_a_killed_writer(tmp_path):
    proc, kids = _start_with_workers(tmp_path, tmp_path / "run")
    proc.kill()
    proc.wait()
    deadline = time.time() + 10
    while time.time() < deadline and any(_alive(k) for k in kids):
        time.sleep(0.1)
    assert not [k for k in kids if _alive(k)], "a worker outlived its killed writer"


# ------------------------------------------------------------------------------ where files go

@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_files_honour_the_umask(tmp_path, umask):
    sweep = write_sweep(tmp_path, replications=2)
    old = os.umask(umask)
    try:
        res = CliRunner().invoke(main, sweep_args(sweep, tmp_path / "run"))
    finally:
        os.umask(old)
    assert res.exit_code == 0, res.output
    files = [p for p in (tmp_path / "run").rglob("*") if p.is_file()]
    assert {p.stat().st_mode & 0o777 for p in files} == {0o666 & ~umask}
    dirs = [p for p in (tmp_path / "run").rglob("*") if p.is_dir()] + [tmp_path / "run"]
    assert {p.stat().st_mode & 0o777 for p in dirs} == {0o777 & ~umask}


def test_an_unwritable_location_is_one_line_and_exit_2(tmp_path):
    sweep = write_sweep(tmp_path, replications=2)
    (tmp_path / "a-file").write_text("")
    res = CliRunner().invoke(main, sweep_args(sweep, tmp_path / "a-file" / "run"))
    assert res.exit_code == 2 and "Traceback" not in res.output
    errors = [line for line in res.output.splitlines() if line.startswith("Error")]
    assert len(errors) == 1 and str(tmp_path / "a-file") in errors[0], res.output
    if os.geteuid() != 0:  # (root writes anywhere)
        ro = tmp_path / "read-only"
        ro.mkdir(mode=0o555)
        res = CliRunner().invoke(main, sweep_args(sweep, ro / "run"))
        assert res.exit_code == 2 and str(ro) in res.output and "Traceback" not in res.output


def test_a_folder_without_results_is_reported_safe_to_delete_and_can_be_reused(tmp_path, reference):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / locking.LOCK).write_text("")  # a lock file left by a killed process
    res = CliRunner().invoke(main, ["sweep", "--resume", str(empty)])
    assert res.exit_code == 2 and "safe to delete" in res.output and "Traceback" not in res.output
    res = CliRunner().invoke(main, ["plot", str(empty)])
    assert res.exit_code == 2 and "safe to delete" in res.output
    setup = tmp_path / "setup-only"
    setup.mkdir()
    (setup / "variants.jsonl").write_text("")
    (setup / "scenarios").mkdir()
    res = CliRunner().invoke(main, ["sweep", "--resume", str(setup)])
    assert res.exit_code == 2 and "nothing ran and it is safe to delete" in res.output
    sweep = write_sweep(tmp_path)
    res = CliRunner().invoke(main, sweep_args(sweep, empty))  # an empty folder may be named again
    assert res.exit_code == 0, res.output
    same_results(empty, reference)


# ------------------------------------------------------------------------------ --resume DIR alone

def test_resume_alone_works_for_every_kind_and_a_complete_run_reads_no_new_file(tmp_path, monkeypatch):
    import staffsim.experiments.runner as runner

    small = tmp_path / "small.yaml"
    small.write_text(yaml.safe_dump(small_scenario()))
    starts = {
        "run": ["run", str(small), "-n", "3"],
        "compare": ["compare", str(small), str(small), "-n", "2"],
        "budget": ["budget", str(small), "-n", "2", "--budget", "600000"],
        "calibrate": ["calibrate", str(small), "-n", "2", "--cohort-years", "1", "--cohort-replications", "2"],
    }
    real = runner.run_chunk
    for kind, args in starts.items():
        out = tmp_path / kind
        calls = {"n": 0}

        def flaky(*a, calls=calls):
            calls["n"] += 1
            if calls["n"] == 2:
                raise KeyboardInterrupt
            return real(*a)

        monkeypatch.setattr(runner, "run_chunk", flaky)
        res = CliRunner().invoke(main, args + ["--out", str(out), "--backend", "serial", "--chunk-size", "1"])
        monkeypatch.setattr(runner, "run_chunk", real)
        assert res.exit_code == 130, (kind, res.output)
        assert f"staffsim {kind} --resume {out}" in res.output
        res = CliRunner().invoke(main, [kind, "--resume", str(out), "--backend", "serial"])
        assert res.exit_code == 0, (kind, res.output)
        assert store.read_manifest(out)["status"] == "complete"
        again = CliRunner().invoke(main, [kind, "--resume", str(out)])
        assert again.exit_code == 0 and "already complete" in again.output
        assert again.stdout == res.stdout, kind  # the same results, read from the folder
    res = CliRunner().invoke(main, ["run"])
    assert res.exit_code == 2 and "expected SCENARIO, or --resume" in res.output
    # a complete sweep resumed with another (even a broken) sweep file: it says so and reads nothing new
    sweep = write_sweep(tmp_path, replications=2)
    assert CliRunner().invoke(main, sweep_args(sweep, tmp_path / "sw")).exit_code == 0
    (tmp_path / "other.yaml").write_text("design: [not, a, sweep")
    res = CliRunner().invoke(main, ["sweep", str(tmp_path / "other.yaml"), "--resume", str(tmp_path / "sw")])
    assert res.exit_code == 0 and "already complete" in res.output and "is not read" in res.output
    assert "2 point(s) x 1 design(s) x 2 replications" in res.output
    assert json.loads((tmp_path / "sw" / "manifest.json").read_text())["points"] == 2
