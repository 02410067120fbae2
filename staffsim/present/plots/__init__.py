"""Figures of a run folder (issue 4). Plotting lives here only; the model never plots.

    figures, skipped = make_figures(open_run(path), Options())
    write_figures(run, figures)          # PNG + SVG into <run>/figures/

For `run` and `compare` folders the figures are:

1. planning time kept per teacher, week by week, against the timetable (`timeline`)
2. exhaustion week by week with the burnout threshold (`timeline`; needs an exhaustion column)
3. where the time goes: an average week per design and role (`timeuse`)
4. small-group instruction: minutes per student and needs served (`outcomes`)
5. workforce: staff staying, per role and year (`outcomes`; needs turnover metrics)
6. the planner's trade-off: cost per pupil against an outcome (`outcomes`; needs cost metrics)

for `sweep` folders: each metric against each swept parameter, and a heatmap
over two parameters (`sweep`); for `sensitivity` folders the assumptions ranked
by their effect on each metric (`sensitivity`); for `fit` folders the accepted
parameter sets within the plausible ranges (`fit`); for `explain` folders the
waterfall of a contrast (`explain`). A comparison made with `--ensemble` adds
its differences with and without parameter uncertainty (`ensemble`). A figure the run folder has no data for is
skipped with a one-line reason. docs/figures.md says how to read each one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import matplotlib

matplotlib.use("Agg", force=False)  # no display; figures are built without pyplot anyway

from staffsim.errors import InputError  # noqa: E402
from staffsim.experiments.runfolder import RunFolder, inside  # noqa: E402
from staffsim.present.plots.base import MAX_DESIGNS, Drawn, Options, Skip  # noqa: E402
from staffsim.present.plots.palette import figure_style  # noqa: E402

__all__ = ["Drawn", "Options", "Skip", "make_figures", "write_figures", "select_designs", "FORMATS"]

FORMATS = ("png", "svg")
DPI = 150
INDEX = ".staffsim-figures.json"  # which files in figures/ `staffsim plot` wrote (the only ones it replaces)


def _design_figures() -> list[Callable]:
    from staffsim.present.plots import ensemble, outcomes, timeline, timeuse

    return [timeline.planning_by_week, timeline.exhaustion_by_week, timeuse.time_use,
            outcomes.small_groups, outcomes.workforce, outcomes.tradeoff, ensemble.differences]


def _sweep_figures() -> list[Callable]:
    from staffsim.present.plots import sweep

    return [sweep.lines, sweep.heatmaps]


def _sensitivity_figures() -> list[Callable]:
    from staffsim.present.plots import sensitivity

    return [sensitivity.ranked]


def _fit_figures() -> list[Callable]:
    from staffsim.present.plots import fit

    return [fit.accepted_ranges]


def _explain_figures() -> list[Callable]:
    from staffsim.present.plots import explain

    return [explain.waterfall]


#: The figures of each kind of run folder (others: the design figures).
FIGURES_BY_KIND: dict[str, Callable[[], list[Callable]]] = {"sweep": _sweep_figures, "sensitivity": _sensitivity_figures,
                                                            "fit": _fit_figures, "explain": _explain_figures}


def select_designs(run: RunFolder, opts: Options) -> tuple[list[str], list[str]]:
    """The designs to draw (manifest order) and notes; at most five unless --all-designs or named."""
    notes: list[str] = []
    all_ = run.scenarios
    if opts.designs:
        unknown = [d for d in opts.designs if d not in all_]
        if unknown:
            raise InputError("--design", [f"no design {d!r} in this run; it has: {', '.join(all_)}" for d in unknown])
        chosen = [d for d in all_ if d in set(opts.designs)]
    elif opts.all_designs or len(all_) <= MAX_DESIGNS:
        chosen = list(all_)
    else:
        chosen = all_[:MAX_DESIGNS]
        notes.append(f"showing the first {MAX_DESIGNS} of {len(all_)} designs; choose others with --design NAME "
                     "(repeatable) or show all with --all-designs")
    return chosen, notes


def check_metric(run: RunFolder, metric: str, option: str) -> None:
    if metric not in run.metric_names:
        raise InputError(option, [f"no metric {metric!r} in this run; it has: {', '.join(run.metric_names)}"])


def make_figures(run: RunFolder, opts: Options | None = None) -> tuple[list[Drawn], list[str]]:
    """Every figure this run folder supports, and one line per figure skipped (or other note)."""
    opts = opts or Options()
    designs, notes = select_designs(run, opts)
    if opts.y != Options.y:
        check_metric(run, opts.y, "--y")
    for m in opts.metrics or []:
        check_metric(run, m, "--metric")
    funcs = FIGURES_BY_KIND.get(run.kind, _design_figures)()
    drawn: list[Drawn] = []
    with figure_style():
        for fn in funcs:
            try:
                out = fn(run, designs, opts)
            except Skip as exc:
                notes.append(str(exc))
                continue
            drawn.extend(out if isinstance(out, list) else [out])
    return drawn, notes


def write_figures(run: RunFolder, figures: list[Drawn], formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Save figures into <run>/figures/, replacing only files an earlier `staffsim plot` wrote there."""
    out = run.figures_dir()
    if not inside(out, run.path) or (out.exists() and not out.is_dir()):
        raise InputError(str(out), ["the figures folder must be a folder inside the run folder; refusing to write elsewhere"])
    out.mkdir(exist_ok=True)
    index_file = out / INDEX
    try:
        previous = set(json.loads(index_file.read_text())["files"]) if index_file.is_file() else set()
    except (ValueError, KeyError, TypeError):
        previous = set()
    targets = [out / f"{d.name}.{fmt}" for d in figures for fmt in formats]
    foreign = [t.name for t in targets if t.exists() and t.name not in previous]
    if foreign:
        raise InputError(str(out), [f"{name} exists and was not written by `staffsim plot`; move it away first "
                                    "(plot replaces only its own figures)" for name in foreign])
    written: list[Path] = []
    for d in figures:
        d.files = []
        for fmt in formats:
            target = out / f"{d.name}.{fmt}"
            tmp = target.with_name(f".{target.name}.tmp")
            d.figure.savefig(tmp, format=fmt, dpi=DPI, metadata=_metadata(fmt), bbox_inches="tight", pad_inches=0.2)
            tmp.replace(target)
            d.files.append(target)
            written.append(target)
    names = {p.name for p in written}
    for stale in sorted(previous - names):  # our own figures this run no longer makes (e.g. now skipped)
        p = out / stale
        if p.is_file() and inside(p, out):
            p.unlink()
    index_file.write_text(json.dumps({"files": sorted(names)}, indent=1) + "\n")
    return written


def _metadata(fmt: str) -> dict:
    # fixed metadata: the same data give byte-identical PNGs (no creation date)
    if fmt == "png":
        return {"Software": "staffsim"}
    if fmt == "svg":
        return {"Date": None, "Creator": "staffsim"}
    return {}
