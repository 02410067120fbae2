"""The Starlette app: the page, its static files, and a small JSON + server-sent-events API.

Routes: ``/`` the page; ``/static/*`` its CSS and JS; ``GET /api/designs`` the
designs and levers; ``GET /api/run?spec=JSON`` an event stream of summaries, one per
finished replication; ``POST /api/design.yaml`` the YAML of a (modified) design;
``POST /api/upload?filename=F`` a design file (body: its text); ``POST /api/report``
a run folder and its HTML report; ``POST /api/timetable`` a role's week as SVG.
Every `InputError` is answered as JSON ``{"error": text, "problems": [...]}`` with
status 400; any other exception becomes a short message, never a traceback.
"""

from __future__ import annotations

import contextlib
import json
import logging
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, AsyncIterator, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from staffsim.errors import InputError
from staffsim.present.app import catalogue as cat_mod
from staffsim.present.app.requests import parse_spec, variants_of
from staffsim.present.app.live import stream

log = logging.getLogger("staffsim.app")
STATIC = Path(str(resources.files("staffsim") / "present" / "app" / "static"))


@dataclass
class State:
    """What one server holds: the designs on offer, the worker pool, where exports go, the calibrated ensemble
    (`experiments.ensemble.Ensemble` of `--ensemble FIT`, or None)."""

    catalogue: cat_mod.Catalogue
    pool: Any = None
    results: Path = Path("results")
    ensemble: Any = None
    extras: dict[str, Any] = field(default_factory=dict)


def _problems(exc: InputError) -> JSONResponse:
    items = [{"text": str(p), "line": getattr(p, "line", None), "field": getattr(p, "field", ""),
              "hint": getattr(p, "hint", "")} for p in exc.problems]
    return JSONResponse({"error": exc.render(), "source": exc.source, "problems": items}, status_code=400)


def guarded(fn: Callable) -> Callable:
    """Answer InputError with its messages and anything else with a plain sentence (logged here)."""

    async def endpoint(request: Request) -> Response:
        try:
            return await fn(request, request.app.state.staffsim)
        except InputError as exc:
            return _problems(exc)
        except Exception:  # never a traceback in the page
            log.exception("app request failed")
            return JSONResponse({"error": "Something went wrong on the server; the terminal running "
                                          "`staffsim app` shows the details.", "problems": []}, status_code=500)

    return endpoint


async def page(request: Request, state: State) -> Response:
    return FileResponse(STATIC / "index.html", media_type="text/html")


async def designs(request: Request, state: State) -> Response:
    c = state.catalogue
    return JSONResponse({"designs": [{"name": n, "origin": c.origin[n], "levers": c.levers(n)} for n in c.designs],
                         "levers": cat_mod.lever_table(), "ensemble": _ensemble_info(state.ensemble)})


def _ensemble_info(ens: Any) -> dict[str, Any] | None:
    """What the page says about the ensemble: the fit folder, its scenario and how many parameter sets."""
    if ens is None:
        return None
    return {"path": str(ens.path), "scenario": ens.scenario, "size": len(ens.members), "parameters": len(ens.params)}


async def run(request: Request, state: State) -> Response:
    spec = parse_spec(request.query_params.get("spec", ""))
    job = variants_of(state.catalogue, spec, state.ensemble)  # validated before the stream starts: errors come as JSON

    async def events():
        yield f"event: start\ndata: {json.dumps({'total': job.replications * len(job.variants)})}\n\n"
        try:
            async for ev in stream(job, state.pool):
                yield f"data: {json.dumps(ev)}\n\n"
            yield "event: end\ndata: {}\n\n"
        except Exception:
            log.exception("streaming failed")
            yield f"event: failed\ndata: {json.dumps({'error': 'the simulation failed; see the terminal'})}\n\n"

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


async def design_yaml(request: Request, state: State) -> Response:
    body = await _json(request)
    raw, changed = cat_mod.modified(state.catalogue, str(body.get("design")), body.get("levers") or {})
    name = str(body.get("design")) + ("-modified" if changed else "")
    cat_mod.scenario_of(raw, name)  # what is saved validates
    return Response(cat_mod.design_yaml(raw, name), media_type="application/x-yaml",
                    headers={"Content-Disposition": f'attachment; filename="{cat_mod.safe_filename(name)}"'})


async def upload(request: Request, state: State) -> Response:
    body = await request.body()
    if len(body) > cat_mod.MAX_UPLOAD_BYTES:
        raise InputError(request.query_params.get("filename", "upload"),
                         [f"the file is larger than {cat_mod.MAX_UPLOAD_BYTES // 1024} kB"])
    name = cat_mod.read_upload(state.catalogue, request.query_params.get("filename", "upload.yaml"), body)
    return JSONResponse({"name": name, "levers": state.catalogue.levers(name)})


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except json.JSONDecodeError:
        raise InputError("request", ["expected JSON"]) from None
    if not isinstance(body, dict):
        raise InputError("request", ["expected a JSON object"])
    return body


def create_app(state: State) -> Starlette:
    """The app for one session (`state` holds the designs and the worker pool)."""
    from staffsim.present.app.exports import report, timetable

    routes = [
        Route("/", guarded(page)),
        Route("/api/designs", guarded(designs)),
        Route("/api/run", guarded(run)),
        Route("/api/design.yaml", guarded(design_yaml), methods=["POST"]),
        Route("/api/upload", guarded(upload), methods=["POST"]),
        Route("/api/report", guarded(report), methods=["POST"]),
        Route("/api/timetable", guarded(timetable), methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=_lifespan(state))
    app.state.staffsim = state
    return app


def _lifespan(state: State) -> Callable:
    """Stop the worker pool when the server stops. uvicorn re-raises a SIGTERM once it has shut down, which
    ends the process before any `finally` of its caller: without this the workers outlived the server."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        if state.pool is not None:
            state.pool.shutdown(wait=True, cancel_futures=True)

    return lifespan
