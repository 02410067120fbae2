"""Write tests/golden/*.json: every shipped design's per-replication metrics for fixed seeds.

    python tests/golden/make_golden.py

Run it only for a deliberate model change, in a commit of its own that says what
changed and why; a refactor must leave these files byte-identical (tests/test_golden.py).
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SHIPPED = ["traditional", "blended", "team-based", "pilot-4plus1", "pilot-two-periods", "instructional-partners"]
SEEDS = range(1, 21)
#: (design, years): every shipped design for one year, and traditional over three.
CASES = [(name, 1) for name in SHIPPED] + [("traditional", 3)]


def golden_metrics(name: str, years: int) -> dict[str, dict[str, float]]:
    """{seed: {metric: value}} for one design, from `staffsim.simulate` and `compute_metrics`."""
    import staffsim

    sc = staffsim.load_scenario(ROOT / "staffsim" / "designs" / f"{name}.yaml")  # the shipped design (compact form)
    out = {}
    for seed in SEEDS:
        m = staffsim.compute_metrics(staffsim.simulate(sc, seed, years=years))
        out[str(seed)] = {k: float(v) for k, v in m.items()}
    return out


def case_file(name: str, years: int) -> Path:
    return HERE / f"{name}-{years}y.json"


def main() -> None:
    for name, years in CASES:
        data = golden_metrics(name, years)
        case_file(name, years).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        print("wrote", case_file(name, years).relative_to(ROOT))


if __name__ == "__main__":
    main()
