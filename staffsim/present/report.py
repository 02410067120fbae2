"""One self-contained HTML report of a run folder, for a workshop projector (issue 4).

    html, notes = build_report(open_run(path), ReportOptions(title="...", notes="..."))
    write_report(run, html)              # <run>/report.html

Everything is inside the file: figures as PNG data URIs, CSS inline, no
JavaScript, no fonts or links to fetch, so it opens offline on any laptop.
Sections: the facilitator's note, how to read it, the headline metrics with
95 % confidence intervals (and paired differences from the baseline for a
comparison), the figures with one sentence each on how to read them, the key
assumptions of each design (`present.assumptions`, from the resolved scenario
files in the run folder), and the run's provenance.
"""

from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd
from markupsafe import Markup

from staffsim import __version__
from staffsim.errors import InputError
from staffsim.metrics.metric import Kind
from staffsim.metrics.registry import kind_of
from staffsim.present.assumptions import describe_design
from staffsim.present.format import MISSING, format_range, format_value, metric_label
from staffsim.present.plots import DPI, Options, make_figures
from staffsim.present.plots.base import nice_param, money_unit, summary_rows
from staffsim.present.plots.palette import design_colors, figure_style
from staffsim.present.plots.timetable import week_figures
from staffsim.scenario.loading import scenario_from_dict
from staffsim.present.uncertainty import report_sections
from staffsim.experiments.runfolder import RunFolder, inside

GENERATOR = "staffsim report"  # in <meta name="generator">: a report.html with it may be replaced by a new one

#: The headline metrics of the table (registered names), grouped as a teacher would ask about them.
#: Metrics a run does not have are left out.
HEADLINE: dict[str, tuple[str, ...]] = {
    "Teachers' time": ("scheduled_planning_hours_per_week", "planning_hours_per_week",
                       "collaborative_planning_hours_per_week", "coverage_hours_per_week", "overtime_hours_per_week",
                       "leader_overtime_hours_per_week",
                       "total_work_hours_per_week", "mentoring_given_hours_per_week",
                       "induction_release_hours_per_week"),
    "Students": ("small_group_minutes_per_student_per_week", "needs_served_share", "students_per_adult", "reach_share",
                 "combined_class_hours_per_week"),
    "Wellbeing and staffing": ("absence_days_per_staff", "uncovered_absence_share", "mean_exhaustion", "burnout_share",
                               "midyear_departure_rate", "turnover_rate", "vacancy_days"),
    "Cost": ("cost_per_pupil", "personnel_cost", "budget_gap", "student_days_without_regular_teacher"),
}


@dataclass
class ReportOptions:
    title: str | None = None
    notes: str | None = None  # the facilitator's note, Markdown
    plot: Options = field(default_factory=Options)


# ------------------------------------------------------------------------------------ small Markdown

_INLINE = [
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"\*\*(.+?)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"<em>\1</em>"),
    (re.compile(r"(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])"), r"<em>\1</em>"),
    # links become text: the report must work offline and never point anywhere
    (re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)"), r"\1 (\2)"),
]


def _inline(text: str) -> str:
    out = html.escape(text, quote=False)
    for pat, rep in _INLINE:
        out = pat.sub(rep, out)
    return out


