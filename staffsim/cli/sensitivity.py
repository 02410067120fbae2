"""`staffsim sensitivity`: which assumptions drive a metric of one design, or a contrast B - A (SALib)."""

from __future__ import annotations

import click
from rich.table import Table

from staffsim.cli.common import err, execution_options, given, handle_errors, out
from staffsim.cli.execution import execute_cli
from staffsim.errors import InputError

DEFAULT_METRICS = ("burnout_share", "turnover_rate")
DEFAULT_SAMPLES = {"morris": 10, "sobol": 64}
SHOWN = 15


def sweep_params(path: str) -> list:
    """The low/high parameters of a sweep file, as uniform ranges (a listed `values:` parameter is an error)."""
    from staffsim.experiments.sweep import load_sweep
    from staffsim.scenario.assumptions import custom

    spec, _ = load_sweep(path)
    listed = [k for k, p in spec.parameters.items() if p.values is not None]
    if listed or not spec.parameters:
        raise InputError(path, [f"{k}: a sensitivity analysis needs a range (low, high), not listed values" for k in listed]
                         or ["the sweep file names no parameters"])
    return [custom(k, p.low, p.high) for k, p in spec.parameters.items()]


def parse_params(specs: tuple[str, ...], sweep_file: str | None = None) -> list:
    """--param values: PATH (its range from the assumptions table) or PATH=LOW:HIGH (a uniform range of your own);
    with a sweep file, its low/high parameters too. Neither: every parameter with a range."""
    from staffsim.scenario.assumptions import custom, uncertain

    if sweep_file:
        return sweep_params(sweep_file) + (parse_params(specs) if specs else [])
    if not specs:
        return uncertain()
    named, problems, out_ = [], [], []
    for spec in specs:
        path, eq, rng = spec.partition("=")
        if not eq:
            named.append(path)
            continue
        lo, colon, hi = rng.partition(":")
        try:
            out_.append(custom(path, float(lo), float(hi)))
        except ValueError:
            problems.append(f"{spec}: expected PATH=LOW:HIGH with numbers (e.g. workforce.hiring.delay_shape=1:5)")
        except InputError as exc:
            problems.extend(exc.problems)
    try:
        out_ = uncertain(named) + out_ if named else out_
    except InputError as exc:
        problems.extend(exc.problems)
    if problems:
        raise InputError("--param", problems)
    return out_


def indices_table(table, method: str) -> Table:
    """The ranked indices, metric by metric (the first `SHOWN` parameters of each)."""
    from staffsim.present.format import format_value
    from staffsim.present.plots.base import nice_param

    t = Table(title=f"{'Morris mu* (effect over the whole range)' if method == 'morris' else 'Sobol indices'}, "
                    "ranked; [95 % bootstrap CI]", title_justify="left")
    for c in ("metric", "rank", "parameter"):
        t.add_column(c, no_wrap=True)
    cols = ("mu_star", "sigma") if method == "morris" else ("S1", "ST")
    for c in cols:
        t.add_column(c, justify="right")
    for metric, rows in table.groupby("metric", sort=False):
        for r in rows.head(SHOWN).itertuples():
            if method == "morris":
                cells = [f"{format_value(r.mu_star, metric)} [{format_value(r.mu_star_low, metric)}, "
                         f"{format_value(r.mu_star_high, metric)}]", format_value(r.sigma, metric)]
            else:
                cells = [f"{r.S1:.2f} [{r.S1_low:.2f}, {r.S1_high:.2f}]", f"{r.ST:.2f} [{r.ST_low:.2f}, {r.ST_high:.2f}]"]
            t.add_row(metric if r.rank == 1 else "", str(r.rank), nice_param(r.parameter), *cells)
    return t


@click.command("sensitivity")
@click.argument("scenarios", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--method", type=click.Choice(["morris", "sobol"]), default="morris", show_default=True,
              help="Morris screening (mu*, sigma) or Sobol variance shares (S1, ST).")
