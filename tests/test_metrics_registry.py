"""The metric registry: every metric computed is declared once, with every field, and every declared one is computed."""

from __future__ import annotations

import pytest

from staffsim.engine.simulate import simulate
from staffsim.metrics.metric import Direction, Kind, Metric
from staffsim.metrics.registry import FAMILIES, FAMILY_TABLES, METRICS, compute_metrics, direction_of, kind_of, metric
from staffsim.experiments.decision import DECISION_METRICS
from staffsim.present.report import HEADLINE
from staffsim.present.plots.sweep import DEFAULT_METRICS
from staffsim.scenario.loading import read_scenario_dict, scenario_from_dict

from conftest import SCENARIOS, SHIPPED

FIELDS = ("name", "kind", "direction", "label", "unit", "meaning", "family")


@pytest.fixture(scope="module")
def computed() -> dict[str, dict[str, float]]:
    """Design -> metrics of one replication (one year) of every shipped design, each with a budget set and a
    mentoring section (the metrics reported only then: budget_gap, mentoring time)."""
    out = {}
    for name in SHIPPED:
        data, _ = read_scenario_dict(SCENARIOS / f"{name}.yaml")
        policies = {**data["policies"], "mentoring": {"provided": False}}
        out[name] = compute_metrics(simulate(scenario_from_dict({**data, "budget": 2_000_000, "policies": policies}), 1))
    return out


def test_every_computed_metric_is_registered_with_every_field(computed):
    for design, values in computed.items():
        assert list(values) == [m for m in METRICS if m in values], f"{design}: not in registry order"
        for name in values:
            m = metric(name)
            assert m.name == name
            for f in FIELDS:
                v = getattr(m, f)
                assert v is not None and (not isinstance(v, str) or v.strip()), (name, f)
            assert callable(m.compute)


def test_every_registered_metric_is_computed_for_a_shipped_design(computed):
    seen = set().union(*computed.values())
    assert set(METRICS) == seen, sorted(set(METRICS) - seen)
    # and every design has all of them (budget_gap because each was given a budget), except the leaders'
    # overtime, which exactly the designs with a teacher-leader report
    for design, values in computed.items():
        data, _ = read_scenario_dict(SCENARIOS / f"{design}.yaml")
        led = any(r["category"] == "teacher_leader" for r in data["roles"].values())
        expected = set(METRICS) if led else set(METRICS) - {"leader_overtime_hours_per_week"}
        assert set(values) == expected, design


def test_kinds_directions_and_labels_are_valid():
    labels = [m.label for m in METRICS.values()]
    assert len(labels) == len(set(labels)), "labels must tell metrics apart"
    for m in METRICS.values():
        assert isinstance(m, Metric)
        assert isinstance(m.kind, Kind) and isinstance(m.direction, Direction)
        assert m.direction in (1, -1, 0)
        assert m.label[0].isupper(), m.name
    # the kinds the views rely on
    assert kind_of("needs_served_share") is Kind.SHARE and kind_of("cost_per_pupil") is Kind.MONEY
    assert kind_of("mean_exhaustion") is Kind.INDEX and kind_of("planning_hours_per_week") is Kind.HOURS
    assert kind_of("no_such_metric") is None
    assert direction_of("planning_hours_per_week") is Direction.HIGHER
    assert direction_of("burnout_share") is Direction.LOWER
    assert direction_of("no_such_metric") is Direction.NEITHER
    with pytest.raises(KeyError, match="known metrics"):
        metric("learning_gain_sd")  # labelled once, never computed: not registered


def test_families_are_explicit_and_each_runs_once():
    assert len(FAMILIES) == len(FAMILY_TABLES)
    for table in FAMILY_TABLES:
        assert len({m.compute for m in table.values()}) == 1
        assert len({m.family for m in table.values()}) == 1
    # a family function returns its own metrics only, in declaration order
    led = simulate(scenario_from_dict(read_scenario_dict(SCENARIOS / "team-based.yaml")[0]), 2)
    for table in FAMILY_TABLES:
        compute = next(iter(table.values())).compute
        assert list(compute(led)) == [n for n in table if n in compute(led)]


def test_views_name_registered_metrics_only():
    for name in (*DECISION_METRICS, *DEFAULT_METRICS, *(m for group in HEADLINE.values() for m in group)):
        assert name in METRICS, name


def test_the_registry_is_read_only():
    """Nothing can register a metric after the fact (the families are the explicit list FAMILY_TABLES)."""
    with pytest.raises(TypeError):
        METRICS["learning_gain_sd"] = METRICS["planning_hours_per_week"]  # type: ignore[index]
