"""What the workforce model derives from the scenario alone: a frozen record, cached per plan."""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from staffsim.engine.plan import Plan
from staffsim.engine.workforce import exhaustion as ex
from staffsim.engine.workforce import hazards
from staffsim.engine.workforce.mentoring import MentoringTerms, mentoring_terms
from staffsim.engine.workforce.pay import PayTerms, pay_terms
from staffsim.engine.workforce.stationary import ExitRates, incumbent_sensitivity_cdf, stationary_rates
from staffsim.scenario.calendar import MINUTES_PER_DAY
from staffsim.scenario.vocabulary import CATEGORY_CODES, CATEGORY_NAMES, Activity
from staffsim.scenario.workforce_params import Workforce as WorkforceParams

RESIDENT = CATEGORY_CODES["resident"]


@dataclass(frozen=True, eq=False)
class WorkforceConstants:
    """Read-only arrays and numbers shared by every replication of a plan (S positions, T teams)."""

    p: WorkforceParams
    S: int
    D1: int  # school days per year
    # the clock
    cal_day: np.ndarray  # (D1,) calendar day of each school day
    year_minutes: int  # SimPy minutes from one year's first Monday to the next's
    start_minute: int  # minute of the day the contract day starts
    summer_days: int  # working days of the summer (they count for hiring delays)
    flush_after: np.ndarray  # (D1,) bool: integrate exhaustion after this school day (a rest follows)
    rest_factor: np.ndarray  # (D1,) factor on E over the rest days before each school day
    season: np.ndarray | None  # (D1,) seasonal demand multiplier, None when flat
    # who holds what
    category: np.ndarray  # (S,) CATEGORY_CODES
    is_leader: np.ndarray  # (S,) bool
    is_resident: np.ndarray  # (S,) bool
    any_resident: bool
    team: np.ndarray  # (S,) team index
    team_of: tuple[int, ...]  # (S,) team index as Python ints
    onehot: np.ndarray  # (S, T) position -> team
    solo_team: tuple[bool, ...]  # (T,) one-person teams
    team_students: np.ndarray  # (T,) float
    pool_team: np.ndarray  # (T,) bool: teams with no roster of their own
    students: float
    # exhaustion
    weights: np.ndarray  # (A, 2) demand and resource units per minute of each ledger column
    k_load: float
    d_full: np.ndarray  # (S,) fixed demand with every position in post and nothing combined
    r_full: np.ndarray  # (S,) fixed resource with every teammate present
    team_support: bool  # anyone gets support from teammates (mates_k is not all zero)
    mates_k: np.ndarray  # (S, S) team-support weight of teammate j for s
    k_unc_school: np.ndarray  # (S,) per school position, felt by people on one-person teams
    k_unc_team: np.ndarray  # (S,) per team position, felt by teammates
    sens_cdf: np.ndarray | None  # (S, G) CDF of the initial staff's log-sensitivity (None: as newcomers')
    k_absent: float  # k of a day absent (a rest day)
    k_abs: float  # absence: log change in the start rate per unit of exhaustion (0 if static)
    ref_abs: float  # absence: exhaustion at which the base rate applies
    beta: tuple[float, float]  # Beta parameters of a newcomer's exhaustion
    # hazards by experience band, and by completed years x = 0 .. max_years (docs/model.md §2.4.5)
    c_mid_band: np.ndarray  # (4,) daily mid-year resignation hazard at the reference exhaustion
    mid_leave_share_band: np.ndarray  # (4,) share of mid-year resignations that leave teaching
    q_end: np.ndarray  # (X+1,) year-end move-or-leave probability at the reference exhaustion (if not retiring)
    end_leave_share: np.ndarray  # (X+1,) share of year-end exits that leave teaching
    retire: np.ndarray  # (X+1,) probability of retiring at the end of the year
    rates: ExitRates  # the stationary staff: experience of the initial staff and of experienced hires
    role_mult: np.ndarray  # (categories,) hazard multiplier by role category
    pay: PayTerms | None  # pay relative to the market, per position (None: every multiplier 1)
    mentoring: MentoringTerms | None  # policies.mentoring per position (None: no mentoring section)
    # part-time and external positions (engine/part_time.py)
    is_external: np.ndarray | None = None  # (S,) bool: held under an external engagement (None: no such position)
    off_days: bool = False  # some position has days wholly off site (neither work nor rest)
    contract_minutes: int = 0  # minutes of the contract day: a day with this many off site is a day off


