"""Model speed and memory against raw SimPy, measured in the same run (run on demand).

    python benchmarks/bench_model.py            # prints a Markdown table; ~1 minute

Targets (issue 6), each a ratio measured in one run:
- one school-year replication of each shipped design no slower than raw SimPy
  needs for 25,000 timeout events;
- the model's events per second vs a raw SimPy timeout loop's.
Also printed: the time to compile the plan of a large school (the blended design, every team x12).
"""

from __future__ import annotations

import platform
import statistics
import time
import tracemalloc
from pathlib import Path

import simpy

import staffsim
from staffsim.engine.plan import compile_plan
from staffsim.engine.streams import Streams, replication_seed
from staffsim.engine.year import SchoolYear
from staffsim.scenario.loading import read_scenario_dict, scenario_from_dict

ROOT = Path(__file__).resolve().parents[1]
DESIGNS = ["traditional", "blended", "team-based", "pilot-4plus1", "pilot-two-periods"]


def raw_simpy(n: int = 25_000) -> float:
    """Seconds for n timeout events in a bare SimPy loop (best of 7)."""
    def loop(env):
        for _ in range(n):
            yield env.timeout(1)

    best = float("inf")
    for _ in range(7):
        env = simpy.Environment()
        env.process(loop(env))
        t = time.perf_counter()
        env.run()
        best = min(best, time.perf_counter() - t)
    return best


class CountingEnv(simpy.Environment):
    """An Environment that counts processed events."""

    def __init__(self):
        super().__init__()
        self.n_events = 0

    def step(self):
        self.n_events += 1
        return super().step()


def replication(sc, seed: int) -> tuple[float, int, int]:
    """(seconds, SimPy events, blocks resolved) of one school year."""
    plan = compile_plan(sc)
    env = CountingEnv()
    year = SchoolYear(plan, Streams(replication_seed(1, seed)), 1)
    env.process(year.run(env))
    t = time.perf_counter()
    env.run()
    dt = time.perf_counter() - t
    staff_blocks = int(sum(
        len(plan.cover_tasks[w][s]) for w in range(5) for s in range(plan.n_staff)
    ) / 5 * plan.calendar.school_days)
    return dt, env.n_events, staff_blocks


def compile_large(copies: int = 12) -> tuple[int, float]:
    """(staff, seconds) to compile the blended design with every team repeated `copies` times."""
    data, _ = read_scenario_dict(ROOT / "scenarios" / "blended.yaml")
    for team in data["teams"]:
        team["count"] = team.get("count", 1) * copies
    data["school"]["students"] *= copies
    sc = scenario_from_dict(data)
    t = time.perf_counter()
    plan = compile_plan(sc)
    return plan.n_staff, time.perf_counter() - t


def main() -> None:
    raw = raw_simpy()
    raw_eps = 25_000 / raw
    print(f"machine: {platform.processor() or platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"simpy {simpy.__version__}, staffsim {staffsim.__version__}")
    print(f"raw SimPy: 25,000 timeouts in {raw * 1000:.1f} ms ({raw_eps:,.0f} events/s)\n")
    print("| design | staff | replication (ms, median of 20) | ratio to 25k raw timeouts | SimPy events | model events/s | "
          "events/s ratio | instructional blocks resolved/s | peak memory (MiB) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in DESIGNS:
        sc = staffsim.load_scenario(name)  # a shipped design, by name
        replication(sc, 0)  # compile and warm up
        runs = [replication(sc, s) for s in range(20)]
        dt = statistics.median(r[0] for r in runs)
        events = runs[0][1]
        blocks = runs[0][2]
        tracemalloc.start()
        staffsim.simulate(sc, 99)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"| {name} | {sc.staff_count} | {dt * 1000:.1f} | {dt / raw:.2f} | {events} | {events / dt:,.0f} | "
              f"{events / dt / raw_eps:.3f} | {blocks / dt:,.0f} | {peak:.1f} |")
    staff, dt = compile_large()
    print(f"\ncompiling the plan of a {staff}-staff school (blended, teams x12): {dt:.2f} s")


if __name__ == "__main__":
    main()
