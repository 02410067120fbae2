"""Budget-neutral analysis: what a design costs against a budget, and which levers close the gap.

`budget_analysis` runs replications of one scenario through the runner (a
"budget" run folder), reads each one's cost metrics (`metrics.costs`, stored
with the other metrics) and reports the annual personnel cost and the gap to
the budget with 95 % confidence intervals (`stats.t_interval`). It then
prices three levers a planner can pull (docs/costs.md):

- class size: one student more (or fewer) per class changes the number of
  classroom teachers in proportion, N x c / (c +/- 1) for N teaching positions
  and the scenario's class size c;
- support staff: one support position more or fewer;
- supplement: $1,000 (one unit of the scenario's currency) more or less per
  teacher-leader.

A position's cost per unit is its loaded pay, (salary + supplement) x
(1 + benefits rate), plus the variable costs per position the simulation
observed (substitutes, vacancies and turnover divided by head count). The
units of each lever that close the gap are solved exactly (the class-size
lever is not linear); staff counts are fractional full-time equivalents.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from staffsim.experiments import runs, store
from staffsim.experiments.runner import RunOptions, Variant
from staffsim.experiments.stats import t_interval
from staffsim.scenario.vocabulary import TEACHER_CATEGORIES
from staffsim.scenario.schema import Scenario
from staffsim.metrics.costs import COMPONENTS, RolePay, money_label, role_pay
from staffsim.errors import InputError

#: The money unit of the supplement lever, in the scenario's currency.
SUPPLEMENT_STEP = 1000.0


@dataclass(frozen=True)
class Estimate:
    """A mean over replications with its t-based confidence interval."""

    mean: float
    ci_low: float
    ci_high: float

    @classmethod
    def of(cls, values: np.ndarray, level: float = 0.95) -> "Estimate":
        """The mean of `values` and its t interval (`stats.t_interval`)."""
        return cls(*t_interval(values, level))


@dataclass(frozen=True)
class Lever:
    """One lever: what one unit changes, what it costs per year, and how many units close the gap.

    `units_to_close` is signed in the lever's own direction: +2.0 on "one more
    student per class" means two more students per class; None when the lever
    cannot close the gap in its direction (or there is no gap to close).
    `units_range` gives the units for the ends of the gap's confidence interval.
    """

    name: str
    unit: str
    staff_per_unit: float | None
    cost_per_unit: float
    units_to_close: float | None
    units_range: tuple[float | None, float | None] = (None, None)
    note: str = ""


@dataclass(frozen=True)
class BudgetReport:
    scenario: str
    money: str
    budget: float
    replications: int
    seed: int
    years: int
    costs: dict[str, Estimate]
    levers: tuple[Lever, ...] = field(default_factory=tuple)

    @property
    def gap(self) -> Estimate:
        return self.costs["budget_gap"]

    def costs_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{"item": k, "mean": e.mean, "ci_low": e.ci_low, "ci_high": e.ci_high} for k, e in self.costs.items()]
        )

    def levers_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "lever": lv.name, "unit": lv.unit, "staff_per_unit": lv.staff_per_unit,
                    "cost_per_unit": lv.cost_per_unit, "units_to_close": lv.units_to_close,
                    "units_to_close_low": lv.units_range[0], "units_to_close_high": lv.units_range[1],
                    "note": lv.note,
                }
                for lv in self.levers
            ]
        )


def resolve_budget(scenario: Scenario, budget: float | None, source: str = "--budget") -> float:
    """The budget to test against: the option if given, else the scenario's `budget:`."""
    if budget is None:
        budget = scenario.budget
        if budget is None:
            raise InputError(source, [
                f"no budget given: pass --budget AMOUNT (annual, in {money_label(scenario)}) "
                f"or set `budget:` in scenario {scenario.name!r}"
            ])
    if not math.isfinite(budget) or budget < 0:
        raise InputError(source, [f"expected an annual budget of 0 or more, found {budget:g}"])
    return float(budget)


def _positions(scenario: Scenario) -> list[tuple[str, str]]:
    """(role, category) of every position."""
    return [
        (m.role, scenario.roles[m.role].category)
        for t in scenario.teams for _ in range(t.count) for m in t.members for _ in range(m.count)
    ]


def _pay(scenario: Scenario, role: str) -> RolePay:
    return role_pay(scenario.roles[role], scenario.costs.benefits_rate, scenario.calendar.weeks)


def _mean_loaded(scenario: Scenario, roles: list[str]) -> float:
    return float(np.mean([_pay(scenario, r).loaded for r in roles]))


def _class_size_levers(scenario: Scenario, pos: list[tuple[str, str]], gaps: tuple[float, float, float],
                       variable_per_position: float) -> list[Lever]:
    """One student more per class (and one fewer): N teaching positions at class size c become N c / c'."""
    teaching = [r for r, c in pos if c in TEACHER_CATEGORIES]
    classroom = [r for r, c in pos if c == "teacher"] or teaching
    c = float(scenario.school.class_size)
    if not teaching:
        return [Lever("class size", "one more student per class", None, math.nan, None, note="no teaching positions")]
    N = len(teaching)
    u = _mean_loaded(scenario, classroom) + variable_per_position

    def class_units(g: float) -> float | None:
        n_new = N - g / u
        return None if n_new <= 0 else c * N / n_new - c

    ks = [class_units(g) for g in gaps]
    up = -N / (c + 1)
    out = [Lever(
        "class size", "one more student per class", up, up * u,
        ks[0] if ks[0] is not None and ks[0] > 0 else None,
        tuple(k if k is not None and k > 0 else None for k in ks[1:]),
        note=f"{N} teaching positions at class size {c:g}",
    )]
    if c > 1:
        down = N / (c - 1)
        out.append(Lever(
            "class size", "one fewer student per class", down, down * u,
            -ks[0] if ks[0] is not None and ks[0] < 0 else None,
            tuple(-k if k is not None and k < 0 else None for k in ks[1:]),
            note="smaller classes need more teachers",
        ))
    return out


