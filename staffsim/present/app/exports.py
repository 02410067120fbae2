"""What leaves the session: the HTML report of the current comparison (a real run folder) and a role's week.

"Export report" runs the comparison through the runner into a new run folder
under the results folder (as `staffsim compare` would: same variants, seed and
replications, so the same numbers), then writes its report with `build_report`,
and sends the report's figures to the page (the ones facilitators know from it).
"""

from __future__ import annotations

import io
import re
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from staffsim.errors import InputError
from staffsim.experiments import store
from staffsim.experiments.runfolder import open_run
from staffsim.experiments.runner import RunOptions
from staffsim.experiments.runs import run_in
from staffsim.present.app.catalogue import modified, scenario_of
from staffsim.present.app.requests import variants_of
from staffsim.present.plots.palette import figure_style
from staffsim.present.plots.timetable import role_panels, timetable_panels, week_figures
from staffsim.present.plots import Options, make_figures
from staffsim.present.report import _png_data_uri, build_report, write_report


def write_run_report(state: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """Run the spec into results/app-<time>/ and write its report.html; returns both paths and the report's
    figures (title, caption, PNG data URI) for the page."""
    job = variants_of(state.catalogue, spec, state.ensemble)
    run_dir = store.default_run_dir("app-compare", state.results)
    opts = RunOptions(replications=job.replications, seed=job.seed, workers=2, backend="processes")
    extra = {"ensemble": str(state.ensemble.path)} if state.ensemble is not None else None
    run_in("compare", list(job.variants), opts, lambda d: d, run_dir=run_dir, extra_manifest=extra)
    if state.ensemble is not None:
        _ensemble_part(state.ensemble, job, opts, run_dir)
    run = open_run(run_dir)
    html, _ = build_report(run)
    path = write_report(run, html)
    return {"run_dir": str(run_dir), "report": str(path), "figures": report_figures(run)}


def _ensemble_part(ens: Any, job: Any, opts: RunOptions, run_dir: Any) -> None:
    """The comparison over the ensemble, as `compare --ensemble` runs it (its sub-folder and table)."""
    from staffsim.experiments.ensemble import SUBDIR, plan, write_ensemble_comparison
    from staffsim.experiments.subrun import run_or_resume
    from staffsim.scenario.schema import Scenario

    designs = [(v.label, Scenario.model_validate_json(v.scenario_json)) for v in job.variants]
    if not run_or_resume(run_dir / SUBDIR, "ensemble", lambda: plan(ens, designs, opts),
                         {"workers": opts.workers, "backend": opts.backend}, command="staffsim app (export report)"):
        raise InputError("export report", [f"the ensemble part was interrupted; finished chunks are in {run_dir}"])
    write_ensemble_comparison(run_dir)


def report_figures(run: Any) -> list[dict[str, str]]:
    """The report's figures of a run folder (`plots.make_figures`, as the report draws them)."""
    figures, _ = make_figures(run, Options())
    try:
        return [{"title": f.heading or f.title, "caption": f.caption, "src": _png_data_uri(f.figure)} for f in figures]
    finally:
        figures.clear()


async def report(request: Request, state: Any) -> Response:
    from staffsim.present.app.server import _json

    spec = await _json(request)
    return JSONResponse(await run_in_threadpool(write_run_report, state, spec))


def role_svg(state: Any, design: str, levers: dict[str, Any], role: str | None) -> str:
    """The week grid of one role of a (modified) design as SVG text (every role's first week if `role` is empty)."""
    raw, _ = modified(state.catalogue, design, levers)
    sc = scenario_of(raw, design)
    roles = sorted({m.role for t in sc.teams for m in t.members})
    if role and role not in roles:
        raise InputError("role", [f"{design} has no role {role!r}; roles: {', '.join(roles)}"])
    panels = timetable_panels(sc, role) if role else role_panels(sc)
    drawn = week_figures(sc, panels, name="week")[0]
    buf = io.StringIO()
    with figure_style():
        drawn.figure.savefig(buf, format="svg", metadata={"Date": None, "Creator": "staffsim"}, bbox_inches="tight")
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 class="week" role="img"', svg, count=1)


async def timetable(request: Request, state: Any) -> Response:
    from staffsim.present.app.server import _json

    body = await _json(request)
    design = str(body.get("design"))
    svg = await run_in_threadpool(role_svg, state, design, body.get("levers") or {}, body.get("role") or None)
    return JSONResponse({"svg": svg, "roles": roles_of(state, design, body.get("levers") or {})})


def roles_of(state: Any, design: str, levers: dict[str, Any]) -> list[str]:
    raw, _ = modified(state.catalogue, design, levers)
    sc = scenario_of(raw, design)
    return list(dict.fromkeys(m.role for t in sc.teams for m in t.members))
