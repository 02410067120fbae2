"""Figures of run folders (issue 4): `staffsim plot` on run, compare and sweep folders, and its errors.

Run folders are tiny (the 10-week test school, 3 replications) and made once per module.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from click.testing import CliRunner
from matplotlib.collections import LineCollection, PolyCollection
from PIL import Image

from staffsim.cli import main
from staffsim.errors import InputError
from staffsim.present.plots import Options, make_figures, select_designs, write_figures
from staffsim.present.plots.palette import OKABE_ITO, design_colors
from staffsim.experiments.runfolder import RunFolder, open_run

from conftest import small_scenario

FAMILIES = ["01-planning-by-week", "03-time-use", "04-small-groups"]  # always drawn for run/compare folders


def _write(tmp, name, **changes):
    d = small_scenario(**changes)
    d["name"] = name
    f = tmp / f"{name}.yaml"
    f.write_text(yaml.safe_dump(d))
    return f


def _invoke(args):
    res = CliRunner().invoke(main, [str(a) for a in args])
    return res


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """A compare (2 designs), a run (2 years) and a sweep (2 x 2 grid) folder, 3 replications each."""
    tmp = tmp_path_factory.mktemp("runs")
    a = _write(tmp, "small")
    b = _write(tmp, "nosubs", **{"policies.substitutes.pool_size": 0, "behaviour.interruptions.per_planning_hour": 1.5})
    out = {}
    res = _invoke(["compare", a, b, "-n", 3, "-w", 1, "-q", "--out", tmp / "cmp"])
    assert res.exit_code == 0, res.output
    out["compare"] = tmp / "cmp"
    res = _invoke(["run", a, "-n", 3, "-w", 1, "-q", "--years", 2, "--out", tmp / "run"])
    assert res.exit_code == 0, res.output
    out["run"] = tmp / "run"
    sweep = tmp / "sweep.yaml"
    sweep.write_text(yaml.safe_dump({
        "scenarios": ["small.yaml", "nosubs.yaml"], "design": "grid", "replications": 3, "seed": 1,
        "parameters": {"policies.substitutes.pool_size": {"values": [0, 2]},
                       "behaviour.interruptions.per_planning_hour": {"values": [0.25, 1.0]}}}))
    res = _invoke(["sweep", sweep, "-w", 1, "-q", "--out", tmp / "sweep"])
    assert res.exit_code == 0, res.output
    out["sweep"] = tmp / "sweep"
    return out


@pytest.fixture
def copy_of(folders, tmp_path):
    """A fresh copy of one of the module's run folders (tests that write figures or break folders)."""
    def make(kind):
        dst = tmp_path / kind
        shutil.copytree(folders[kind], dst, ignore=shutil.ignore_patterns("figures", "report.html"))
        return dst
    return make


def _expected(run_dir) -> list[str]:
    run = open_run(run_dir)
    names = list(FAMILIES)
    if "exhaustion" in run.staff_week_columns():
        names.append("02-exhaustion-by-week")
    if "turnover_rate" in run.metric_names:
        names.append("05-workforce")
    if "cost_per_pupil" in run.metric_names:
        names.append("06-cost-tradeoff")
    return sorted(names)


def _check_png(path, min_width=1200):
    with Image.open(path) as im:
        im.load()
        assert im.format == "PNG" and im.width >= min_width and im.height >= 600
        # not a blank canvas: a real figure has many colours
        assert len(im.convert("RGB").getcolors(maxcolors=1_000_000) or []) > 50


@pytest.mark.parametrize("kind", ["compare", "run"])
def test_plot_writes_every_design_figure_as_png_and_svg(copy_of, kind):
    run_dir = copy_of(kind)
    res = _invoke(["plot", run_dir])
    assert res.exit_code == 0, res.output
    figs = run_dir / "figures"
    expected = _expected(run_dir)
    assert sorted(p.stem for p in figs.glob("*.png")) == expected
    assert sorted(p.stem for p in figs.glob("*.svg")) == expected
    for name in expected:
        _check_png(figs / f"{name}.png")
        svg = (figs / f"{name}.svg").read_text()
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert f"{len(expected)} figure(s)" in res.output


