"""What a sweep point costs next to one replication, with and without the plan cache by content (run on demand).

    python benchmarks/bench_plan_cache.py        # prints a Markdown table; ~1 minute

Target (issue 12): a sweep point whose overrides leave the timetable alone costs
at most 1.5x one replication. A point, as a worker runs it: parse the resolved
scenario from JSON (a new object), compile or reuse its plan, simulate one
replication and compute its metrics. One replication: the same on a scenario
whose plan is already compiled. Measured interleaved, median of `ROUNDS`.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from staffsim.engine import plan as plan_module
from staffsim.engine.simulate import simulate
from staffsim.engine.streams import replication_seed
from staffsim.metrics.registry import compute_metrics
from staffsim.scenario.loading import apply_overrides, read_scenario, scenario_from_dict
from staffsim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
DESIGNS = ["traditional", "blended", "team-based", "pilot-4plus1", "pilot-two-periods"]
ROUNDS = 15


def one(sc: Scenario, r: int) -> None:
    compute_metrics(simulate(sc, replication_seed(1, r)))


def point(text: str, r: int, cached: bool) -> None:
    if not cached:
        plan_module._BY_CONTENT.clear()
    one(Scenario.model_validate_json(text), r)


def main() -> None:
    print("| design | one replication (ms) | sweep point, no content cache (ms) | ratio | sweep point, "
          "content cache (ms) | ratio (target <= 1.5) |")
    print("|---|---|---|---|---|---|")
    for name in DESIGNS:
        sc, raw = read_scenario(ROOT / "scenarios" / f"{name}.yaml")
        texts = [scenario_from_dict(apply_overrides(raw, {"workforce.exhaustion.load_weight": 0.5 + k / 10,
                                                          "workforce.decision.exhaustion_sensitivity": k / 5}))
                 .model_dump_json() for k in range(ROUNDS)]
        one(sc, 0)  # compiled once
        rep, cold, warm = [], [], []
        for k, text in enumerate(texts):
            for label, out, fn in (("rep", rep, lambda: one(sc, k)), ("cold", cold, lambda: point(text, k, False)),
                                   ("warm", warm, lambda: point(text, k, True))):
                t = time.perf_counter()
                fn()
                out.append(time.perf_counter() - t)
        r, c, w = (statistics.median(x) * 1000 for x in (rep, cold, warm))
        print(f"| {name} | {r:.1f} | {c:.1f} | {c / r:.2f} | {w:.1f} | **{w / r:.2f}** |")


if __name__ == "__main__":
    main()
