"""The workforce model inside the simulation: contract, conservation, carry-over and directions."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from conftest import SCENARIOS, small_scenario

from staffsim import compute_metrics, simulate
from staffsim.engine.ledger import EVENT_CODES, split_years
from staffsim.metrics.frames import per_year_frame, staff_weeks_frame
from staffsim.engine.plan import compile_plan
from staffsim.metrics import workforce as wf
from staffsim.scenario.loading import (
    apply_overrides,
    load_scenario,
    read_scenario_dict,
    scenario_from_dict,
)
from staffsim.scenario.vocabulary import Activity

TRAD, _ = read_scenario_dict(SCENARIOS / "traditional.yaml")
CHURN = {  # far more turnover than the baseline, so vacancies, hires and promotions happen in small runs
    "workforce.resignation.annual_rate_by_experience": [0.4, 0.4, 0.4, 0.4],
    "workforce.decision.movers_by_experience": [0.3, 0.3, 0.3, 0.3],
    "workforce.decision.leavers_by_experience": [0.3, 0.3, 0.3, 0.3],
}


def sc(data: dict, **overrides):
    return scenario_from_dict(apply_overrides(data, overrides) if overrides else data)


def with_residents(data: dict, coaching: bool = True) -> dict:
    """The small scenario with one resident per team (co-teaching, optionally coached one hour a day)."""
    d = copy.deepcopy(data)
    d["roles"]["resident"] = {"category": "resident", "salary": 20000}
    d["timetables"]["res"] = {"every_day": [
        "08:00-09:00 whole_class", "09:00-10:00 " + ("coaching_received" if coaching else "planning"),
        "10:00-11:00 whole_class", "12:00-13:00 whole_class"]}
    d["teams"][0]["members"] = list(d["teams"][0]["members"]) + [{"role": "resident", "timetable": "res"}]
    return d


def mean_metric(scenario, name: str, seeds=range(10), years: int = 1) -> np.ndarray:
    return np.array([compute_metrics(simulate(scenario, s, years))[name] for s in seeds])


# ----------------------------------------------------------------- contract and bookkeeping
def test_summary_has_the_contracted_arrays():
    L = simulate(load_scenario(SCENARIOS / "traditional.yaml"), 3, years=2)
    D, S = L.filled.shape
    Y = 2
    x = L.extra
    assert x["exhaustion"].shape == (D, S) and x["exhaustion"].dtype == float
    assert x["long_term_sub"].shape == (D, S) and x["long_term_sub"].dtype == bool
    assert x["experience"].shape == (Y, S) and x["experience"].dtype == float
    for k in ("midyear_departures", "movers", "leavers", "staff_at_start", "residents_promoted"):
        assert x[k].shape == (Y,) and np.issubdtype(x[k].dtype, np.integer), k
    assert x["vacancy_days"].shape == (Y,) and x["vacancy_days"].dtype == float
    for k in ("effectiveness", "outcome", "graduate"):
        assert x[k].shape[1] == S


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_exhaustion_bounded_and_nan_exactly_when_vacant(seed):
    L = simulate(sc(small_scenario(), **CHURN), seed, years=3)
    E = L.extra["exhaustion"]
    assert np.array_equal(np.isnan(E), ~L.filled)
    assert (~L.filled).any()  # the churn produced vacancies
    e = E[~np.isnan(E)]
    assert e.min() >= 0.0 and e.max() <= 1.0
    # experience is NaN exactly for positions vacant at the start of a year
    starts = np.arange(3) * (L.days // 3)
    assert np.array_equal(np.isnan(L.extra["experience"]), ~L.filled[starts])


def replay_in_post(L) -> np.ndarray:
    """Who is in post each day, rebuilt from the events alone."""
    D, S = L.filled.shape
    years = len(np.unique(L.year))
    D1 = D // years
    code = {v: k for k, v in EVENT_CODES.items()}
    start = np.zeros(S, dtype=np.int64)  # everyone in post on day 0
    in_post = np.zeros((D, S), dtype=bool)
    end = np.full(S, D)
    ev = L.events[np.isin(L.events[:, 1], [EVENT_CODES[k] for k in ("resignation", "move", "leave", "hire")])]
    state = np.ones(S, dtype=bool)
    open_from = np.zeros(S, dtype=np.int64)
    # residents' posts end with the year: add those ends as events
    rows = [tuple(r) for r in ev]
    for y in range(years):
        for s in np.flatnonzero(L.staff_category == wf.RESIDENT):
            rows.append(((y + 1) * D1 - 1, -1, int(s), 0, 0))
    rows.sort(key=lambda r: (r[0], r[1] == EVENT_CODES["hire"]))
    for day, kind, s, _, _ in rows:
        if kind == EVENT_CODES["hire"]:
            assert not state[s], f"hire into an occupied position {s} on day {day}"
            state[s] = True
            open_from[s] = day
        else:
            if not state[s]:
                continue  # a resident who resigned mid-year has no year-end end
            in_post[open_from[s]:day + 1, s] = True
            state[s] = False
    for s in np.flatnonzero(state):
        in_post[open_from[s]:, s] = True
    return in_post


@pytest.mark.parametrize("seed", [4, 5])
def test_head_count_is_conserved(seed):
    """Every position is, every day, exactly one of: held by its occupant, vacant with a long-term
    substitute, vacant with nobody; and the events account for every change."""
    L = simulate(sc(with_residents(small_scenario()), **CHURN), seed, years=3)
    filled, lts = L.filled, L.extra["long_term_sub"]
    vacant_nobody = ~filled & ~lts
    states = filled.astype(int) + lts.astype(int) + vacant_nobody.astype(int)
    assert np.all(states == 1)
    assert np.array_equal(replay_in_post(L), filled)


def test_counts_agree_with_events_and_arrays():
    L = simulate(sc(with_residents(small_scenario()), **CHURN), 6, years=3)
    x = L.extra
    D1 = L.days // 3
    ev = L.events
    year = ev[:, 0] // D1
    for y in range(3):
        sel = year == y
        assert x["midyear_departures"][y] == np.sum(sel & (ev[:, 1] == EVENT_CODES["resignation"]))
        assert x["movers"][y] == np.sum(sel & (ev[:, 1] == EVENT_CODES["move"]))
        assert x["leavers"][y] == np.sum(sel & (ev[:, 1] == EVENT_CODES["leave"]))
        assert x["residents_promoted"][y] == np.sum(sel & (ev[:, 1] == EVENT_CODES["promotion"]))
        assert x["staff_at_start"][y] == np.sum(~np.isnan(x["experience"][y]))
        assert x["vacancy_days"][y] == np.sum(~L.filled[y * D1:(y + 1) * D1])
    assert x["movers"].sum() + x["leavers"].sum() + x["midyear_departures"].sum() > 0


def test_multi_year_carry_over():
    L = simulate(sc(small_scenario(), **{"workforce.resignation.annual_rate_by_experience": [0.2] * 4}), 7, years=4)
    xp, oc = L.extra["experience"], L.extra["outcome"]
    stay = oc[:-1] == wf.STAY
    assert stay.any()
    np.testing.assert_array_equal(xp[1:][stay], xp[:-1][stay] + 1)  # a year of experience
    # new hires arrive with little experience
    hires = L.events[L.events[:, 1] == EVENT_CODES["hire"]]
    assert len(hires) and np.mean(hires[:, 4]) < 4
    # partial recovery over the summer: stayers start the next year less exhausted than they ended
    D1 = L.days // 4
    E = L.extra["exhaustion"]
    for y in range(3):
        s = stay[y]
        assert np.all(E[(y + 1) * D1, s] < E[(y + 1) * D1 - 1, s] + 0.05)
        assert E[(y + 1) * D1, s].mean() < E[(y + 1) * D1 - 1, s].mean()


def test_same_seed_same_result_and_common_random_numbers():
    a = simulate(sc(TRAD), 11, years=2)
    b = simulate(sc(TRAD), 11, years=2)
    np.testing.assert_array_equal(a.extra["exhaustion"], b.extra["exhaustion"])
    np.testing.assert_array_equal(a.events, b.events)
    # another design with the same staff slots draws the same initial experience and exhaustion
    c = simulate(sc(TRAD, **{"roles.teacher.planning_workload_hours_per_week": 25}), 11)
    np.testing.assert_array_equal(a.extra["experience"][0], c.extra["experience"][0])


def test_static_workforce_has_no_turnover_and_base_rate_absence():
    base = small_scenario(**{"workforce.static": True})
    L = simulate(sc(base, **CHURN), 2, years=2)
    assert L.filled.all()
    assert L.extra["movers"].sum() == L.extra["leavers"].sum() == L.extra["midyear_departures"].sum() == 0
    # absences no longer depend on exhaustion: identical under a far heavier workload (common random numbers)
    heavy = simulate(sc(base, **{"roles.teacher.planning_workload_hours_per_week": 30}), 2, years=2)
    absent = lambda L: L.minutes[:, :, Activity.ABSENT] > 0
    np.testing.assert_array_equal(absent(L), absent(heavy))
    assert np.nanmean(heavy.extra["exhaustion"]) > np.nanmean(L.extra["exhaustion"])


# ----------------------------------------------------------------- vacancies, substitutes, residents
def test_vacancies_long_term_substitutes_and_hiring_delay():
    base = small_scenario(**CHURN)
    none = simulate(sc(base, **{"workforce.hiring.long_term_sub_probability": 0.0}), 8, years=2)
    assert not none.extra["long_term_sub"].any() and (~none.filled).any()
    full = simulate(sc(base, **{"workforce.hiring.long_term_sub_probability": 1.0,
                                "workforce.hiring.long_term_sub_delay_days": 0}), 8, years=2)
    lts, vac = full.extra["long_term_sub"], ~full.filled
    assert lts.any() and not (lts & full.filled).any()
    # a long-term substitute keeps adults in the room
    assert (full.adults_present >= none.adults_present - 1e-9).mean() > 0.9
    fast = mean_metric(sc(base, **{"workforce.hiring.mean_delay_days": 2}), "vacancy_days", range(6))
    slow = mean_metric(sc(base, **{"workforce.hiring.mean_delay_days": 40}), "vacancy_days", range(6))
    assert fast.mean() < slow.mean()


def test_residents_are_promoted_into_open_teacher_positions():
    d = with_residents(small_scenario(**CHURN))
    L = simulate(sc(d, **{"workforce.residents.promotion_probability": 1.0}), 9, years=3)
    x = L.extra
    assert x["residents_promoted"].sum() > 0
    promo = L.events[L.events[:, 1] == EVENT_CODES["promotion"]]
    assert np.all(L.staff_category[promo[:, 2]] == wf.TEACHER)  # into collaborating-teacher positions
    assert np.all(L.staff_category[promo[:, 3]] == wf.RESIDENT)
    D1 = L.days // 3
    for day, _, target, _, _ in promo:
        y = day // D1 + 1
        if y < 3:
            assert x["graduate"][y, target]  # flagged as a residency graduate
            assert x["experience"][y, target] == 0
            hire = L.events[(L.events[:, 1] == EVENT_CODES["hire"]) & (L.events[:, 2] == target) & (L.events[:, 0] == y * D1)]
            assert len(hire) == 1 and hire[0, 3] == 1
    never = simulate(sc(d, **{"workforce.residents.promotion_probability": 0.0}), 9, years=3)
    assert never.extra["residents_promoted"].sum() == 0


def test_graduates_leave_less():
    base = small_scenario(**{"workforce.experience.initial_shares": [1, 0, 0, 0]})
    grads = sc(base, **{"workforce.experience.initial_graduate_share": 1.0})
    others = sc(base)
    g = mean_metric(grads, "turnover_rate", range(30))
    o = mean_metric(others, "turnover_rate", range(30))
    assert np.nanmean(g) < np.nanmean(o)


# ----------------------------------------------------------------- directions (issue 3)
def test_more_protected_planning_less_overtime_lower_exhaustion():
    base = small_scenario()
    more = copy.deepcopy(base)
    for t in ("a", "b"):
        more["timetables"][t]["every_day"] = list(more["timetables"][t]["every_day"]) + ["14:00-15:00 planning"]
    seeds = range(8)
    ot_b, ot_m = mean_metric(sc(base), "overtime_hours_per_week", seeds), mean_metric(sc(more), "overtime_hours_per_week", seeds)
    e_b, e_m = mean_metric(sc(base), "mean_exhaustion_over_year", seeds), mean_metric(sc(more), "mean_exhaustion_over_year", seeds)
    assert np.all(ot_m < ot_b)
    assert np.all(e_m < e_b)  # paired by seed: common random numbers


def test_higher_exhaustion_more_absences():
    seeds = range(12)
    light = sc(TRAD)
    heavy = sc(TRAD, **{"roles.teacher.planning_workload_hours_per_week": 24})
    e_l, e_h = mean_metric(light, "mean_exhaustion_over_year", seeds), mean_metric(heavy, "mean_exhaustion_over_year", seeds)
    a_l, a_h = mean_metric(light, "absence_days_per_staff", seeds), mean_metric(heavy, "absence_days_per_staff", seeds)
    assert e_h.mean() > e_l.mean() + 0.03
    d = a_h - a_l
    assert d.mean() > 0.5 and d.mean() > 3 * d.std(ddof=1) / np.sqrt(len(d))


def test_fewer_substitutes_more_coverage_higher_exhaustion():
    seeds = range(10)
    many = sc(TRAD, **{"policies.substitutes.pool_size": 20, "policies.substitutes.fill_rate": 1.0})
    none = sc(TRAD, **{"policies.substitutes.pool_size": 0})
    cov_m, cov_n = mean_metric(many, "coverage_hours_per_week", seeds), mean_metric(none, "coverage_hours_per_week", seeds)
    e_m, e_n = mean_metric(many, "mean_exhaustion_over_year", seeds), mean_metric(none, "mean_exhaustion_over_year", seeds)
    assert np.all(cov_n > cov_m)
    d = e_n - e_m
    assert d.mean() > 0.005 and d.mean() > 3 * d.std(ddof=1) / np.sqrt(len(d))


def test_weekends_and_breaks_lower_exhaustion():
    scen = sc(TRAD)
    fri, mon, before, after = [], [], [], []
    cal = compile_plan(scen).calendar
    after_break = np.flatnonzero(cal.break_before)
    after_weekend = np.flatnonzero((cal.rest_before == 2) & ~cal.break_before)
    for s in range(4):
        L = simulate(scen, s)
        E = L.extra["exhaustion"][:, L.is_teacher]
        mon.append(np.nanmean(E[after_weekend]))
        fri.append(np.nanmean(E[after_weekend - 1]))
        after.append(np.nanmean(E[after_break]))
        before.append(np.nanmean(E[after_break - 1]))
    assert len(after_break) == 3
    assert np.mean(mon) < np.mean(fri)
    assert np.mean(after) < np.mean(before)
    # and without weekend and break recovery the year is more exhausting
    tired = sc(TRAD, **{"workforce.exhaustion.weekend_recovery_per_day": 0.0,
                        "workforce.exhaustion.break_recovery_per_day": 0.0})
    assert np.all(mean_metric(tired, "mean_exhaustion_over_year", range(4))
                  > mean_metric(scen, "mean_exhaustion_over_year", range(4)))


def test_coaching_raises_resident_effectiveness():
    coached = sc(with_residents(small_scenario(), coaching=True))
    alone = sc(with_residents(small_scenario(), coaching=False))
    res = None
    gains = []
    for s in range(4):
        a, b = simulate(coached, s), simulate(alone, s)
        res = a.staff_category == wf.RESIDENT
        ea, eb = a.extra["effectiveness"][:, res], b.extra["effectiveness"][:, res]
        ok = ~np.isnan(ea[-1]) & ~np.isnan(eb[-1])
        gains.append((ea[-1, ok] - eb[-1, ok]).mean())
        first = ea[0][~np.isnan(ea[0])]
        assert np.all(ea[-1, ok] > first.min())  # residents learn on the job either way
    assert np.all(np.array(gains) > 0.05)


# ----------------------------------------------------------------- metrics
def test_metrics_registered_and_sensible_on_whole_runs_and_years():
    L = simulate(sc(TRAD), 12, years=3)
    m = compute_metrics(L)
    for name in wf.WORKFORCE_METRICS:
        assert name in m, name
    for name in ("mean_exhaustion", "burnout_share", "turnover_rate", "midyear_departure_rate", "mover_rate",
                 "leaver_rate", "staff_retained_share"):
        assert 0 <= m[name] <= 1, name
    assert m["turnover_rate"] == pytest.approx(m["mover_rate"] + m["leaver_rate"])
    assert np.isnan(m["turnover_rate_teacher_leader"])  # no teacher-leaders in the traditional design
    years = [compute_metrics(part) for part in split_years(L)]
    assert len(years) == 3
    c = wf.cohort_counts(L)
    assert m["turnover_rate"] == pytest.approx(c["turnover"][0] / c["turnover"][1])
    assert sum(wf.cohort_counts(p)["turnover"][0] for p in split_years(L)) == c["turnover"][0]
    assert m["vacancy_days"] == pytest.approx(np.mean([y["vacancy_days"] for y in years]))
    table = per_year_frame(L)
    assert list(table["year"]) == [0, 1, 2] and "mean_exhaustion" in table and "leavers" in table
    # staff retained over three years can only be lower than after the first year
    assert m["staff_retained_share"] <= 1 - years[0]["turnover_rate"] + 1e-12


def test_staff_weeks_have_weekly_exhaustion():
    L = simulate(sc(small_scenario(**CHURN)), 3, years=2)
    df = staff_weeks_frame(L, "small", 0, 0)
    assert "exhaustion" in df
    v = df["exhaustion"].to_numpy()
    ok = ~np.isnan(v)
    assert ok.mean() > 0.8 and v[ok].min() >= 0 and v[ok].max() <= 1
    # weeks with nobody in post have no exhaustion
    assert np.all(np.isnan(v[df["days_in_post"].to_numpy() == 0]))
    # the weekly value is the mean of the daily values
    E = L.extra["exhaustion"]
    assert v[0] == pytest.approx(np.nanmean(E[:5, 0]))


# ----------------------------------------------------------------- the stationary staff (issue 10)
def test_stationary_rates_reproduce_the_published_band_rates_by_construction():
    """At the reference exhaustion, over the stationary staff of each NCES band: mid-year departures,
    retirements and year-end exits give the band's movers + leavers, and its movers, exactly; two in three
    of the 20+ band's leavers retire (NCES TFS 2008-09: 67.0 %)."""
    from staffsim.engine.workforce.codes import experience_band
    from staffsim.engine.workforce.stationary import stationary_rates
    from staffsim.scenario.workforce_params import Workforce

    p = Workforce()
    r = stationary_rates(p)
    x = np.arange(len(r.experience))
    band = experience_band(x)
    mid = np.array(p.resignation.annual_rate_by_experience)[band]
    movers = np.array(p.decision.movers_by_experience)
    total = movers + np.array(p.decision.leavers_by_experience)
    gone = 1 - (1 - mid) * (1 - r.retire) * (1 - r.q_end)
    moved = mid * (movers / total)[band] + (1 - mid) * (1 - r.retire) * r.q_end * (1 - r.end_leave_share)
    for b in range(4):
        w = r.experience[band == b] / r.experience[band == b].sum()
        assert (w * gone[band == b]).sum() == pytest.approx(total[b], abs=1e-9)
        assert (w * moved[band == b]).sum() == pytest.approx(movers[b], abs=1e-9)
    w20 = r.experience[band == 3] / r.experience[band == 3].sum()
    retired = (w20 * (1 - mid[band == 3]) * r.retire[band == 3]).sum()
    assert retired / p.decision.leavers_by_experience[3] == pytest.approx(0.67, abs=0.03)
    assert r.retire[-1] == 1 and np.all(np.diff(r.retire[15:]) > 0)  # rising with age, certain at the top
    assert r.experience.sum() == pytest.approx(1) and r.experience[-1] < 1e-4