def markdown_to_html(text: str) -> Markup:
    """A facilitator's short note as HTML: paragraphs, headings (#), lists (-, *, 1.), **bold**, *italic*, `code`.

    Deliberately small and safe: everything is escaped first (raw HTML in the note shows as text) and links
    are written out as text, so the report stays self-contained. No Markdown package is needed.
    """
    blocks: list[str] = []
    para: list[str] = []
    items: list[str] = []
    list_tag = ""

    def flush() -> None:
        nonlocal para, items, list_tag
        if para:
            blocks.append("<p>" + " ".join(_inline(p) for p in para) + "</p>")
            para = []
        if items:
            blocks.append(f"<{list_tag}>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + f"</{list_tag}>")
            items, list_tag = [], ""

    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush()
            continue
        h = re.match(r"^(#{1,6})\s+(.*)$", line)
        bullet = re.match(r"^[-*+]\s+(.*)$", line)
        number = re.match(r"^\d+[.)]\s+(.*)$", line)
        if h:
            flush()
            level = min(len(h.group(1)) + 2, 6)  # the report's own h1/h2 stay above the note's headings
            blocks.append(f"<h{level}>{_inline(h.group(2))}</h{level}>")
        elif bullet or number:
            tag = "ul" if bullet else "ol"
            if para or (items and list_tag != tag):
                flush()
            list_tag = tag
            items.append((bullet or number).group(1))
        elif items and raw[:1] in (" ", "\t"):
            items[-1] += " " + line  # continuation of a list item
        else:
            if items:
                flush()
            para.append(line)
    flush()
    return Markup("\n".join(blocks))


# ------------------------------------------------------------------------------------ the table

def _bounds(run: RunFolder) -> dict[str, tuple[float, float]]:
    """Per metric, the range its values can take as far as the data show: a metric never negative in any
    replication is floored at 0, a share is capped at 100 %. A t-interval over few replications can cross
    these; the table clips it there rather than print an impossible '-0.7 %'."""
    m = run.values([x for group in HEADLINE.values() for x in group if x in run.metric_names])
    lows = m.groupby("metric")["value"].min()
    out = {}
    for metric, lo in lows.items():
        out[metric] = (0.0 if lo >= 0 else -np.inf, 1.0 if kind_of(metric) is Kind.SHARE else np.inf)
    return out


def _cell(mean: float, lo: float, hi: float, metric: str, bounds: tuple[float, float]) -> dict[str, str]:
    if np.isnan(mean):  # a metric this design does not report (no teacher-leader, no mentoring section)
        return {"value": format_value(mean, metric, compact=True), "ci": "not in this design"}
    lo, hi = max(lo, bounds[0]), min(hi, bounds[1])
    if not hi - lo > 1e-9 * max(1.0, abs(mean)):
        return {"value": format_value(mean, metric, compact=True), "ci": "the same in every run"}
    return {"value": format_value(mean, metric, compact=True), "ci": format_range(lo, hi, metric)}


def _diff(r: pd.Series, metric: str) -> tuple[str, str]:
    """The paired difference from the baseline in words, and whether it is clear (its CI excludes zero)."""
    d, lo, hi = r["diff"], r["diff_ci_low"], r["diff_ci_high"]
    if kind_of(metric) is Kind.SHARE:  # a difference of two shares lies in -100 % .. +100 %
        lo, hi = max(lo, -1.0), min(hi, 1.0)
    if not hi - lo > 1e-9 * max(1.0, abs(d)):  # the same difference in every replication
        if abs(d) <= 1e-12:
            return "the same", "unclear"
        return format_value(d, metric, signed=True, compact=True), "clear"
    if lo > 0 or hi < 0:
        text = format_value(d, metric, signed=True, compact=True)
        return f"{text} ({format_range(lo, hi, metric, signed=True)})", "clear"
    return "no clear difference", "unclear"


def headline_table(run: RunFolder, designs: list[str]) -> dict[str, Any]:
    """Rows of the headline table: per metric, per design mean and CI (and, for a comparison, the paired
    difference from the baseline in plain words)."""
    money = money_unit(run)
    comp = run.comparison if run.kind == "compare" else pd.DataFrame()
    baseline = run.scenarios[0] if run.scenarios else None
    bounds = _bounds(run)
    groups = []
    for group, metrics in HEADLINE.items():
        rows = []
        for m in metrics:
            if m not in run.metric_names:
                continue
            name, unit = metric_label(m, money)
            if kind_of(m) is Kind.SHARE and not unit.startswith("%"):
                unit = f"% ({unit})"
            b = bounds.get(m, (-np.inf, np.inf))
            cells: list[dict[str, str] | None] = []
            if not comp.empty and m in set(comp["metric"]):
                c = comp[comp["metric"] == m].drop_duplicates("scenario").set_index("scenario")
                for d in designs:
                    if d not in c.index:
                        cells.append(None)
                        continue
                    r = c.loc[d]
                    cell = _cell(r["mean"], r["ci_low"], r["ci_high"], m, b)
                    if d != baseline and "diff" in c.columns and pd.notna(r["diff"]):
                        cell["diff"], cell["clear"] = _diff(r, m)
                    cells.append(cell)
            else:
                s = summary_rows(run, m, designs).set_index("scenario")
                for d in designs:
                    cells.append(_cell(*s.loc[d, ["mean", "ci_low", "ci_high"]], m, b) if d in s.index else None)
            if all(c is None or c["value"] == MISSING for c in cells):
                continue
            rows.append({"metric": m, "name": name, "unit": unit, "cells": cells})
        if rows:
            groups.append({"name": group, "rows": rows})
    return {"groups": groups, "baseline": baseline if run.kind == "compare" else None}


# ------------------------------------------------------------------------------------ provenance

def provenance(run: RunFolder) -> list[tuple[str, str]]:
    m = run.manifest
    rows = [("staffsim version", str(m.get("staffsim_version", "?"))),
            ("kind of run", str(m.get("kind"))),
            ("seed", str(m.get("seed"))),
            ("replications", f"{m.get('replications')} per design" + (" and sweep point" if run.kind == "sweep" else "")),
            ("school years per replication", str(m.get("years", 1))),
            ("designs", ", ".join(run.scenarios)),
            ("run started", str(m.get("started", "?"))),
            ("run finished", str(m.get("finished", "?"))),
            ("command", str(m.get("command", "?"))),
            ("run folder", run.path.resolve().name),
            ("python / platform", f"{m.get('python', '?')} / {m.get('platform', '?')}"),
            ("packages", ", ".join(f"{k} {v}" for k, v in (m.get("packages") or {}).items())),
            ("report made", f"{datetime.now().astimezone().isoformat(timespec='seconds')} by staffsim {__version__}")]
    if run.kind == "sweep":
        rows.insert(5, ("swept parameters", ", ".join(run.parameters)))
        if m.get("design"):
            rows.insert(6, ("sweep design", f"{m.get('design')}, {m.get('points', '?')} points"))
    return rows


# ------------------------------------------------------------------------------------ assembly

def _png_data_uri(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": "staffsim"})
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _week_svg(design: dict[str, Any], prefix: str) -> Markup | None:
    """A design's week by role (plots.timetable) as inline SVG: crisp on a projector and, unlike an image,
    no figure of the run; without clip paths (nothing it draws leaves its axes), so nothing in it refers by url()."""
    try:
        drawn = week_figures(scenario_from_dict(design))[0]
    except (InputError, IndexError):
        return None
    buf = io.StringIO()
    with figure_style():
        drawn.figure.savefig(buf, format="svg", metadata={"Date": None, "Creator": "staffsim"}, bbox_inches="tight")
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>|<clipPath\b.*?</clipPath>|\s*clip-path=\"url\(#[^\"]*\)\"", "", svg, flags=re.S)
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 class="week" role="img"', svg, count=1)
    svg = re.sub(r'(id="|href="#)', rf"\1{prefix}-", svg)  # ids unique in the page (several designs' weeks)
    return Markup(svg)


def default_title(run: RunFolder) -> str:
    if run.kind == "compare":
        return f"{len(run.scenarios)} staffing designs compared"
    if run.kind == "sweep":
        return f"How the designs respond to {' and '.join(nice_param(p) for p in run.parameters)}"
    if run.kind == "sensitivity":
        return f"What the results of {' and '.join(run.scenarios)} depend on"
    if run.kind == "fit":
        return f"Calibrating {run.scenarios[0]}: the parameter sets that reproduce the published figures"
    if run.kind == "explain":
        return f"Why {' and '.join(run.scenarios)} differ in {run.manifest.get('metric')}"
    return f"The {run.scenarios[0]} staffing design, simulated" if run.scenarios else "Simulation results"


def build_report(run: RunFolder, opts: ReportOptions | None = None) -> tuple[str, list[str]]:
    """The whole report as one HTML string (figures drawn here, in memory), and the notes on skipped figures."""
    opts = opts or ReportOptions()
    figures, notes = make_figures(run, opts.plot)
    from staffsim.present.plots import select_designs

    designs, _ = select_designs(run, opts.plot)
    colours = design_colors(run.scenarios)
    try:
        images = [{"title": f.title, "heading": f.heading or f.title, "caption": f.caption,
                   "src": _png_data_uri(f.figure), "name": f.name} for f in figures]
    finally:
        figures.clear()
    points = None
    if run.kind == "sweep" and run.points is not None and len(run.points) <= 40:
        points = {"columns": list(run.points.columns), "rows": run.points.astype(str).values.tolist()}
    env = jinja2.Environment(loader=jinja2.PackageLoader("staffsim.present", "templates"),
                             autoescape=jinja2.select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    template = env.get_template("report.html.j2")
    n = run.replications
    text = template.render(
        generator=GENERATOR,
        title=opts.title or default_title(run),
        kind=run.kind,
        notes=markdown_to_html(opts.notes) if opts.notes and opts.notes.strip() else None,
        designs=[{"name": d, "colour": colours[d]} for d in designs],
        table=headline_table(run, designs),
        sections=report_sections(run),
        figures=images,
        skipped=notes,
        assumptions=[{"name": d, "colour": colours[d], "lines": describe_design(run.designs[d]),
                      "week": _week_svg(run.designs[d], f"week{i}")} for i, d in enumerate(designs) if d in run.designs],
        missing=run.notes,
        provenance=provenance(run),
        replications=n,
        years=run.years,
        points=points,
        date=datetime.now().strftime("%d %B %Y"),
    )
    return text, notes


def write_report(run: RunFolder, html_text: str, out: str | Path | None = None) -> Path:
    """Write the report inside the run folder (default report.html), replacing only an earlier staffsim report."""
    target = Path(out) if out is not None else run.path / "report.html"
    if not target.is_absolute() and out is not None and not inside(target, run.path):
        target = run.path / target  # a bare file name means: in the run folder
    if not inside(target, run.path):
        raise InputError(str(out), [f"the report is written inside the run folder ({run.path}); "
                                    "refusing to write elsewhere (copy report.html afterwards: it is self-contained)"])
    if target.suffix.lower() not in (".html", ".htm"):
        raise InputError(str(out), ["the report's file name must end in .html"])
    if target.exists():
        head = target.read_text(errors="replace")[:2000] if target.is_file() else ""
        if f'name="generator" content="{GENERATOR}' not in head:
            raise InputError(str(target), ["exists and is not a staffsim report; refusing to overwrite it "
                                           "(choose another --out or move it away)"])
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(html_text, encoding="utf-8")
    tmp.replace(target)
    return target


__all__ = ["ReportOptions", "build_report", "write_report", "markdown_to_html", "describe_design", "headline_table"]