def test_plot_sweep_draws_metric_against_each_parameter_and_a_heatmap(copy_of):
    run_dir = copy_of("sweep")
    res = _invoke(["plot", run_dir, "--metric", "planning_hours_per_week", "--metric", "overtime_hours_per_week"])
    assert res.exit_code == 0, res.output
    stems = sorted(p.stem for p in (run_dir / "figures").glob("*.png"))
    assert stems == sorted(f"sweep-{m}-{k}" for m in ("planning_hours_per_week", "overtime_hours_per_week")
                           for k in ("lines", "heatmap"))
    for p in (run_dir / "figures").glob("*.png"):
        _check_png(p)
    # the line figure has one panel per swept parameter, each with a band per design
    run = open_run(run_dir)
    figs, _ = make_figures(run, Options(metrics=["planning_hours_per_week"]))
    lines = next(f for f in figs if f.name.endswith("-lines"))
    panels = [ax for ax in lines.figure.axes if ax.get_visible()]
    assert len(panels) == 2
    for ax in panels:
        assert sum(isinstance(c, PolyCollection) for c in ax.collections) == 2
    heat = next(f for f in figs if f.name.endswith("-heatmap"))
    cells = [t.get_text() for ax in heat.figure.axes for t in ax.texts if "±" in t.get_text()]
    assert len(cells) == 2 * 2 * 2  # 2 designs x 2 x 2 settings, each "mean ± half-width"


def test_sweep_lines_average_other_parameters_within_replications(folders):
    """The value plotted at pool_size=0 is the mean over the other parameter's points, per replication."""
    run = open_run(folders["sweep"])
    figs, _ = make_figures(run, Options(metrics=["planning_hours_per_week"], params=["policies.substitutes.pool_size"]))
    ax = next(f for f in figs if f.name.endswith("-lines")).figure.axes[0]
    m = run.metrics.merge(run.points, on="point")
    m = m[(m.metric == "planning_hours_per_week") & (m.scenario == "small")]
    expected = m.groupby(["policies.substitutes.pool_size", "replication"])["value"].mean().groupby(level=0).mean()
    line = next(l for l in ax.get_lines() if l.get_color() == OKABE_ITO[0] or l.get_color().lower() == OKABE_ITO[0].lower())
    np.testing.assert_allclose(line.get_ydata(), expected.to_numpy(), rtol=1e-9)


def test_weekly_planning_agrees_with_the_planning_metric(folders):
    """Figure 1's weekly values, averaged over the year, match planning_hours_per_week (same definition)."""
    run = open_run(folders["compare"])
    figs, _ = make_figures(run, Options())
    ax = next(f for f in figs if f.name == "01-planning-by-week").figure.axes[0]
    summary = run.summary.set_index(["scenario", "metric"])["mean"]
    colours = design_colors(run.scenarios)
    for design in run.scenarios:
        line = next(l for l in ax.get_lines() if l.get_color() == colours[design] and len(l.get_xdata()) > 2)
        weekly = np.asarray(line.get_ydata(), dtype=float)
        assert len(weekly) == 10  # the test school's 10 weeks
        assert weekly.mean() == pytest.approx(summary[(design, "planning_hours_per_week")], rel=0.03)
    # the timetable reference line sits at the scheduled hours
    sched = summary[("small", "scheduled_planning_hours_per_week")]
    assert any(np.allclose(l.get_ydata(), sched) for l in ax.get_lines() if l.get_linestyle() != "-")


def test_multi_year_run_draws_every_year(folders):
    run = open_run(folders["run"])
    figs, _ = make_figures(run, Options())
    ax = next(f for f in figs if f.name == "01-planning-by-week").figure.axes[0]
    line = max(ax.get_lines(), key=lambda l: len(l.get_xdata()))
    assert len(line.get_xdata()) == 20  # 2 years x 10 weeks on one axis
    assert "year" in ax.get_xlabel().lower()


