"""The assumptions table: every range is well formed, covers what the schema calls an assumption, holds the defaults."""

from __future__ import annotations

import typing

import numpy as np
import pytest
from click.testing import CliRunner

from staffsim.cli import main
from staffsim.errors import InputError
from staffsim.scenario.assumptions import (
    PRIORS, assumptions, custom, load_assumptions, overrides, scenario_value, schema_field, uncertain,
)
from staffsim.scenario.loading import apply_overrides, read_scenario, scenario_from_dict
from staffsim.scenario.schema import Scenario

from conftest import ROOT, SCENARIOS, SHIPPED

#: Words with which a field's description says no cited figure fixes it.
UNFIXED = ("Assumption", "assumption", "Anchored", "Calibrated")


def leaves(model=Scenario, prefix=""):
    """(dotted path, field info) of every leaf of the schema (sections of sections, not dict entries)."""
    from staffsim.scenario.assumptions import _inner_model

    for name, info in model.model_fields.items():
        sub = _inner_model(info.annotation)
        if sub is not None and typing.get_origin(info.annotation) is None:
            yield from leaves(sub, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", info


def test_the_shipped_table_loads_every_path_exists_and_every_default_lies_in_its_range():
    table = load_assumptions(PRIORS)  # raises on any problem
    assert len(uncertain()) >= 40
    for a in table.values():
        assert schema_field(a.path) is not None, a.path
        if a.uncertain:
            assert a.low < a.high and a.reason, a.path
            if a.default is not None:
                assert a.low <= a.default <= a.high, a.path
        else:
            assert a.source, a.path


def test_every_parameter_the_schema_calls_an_assumption_has_a_row():
    table = assumptions()
    missing = []
    for path, info in leaves():
        if not any(w in (info.description or "") for w in UNFIXED):
            continue
        n = len(info.default) if isinstance(info.default, tuple) else 0
        if path in table or (n and all(f"{path}.{k}" in table for k in range(n))):
            continue
        missing.append(path)
    assert not missing, f"add a row to staffsim/scenario/assumptions.yaml for: {missing}"


@pytest.mark.parametrize("design", SHIPPED)
def test_shipped_designs_lie_inside_the_ranges_and_both_ends_are_valid_values(design):
    sc, raw = read_scenario(SCENARIOS / f"{design}.yaml")
    for a in uncertain():
        v = scenario_value(sc, a.path)
        assert a.low <= v <= a.high, (design, a.path, v)
    if design == "traditional":
        for u in (0.0, 1.0):
            values = {a.path: a.value(u) for a in uncertain()}
            scenario_from_dict(apply_overrides(raw, overrides(sc, values)))  # every low (every high) together


def test_unit_cube_maps_through_each_distribution():
    table = assumptions()
    lu = table["workforce.exhaustion.gain_per_day"]
    assert lu.distribution == "loguniform"
    np.testing.assert_allclose(lu.value([0, 0.5, 1]), [0.01, 0.02, 0.04])
    nd = table["workforce.resignation.notice_days"]
    assert nd.integer and set(nd.value(np.linspace(0, 1, 11))) <= set(range(5, 21))
    tri = custom("workforce.hiring.delay_shape", 1, 5, "triangular")
    assert tri.mode == 2.0 and tri.value(0.25) == pytest.approx(2.0)  # a quarter of the mass below the mode


def test_element_paths_override_one_element_of_a_list():
    sc, raw = read_scenario(SCENARIOS / "traditional.yaml")
    o = overrides(sc, {"workforce.resignation.annual_rate_by_experience.2": 0.03, "workforce.resignation.notice_days": 7.4})
    assert o == {"workforce.resignation.annual_rate_by_experience": [0.06, 0.03, 0.03, 0.02],
                 "workforce.resignation.notice_days": 7}
    new = scenario_from_dict(apply_overrides(raw, o))
    assert new.workforce.resignation.annual_rate_by_experience[2] == 0.03


def test_bad_rows_are_reported_with_their_path(tmp_path):
    f = tmp_path / "priors.yaml"
    f.write_text("workforce.hiring.delay_shape: {low: 5, high: 1, distribution: uniform, reason: x}\n"
                 "workforce.nothing: {low: 0, high: 1, distribution: uniform, reason: x}\n"
                 "workforce.hiring.mean_delay_days: {low: 30, high: 40, distribution: normal, reason: x}\n"
                 "workforce.hiring.long_term_sub_probability: {low: 0, high: 1}\n")
    with pytest.raises(InputError) as exc:
        load_assumptions(f)
    text = exc.value.render()
    assert "low (5) must be below high (1)" in text
    assert "workforce.nothing: no such parameter" in text
    assert "distribution 'normal'" in text and "default 20 lies outside" in text
    assert "missing distribution" in text
    with pytest.raises(InputError, match="must be below"):
        custom("workforce.hiring.delay_shape", 3, 2)
    with pytest.raises(InputError, match="cited figure"):
        uncertain(["workforce.decision.movers_by_experience"])


def test_docs_model_holds_the_generated_table():
    from staffsim.present.priors import BEGIN, END, markdown

    text = (ROOT / "docs" / "model.md").read_text()
    start, end = text.index(BEGIN), text.index(END) + len(END)
    assert text[start:end] == markdown(), "regenerate with `staffsim assumptions --markdown` into docs/model.md §3.5"


def test_the_command_prints_the_table_with_a_scenarios_values():
    cli = CliRunner()
    res = cli.invoke(main, ["assumptions", str(SCENARIOS / "traditional.yaml")])
    assert res.exit_code == 0, res.output
    assert "workforce.decision.exhaustion_sensitivity" in res.output and "NCES" in res.output
    res = cli.invoke(main, ["assumptions", "--uncertain"])
    assert res.exit_code == 0 and "movers_by_experience" not in res.output
    assert cli.invoke(main, ["assumptions", "nope.yaml"]).exit_code == 2