def test_new_hires_follow_the_first_year_share_and_leaders_are_experienced():
    from staffsim.engine.workforce.stationary import LEADER_MIN_YEARS, hire_years, stationary_rates
    from staffsim.scenario.workforce_params import Workforce

    p = Workforce()
    r = stationary_rates(p)
    u = (np.arange(4000) + 0.5) / 4000
    years = np.array([hire_years(r, p.hiring.first_year_share, ui, False) for ui in u])
    assert (years == 0).mean() == pytest.approx(p.hiring.first_year_share, abs=1e-3)  # NTPS 2015-16: 37.8 %
    assert years[years > 0].min() >= 1 and years.max() < len(r.experience)
    assert (years[:-1] <= years[1:]).all()  # monotone in the uniform: common random numbers
    leaders = np.array([hire_years(r, p.hiring.first_year_share, ui, True) for ui in u])
    assert leaders.min() >= LEADER_MIN_YEARS


def test_the_initial_staff_is_drawn_from_the_stationary_distribution():
    from staffsim.engine.workforce.constants import constants
    from staffsim.engine.workforce.positions import initial_experience

    c = constants(compile_plan(load_scenario(SCENARIOS / "traditional.yaml")))
    u = (np.arange(c.S) + 0.5) / c.S
    grid = (np.arange(20000) + 0.5) / 20000
    years = np.concatenate([initial_experience(c, np.full(c.S, g), u)[~c.is_leader & ~c.is_resident][:1] for g in grid])
    hist = np.bincount(years.astype(int), minlength=len(c.rates.experience)) / len(years)
    assert np.abs(hist - c.rates.experience).max() < 1e-3
    shares = (1.0, 0.0, 0.0, 0.0)  # cohort experiments state the bands
    cohort = constants(compile_plan(load_scenario(SCENARIOS / "traditional.yaml",
                                                  {"workforce.experience.initial_shares": list(shares)})))
    assert initial_experience(cohort, grid[:c.S], u).max() <= 2


def test_retirement_ends_long_careers():
    """Ten years of a staff that starts near retirement: almost everyone retires, nobody passes max_years."""
    s = sc(TRAD, **{"workforce.experience.initial_shares": [0, 0, 0, 1]})
    L = simulate(s, 5, years=10)
    xp = L.extra["experience"]
    assert np.nanmax(xp) <= s.workforce.experience.max_years
    ev = L.events
    retire = (ev[:, 1] == EVENT_CODES["leave"]) & (ev[:, 3] == 1)
    assert retire.sum() > 0 and L.extra["retirements"].sum() == retire.sum()