def _support_lever(scenario: Scenario, pos: list[tuple[str, str]], gaps: tuple[float, float, float],
                   variable_per_position: float) -> Lever:
    """One support position more (or fewer)."""
    support = [r for r, cat in pos if cat == "support"]
    if not support:
        return Lever("support staff", "one more support position", 1.0, math.nan, None,
                     note="the design has no support role to price; add one to the scenario")
    u = _mean_loaded(scenario, support) + variable_per_position
    units = [-g / u for g in gaps]
    note = f"{len(support)} support positions in the design"
    if units[0] < -len(support):
        note += f"; closing the gap would need more than the {len(support)} there are"
    return Lever("support staff", "one more support position", 1.0, u, units[0], (units[1], units[2]), note)


def _supplement_lever(scenario: Scenario, pos: list[tuple[str, str]], gaps: tuple[float, float, float]) -> Lever:
    """SUPPLEMENT_STEP more (or less) per teacher-leader."""
    leaders = [r for r, cat in pos if cat == "teacher_leader"]
    unit = f"{SUPPLEMENT_STEP:,.0f} more per teacher-leader"
    if not leaders:
        return Lever("supplement", unit, 0.0, math.nan, None, note="the design has no teacher-leaders")
    u = float(sum(SUPPLEMENT_STEP * (1 + _pay(scenario, r).benefits_rate) for r in leaders))
    units = [-g / u for g in gaps]
    current = min(_pay(scenario, r).supplement for r in leaders)
    note = f"{len(leaders)} teacher-leaders; supplement now {current:,.0f}"
    if units[0] * SUPPLEMENT_STEP < -current:
        note += "; closing the gap would take the supplement below zero"
    return Lever("supplement", unit, 0.0, u, units[0], (units[1], units[2]), note)


def levers(scenario: Scenario, gap: Estimate, variable_per_position: float = 0.0) -> list[Lever]:
    """The levers' costs per unit and the units that close `gap` (cost minus budget)."""
    pos = _positions(scenario)
    gaps = (gap.mean, gap.ci_low, gap.ci_high)
    return [*_class_size_levers(scenario, pos, gaps, variable_per_position),
            _support_lever(scenario, pos, gaps, variable_per_position),
            _supplement_lever(scenario, pos, gaps)]


#: The cost items reported, in order (`metrics.costs`; the gap is computed against the budget tested).
ITEMS = ("personnel_cost", "cost_per_pupil", *COMPONENTS, "budget_gap")
#: The variable costs (per replication) that enter the price of a position.
VARIABLE = ["cost_substitutes", "cost_vacancies", "cost_turnover"]


def budget_variant(scenario: Scenario) -> Variant:
    return Variant(scenario.name, 0, scenario.model_dump_json())


def budget_analysis(
    scenario: Scenario, budget: float | None = None, replications: int = 20, seed: int = 1, years: int = 1,
    run_dir: Path | None = None, workers: int = 1, backend: str = "serial",
    progress: Callable[[int, int, int], None] | None = None,
) -> BudgetReport:
    """Run `replications` of `scenario`, price them, and report cost, gap and levers (see module docstring).

    Runs in `run_dir` (a new "budget" run folder; a temporary one when None)
    on `backend` with `workers`; the numbers do not depend on either.
    """
    if replications < 1:
        raise InputError("-n", [f"expected at least 1 replication, found {replications}"])
    amount = resolve_budget(scenario, budget)
    opts = RunOptions(replications=replications, seed=seed, years=years, workers=workers, backend=backend,
                      staff_weeks=False, yearly=False)
    return runs.run_in("budget", [budget_variant(scenario)], opts, budget_report, run_dir, {"budget": amount}, progress)


def budget_report(run_dir: Path) -> BudgetReport:
    """The budget report of a "budget" run folder, from its stored per-replication cost metrics."""
    manifest = store.read_manifest(run_dir)
    scenario = Scenario.model_validate_json(runs.load_variants(run_dir)[0].scenario_json)
    amount = float(manifest["budget"])
    n = int(manifest["replications"])
    metrics = store.read_table(run_dir, "metrics")
    frame = metrics.pivot(index="replication", columns="metric", values="value").reindex(range(n))
    frame["budget_gap"] = frame["personnel_cost"] - amount
    est = {k: Estimate.of(frame[k].to_numpy()) for k in ITEMS}
    variable = frame[VARIABLE].sum(axis=1).mean()
    per_position = float(variable / max(scenario.staff_count, 1))
    return BudgetReport(
        scenario=scenario.name, money=money_label(scenario), budget=amount, replications=n,
        seed=int(manifest["seed"]), years=int(manifest["years"]), costs=est,
        levers=tuple(levers(scenario, est["budget_gap"], per_position)),
    )


def write_budget(run_dir: Path) -> BudgetReport:
    """budget_costs.parquet/csv and budget_levers.parquet/csv in a finished "budget" run folder (`runs.finish`)."""
    report = budget_report(run_dir)
    store.write_frame(run_dir, "budget_costs", report.costs_frame())
    store.write_frame(run_dir, "budget_levers", report.levers_frame())
    return report
