"""The shipped designs: compact files that are exactly the designs as first written, installed with the package."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from staffsim.cli import main
from staffsim.engine.simulate import simulate
from staffsim.errors import InputError
from staffsim.metrics.registry import compute_metrics
from staffsim.scenario.compact import COMPACT_SECTIONS, expand_compact, is_compact
from staffsim.scenario.loading import json_schema, load_scenario, read_scenario_dict, scenario_from_dict
from staffsim.scenario.shipped import ORDER, resolve_design, shipped_designs

from conftest import NEW_DESIGNS, ROOT, SCENARIOS, SHIPPED

BEFORE = ROOT / "tests" / "golden" / "designs"  # the expanded files as written before the compact form


@pytest.mark.parametrize("name", SHIPPED)
def test_the_compact_file_is_exactly_the_design_as_first_written(name):
    data, _ = read_scenario_dict(SCENARIOS / f"{name}.yaml")
    assert is_compact(data)
    expanded = expand_compact(data)
    assert not set(COMPACT_SECTIONS) & set(expanded)
    before = scenario_from_dict(yaml.safe_load((BEFORE / f"{name}.yaml").read_text()))
    assert scenario_from_dict(expanded).model_dump() == before.model_dump()
    # the expansion written out (what `staffsim expand` prints) reads back as the same scenario
    again = scenario_from_dict(yaml.safe_load(yaml.safe_dump(expanded, sort_keys=False)))
    assert again.model_dump() == before.model_dump()


@pytest.mark.parametrize("name", SHIPPED)
def test_compact_and_expanded_forms_give_identical_metrics(name):
    compact = load_scenario(SCENARIOS / f"{name}.yaml")
    expanded = scenario_from_dict(yaml.safe_load((BEFORE / f"{name}.yaml").read_text()))
    for seed in (1, 2):
        a, b = compute_metrics(simulate(compact, seed)), compute_metrics(simulate(expanded, seed))
        assert a.keys() == b.keys()
        assert all(a[k] == b[k] or (a[k] != a[k] and b[k] != b[k]) for k in a), name  # bitwise; NaN == NaN


def test_team_based_fits_a_page_and_a_fifth_teacher_is_one_number(tmp_path):
    text = (SCENARIOS / "team-based.yaml").read_text()
    assert len(text.splitlines()) <= 100
    assert text.count("teacher: 4,") == 1
    f = tmp_path / "five.yaml"
    f.write_text(text.replace("teacher: 4,", "teacher: 5,"))
    sc = load_scenario(f)
    assert sc.staff_count == load_scenario("team-based").staff_count + 4
    assert all(m.count == 5 for t in sc.teams for m in t.members if m.role == "teacher")


def test_the_compact_sections_are_in_the_json_schema():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(json_schema())
    assert set(COMPACT_SECTIONS) <= set(schema["properties"]) and "timetables" not in schema["required"]
    validator = jsonschema.Draft202012Validator(schema)
    for name in SHIPPED:
        data = yaml.safe_load((SCENARIOS / f"{name}.yaml").read_text())
        errors = [e for e in validator.iter_errors(data) if e.path and e.path[0] in COMPACT_SECTIONS + ("teams",)]
        assert not errors, (name, [e.message for e in errors])


def test_designs_are_found_by_name(tmp_path, monkeypatch):
    assert list(shipped_designs()) == list(ORDER) == SHIPPED + NEW_DESIGNS
    assert resolve_design("team-based") == SCENARIOS / "team-based.yaml"
    assert resolve_design("team-based.yaml") == SCENARIOS / "team-based.yaml"
    assert load_scenario("pilot-4plus1").name == "pilot-4plus1"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "team-based").write_text("a file of that name wins")
    assert resolve_design("team-based") == Path("team-based")
    with pytest.raises(InputError, match="no shipped design named 'tradtional'; did you mean 'traditional'"):
        load_scenario("tradtional")


def test_designs_and_new(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["designs"])
    assert res.exit_code == 0 and all(n in res.output for n in SHIPPED)
    res = CliRunner().invoke(main, ["new", "my-school.yaml", "--from", "pilot-4plus1"])
    assert res.exit_code == 0, res.output
    text = (tmp_path / "my-school.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=scenario.schema.json\n")
    assert (tmp_path / "scenario.schema.json").is_file()
    sc = load_scenario(tmp_path / "my-school.yaml")
    assert sc.name == "my-school" and sc.staff_count == load_scenario("pilot-4plus1").staff_count
    again = CliRunner().invoke(main, ["new", "my-school.yaml"])
    assert again.exit_code == 2 and "exists already" in again.output
    assert CliRunner().invoke(main, ["new", "my-school.yaml", "--force"]).exit_code == 0
    assert load_scenario("my-school.yaml").staff_count == load_scenario("team-based").staff_count  # the default


def test_expand_prints_a_valid_design_and_every_person(tmp_path):
    res = CliRunner().invoke(main, ["expand", "team-based"])
    assert res.exit_code == 0, res.output
    data = yaml.safe_load(res.output)
    assert not is_compact(data) and len(data["timetables"]) == 28  # 4 teams x (leader, 4 teachers, resident, support)
    assert scenario_from_dict(data).model_dump() == load_scenario("team-based").model_dump()
    res = CliRunner().invoke(main, ["expand", "team-based", "--people"])
    assert res.exit_code == 0 and res.output.count("team-") >= 28 and "Planning alone" in res.output
    res = CliRunner().invoke(main, ["expand", "traditional", "--resolved", "--out", str(tmp_path / "t.yaml")])
    assert res.exit_code == 0 and load_scenario(tmp_path / "t.yaml").name == "traditional"


def test_timetable_draws_png_and_svg(tmp_path):
    res = CliRunner().invoke(main, ["timetable", "team-based", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "team-based-timetable.png").stat().st_size > 20_000
    assert (tmp_path / "team-based-timetable.svg").read_text().lstrip().startswith("<?xml")
    res = CliRunner().invoke(main, ["timetable", "team-based", "--role", "teacher", "--format", "png", "--out", str(tmp_path)])
    assert res.exit_code == 0 and len(list(tmp_path.glob("team-based-timetable-teacher-*.png"))) == 2  # 16 weeks, 8 a figure
    res = CliRunner().invoke(main, ["timetable", "team-based", "--role", "teachr", "--out", str(tmp_path)])
    assert res.exit_code == 2 and "did you mean 'teacher'" in res.output


def test_readme_names_only_files_that_exist():
    text = (ROOT / "README.md").read_text()
    for path in re.findall(r"\b(?:scenarios|staffsim|docs)/[\w./-]+\.(?:yaml|md|json|py)\b", text):
        assert (ROOT / path).exists(), path


@pytest.mark.slow
def test_a_plain_install_outside_the_checkout_runs_new_and_compare(tmp_path):
    """`pip install .` (not editable) into a fresh venv; then, from elsewhere, the README's first commands."""
    import setuptools

    if tuple(int(x) for x in setuptools.__version__.split(".")[:2]) < (70, 1):
        pytest.importorskip("wheel", reason="building without isolation needs `wheel` (the test extra has it)")
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".git", "results", ".hypothesis", "__pycache__", "*.egg-info",
                                                             "build", ".pytest_cache", "tests"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    subprocess.run([str(bindir / "python"), "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", str(src)],
                   check=True, env=env, cwd=tmp_path)
    work = tmp_path / "elsewhere"
    work.mkdir()

    def staffsim(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(bindir / "staffsim"), *args], cwd=work, env=env, capture_output=True, text=True)

    where = subprocess.run([str(bindir / "python"), "-c", "import staffsim; print(staffsim.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True, check=True).stdout
    assert str(venv) in where and str(ROOT) not in where  # the installed copy, not this checkout
    assert all(n in staffsim("designs").stdout for n in SHIPPED)
    res = staffsim("new", "my-school.yaml", "--from", "team-based")
    assert res.returncode == 0, res.stderr
    res = staffsim("compare", *SHIPPED, "my-school.yaml", "-n", "2", "-w", "1", "--out", "run", "-q")
    assert res.returncode == 0, res.stderr
    assert (work / "run" / "comparison.csv").is_file() and (work / "run" / "scenarios" / "my-school.yaml").is_file()
