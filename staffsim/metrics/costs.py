"""The cost model: what one replication of a staffing design cost (issue 5, docs/costs.md).

Costs are pure functions of the scenario (head counts and pay) and the ledger
(what happened: substitutes called, vacancies held by long-term substitutes,
staff who left). Figures are *annual*: a multi-year ledger gives the mean per
year, a one-year slice (`ledger.split_years`) the cost of that year.

Components (each in the scenario's `costs.currency` at `costs.price_year` prices):

- ``cost_salaries``    base pay (teachers, teacher-leaders, support staff, resident
                       stipends) for the school days each position was filled;
                       from the role's salary schedule when the simulation
                       records experience, else its flat `salary`; and the pay
                       of roles paid by contract (`annual_contract`, for the
                       share of the year filled) or by the day (`day_rate` x
                       days on site filled, a half day at half the rate), with
                       no benefits added
- ``cost_supplements`` role supplements (e.g. teacher-leader pay) for days filled
- ``cost_benefits``    benefits rate x (salaries + supplements), per role
- ``cost_substitutes`` day-to-day substitute days x `substitute_day_rate`
- ``cost_vacancies``   school days a long-term substitute held a vacant position
                       x `long_term_sub_day_rate` (the vacancy's salary is not paid)
- ``cost_turnover``    staff who left (mid-year departures + movers + leavers), each
                       at the replacement cost of their role: the cost per leaver
                       (LPI 2024 by district size) for teachers and teacher-leaders,
                       a share of the role's annual pay for support staff and
                       residents (`costs.turnover_cost_share_of_pay`)

``personnel_cost`` is their sum, ``cost_per_pupil`` = personnel_cost / students,
``budget_gap`` = personnel_cost - budget (positive: over budget) when the
scenario sets `budget:`.

Workforce data (issue 3) is read from ``ledger.extra`` when present:
``long_term_sub`` (D, S) bool, ``experience`` (Y, S) years (NaN when vacant),
``departures`` (Y, S) people who left each position (priced by role); without
it, ``midyear_departures`` / ``movers`` / ``leavers`` (Y,) counts at the cost per
leaver. A missing key means no turnover and no vacancies.

How metrics get the scenario. `registry.compute_metrics(ledger)` sees only the
ledger; the cost family prices it from the scenario it ran, `ledger.config`
(which `split_years` keeps), and reports nothing for a ledger without one.
`cost_metrics(ledger, scenario)` computes them for a given scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Iterable, Mapping

import numpy as np

from staffsim.metrics.metric import LOWER, NEITHER, Kind, Metric, declare
from staffsim.scenario.on_site import EVERY_DAY
from staffsim.scenario.pay import salary_at
from staffsim.scenario.school import Role
from staffsim.scenario.schema import Scenario
from staffsim.errors import InputError
from staffsim.engine.ledger import EVENT_CODES, Ledger

#: The components that add up to `personnel_cost`, in display order.
COMPONENTS = ("cost_salaries", "cost_supplements", "cost_benefits", "cost_substitutes", "cost_vacancies", "cost_turnover")

#: `ledger.extra` keys of the workforce module read here (absent -> zero).
DEPARTURE_KEYS = ("midyear_departures", "movers", "leavers")


@dataclass(frozen=True)
class RolePay:
    """Annual pay of one role, in the scenario's money."""

    salary: float
    supplement: float
    benefits_rate: float
    schedule: tuple[tuple[int, float], ...] | None = None  # (years of experience, salary), ascending
    day_rate: float = 0.0  # pay per day on site (benefits included), for roles paid by the day
    on_site: tuple[float, ...] = EVERY_DAY  # (5,) fraction of each weekday on site, Monday first
    weeks: int = 0  # instructional weeks a year (prices a day rate for `loaded`)

    @property
    def loaded(self) -> float:
        """Annual cost of one position held all year at the flat salary: (salary + supplement) x (1 + benefits),
        plus day rate x days on site a week x weeks."""
        by_day = self.day_rate * sum(self.on_site) * self.weeks if self.day_rate else 0.0
        return (self.salary + self.supplement) * (1.0 + self.benefits_rate) + by_day

    def salary_at(self, experience: np.ndarray) -> np.ndarray:
        """Salary for each experience value (NaN -> the flat salary)."""
        return salary_at(self.salary, self.schedule, experience)


@dataclass(frozen=True)
class Pricing:
    """Everything the cost model needs from a scenario (small, frozen, picklable)."""

    scenario: str
    currency: str
    price_year: int
    roles: Mapping[str, RolePay]
    substitute_day_rate: float
    long_term_sub_day_rate: float
    cost_per_leaver: float  # a teacher's or teacher-leader's replacement cost (LPI)
    leaver_cost: Mapping[str, float]  # replacement cost of one leaver, by role
    budget: float | None

    @property
    def money(self) -> str:
        return f"{self.currency} {self.price_year}"