def test_every_figure_shows_uncertainty_names_its_unit_and_uses_large_type(folders):
    for kind in ("compare", "run", "sweep"):
        run = open_run(folders[kind])
        figs, _ = make_figures(run, Options())
        assert figs
        for f in figs:
            # uncertainty: a band (PolyCollection) or whiskers (LineCollection of error bars) or "±" in cells
            has_band = any(isinstance(c, (PolyCollection, LineCollection)) for ax in f.figure.axes for c in ax.collections)
            has_pm = any("±" in t.get_text() for ax in f.figure.axes for t in ax.texts)
            assert has_band or has_pm, f.name
            assert "95 % confidence interval" in " ".join(f.figure._supxlabel.get_text().split()), f.name
            # the title names the measure and its unit
            title = " ".join(f.figure._suptitle.get_text().lower().split())
            assert any(u in title for u in ("hours", "minutes", "%", "0 = fresh", "cost", "per ")), (f.name, title)
            # nothing smaller than 14 pt (the figures are 13 inches wide on a projector)
            texts = [t for ax in f.figure.axes for t in ax.texts + [ax.xaxis.label, ax.yaxis.label, ax.title]
                     if t.get_text()]
            texts += [lab for ax in f.figure.axes for lab in ax.get_xticklabels() + ax.get_yticklabels() if lab.get_text()]
            small = [(t.get_text(), t.get_fontsize()) for t in texts if t.get_fontsize() < 14]
            assert not small, (f.name, small[:5])
            f.figure.clear()


def test_a_design_keeps_its_colour_when_others_are_left_out(folders):
    run = open_run(folders["compare"])
    assert design_colors(run.scenarios) == {"small": OKABE_ITO[0], "nosubs": OKABE_ITO[1]}
    figs, _ = make_figures(run, Options(designs=["nosubs"]))
    ax = next(f for f in figs if f.name == "01-planning-by-week").figure.axes[0]
    coloured = {l.get_color() for l in ax.get_lines() if len(l.get_xdata()) > 2}
    assert coloured == {OKABE_ITO[1]}


def test_at_most_five_designs_unless_asked():
    run = RunFolder(path=None, manifest={"kind": "compare", "scenarios": [f"d{i}" for i in range(7)]})  # type: ignore[arg-type]
    chosen, notes = select_designs(run, Options())
    assert chosen == ["d0", "d1", "d2", "d3", "d4"] and "--all-designs" in notes[0]
    assert select_designs(run, Options(all_designs=True))[0] == [f"d{i}" for i in range(7)]
    assert select_designs(run, Options(designs=["d6", "d1"]))[0] == ["d1", "d6"]
    with pytest.raises(InputError, match="no design 'zz'"):
        select_designs(run, Options(designs=["zz"]))


def _drop_workforce_and_costs(run_dir):
    """Rewrite a run folder as if the workforce and cost models did not exist (an older folder: no journal of parts)."""
    manifest = json.loads((run_dir / "manifest.json").read_text())
    manifest.pop("journal", None)
    (run_dir / "manifest.json").write_text(json.dumps(manifest))
    (run_dir / "parts.jsonl").unlink()
    for f in (run_dir / "staff_weeks.parquet").glob("part-*.parquet"):
        df = pd.read_parquet(f)
        pq.write_table(pa.Table.from_pandas(df.drop(columns=["exhaustion"], errors="ignore"), preserve_index=False), f)
    for f in [*(run_dir / "metrics.parquet").glob("part-*.parquet"), run_dir / "summary.parquet",
              run_dir / "comparison.parquet"]:
        df = pd.read_parquet(f)
        keep = ~df["metric"].str.contains("exhaustion|burnout|turnover|cost|personnel", regex=True)
        pq.write_table(pa.Table.from_pandas(df[keep], preserve_index=False), f)


