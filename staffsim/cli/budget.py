"""`staffsim budget SCENARIO --budget AMOUNT`: cost against a budget, and the levers that close the gap."""

from __future__ import annotations

import click
from rich.table import Table

from staffsim.experiments.budget import BudgetReport, Lever, budget_report, budget_variant, resolve_budget
from staffsim.metrics.costs import COMPONENTS
from staffsim.present.format import format_money, metric_label
from staffsim.scenario.loading import load_scenario
from staffsim.cli.common import execution_options, given, handle_errors, out
from staffsim.cli.execution import execute_cli


def _label(key: str) -> str:
    """An item of the cost table in the registry's words; the parts of personnel cost indented under it."""
    return ("  " if key in COMPONENTS else "") + metric_label(key)[0]


def _units(lv: Lever) -> str:
    if lv.units_to_close is None:
        return "-"
    lo, hi = lv.units_range
    text = f"{lv.units_to_close:.2f}"
    if lo is not None and hi is not None:
        a, b = sorted((lo, hi))
        text += f" [{a:.2f}, {b:.2f}]"
    return text


def costs_table(report: BudgetReport) -> Table:
    t = Table(title=f"{report.scenario}: annual personnel cost ({report.money}), "
                    f"{report.replications} replications, seed {report.seed}")
    t.add_column("item")
    t.add_column("mean", justify="right")
    t.add_column("95% CI", justify="right")
    for key, e in report.costs.items():
        signed = key == "budget_gap"
        if key == "budget_gap":
            t.add_row("budget", format_money(report.budget), "", end_section=False)
        ci = f"[{format_money(e.ci_low, signed=signed)}, {format_money(e.ci_high, signed=signed)}]"
        t.add_row(_label(key), format_money(e.mean, signed=signed), ci)
    return t


def levers_table(report: BudgetReport) -> Table:
    t = Table(title="Levers: annual cost of one unit, and units that close the gap (95% CI)")
    t.add_column("lever")
    t.add_column("one unit")
    t.add_column("staff (FTE)", justify="right")
    t.add_column(f"cost / unit ({report.money})", justify="right")
    t.add_column("units to close gap", justify="right")
    t.add_column("note")
    for lv in report.levers:
        staff = "-" if lv.staff_per_unit is None else f"{lv.staff_per_unit:+.2f}"
        t.add_row(lv.name, lv.unit, staff, format_money(lv.cost_per_unit, signed=True), _units(lv), lv.note)
    return t


def verdict(report: BudgetReport) -> str:
    g = report.gap
    if g.ci_low > 0:
        return (f"Over budget by {format_money(g.mean, currency=report.money)} a year "
                f"(95% CI {format_money(g.ci_low)} to {format_money(g.ci_high)}).")
    if g.ci_high < 0:
        return (f"Under budget by {format_money(-g.mean, currency=report.money)} a year "
                f"(95% CI {format_money(-g.ci_high)} to {format_money(-g.ci_low)}).")
    gap = format_money(g.mean, signed=True, currency=report.money)
    return (f"Within the uncertainty of the budget: gap {gap} a year "
            f"(95% CI {format_money(g.ci_low, signed=True)} to {format_money(g.ci_high, signed=True)}).")


@click.command("budget")
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--budget", "amount", type=float, default=None,
              help="Annual personnel budget in the scenario's currency (default: the scenario's `budget:`).")
@click.option("-n", "--replications", type=click.IntRange(min=1), default=20, show_default=True,
              help="Replications to run.")
@click.option("--seed", type=click.IntRange(0), default=1, show_default=True,
              help="Base seed, as in `staffsim run` (replication r uses SeedSequence(seed, spawn_key=(r,))).")
@click.option("--years", type=click.IntRange(min=1), default=1, show_default=True,
              help="School years per replication; costs are means per year.")
@execution_options
@handle_errors
def command(scenario: str, amount: float | None, **options) -> None:
    """Report what SCENARIO costs against a budget and which levers close the gap.

    Shows the annual personnel cost with its parts and the gap to the budget
    (95% confidence intervals over replications), then the cost of one unit of
    each lever (class size, support staff, teacher-leader supplement) and how
    many units close the gap. See docs/costs.md for the cost model. The
    replications run as a "budget" run folder; --resume finishes an interrupted one.
    """
    resume = options.get("resume_dir")
    variants, name, extra = None, "budget", None
    if not resume:
        sc = load_scenario(scenario)
        amount = resolve_budget(sc, amount)  # before anything runs
        variants, name, extra = [budget_variant(sc)], f"budget-{sc.name}", {"budget": amount}
    typed = given(options, "replications", "seed", "years")
    defaults = {**{k: options[k] for k in typed}, "staff_weeks": False, "yearly": False}
    run_dir, _ = execute_cli("budget", name, variants, {**options, **typed}, defaults, extra,
                             resume_hint=f"{scenario} ", fixed={"budget": amount} if resume else None)
    report = budget_report(run_dir)
    out.print(costs_table(report))
    out.print(verdict(report))
    out.print(levers_table(report))
    out.print(
        "Staff counts are full-time equivalents. Cost per position = (salary + supplement) x (1 + benefits rate) "
        "+ the substitute, vacancy and turnover cost per position observed in these runs."
    )

