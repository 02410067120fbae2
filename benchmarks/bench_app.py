"""The workshop app's speed: first numbers after a change, and 3 designs x 20 replications (run on demand).

    python benchmarks/bench_app.py                 # prints a Markdown table; ~1-2 minutes
    python benchmarks/bench_app.py --runs 5 --ensemble FIT

Targets (issue 15): first numbers within 2 s of a change; 3 designs x 20 replications within
5 s on 2 cores. The server runs in this process (uvicorn in a thread, the app's warm pool of
2 worker processes) and is asked over HTTP as the page asks it (`GET /api/run`, server-sent
events). Every row records the load average (the machine may be shared), and the CPU time of
each request (the server's process and its workers, from /proc) and of the same 60 replications
in one process are measured too, so a missed target can be told apart from a busy machine: on two
free cores the wall time is about the CPU time / 2.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import socket
import threading
import time
import urllib.parse
import urllib.request
from datetime import datetime, timezone

#: The comparison measured: three shipped designs, one with a lever changed (as in a session).
SPEC = {"designs": [{"design": "traditional", "levers": {}}, {"design": "team-based", "levers": {"class_size": 28}},
                    {"design": "pilot-4plus1", "levers": {}}], "replications": 20, "seed": 1}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(ensemble: str | None, workers: int) -> tuple[str, object]:
    """Start the app on a free port in a thread; returns (base URL, the uvicorn server)."""
    import uvicorn

    from staffsim.present.app.catalogue import load_catalogue
    from staffsim.present.app.live import make_pool
    from staffsim.present.app.server import State, create_app

    state = State(load_catalogue(), pool=make_pool(workers))
    if ensemble:
        from staffsim.present.app.ensemble import load_app_ensemble

        state.ensemble = load_app_ensemble(ensemble)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(state), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", (server, state)


def one_run(base: str, spec: dict) -> dict[str, float]:
    """Seconds from the request to the first event with every design, to the last seed-only and the end."""
    url = f"{base}/api/run?spec={urllib.parse.quote(json.dumps(spec))}"
    t0 = time.perf_counter()
    first = seeds = float("nan")
    with urllib.request.urlopen(url, timeout=300) as r:
        for raw in r:
            line = raw.decode().strip()
            if not line.startswith("data: {\"done\""):
                continue
            ev = json.loads(line[6:])
            now = time.perf_counter() - t0
            if math.isnan(first) and all(c["value"] is not None for c in ev["rows"][0]["cells"]):
                first = now
            if math.isnan(seeds) and ev["done"] >= ev.get("seeds_total", ev["total"]):
                seeds = now
    return {"first": first, "seeds": seeds, "all": time.perf_counter() - t0}


def process_cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) the processes have used so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def cpu_seconds(spec: dict) -> float:
    """CPU seconds of the spec's seed-only replications run one after another in this process."""
    from staffsim.present.app.catalogue import load_catalogue
    from staffsim.present.app.live import one_replication
    from staffsim.present.app.requests import variants_of

    job = variants_of(load_catalogue(), spec)
    for v in job.variants:  # warm: imports and the plan cache, as in the app's warm workers
        one_replication(v, 0, job.seed)
    t = time.process_time()
    for r in range(job.replications):
        for v in job.variants:
            one_replication(v, r, job.seed)
    return time.process_time() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="measured requests (after one warm-up)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--ensemble", default=None, help="a fit folder (calibrate --fit) to measure --ensemble too")
    args = ap.parse_args()
    base, (server, state) = serve(args.ensemble, args.workers)
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.machine()} {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {args.workers} workers; "
          f"3 designs x {SPEC['replications']} replications" + (f", ensemble {args.ensemble}" if args.ensemble else ""))
    print("\n| run | load (1 min) | first numbers, s | seed-only complete, s | all done, s | CPU, s (server + workers) |"
          "\n|---|---|---|---|---|---|")
    one_run(base, SPEC)  # warm-up: the workers' plan caches
    pids = [os.getpid(), *state.pool._processes]  # the pool's worker processes (a private attribute; fine here)
    for i in range(args.runs):
        load, cpu = os.getloadavg()[0], process_cpu(pids)
        t = one_run(base, SPEC)
        cpu = process_cpu(pids) - cpu
        print(f"| {i + 1} | {load:.2f} | {t['first']:.2f} | {t['seeds']:.2f} | {t['all']:.2f} | {cpu:.2f} |")
    load = os.getloadavg()[0]
    print(f"\nCPU time of the 60 seed-only replications in one process: {cpu_seconds(SPEC):.2f} s (load {load:.2f})")
    server.should_exit = True
    state.pool.shutdown(cancel_futures=True)


if __name__ == "__main__":
    main()
