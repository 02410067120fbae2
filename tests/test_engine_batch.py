"""One formulation of exhaustion: a day computed by hand, and by exhaustion.py's functions, agrees with the batch."""

from __future__ import annotations

import math

import numpy as np
import pytest
import simpy
from conftest import small_scenario

from staffsim.engine.ledger import EVENT_CODES
from staffsim.engine.plan import compile_plan
from staffsim.engine.streams import Streams
from staffsim.engine.workforce import exhaustion as ex
from staffsim.engine.year import SchoolYear
from staffsim.scenario.loading import scenario_from_dict
from staffsim.scenario.vocabulary import Activity

#: a static staff (nobody leaves, so everyone is in post) with no substitutes: coverage and combined classes
SCENARIO = small_scenario(**{"workforce.static": True, "policies.substitutes.pool_size": 0,
                             "behaviour.absence.days_per_year": 25})


@pytest.fixture(scope="module")
def run():
    plan = compile_plan(scenario_from_dict(SCENARIO))
    env = simpy.Environment()
    year = SchoolYear(plan, Streams(3), 1)
    env.process(year.run(env))
    env.run()
    return plan, year, year.ledger((3,))


def _combined(L, day: int) -> np.ndarray:
    """(S,) minutes of each position's classes combined on `day`."""
    ev = L.events[(L.events[:, 0] == day) & (L.events[:, 1] == EVENT_CODES["combined"])]
    out = np.zeros(L.minutes.shape[1])
    np.add.at(out, ev[:, 2], ev[:, 4])
    return out


def _pick(plan, L):
    """A mid-week day and a present teacher who covered a class while a teammate's class was combined."""
    absent = L.minutes[:, :, Activity.ABSENT] > 0
    cal = plan.calendar
    for t in range(1, L.days):
        if cal.rest_before[t]:  # mid-week: the same batch as the day before, no rest between
            continue
        comb = _combined(L, t)
        for s in np.flatnonzero(~absent[t] & (L.minutes[t, :, Activity.COVERAGE] > 0)):
            mates = (plan.staff_team == plan.staff_team[s]) & (np.arange(plan.n_staff) != s)
            if comb[mates].sum() > 0 and L.minutes[t, s, Activity.OVERTIME] > 0:
                return t, int(s)
    raise AssertionError("no such day in this run")


def test_a_day_by_hand_agrees_with_the_batch(run):
    plan, year, L = run
    t, s = _pick(plan, L)
    e = plan.scenario.workforce.exhaustion
    a = year.workforce.positions.gain[s]  # gain_per_day x this person's sensitivity
    m = L.minutes[t, s]
    team = plan.staff_team == plan.staff_team[s]
    absent = L.minutes[t, :, Activity.ABSENT] > 0
    size = int(team.sum())
    load = plan.team_students[plan.staff_team[s]] / size  # everyone in post (a static staff)
    uncovered = _combined(L, t)[team].sum() / size
    share_present = (team & ~absent).sum() - 1
    share_present /= size - 1
    D = (e.base_demand
         + e.overtime_weight * m[Activity.OVERTIME] / (60 * e.overtime_reference_hours)
         + e.coverage_weight * m[Activity.COVERAGE] / e.coverage_reference_minutes
         + e.load_weight * load / e.load_reference_students
         + e.uncovered_weight * uncovered / e.uncovered_reference_minutes)
    R = (e.base_resource
         + e.planning_weight * m[Activity.PLANNING_INDIVIDUAL] / e.planning_reference_minutes
         + e.collaboration_weight * m[Activity.PLANNING_COLLABORATIVE] / e.planning_reference_minutes
         + e.coaching_weight * m[Activity.COACHING_RECEIVED] / e.planning_reference_minutes
         + e.team_support_weight * share_present)
    lam = a * D + e.recovery_per_day * R
    star = a * D / lam
    E0 = L.extra["exhaustion"][t - 1, s]
    E1 = star + (E0 - star) * math.exp(-lam)
    assert L.extra["exhaustion"][t, s] == pytest.approx(E1, rel=1e-12, abs=0)


def test_the_exhaustion_functions_reproduce_the_batch(run):
    """The functions of exhaustion.py on one day's inputs give the batch's trajectory."""
    plan, year, L = run
    c = year.workforce.c
    t, _ = _pick(plan, L)
    E_prev, E_now = L.extra["exhaustion"][t - 1], L.extra["exhaustion"][t]
    M = L.minutes[t:t + 1]
    absent = M[:, :, Activity.ABSENT] > 0
    e = plan.scenario.workforce.exhaustion
    # the day's combined classes, per position of the team (per position of the school for one-person teams)
    comb = _combined(L, t)
    team_minutes = (comb @ c.onehot)[None, c.team]
    fixed = ex.uncovered_demand(c.d_full, np.zeros(1), c.k_unc_school, team_minutes, c.k_unc_team)
    units = ex.day_units(M, c.weights)
    D = ex.demand(units, fixed, None)
    R = ex.resource(units, ex.team_support(c.r_full, absent, c.mates_k))
    k, cc = ex.day_coefficients(D, R, year.workforce.positions.gain, e.recovery_per_day)
    ex.rest_when_absent(k, cc, absent, c.k_absent)
    np.testing.assert_array_equal(ex.advance(E_prev * c.rest_factor[t], k, cc)[0], E_now)
