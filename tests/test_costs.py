"""Cost model: hand-calculated costs, turnover direction, multi-year slices, money units."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from staffsim.metrics import costs
from staffsim.scenario.cost_params import COSTS_MONEY_DEFAULTS, Costs
from staffsim.errors import InputError
from staffsim.engine.ledger import EVENT_CODES, split_years
from staffsim.metrics.registry import compute_metrics
from staffsim.engine.simulate import simulate
from staffsim.scenario.loading import scenario_from_dict

from conftest import calm, small_scenario


def priced(randomness: bool = False, **top) -> dict:
    """The small school with a teacher-leader and a resident per team, and explicit cost figures.

    Per team (x2): leader 70,000 + 12,040 supplement; 3 teachers at 60,000; an aide
    at 30,000; a resident on a 20,000 stipend without benefits. Benefits 30 %.
    """
    data = copy.deepcopy(small_scenario())
    if not randomness:
        data = calm(data)
    else:  # absences and substitutes vary, but nobody leaves: turnover is tested on its own
        data["workforce"] = {"static": True}
    data["roles"]["leader"] = {"category": "teacher_leader", "salary": 70000, "supplement": 12040}
    data["roles"]["resident"] = {"category": "resident", "salary": 20000, "benefits_rate": 0}
    data["teams"][0]["members"] += [{"role": "leader", "timetable": "b"}, {"role": "resident", "timetable": "aide"}]
    data["costs"] = {"benefits_rate": 0.30, "substitute_day_rate": 150, "long_term_sub_day_rate": 200,
                     "cost_per_leaver": 20000}
    data.update(top)
    return data


# Hand calculation for `priced()` with no randomness (one year, every position filled all year):
SALARIES = 2 * (70000 + 3 * 60000 + 30000 + 20000)  # 600,000
SUPPLEMENTS = 2 * 12040  # 24,080
BENEFITS = 0.30 * (SALARIES - 2 * 20000 + SUPPLEMENTS)  # 0.30 x 584,080 = 175,224 (resident: none)
PERSONNEL = 600000 + 24080 + 175224  # 799,304
PER_PUPIL = 799304 / 120  # 6,660.8666...


def test_no_randomness_costs_equal_the_hand_calculation():
    sc = scenario_from_dict(priced(budget=750000))
    c = costs.compute_costs(sc, simulate(sc, 3))
    assert c["cost_salaries"] == pytest.approx(600000, abs=1e-6)
    assert c["cost_supplements"] == pytest.approx(24080, abs=1e-6)
    assert c["cost_benefits"] == pytest.approx(175224, abs=1e-6)
    assert c["cost_substitutes"] == 0 and c["cost_vacancies"] == 0 and c["cost_turnover"] == 0
    assert c["personnel_cost"] == pytest.approx(799304, abs=1e-6)
    assert c["cost_per_pupil"] == pytest.approx(6660.866666, abs=1e-4)
    assert c["budget_gap"] == pytest.approx(49304, abs=1e-6)  # over budget
    assert SALARIES + SUPPLEMENTS + BENEFITS == pytest.approx(PERSONNEL) and PER_PUPIL == pytest.approx(6660.8667, abs=1e-3)


def test_default_rates_are_used_and_carry_sources():
    data = priced()
    del data["costs"]
    sc = scenario_from_dict(data)
    c = costs.compute_costs(sc, simulate(sc, 3))
    # default benefits rate 0.44: 0.44 x 584,080 = 256,995.2
    assert c["cost_benefits"] == pytest.approx(256995.2, abs=1e-6)
    assert sc.costs.turnover_cost_per_leaver == 16450  # LPI 2024, medium district
    assert sc.costs.money == "USD 2024"
    for name, f in Costs.model_fields.items():
        if name in ("currency", "price_year"):
            continue
        text = (f.description or "").lower()
        assert any(s in text for s in ("bls", "lpi", "assumption")), f"costs.{name} default has no source"


def test_budget_gap_absent_without_budget():
    sc = scenario_from_dict(priced())
    assert "budget_gap" not in costs.compute_costs(sc, simulate(sc, 3))


def test_substitute_days_are_priced_and_absences_do_not_change_pay():
    sc = scenario_from_dict(priced(randomness=True))
    led = simulate(sc, 5)
    n_subs = int((led.events[:, 1] == EVENT_CODES["substitute"]).sum())
    assert n_subs > 0
    c = costs.compute_costs(sc, led)
    assert c["cost_substitutes"] == pytest.approx(150 * n_subs)
    assert c["personnel_cost"] == pytest.approx(PERSONNEL + 150 * n_subs)
    # no substitutes at all: the fixed costs exactly
    data = priced(randomness=True)
    data["policies"]["substitutes"]["pool_size"] = 0
    sc0 = scenario_from_dict(data)
    assert costs.compute_costs(sc0, simulate(sc0, 5))["personnel_cost"] == pytest.approx(PERSONNEL, abs=1e-6)


def _with_workforce(led, teacher: int, vacancy_days: int, leavers: int, movers: int = 0, midyear: int = 0, subs: int = 0):
    """A copy of a one-year ledger where position `teacher` stands vacant (long-term sub) for the last days."""
    led = copy.deepcopy(led)
    D, S = led.filled.shape
    lts = np.zeros((D, S), dtype=bool)
    if vacancy_days:
        led.filled[D - vacancy_days:, teacher] = False
        lts[D - vacancy_days:, teacher] = True
    departures = np.zeros((1, S), dtype=np.int64)
    departures[0, teacher] = leavers + movers + midyear  # every departure from the teacher's position
    led.extra.update(long_term_sub=lts, leavers=np.array([leavers]), movers=np.array([movers]),
                     midyear_departures=np.array([midyear]), vacancy_days=np.array([float(vacancy_days)]),
                     departures=departures)
    ev = [(d, EVENT_CODES["substitute"], 0, -1, 0) for d in range(subs)]
    if ev:
        led.events = np.vstack([led.events, np.array(ev, dtype=np.int64)])
    return led


def test_workforce_costs_by_hand():
    sc = scenario_from_dict(priced())
    base = simulate(sc, 3)
    assert base.days == 50  # 10 instructional weeks
    teacher = sc_staff_index(base, "teacher")
    led = _with_workforce(base, teacher, vacancy_days=20, leavers=1, movers=1, midyear=1, subs=3)
    c = costs.compute_costs(sc, led)
    # the teacher (60,000) is paid for 30 of 50 days: 24,000 less salary and 0.3 x 24,000 = 7,200 less benefits
    assert c["cost_salaries"] == pytest.approx(600000 - 24000)
    assert c["cost_benefits"] == pytest.approx(175224 - 7200)
    assert c["cost_vacancies"] == pytest.approx(20 * 200)  # 4,000
    assert c["cost_turnover"] == pytest.approx(3 * 20000)  # leaver, mover and mid-year departure
    assert c["cost_substitutes"] == pytest.approx(3 * 150)
    assert c["personnel_cost"] == pytest.approx(799304 - 24000 - 7200 + 4000 + 60000 + 450)  # 832,554


def sc_staff_index(led, role: str) -> int:
    return led.staff_role.index(role)


def test_more_turnover_costs_more():
    sc = scenario_from_dict(priced())
    base = simulate(sc, 3)
    teacher = sc_staff_index(base, "teacher")
    totals, turnover, vacancies = [], [], []
    for leavers in range(4):
        # each leaver leaves a 5-day vacancy held by a long-term substitute
        c = costs.compute_costs(sc, _with_workforce(base, teacher, vacancy_days=5 * leavers, leavers=leavers))
        totals.append(c["personnel_cost"])
        turnover.append(c["cost_turnover"])
        vacancies.append(c["cost_vacancies"])
    assert np.all(np.diff(totals) > 0), totals
    assert np.all(np.diff(turnover) > 0) and np.all(np.diff(vacancies) > 0)
    assert totals[0] == pytest.approx(PERSONNEL)
    # one leaver: +20,000 turnover +5 x 200 vacancy -(5/50 x 60,000 x 1.3) pay not spent
    assert totals[1] - totals[0] == pytest.approx(20000 + 1000 - 7800)


def test_salary_schedule_uses_recorded_experience():
    data = priced()
    data["roles"]["teacher"]["salary_by_experience"] = {0: 50000, 5: 60000, 10: 70000}
    sc = scenario_from_dict(data)
    led = simulate(sc, 3)
    S = len(led.staff_role)
    led.extra.pop("experience", None)
    flat = costs.compute_costs(sc, led)  # no experience recorded: the flat salary
    assert flat["cost_salaries"] == pytest.approx(600000)
    exp = np.full((1, S), 3.0)
    teachers = [i for i, r in enumerate(led.staff_role) if r == "teacher"]
    for i, e in zip(teachers, [0.0, 4.9, 5.0, 9.99, 10.0, np.nan]):
        exp[0, i] = e
    led.extra["experience"] = exp
    c = costs.compute_costs(sc, led)
    # teachers: 50,000 + 50,000 + 60,000 + 60,000 + 70,000 + 60,000 (NaN: the flat salary) = 350,000
    assert c["cost_salaries"] == pytest.approx(600000 - 6 * 60000 + 350000)
    assert c["cost_benefits"] == pytest.approx(175224 - 0.30 * 10000)
    exp[0, teachers[5]] = 25.0
    c = costs.compute_costs(sc, led)
    assert c["cost_salaries"] == pytest.approx(600000 - 6 * 60000 + 360000)


def test_multi_year_costs_are_annual_means_and_split_years_prices_each_year():
    sc = scenario_from_dict(priced())
    led = simulate(sc, 3, years=2)
    D, S = led.filled.shape
    departures = np.zeros((2, S), dtype=np.int64)
    departures[:, led.staff_role.index("teacher")] = [1, 3]
    led.extra.update(leavers=np.array([1, 3]), movers=np.array([0, 0]), midyear_departures=np.array([0, 0]),
                     long_term_sub=np.zeros((D, S), dtype=bool), experience=np.full((2, S), np.nan),
                     departures=departures)
    c = costs.compute_costs(sc, led)
    assert c["cost_turnover"] == pytest.approx((1 + 3) * 20000 / 2)
    assert c["personnel_cost"] == pytest.approx(PERSONNEL + 40000)
    parts = [compute_metrics(p) for p in split_years(led)]  # each part priced from led.config
    assert [p["cost_turnover"] for p in parts] == pytest.approx([20000, 60000])
    assert [p["personnel_cost"] for p in parts] == pytest.approx([PERSONNEL + 20000, PERSONNEL + 60000])


def test_metrics_report_costs_from_the_scenario_simulated():
    sc = scenario_from_dict(priced(budget=800000))
    led = simulate(sc, 3)
    m = compute_metrics(led)
    direct = costs.cost_metrics(led, sc)
    assert {k: m[k] for k in direct} == pytest.approx(direct)
    assert m["budget_gap"] == pytest.approx(-696)
    other = scenario_from_dict({**priced(), "name": "other"})
    with pytest.raises(ValueError, match="not 'other'"):
        costs.compute_costs(other, led)


def test_money_is_never_silently_mixed():
    usd = scenario_from_dict(priced())
    assert costs.check_same_money([usd, scenario_from_dict({**priced(), "name": "b"})]) == "USD 2024"
    eur_costs = {"currency": "EUR", "price_year": 2023, "substitute_day_rate": 120, "long_term_sub_day_rate": 150,
                 "cost_per_leaver": 15000}
    base = priced()
    pay = {**base.get("workforce", {}), "pay": {"reference_salary": 55000}}  # its market salary in EUR 2023
    eur = scenario_from_dict({**base, "name": "eur", "costs": eur_costs, "workforce": pay})
    assert costs.pricing(eur).money == "EUR 2023"
    with pytest.raises(InputError) as exc:
        costs.check_same_money([usd, eur])
    assert "USD 2024" in exc.value.render() and "EUR 2023" in exc.value.render()
    # another currency must restate every money default
    with pytest.raises(InputError) as exc:
        scenario_from_dict({**priced(), "costs": {"currency": "EUR"}})
    for f in COSTS_MONEY_DEFAULTS:
        assert f in exc.value.render()


def test_turnover_is_priced_by_role():
    """A teacher leaver costs the cost per leaver (LPI, a teacher figure); a support or resident leaver a
    share of their role's pay (Boushey & Glynn 2012: 16 % for jobs under $30,000; residents: assumption)."""
    sc = scenario_from_dict(priced())
    led = copy.deepcopy(simulate(sc, 3))
    S = len(led.staff_role)
    dep = np.zeros((1, S), dtype=np.int64)
    for role in ("teacher", "leader", "aide", "resident"):
        dep[0, led.staff_role.index(role)] = 1
    led.extra["departures"] = dep
    c = costs.compute_costs(sc, led)
    assert c["cost_turnover"] == pytest.approx(20000 + 20000 + 0.16 * 30000 + 0.16 * 20000)
    assert sc.costs.turnover_cost_share_of_pay == {"support": 0.16, "resident": 0.16}
    stated = scenario_from_dict(priced(costs={"cost_per_leaver": 20000, "turnover_cost_share_of_pay": {"support": 0.5}}))
    assert costs.compute_costs(stated, led)["cost_turnover"] == pytest.approx(20000 + 20000 + 15000 + 20000)


def test_simulated_departures_are_priced_per_position():
    """The simulation records who left each position; the cost follows those records."""
    sc = scenario_from_dict(small_scenario(**{"workforce.decision.movers_by_experience": [0.3] * 4,
                                              "workforce.decision.leavers_by_experience": [0.3] * 4}))
    led = simulate(sc, 4)
    dep = led.extra["departures"]
    assert dep.sum() == led.extra["movers"].sum() + led.extra["leavers"].sum() + led.extra["midyear_departures"].sum()
    p = costs.pricing(sc)
    expected = sum(n * p.leaver_cost[r] for n, r in zip(dep[0], led.staff_role))
    assert costs.compute_costs(sc, led)["cost_turnover"] == pytest.approx(expected)