@click.option("--samples", type=click.IntRange(1, 100_000), default=None,
              help="Morris trajectories (default 10) or Sobol base samples, a power of two (default 64).")
@click.option("--metric", "metrics", multiple=True, metavar="METRIC",
              help=f"The output(s) to explain (repeatable). Default: {', '.join(DEFAULT_METRICS)}.")
@click.option("--param", "params", multiple=True, metavar="PATH[=LOW:HIGH]",
              help="Vary only these parameters (repeatable): a path of `staffsim assumptions`, or PATH=LOW:HIGH "
                   "for a uniform range of your own. Default: every parameter with a range.")
@click.option("--params-from", "sweep_file", type=click.Path(dir_okay=False), default=None, metavar="SWEEP.yaml",
              help="Vary the parameters a sweep file gives low/high ranges for (uniform), with any --param.")
@click.option("-n", "--replications", type=click.IntRange(1, 10_000), default=4, show_default=True,
              help="Replications per point (common random numbers across points and designs).")
@click.option("--seed", type=click.IntRange(0), default=1, show_default=True, help="Base seed (points and replications).")
@click.option("--levels", type=click.IntRange(2, 20), default=4, show_default=True, help="Morris grid levels.")
@click.option("--resamples", type=click.IntRange(10, 100_000), default=1000, show_default=True,
              help="Bootstrap resamples of the confidence intervals.")
@execution_options
@handle_errors
def command(scenarios: tuple[str, ...], method: str, samples: int | None, metrics: tuple[str, ...],
            params: tuple[str, ...], sweep_file: str | None, levels: int, resamples: int, **options) -> None:
    """Rank the assumptions by how much they drive a metric of SCENARIO, or the contrast SCENARIO_B - SCENARIO
    when two are given (paired on common random numbers), over the ranges of `staffsim assumptions`.

    Points run through the runner into a "sensitivity" run folder (resume with
    --resume, any --backend); sensitivity.csv holds the indices; `staffsim plot`
    and `staffsim report` draw them. SALib is needed: pip install 'staffsim[sensitivity]'.

    Example: staffsim sensitivity traditional team-based --metric turnover_rate
    """
    from staffsim.experiments import store
    from staffsim.experiments.runs import unique_labels
    from staffsim.experiments.sensitivity import Design, prepare, salib
    from staffsim.scenario.loading import read_scenario

    salib()
    typed = given(options, "replications", "seed")
    variants, name, extra, points = None, "sensitivity", None, None
    if not options.get("resume_dir"):
        if not 1 <= len(scenarios) <= 2:
            raise InputError("sensitivity", [f"expected one scenario (a metric) or two (the contrast B - A); "
                                             f"found {len(scenarios)}"])
        read = [read_scenario(p) for p in scenarios]
        labels = unique_labels([sc.name for sc, _ in read])
        design = Design(method, tuple(parse_params(params, sweep_file)), tuple(metrics or DEFAULT_METRICS),
                        samples or DEFAULT_SAMPLES[method], levels, resamples, options["seed"])
        variants, points, extra = prepare(design, [(lab, sc) for lab, (sc, _) in zip(labels, read)])
        name = "sensitivity-" + "-".join(labels)
    defaults = {"replications": options["replications"], "seed": options["seed"], "staff_weeks": False, "yearly": False}
    run_dir, manifest = execute_cli("sensitivity", name, variants, {**options, **typed}, defaults, extra, points,
                                    resume_hint=" ".join(scenarios) + " " if scenarios else "")
    table = store.read_table(run_dir, "sensitivity")
    if not table.empty:
        out.print(indices_table(table, manifest["method"]))
        err.print(f"{manifest['points']} points x {len(manifest['scenarios'])} design(s) x {manifest['replications']} "
                  f"replications. All indices: {run_dir / 'sensitivity.csv'}")