_CONSTANTS: dict[int, tuple[weakref.ref[Plan], WorkforceConstants]] = {}


def beta_params(mean: float, sd: float) -> tuple[float, float]:
    """Beta(alpha, beta) with the given mean and standard deviation."""
    nu = mean * (1 - mean) / sd ** 2 - 1
    return mean * nu, (1 - mean) * nu


def constants(plan: Plan) -> WorkforceConstants:
    """The workforce constants of a plan (cached per plan object)."""
    hit = _CONSTANTS.get(id(plan))
    if hit is not None and hit[0]() is plan:
        return hit[1]
    c = _derive(plan)
    key = id(plan)
    _CONSTANTS[key] = (weakref.ref(plan, lambda _r, k=key: _CONSTANTS.pop(k, None)), c)
    return c


def _team_terms(plan: Plan) -> dict:
    """Team structure and the exhaustion terms that depend on it."""
    e = plan.scenario.workforce.exhaustion
    S, T = plan.n_staff, plan.n_teams
    team = plan.staff_team
    onehot = np.zeros((S, T))
    onehot[np.arange(S), team] = 1.0
    team_size = onehot.sum(axis=0)
    solo = team_size[team] < 2
    solo_f = solo.astype(float)
    mates = np.maximum(team_size[team] - 1, 1)
    team_students = plan.team_students.astype(float)
    pool_team = plan.team_students == 0
    k_load = ex.load_coefficient(e)
    full_load = ex.student_load(team_students, team_size[None, :], pool_team, float(plan.students))[0][team]
    k_support = e.team_support_weight / mates * (~solo)
    support = bool(k_support.any())
    same = (team[:, None] == team[None, :]) & ~np.eye(S, dtype=bool)
    k_unc = ex.uncovered_coefficient(e)
    return {
        "team": team,
        "team_of": tuple(int(t) for t in team),
        "onehot": onehot,
        "solo_team": tuple(bool(x) for x in team_size < 2),
        "team_students": team_students,
        "pool_team": pool_team,
        "students": float(plan.students),
        "k_load": k_load,
        "d_full": ex.load_demand(e.base_demand, k_load, full_load),
        "r_full": ex.full_resource(e, solo),
        "team_support": support,
        "mates_k": same * (k_support[None, :] if support else 0.0),
        "k_unc_school": k_unc / S * solo_f,
        "k_unc_team": k_unc / team_size[team] * (1.0 - solo_f),
    }


def _planning_kept(M: np.ndarray, ir, planning) -> np.ndarray:
    """(S,) workload absorbed by the planning an average day keeps; M's planning columns become what is kept.

    Expected interruptions (`ir`: `behaviour.interruptions`) eat individual planning first, then structured,
    then collaborative, as the day step does; `planning` is `behaviour.planning`.
    """
    IND, COL, STR = Activity.PLANNING_INDIVIDUAL, Activity.PLANNING_COLLABORATIVE, Activity.PLANNING_STRUCTURED
    ind, col, st = M[:, IND], M[:, COL], M[:, STR]
    if not st.any():
        eaten = np.minimum(ir.per_planning_hour * (ind + col) / 60.0 * ir.mean_minutes, ind + col)
        ind_kept = np.maximum(ind - eaten, 0.0)
        col_kept = col - (eaten - (ind - ind_kept))
        M[:, IND], M[:, COL] = ind_kept, col_kept
        return ind_kept + planning.collaboration_multiplier * col_kept
    total = ind + st + col
    eaten = np.minimum(ir.per_planning_hour * total / 60.0 * ir.mean_minutes, total)
    ind_kept = np.maximum(ind - eaten, 0.0)
    rest = eaten - (ind - ind_kept)
    st_kept = np.maximum(st - rest, 0.0)
    col_kept = col - (rest - (st - st_kept))
    M[:, IND], M[:, STR], M[:, COL] = ind_kept, st_kept, col_kept
    return ind_kept + planning.collaboration_multiplier * col_kept + planning.structured_multiplier * st_kept