def test_figures_without_data_are_skipped_with_a_one_line_note(copy_of):
    run_dir = copy_of("compare")
    _drop_workforce_and_costs(run_dir)
    res = _invoke(["plot", run_dir])
    assert res.exit_code == 0, res.output
    assert sorted(p.stem for p in (run_dir / "figures").glob("*.png")) == FAMILIES
    for word in ("exhaustion", "turnover", "cost"):
        assert any(word in line and "Note:" in line for line in res.output.splitlines()), (word, res.output)


def test_plot_replaces_only_its_own_figures(copy_of):
    run_dir = copy_of("sweep")
    assert _invoke(["plot", run_dir, "--metric", "planning_hours_per_week"]).exit_code == 0
    figs = run_dir / "figures"
    (figs / "my-notes.txt").write_text("mine")
    # a second plot with another metric: the first metric's figures (plot's own) go, the user's file stays
    res = _invoke(["plot", run_dir, "--metric", "overtime_hours_per_week"])
    assert res.exit_code == 0, res.output
    assert not list(figs.glob("sweep-planning_hours_per_week-*"))
    assert len(list(figs.glob("sweep-overtime_hours_per_week-*"))) == 4
    assert (figs / "my-notes.txt").read_text() == "mine"
    # a file of the user's with a figure's name is never overwritten
    (figs / ".staffsim-figures.json").unlink()
    res = _invoke(["plot", run_dir, "--metric", "overtime_hours_per_week"])
    assert res.exit_code == 2 and "was not written by `staffsim plot`" in res.output


def test_figures_folder_outside_the_run_is_refused(copy_of, tmp_path):
    run_dir = copy_of("compare")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (run_dir / "figures").symlink_to(elsewhere, target_is_directory=True)
    res = _invoke(["plot", run_dir])
    assert res.exit_code == 2 and "inside the run folder" in res.output
    assert not any(elsewhere.iterdir())


def test_not_a_run_folder_is_a_clear_error(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    for cmd in ("plot", "report"):
        res = _invoke([cmd, empty])
        assert res.exit_code == 2
        assert "not a staffsim run folder (no manifest.json)" in res.output and "Traceback" not in res.output
        res = _invoke([cmd, tmp_path / "missing"])
        assert res.exit_code == 2 and "no such folder" in res.output
    (empty / "manifest.json").write_text(json.dumps({"kind": "budget", "status": "complete"}))
    res = _invoke(["plot", empty])
    assert res.exit_code == 2 and "kind is 'budget'" in res.output


def test_incomplete_run_folder_is_a_clear_error(copy_of):
    run_dir = copy_of("compare")
    manifest = json.loads((run_dir / "manifest.json").read_text())
    manifest["status"] = "interrupted"
    (run_dir / "manifest.json").write_text(json.dumps(manifest))
    res = _invoke(["plot", run_dir])
    assert res.exit_code == 2
    assert "not complete (manifest status: 'interrupted')" in res.output and "--resume" in res.output
    assert not (run_dir / "figures").exists()
    # complete in the manifest, but the results are gone
    manifest["status"] = "complete"
    (run_dir / "manifest.json").write_text(json.dumps(manifest))
    shutil.rmtree(run_dir / "metrics.parquet")
    (run_dir / "comparison.parquet").unlink()
    res = _invoke(["plot", run_dir])
    assert res.exit_code == 2
    assert "metrics.parquet is missing" in res.output and "comparison.parquet is missing" in res.output


def test_unknown_metric_options_are_clear_errors(folders):
    res = _invoke(["plot", folders["compare"], "--y", "happiness"])
    assert res.exit_code == 2 and "no metric 'happiness'" in res.output and "planning_hours_per_week" in res.output
    res = _invoke(["plot", folders["sweep"], "--param", "school.students"])
    assert res.exit_code == 2 and "was not swept" in res.output


def test_write_figures_is_deterministic(copy_of):
    run_dir = copy_of("compare")
    run = open_run(run_dir)
    first = {p.name: p.read_bytes() for p in write_figures(run, make_figures(run, Options())[0]) if p.suffix == ".png"}
    again = {p.name: p.read_bytes() for p in write_figures(run, make_figures(run, Options())[0]) if p.suffix == ".png"}
    assert first == again
