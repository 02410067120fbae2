"""Planted mistakes (tests/fixtures/mistakes): each gets one message at the right line, naming the field, with a hint."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from staffsim.cli import main
from staffsim.errors import InputError
from staffsim.scenario.loading import check_scenario

MISTAKES = Path(__file__).parent / "fixtures" / "mistakes"
INDEX = yaml.safe_load((MISTAKES / "index.yaml").read_text())


def test_at_least_twenty_planted_mistakes():
    assert len([e for e in INDEX if not e.get("warning")]) >= 20
    assert sorted(e["file"] for e in INDEX) == sorted(p.name for p in MISTAKES.glob("[0-9]*.yaml"))


@pytest.mark.parametrize("entry", INDEX, ids=[e["file"] for e in INDEX])
def test_each_mistake_is_one_message_at_its_line_with_a_hint(entry):
    path = MISTAKES / entry["file"]
    if entry.get("warning"):
        _, _, messages = check_scenario(path)
    else:
        with pytest.raises(InputError) as exc:
            check_scenario(path)
        messages = exc.value.problems
    assert len(messages) == 1, "\n".join(messages)
    (m,) = messages
    assert m.line == entry["line"], f"{m} (hint: {m.hint})"
    assert str(m).startswith(f"line {entry['line']}: ")
    if entry["field"]:
        assert m.field == entry["field"], m
    assert entry["hint"] in f"{m}\n{m.hint}", f"{m}\n{m.hint}"


def test_the_cli_prints_them_with_hints_and_exit_2():
    res = CliRunner().invoke(main, ["validate"] + [str(MISTAKES / e["file"]) for e in INDEX])
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    for e in INDEX:
        assert e["hint"] in res.output, e
    assert res.output.count("Error: ") == len([e for e in INDEX if not e.get("warning")])
    assert "Warning: " in res.output and "ok (small-school" in res.output