def _typical_day(plan: Plan, weights: np.ndarray, d_full: np.ndarray, r_full: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(S,) demand and resource units of each position's average timetabled day with everyone in.

    Expected interruptions eat planning (individual first: `_planning_kept`); the workload planning kept does not absorb,
    netted over the week as the carry does, is overtime. Used only to weight the initial staff's
    sensitivity by tenure (`stationary.incumbent_sensitivity_cdf`).
    """
    sc = plan.scenario
    M = plan.minutes.mean(axis=0)  # a new array, changed in place below
    if plan.coaching_share is not None:  # a leader's coaching shared beyond the reference span (`engine/span.py`)
        kept_coaching = M[:, Activity.COACHING_RECEIVED] * plan.coaching_share
        M[:, Activity.PLANNING_INDIVIDUAL] += M[:, Activity.COACHING_RECEIVED] - kept_coaching
        M[:, Activity.COACHING_RECEIVED] = kept_coaching
    kept = _planning_kept(M, sc.behaviour.interruptions, sc.behaviour.planning)
    load = plan.workload_minutes if plan.on_site is None else plan.workload_minutes * plan.on_site.mean(axis=0)
    M[:, Activity.OVERTIME] = np.maximum(load - kept, 0.0)
    units = M @ weights
    return units[:, 0] + d_full, units[:, 1] + r_full


def _derive(plan: Plan) -> WorkforceConstants:
    sc = plan.scenario
    p = sc.workforce
    e = p.exhaustion
    cal = plan.calendar
    D1 = cal.school_days
    season = ex.season_profile(e.seasonal_demand, D1)
    mid = np.array(p.resignation.annual_rate_by_experience, dtype=float)
    mv = np.array(p.decision.movers_by_experience, dtype=float)
    lv = np.array(p.decision.leavers_by_experience, dtype=float)
    static = p.static  # exhaustion changes nobody's behaviour
    rates = stationary_rates(p)
    none = np.zeros(p.experience.max_years + 1)
    weights = np.column_stack(ex.column_weights(e, sc.behaviour.planning.structured_multiplier))
    team = _team_terms(plan)
    external = np.array([sc.roles[r].external for r in plan.staff_role], dtype=bool)
    d = p.decision
    sens_cdf = None
    if not (static or d.exhaustion_sensitivity == 0 or e.sensitivity_sd == 0):
        demand, resource = _typical_day(plan, weights, team["d_full"], team["r_full"])
        sens_cdf = incumbent_sensitivity_cdf(e.sensitivity_sd, demand, resource, e.gain_per_day, e.recovery_per_day,
                                             d.exhaustion_sensitivity, d.reference_exhaustion, rates.annual_exit,
                                             rates.annual_retire)
    return WorkforceConstants(
        p=p, S=plan.n_staff, D1=D1,
        cal_day=cal.calendar_day,
        year_minutes=(cal.calendar_days + 7 * sc.calendar.summer_weeks) * MINUTES_PER_DAY,
        start_minute=sc.contract_day.start,
        summer_days=5 * sc.calendar.summer_weeks,
        flush_after=np.r_[cal.rest_before[1:] > 0, True],
        rest_factor=ex.rest_factor(cal.rest_before, cal.break_before, e.weekend_recovery_per_day,
                                   e.break_recovery_per_day),
        season=season if np.any(season != 1.0) else None,
        category=plan.staff_category,
        is_leader=plan.is_leader,
        is_resident=plan.staff_category == RESIDENT,
        any_resident=bool((plan.staff_category == RESIDENT).any()),
        weights=weights,
        sens_cdf=sens_cdf,
        k_absent=1.0 - e.absence_recovery,
        k_abs=0.0 if static else p.absence.exhaustion_sensitivity,
        ref_abs=p.absence.reference_exhaustion,
        beta=beta_params(e.initial_mean, e.initial_sd),
        c_mid_band=np.zeros(4) if static else np.asarray(hazards.cumulative_hazard(np.minimum(mid, mv + lv))) / D1,
        mid_leave_share_band=np.divide(lv, mv + lv, out=np.zeros(4), where=(mv + lv) > 0),
        q_end=none if static else rates.q_end,
        end_leave_share=rates.end_leave_share,
        retire=none if static else rates.retire,
        rates=rates,
        role_mult=np.array([p.decision.role_multiplier.get(name, 1.0) for name in CATEGORY_NAMES]),
        pay=None if static else pay_terms(sc, plan.staff_role),
        mentoring=mentoring_terms(sc, plan.staff_role, plan.staff_team),
        is_external=external if external.any() else None,
        off_days=plan.on_site is not None and bool((plan.on_site == 0).any()),
        contract_minutes=plan.contract_minutes,
        **team,
    )