def role_pay(role: Role, benefits_rate: float, weeks: int = 0) -> RolePay:
    """A role's pay: salary, supplement and benefits; a contract as a salary without benefits; a day rate."""
    if role.annual_contract is not None:
        return RolePay(salary=float(role.annual_contract), supplement=0.0, benefits_rate=0.0)
    if role.day_rate is not None:
        return RolePay(salary=0.0, supplement=0.0, benefits_rate=0.0, day_rate=float(role.day_rate),
                       on_site=role.on_site_pattern, weeks=weeks)
    rate = role.benefits_rate if role.benefits_rate is not None else benefits_rate
    schedule = tuple(sorted(role.salary_by_experience.items())) if role.salary_by_experience else None
    return RolePay(salary=float(role.salary), supplement=float(role.supplement), benefits_rate=float(rate), schedule=schedule)


def leaver_cost(role: Role, costs) -> float:
    """Replacement cost of one leaver of `role`: a share of its annual pay, or the (teacher) cost per leaver.

    `costs` is the scenario's `Costs`; a category listed in `turnover_cost_share_of_pay` costs that share
    of salary + supplement, every other category the cost per leaver (docs/costs.md).
    """
    share = costs.turnover_cost_share_of_pay.get(role.category)
    if share is None:
        return float(costs.turnover_cost_per_leaver)
    return float(share * (role.salary + role.supplement))


def pricing(scenario: Scenario) -> Pricing:
    """The scenario's pay figures as a `Pricing`."""
    c = scenario.costs
    return Pricing(
        scenario=scenario.name,
        currency=c.currency,
        price_year=c.price_year,
        roles={name: role_pay(r, c.benefits_rate, scenario.calendar.weeks) for name, r in scenario.roles.items()},
        substitute_day_rate=float(c.substitute_day_rate),
        long_term_sub_day_rate=float(c.long_term_sub_day_rate),
        cost_per_leaver=float(c.turnover_cost_per_leaver),
        leaver_cost={name: leaver_cost(r, c) for name, r in scenario.roles.items()},
        budget=None if scenario.budget is None else float(scenario.budget),
    )


def _year_index(ledger: Ledger) -> tuple[np.ndarray, np.ndarray]:
    """(index of each day's year within the ledger, school days in each year)."""
    _, idx = np.unique(ledger.year, return_inverse=True)
    return idx, np.bincount(idx)


def _extra(ledger: Ledger, key: str, shape: tuple[int, ...]) -> np.ndarray | None:
    v = ledger.extra.get(key)
    if v is None:
        return None
    a = np.asarray(v)
    if a.shape != shape:
        raise ValueError(f"ledger.extra[{key!r}] has shape {a.shape}; expected {shape}")
    return a


def costs_from_pricing(p: Pricing, ledger: Ledger) -> dict[str, float]:
    """The cost metrics of one ledger priced by `p` (see the module docstring)."""
    L = ledger
    D, S = L.filled.shape
    yidx, days_in_year = _year_index(L)
    Y = len(days_in_year)
    unknown = sorted(set(L.staff_role) - set(p.roles))
    if unknown:
        raise ValueError(f"the ledger has roles {unknown} that scenario {p.scenario!r} does not price")
    pays = [p.roles[r] for r in L.staff_role]

    # Salaries: annual salary of each (year, position), paid per school day filled.
    annual = np.array([[rp.salary for rp in pays]] * Y, dtype=float)  # (Y, S)
    exp = _extra(L, "experience", (Y, S))
    if exp is not None:
        exp = exp.astype(float)
        for s, rp in enumerate(pays):
            if rp.schedule is not None:
                annual[:, s] = rp.salary_at(exp[:, s])
    days_filled = np.zeros((Y, S))
    np.add.at(days_filled, yidx, L.filled.astype(float))
    share = days_filled / days_in_year[:, None]  # (Y, S) share of each year the position was filled
    salary_s = (annual * share).sum(axis=0)  # (S,) over the whole ledger
    day_rates = np.array([rp.day_rate for rp in pays])
    if day_rates.any():  # paid by the day: rate x days on site (a half day counts half) while filled
        on_site = np.array([rp.on_site for rp in pays]).T  # (5, S)
        salary_s = salary_s + day_rates * (L.filled * on_site[np.asarray(L.weekday)]).sum(axis=0)
    supplement_s = np.array([rp.supplement for rp in pays]) * share.sum(axis=0)
    rate = np.array([rp.benefits_rate for rp in pays])
    benefits = float((rate * (salary_s + supplement_s)).sum())

    kind = L.events[:, 1] if len(L.events) else np.zeros(0, dtype=np.int64)
    sub_days = int((kind == EVENT_CODES["substitute"]).sum())

    lts = _extra(L, "long_term_sub", (D, S))
    lts_days = int((lts.astype(bool) & ~L.filled).sum()) if lts is not None else 0

    turnover = _turnover_cost(p, L, L.staff_role, Y, S)

    total = {
        "cost_salaries": float(salary_s.sum()),
        "cost_supplements": float(supplement_s.sum()),
        "cost_benefits": benefits,
        "cost_substitutes": sub_days * p.substitute_day_rate,
        "cost_vacancies": lts_days * p.long_term_sub_day_rate,
        "cost_turnover": turnover,
    }
    annual_costs = {k: v / Y for k, v in total.items()}
    personnel = sum(annual_costs.values())
    out = {"personnel_cost": personnel, "cost_per_pupil": personnel / L.students}
    if p.budget is not None:
        out["budget_gap"] = personnel - p.budget
    out.update(annual_costs)
    return out


