"""Nothing a user types crashes it: mutated shipped designs through `validate` and `run`.

Every field of every shipped design (and every schema field a design leaves at
its default) is made wrong in type, sign, size or presence, or pushed to the
edge of its stated range, and some mistakes are made in the text itself
(tests/mutations.py). Each mutation must give exit 0 with finite, in-range
metrics, or exit 2 with the field (or the line) named and no traceback; and
`validate` and `run` must agree.

CI draws a fixed sample (hypothesis, derandomized). A larger run on demand:
    STAFFSIM_MUTATIONS=2000 python -m pytest -q tests/test_mutation.py -s
prints the figures (mutations tried, share of clear errors); with
STAFFSIM_MUTATION_STATS=file.json they are also written there.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import yaml
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from staffsim.cli import main
from staffsim.metrics.metric import Kind
from staffsim.metrics.registry import kind_of
from staffsim.scenario.loading import read_scenario_dict

from conftest import SCENARIOS, SHIPPED
from mutations import BOUND_OPS, KEY_OPS, TEXT_OPS, VALUE_OPS, _leaves, dump, mutate, mutation_sites

EXAMPLES = int(os.environ.get("STAFFSIM_MUTATIONS", "30"))
RAW = {name: read_scenario_dict(SCENARIOS / f"{name}.yaml")[0] for name in SHIPPED}
SITES = {name: mutation_sites(RAW[name]) for name in SHIPPED}
OPS = list(VALUE_OPS) + list(KEY_OPS) + list(BOUND_OPS) * 4  # edges of ranges are where valid runs happen
STATS: Counter = Counter()


def _field_words(site: tuple) -> list[str]:
    """Ways a message may name the mutated field: its key, its path, or the key of the list it is in."""
    keys = [str(p) for p in site if isinstance(p, str)]
    return [keys[-1], keys[-1].replace("_", " ")] + ([keys[-2]] if len(keys) > 1 else []) if keys else []


def _names_the_field(output: str, site: tuple) -> bool:
    return any(w in output for w in _field_words(site))


def _metrics_in_range(run_dir: Path) -> list[str]:
    """Metric values that are infinite or outside their kind's range (NaN means 'does not apply')."""
    m = pd.read_parquet(run_dir / "metrics.parquet")
    bad = []
    for name, value in zip(m["metric"], m["value"]):
        if isinstance(value, float) and math.isnan(value):
            continue
        kind = kind_of(name)
        if not math.isfinite(value):
            bad.append(f"{name}={value}")
        elif kind in (Kind.SHARE, Kind.INDEX) and not -1e-9 <= value <= 1 + 1e-9:
            bad.append(f"{name}={value}")
        elif kind is not Kind.MONEY and value < -1e-9 or (kind is Kind.MONEY and name != "budget_gap" and value < -1e-6):
            bad.append(f"{name}={value}")
    return bad


def check(text: str, tmp: Path, site: tuple | None) -> str:
    """Validate and run one mutated file; returns the outcome ('ok' or 'error') after asserting the rules."""
    f = tmp / "mutated.yaml"
    f.write_bytes(text.encode("utf-8", "surrogateescape"))
    runner = CliRunner()
    v = runner.invoke(main, ["validate", str(f)])
    out = tmp / "run"
    r = runner.invoke(main, ["run", str(f), "-n", "1", "--backend", "serial", "-q", "--out", str(out)])
    for res in (v, r):
        assert res.exception is None or isinstance(res.exception, SystemExit), res.output + repr(res.exception)
        assert "Traceback" not in res.output
    assert v.exit_code in (0, 2), v.output
    assert r.exit_code == v.exit_code, f"validate {v.exit_code} but run {r.exit_code}:\n{v.output}\n{r.output}"
    if v.exit_code == 2:
        STATS["error"] += 1
        clear = site is None and re.search(r"line \d+", v.output) or site is not None and _names_the_field(v.output, site)
        STATS["clear error" if clear else "unclear error"] += 1
        assert clear, f"{site}: the message names neither the field nor a line:\n{v.output}"
        assert not out.exists(), "a refused run left a folder"
        return "error"
    STATS["ran"] += 1
    bad = _metrics_in_range(out)
    assert not bad, f"{site}: metrics out of range: {bad}"
    return "ok"


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    tried = STATS["error"] + STATS["ran"]
    if tried:
        share = STATS["clear error"] / STATS["error"] if STATS["error"] else 1.0
        figures = {"mutations": tried, "ran": STATS["ran"], "errors": STATS["error"],
                   "clear_error_share": round(share, 4)}
        print(f"\nmutations tried {tried}: {STATS['ran']} ran (exit 0), {STATS['error']} refused (exit 2), "
              f"{share:.1%} of refusals clear")
        if os.environ.get("STAFFSIM_MUTATION_STATS"):
            Path(os.environ["STAFFSIM_MUTATION_STATS"]).write_text(json.dumps(figures, indent=2))


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.data())
def test_a_mutated_field_runs_or_is_refused_clearly(tmp_path_factory, data):
    name = data.draw(st.sampled_from(SHIPPED), label="design")
    site = data.draw(st.sampled_from(SITES[name]), label="site")
    op = data.draw(st.sampled_from(OPS), label="op")
    check(dump(mutate(RAW[name], site, op)), tmp_path_factory.mktemp("m"), site)


@pytest.mark.parametrize("op", sorted(TEXT_OPS))
def test_a_broken_text_is_refused_with_its_line(tmp_path, op):
    text = (SCENARIOS / "team-based.yaml").read_text()
    broken = TEXT_OPS[op](text)
    said = {"empty_file": ("empty",), "not_a_mapping": ("top level",)}.get(op)  # no line to name
    assert check(broken, tmp_path, said) == "error"


def test_every_schema_field_is_a_site():
    from mutations import _schema_fields
    from staffsim.scenario.schema import Scenario

    fields = set(_schema_fields(Scenario))
    for name in SHIPPED:
        covered = {tuple(p for p in s if isinstance(p, str)) for s in SITES[name]}
        assert not {f for f in fields if f not in covered and f[0] not in ("roles", "timetables", "teams")}, name


SWEEP = SCENARIOS / "sweeps" / "planning-time.yaml"


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.data())
def test_a_mutated_sweep_file_is_refused_clearly_or_every_point_validates(tmp_path_factory, data):
    """The stage before anything runs: a sweep is refused naming the field, or every variant is a valid scenario."""
    from staffsim.errors import InputError
    from staffsim.experiments.runs import build_variants, unique_labels
    from staffsim.experiments.sweep import build_points, design_files, load_sweep

    raw = yaml.safe_load(SWEEP.read_text())
    raw["scenarios"] = [str((SWEEP.parent / s).resolve()) for s in raw["scenarios"]]
    site = data.draw(st.sampled_from(_leaves(raw)), label="site")
    op = data.draw(st.sampled_from(list(VALUE_OPS) + list(KEY_OPS)), label="op")
    f = tmp_path_factory.mktemp("s") / "sweep.yaml"
    f.write_text(dump(mutate(raw, site, op)))
    try:
        spec, folder = load_sweep(f)
        points = build_points(spec, folder)
        designs = design_files(spec, folder)
        labels = unique_labels([n for n, _ in designs])
        variants = build_variants([(lab, d) for lab, (_, d) in zip(labels, designs)], points, source=str(f))
    except InputError as exc:
        text = exc.render()
        assert _names_the_field(text, site) or re.search(r"line \d+", text), f"{site} {op}:\n{text}"
        return
    assert variants and len(variants) == len(points) * len(designs)
