"""`staffsim app`: the workshop in a browser (needs the `app` extra: Starlette and uvicorn)."""

from __future__ import annotations

import threading
import webbrowser
from pathlib import Path

import click

from staffsim.errors import InputError
from staffsim.cli.common import err, handle_errors


@click.command("app")
@click.argument("designs", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--port", type=click.IntRange(0, 65535), default=8050, show_default=True,
              help="Port to serve the page on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. The default serves this computer only; 0.0.0.0 lets others on the network in.")
@click.option("--ensemble", "ensemble", type=click.Path(file_okay=False), default=None, metavar="FIT",
              help="A finished fit folder (`staffsim calibrate SCENARIO --fit`). Every replication is run again "
                   "with a parameter set drawn from its ensemble, as `compare --ensemble FIT` does: the page shows "
                   "the seed-only interval first, then the interval with parameter uncertainty (twice the work). "
                   "The designs must be of the school the fit was made for.")
@click.option("--no-browser", is_flag=True, help="Do not open a browser window (print the address only).")
@click.option("-w", "--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Processes that run replications (more: faster, up to the computer's cores).")
@click.option("--results", "results_dir", type=click.Path(file_okay=False), default="results", show_default=True,
              help="Where 'Export report' writes its run folders.")
@handle_errors
def command(designs: tuple[str, ...], port: int, host: str, ensemble: str | None, no_browser: bool,
            workers: int, results_dir: str) -> None:
    """Start the workshop page: pick 2-5 designs (the shipped ones, DESIGNS given here, or an upload),
    turn the levers, and watch replications stream in with intervals and paired differences.

    DESIGNS are YAML files or shipped designs' names, validated as `staffsim validate`
    does. Serves http://HOST:PORT/ (this computer only, unless --host) and opens it
    in the browser (unless --no-browser). Needs the `app` extra. Stop with Ctrl-C.
    """
    try:
        import uvicorn
        from staffsim.present.app.server import State, create_app
    except ImportError as exc:
        raise InputError("staffsim app", [f"needs the app extra ({exc.name} is missing): "
                                          "pip install 'staffsim[app]'"]) from None
    from staffsim.present.app.catalogue import load_catalogue
    from staffsim.present.app.live import make_pool

    from staffsim.present.app.ensemble import load_app_ensemble

    state = State(load_catalogue(designs), results=Path(results_dir), ensemble=load_app_ensemble(ensemble))
    state.pool = make_pool(workers)
    config = uvicorn.Config(create_app(state), host=host, port=port, log_level="warning",
                            timeout_graceful_shutdown=2)  # open event streams do not hold up Ctrl-C
    server = uvicorn.Server(config)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"

    def announce() -> None:
        while not server.started:
            threading.Event().wait(0.05)
        bound = server.servers[0].sockets[0].getsockname()[1] if server.servers else port
        shown = url.replace(f":{port}/", f":{bound}/")
        err.print(f"staffsim app: {shown}  (Ctrl-C to stop)")
        if not no_browser:
            webbrowser.open(shown)

    threading.Thread(target=announce, daemon=True).start()
    try:
        server.run()
    finally:
        state.pool.shutdown(cancel_futures=True)
