"""Sweep throughput (serial vs 2 local workers vs Dask LocalCluster) and memory growth.

    python benchmarks/bench_sweep.py            # throughput, 2,400 replications per executor, ~3 minutes
    python benchmarks/bench_sweep.py --memory   # peak RSS of 100 vs 10,000 replications, ~4 minutes

Each measurement runs `staffsim sweep` in a fresh subprocess, so start-up costs
(imports, process pools, the Dask cluster) are included, as a user sees them.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def sweep_file(folder: Path, replications: int) -> Path:
    spec = {
        "scenarios": ["traditional", "team-based"],  # shipped designs, by name
        "design": "grid",
        "parameters": {"policies.substitutes.pool_size": {"values": [0, 1, 2, 4]}},
        "replications": replications,
        "seed": 1,
    }
    f = folder / f"sweep-{replications}.yaml"
    f.write_text(yaml.safe_dump(spec))
    return f


def timed(args: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS of the child in MiB) of one `staffsim sweep` run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "staffsim", "sweep", *args, "-q"], capture_output=True, text=True)
    dt = time.perf_counter() - t
    if res.returncode != 0:
        raise SystemExit(res.stderr)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return dt, max(after, before) / 1024


def throughput(replications: int = 300) -> None:
    """Wall time including start-up, and steady-state rate between the first and last chunk."""
    from staffsim.experiments import runs
    from staffsim.experiments.runner import RunOptions
    from staffsim.experiments.sweep import build_points, design_files, load_sweep

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        f = sweep_file(tmp, replications)
        spec, folder = load_sweep(f)
        points = build_points(spec, folder)
        variants = runs.build_variants(design_files(spec, folder), points)
        n = len(variants) * replications
        rows = []
        for label, backend, workers in [("serial", "serial", 1), ("2 local processes", "processes", 2),
                                        ("Dask LocalCluster, 2 workers", "dask", 2)]:
            opts = RunOptions(replications=replications, seed=1, backend=backend, workers=workers, chunk_size=50,
                              staff_weeks=False)
            d = tmp / backend
            manifest = runs.start("sweep", d, variants, opts, points=points)
            stamps: list[tuple[float, int]] = []
            reps = [0]

            def progress(done, total, r, stamps=stamps, reps=reps):
                reps[0] += r
                stamps.append((time.perf_counter(), reps[0]))

            t = time.perf_counter()
            runs.run(d, variants, opts, manifest, progress=progress)
            wall = time.perf_counter() - t
            (t1, r1), (t2, r2) = stamps[1], stamps[-1]
            rows.append((label, wall, (r2 - r1) / (t2 - t1)))
        print(f"| executor | wall (s) for {n} replications, incl. start-up | replications/s (wall) | "
              "replications/s (steady state) | speed-up vs serial (wall) | speed-up (steady state) |")
        print("|---|---|---|---|---|---|")
        for label, wall, steady in rows:
            print(f"| {label} | {wall:.1f} | {n / wall:.1f} | {steady:.1f} | {rows[0][1] / wall:.2f} | {steady / rows[0][2]:.2f} |")


def memory() -> None:
    # The main process's peak RSS is what grows if results are held in memory;
    # serial backend so the simulation runs in that process too.
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        out = []
        for reps in (13, 1250):  # 8 variants x reps ~ 100 and 10,000 replications
            # a fresh interpreter per size: ru_maxrss of RUSAGE_CHILDREN is the max over children
            code = ("import resource, subprocess, sys;"
                    f"subprocess.run([sys.executable, '-m', 'staffsim', 'sweep', {str(sweep_file(tmp, reps))!r}, '-q', "
                    f"'--backend', 'serial', '--out', {str(tmp / f'm{reps}')!r}], check=True);"
                    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
            t = time.perf_counter()
            kib = int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()[-1])
            out.append((8 * reps, kib / 1024, time.perf_counter() - t))
        print("| replications | peak RSS (MiB) | wall (s) |")
        print("|---|---|---|")
        for n, mib, dt in out:
            print(f"| {n} | {mib:.0f} | {dt:.0f} |")
        print(f"\nratio 10,000 / 100: {out[1][1] / out[0][1]:.2f}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--memory", action="store_true")
    a = ap.parse_args()
    memory() if a.memory else throughput()