def _turnover_cost(p: Pricing, L: Ledger, roles: tuple[str, ...], Y: int, S: int) -> float:
    """Replacement cost of everyone who left over the ledger: per position at its role's cost per leaver.

    Without per-position `departures` (a ledger from elsewhere), the departure counts at the cost per leaver.
    """
    dep = _extra(L, "departures", (Y, S))
    if dep is not None:
        per_role = np.array([p.leaver_cost[r] for r in roles])
        return float((dep.sum(axis=0) * per_role).sum())
    departures = 0.0
    for key in DEPARTURE_KEYS:
        a = _extra(L, key, (Y,))
        if a is not None:
            departures += float(np.nansum(a))
    return departures * p.cost_per_leaver


def compute_costs(scenario: Scenario, ledger: Ledger) -> dict[str, float]:
    """Annual cost metrics of one replication (means per year for multi-year ledgers)."""
    if ledger.scenario != scenario.name:
        raise ValueError(f"the ledger is of scenario {ledger.scenario!r}, not {scenario.name!r}")
    return costs_from_pricing(pricing(scenario), ledger)


def cost_metrics(ledger: Ledger, scenario: Scenario) -> dict[str, float]:
    """`compute_costs` with the argument order of the metric functions."""
    return compute_costs(scenario, ledger)


def money_label(scenario: Scenario) -> str:
    """The unit every amount of the scenario is in, e.g. 'USD 2024'."""
    return scenario.costs.money


def check_same_money(scenarios: Iterable[Scenario]) -> str:
    """The common money unit of scenarios to be compared; `InputError` when they differ."""
    scenarios = list(scenarios)
    labels = {sc.name: money_label(sc) for sc in scenarios}
    distinct = sorted(set(labels.values()))
    if len(distinct) > 1:
        raise InputError(
            "scenarios",
            [
                "money is stated in different currencies or price years ("
                + ", ".join(f"{name}: {lab}" for name, lab in labels.items())
                + "); state every scenario's costs.currency and costs.price_year alike "
                "(converting its amounts) before comparing costs"
            ],
        )
    return distinct[0] if distinct else "USD 2024"


def cost_family(ledger: Ledger) -> dict[str, float]:
    """The cost family: the ledger priced from the scenario it ran (`ledger.config`); empty without one."""
    if not isinstance(ledger.config, Scenario):
        return {}
    return costs_from_pricing(pricing(ledger.config), ledger)


_cost = partial(Metric, kind=Kind.MONEY, unit="per year", family="costs", compute=cost_family)

#: Money is in the scenario's currency and price year (`Pricing.money`); figures and tables name it.
COST_METRICS: dict[str, Metric] = declare(
    _cost(name="personnel_cost", direction=LOWER, label="Personnel cost",
          meaning="salaries + supplements + benefits + substitutes + vacancies + turnover"),
    _cost(name="cost_per_pupil", direction=LOWER, label="Cost per pupil",
          meaning="personnel cost per student enrolled"),
    _cost(name="budget_gap", direction=LOWER, label="Over (+) or under (-) budget",
          meaning="personnel cost minus the scenario's budget (positive: over budget)"),
    _cost(name="cost_salaries", direction=NEITHER, label="Salaries and stipends",
          meaning="base salaries and stipends for the days positions were filled"),
    _cost(name="cost_supplements", direction=NEITHER, label="Role supplements",
          meaning="role supplements (e.g. teacher-leaders) for the days filled"),
    _cost(name="cost_benefits", direction=NEITHER, label="Benefits",
          meaning="employer benefits on salaries and supplements"),
    _cost(name="cost_substitutes", direction=LOWER, label="Day-to-day substitutes",
          meaning="day-to-day substitute days"),
    _cost(name="cost_vacancies", direction=LOWER, label="Long-term substitutes (vacancies)",
          meaning="long-term substitutes holding vacant positions"),
    _cost(name="cost_turnover", direction=LOWER, label="Turnover (replacing leavers)",
          meaning="replacing staff who left, at their role's cost per leaver"),
)
