"""Explaining a contrast: the parts add up to the gap, a mechanism a design lacks carries nothing, clear errors."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from staffsim.cli import main
from staffsim.experiments.explain import CHANNELS, conditions

from conftest import small_scenario


def files(tmp_path):
    a = small_scenario()
    b = small_scenario(**{"roles.teacher.planning_workload_hours_per_week": 4})  # far less overtime
    b["name"] = "light"
    out = []
    for d in (a, b):
        f = tmp_path / f"{d['name']}.yaml"
        f.write_text(yaml.safe_dump(d))
        out.append(str(f))
    return out


def test_contributions_add_up_and_an_absent_mechanism_carries_nothing(tmp_path):
    out = tmp_path / "run"
    res = CliRunner().invoke(main, ["explain", *files(tmp_path), "--metric", "burnout_share", "--channel", "overtime",
                                    "--channel", "coaching", "--channel", "planning", "-n", "8", "--backend", "serial",
                                    "--out", str(out), "-q"])
    assert res.exit_code == 0, res.output
    assert "overtime as a demand" in res.output
    t = pd.read_csv(out / "explain.csv").set_index("condition")
    full, rest = t.loc["as written", "gap"], t.loc["every channel off", "gap"]
    parts = t.loc[["overtime", "coaching", "planning", "interactions"], "contribution"].sum()
    assert full == pytest.approx(rest + parts)  # gap = structure alone + contributions + interactions
    assert t.loc["coaching", "contribution"] == 0  # nobody is coached in either design
    # the designs differ only in workload, which acts through overtime: without it there is no gap left
    assert t.loc["overtime", "gap"] == 0 and t.loc["overtime", "contribution"] == pytest.approx(full)
    assert full < 0 and abs(t.loc["overtime", "contribution"]) == t["contribution"].abs().max()
    res = CliRunner().invoke(main, ["plot", str(out)])
    assert res.exit_code == 0 and (out / "figures" / "explain-burnout_share.png").is_file(), res.output
    res = CliRunner().invoke(main, ["report", str(out)])
    assert res.exit_code == 0 and "What carries the gap" in (out / "report.html").read_text()


def test_every_channel_switches_off_with_paths_the_schema_knows(small):
    from staffsim.scenario.loading import apply_overrides, scenario_from_dict, scenario_to_dict

    data = scenario_to_dict(small)
    for name, _, off in conditions(CHANNELS):
        scenario_from_dict(apply_overrides(data, off))  # every condition is a valid scenario
    assert len({c.name for c in CHANNELS}) == len(CHANNELS)


@pytest.mark.parametrize("args,message", [
    (["--metric", "nope"], "no metric 'nope'"),
    (["--metric", "burnout_share", "--channel", "nope"], "no channel 'nope'"),
    ([], "--metric: name the metric"),
])
def test_bad_input_exits_2(tmp_path, args, message):
    res = CliRunner().invoke(main, ["explain", *files(tmp_path), "-q", "--out", str(tmp_path / "x"), *args])
    assert res.exit_code == 2 and message in res.output, res.output
    res = CliRunner().invoke(main, ["explain", files(tmp_path)[0], "--metric", "burnout_share", "-q"])
    assert res.exit_code == 2 and "expected two scenarios" in res.output
