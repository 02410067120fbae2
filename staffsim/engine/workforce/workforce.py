"""Who holds each position: exhaustion, absence, resignation, year-end decisions, hiring, residents.

The core model (`model.py`) asks this module, once per school day, how likely
each person is to be absent (`absence_multiplier`) and which positions stand
vacant or are held by a long-term substitute (`vacant`, `long_term_sub`); it
reports back what each day did (`after_day`) and the end of each year
(`end_of_year`); rest between days is folded into the weekly batch below. Equations, parameters and sources: docs/model.md.

Speed. Exhaustion only feeds back into the day through the absence
multiplier and the resignation hazard, so it is integrated in one vectorized
batch per school week (at the last school day before a rest, or before a
position changes hands) from the minutes the ledger already holds, instead of
per day (weekend and break recovery are folded into the batch as a factor on
the first day after a rest): the absence multiplier therefore uses exhaustion
as of the end of the previous week, and a resignation decided on day t takes
effect after `notice_days` school days (at the earliest the next day not yet
simulated). The work per school day outside the batch is nil.

Randomness comes from the named streams `initial_state`, `resignation`,
`decision` and `hiring`, drawn in bulk per year and shaped (staff, ...) so that
staff slot j sees the same numbers in every design (common random numbers).
"""

from __future__ import annotations

import weakref
from types import SimpleNamespace

import numpy as np
import simpy
from scipy import special

from staffsim.engine.workforce import exhaustion as ex
from staffsim.engine.workforce import hazards
from staffsim.scenario.vocabulary import Activity
from staffsim.scenario.calendar import MINUTES_PER_DAY
from staffsim.engine.ledger import EVENT_CODES
from staffsim.engine.plan import Plan
from staffsim.scenario.vocabulary import CATEGORY_CODES, CATEGORY_NAMES
from staffsim.engine.streams import Streams

from staffsim.engine.workforce.codes import VACANT_AT_START, STAY, MID_MOVE, MID_LEAVE, END_MOVE, END_LEAVE, COMPLETED, PROMOTED, _BAND_RANGES, experience_band

LEADER = CATEGORY_CODES["teacher_leader"]
TEACHER = CATEGORY_CODES["teacher"]
SUPPORT = CATEGORY_CODES["support"]
RESIDENT = CATEGORY_CODES["resident"]
A_ABSENT = int(Activity.ABSENT)
A_CREC = int(Activity.COACHING_RECEIVED)
E_COMB = EVENT_CODES["combined"]
E_RESIGN = EVENT_CODES["resignation"]
E_HIRE = EVENT_CODES["hire"]
E_MOVE = EVENT_CODES["move"]
E_LEAVE = EVENT_CODES["leave"]
E_PROMOTION = EVENT_CODES["promotion"]
_CONSTANTS: dict[int, tuple] = {}
FLUSH_WEEKS = 1  # school weeks per exhaustion batch (the lag of the absence multiplier)
K_DRAWS = 8  # random draws kept per staff slot and year for vacancies, hires and resignations


def beta_params(mean: float, sd: float) -> tuple[float, float]:
    """Beta(alpha, beta) with the given mean and standard deviation."""
    nu = mean * (1 - mean) / sd ** 2 - 1
    return mean * nu, (1 - mean) * nu


def _plan_constants(plan: Plan) -> SimpleNamespace:
    """Everything the workforce model derives from the scenario alone (cached per plan)."""
    hit = _CONSTANTS.get(id(plan))
    if hit is not None and hit[0]() is plan:
        return hit[1]
    c = SimpleNamespace()
    sc = plan.scenario
    p = sc.workforce
    S, T = plan.n_staff, plan.n_teams
    cal = plan.calendar
    c.p = p
    c.S, c.D1 = S, cal.school_days
    c.cal_day = cal.calendar_day
    c.year_minutes = (cal.calendar_days + 7 * sc.calendar.summer_weeks) * MINUTES_PER_DAY
    c.start_minute = sc.contract_day.start
    c.summer_days = 5 * sc.calendar.summer_weeks
    cat = plan.staff_category
    c.category = cat
    c.is_leader = cat == LEADER
    c.has_leader = bool(c.is_leader.any())
    c.is_resident = cat == RESIDENT
    c.any_resident = bool(c.is_resident.any())
    c.team = plan.staff_team
    c.team_list = [int(t) for t in c.team]
    c.onehot = np.zeros((S, T))
    c.onehot[np.arange(S), c.team] = 1.0
    team_size = c.onehot.sum(axis=0)
    c.solo = team_size[c.team] < 2
    c.solo_f = c.solo.astype(float)
    c.any_team = not c.solo.all()
    c.n_teams = T
    c.mates = np.maximum(team_size[c.team] - 1, 1)
    c.team_students = plan.team_students.astype(float)
    c.pool_team = plan.team_students == 0
    c.total_students = float(plan.students)
    # exhaustion constants
    e = p.exhaustion
    c.w_demand, c.w_resource = ex.column_weights(e)
    c.w_both = np.column_stack([c.w_demand, c.w_resource])
    c.k_load = e.load_weight / e.load_reference_students
    c.k_unc = e.uncovered_weight / e.uncovered_reference_minutes
    c.inv_mates = 1.0 / c.mates
    full_load = np.where(c.pool_team, c.total_students / S, c.team_students / team_size)[c.team]
    c.d_full = e.base_demand + c.k_load * full_load
    c.k_support = e.team_support_weight / c.mates * (~c.solo)
    if not c.k_support.any():
        c.k_support = None
    c.r_full = e.base_resource + (e.team_support_weight * ~c.solo if c.k_support is not None else 0.0)
    c.solo_team = [bool(x) for x in team_size < 2]
    c.k_unc_school = c.k_unc / S * c.solo_f  # per school position, felt by people on one-person teams
    c.k_unc_team = c.k_unc / team_size[c.team] * (1.0 - c.solo_f)  # per team position, felt by teammates
    c.team_f = 1.0 - c.solo_f
    same = (c.team[:, None] == c.team[None, :]) & ~np.eye(S, dtype=bool)
    c.mates_k = same * (c.k_support[None, :] if c.k_support is not None else 0.0)
    c.k_absent = 1.0 - e.absence_recovery
    c.k_abs, c.ref_abs = p.absence.exhaustion_sensitivity, p.absence.reference_exhaustion
    c.season = ex.season_profile(e.seasonal_demand, c.D1)
    c.seasonal = bool(np.any(c.season != 1.0))
    week_end = np.r_[cal.rest_before[1:] > 0, True]
    c.flush_after = week_end & ((cal.week % FLUSH_WEEKS == FLUSH_WEEKS - 1) | np.r_[cal.break_before[1:], True])
    rate = np.where(cal.break_before, e.break_recovery_per_day, e.weekend_recovery_per_day)
    c.rest_factor = (1.0 - rate) ** cal.rest_before  # exhaustion.rest over the days before each school day
    c.beta = beta_params(e.initial_mean, e.initial_sd)
    # hazard constants by band
    mid = np.array(p.resignation.annual_rate_by_experience, dtype=float)
    mv = np.array(p.decision.movers_by_experience, dtype=float)
    lv = np.array(p.decision.leavers_by_experience, dtype=float)
    c.c_mid_band = np.asarray(hazards.cumulative_hazard(mid)) / c.D1
    c.q_end_band = np.asarray(hazards.remaining_probability(mv + lv, np.minimum(mid, mv + lv)))
    c.leave_share_band = np.divide(lv, mv + lv, out=np.zeros(4), where=(mv + lv) > 0)
    c.role_mult = np.array([p.decision.role_multiplier.get(name, 1.0) for name in CATEGORY_NAMES])
    if p.static:  # exhaustion changes nobody's behaviour
        c.c_mid_band = np.zeros(4)
        c.q_end_band = np.zeros(4)
        c.k_abs = 0.0
    key = id(plan)
    _CONSTANTS[key] = (weakref.ref(plan, lambda _r, k=key: _CONSTANTS.pop(k, None)), c)
    return c


class Workforce:
    """Per-position state of one replication, and the SimPy processes of vacancies and departures."""

    def __init__(self, plan: Plan, streams: Streams, years: int):
        self.__dict__.update(_plan_constants(plan).__dict__)  # read-only arrays shared by replications
        S = self.S
        self.plan, self.streams, self.years = plan, streams, years
        self.D = self.D1 * years
        self.res_thr = None
        # state of the person in each position
        self.vacant = np.zeros(S, dtype=bool)
        self.long_term_sub = np.zeros(S, dtype=bool)
        self.E = np.zeros(S)
        self.sens = np.ones(S)
        self.exp = np.zeros(S)
        self.graduate = np.zeros(S, dtype=bool)
        self.eff = np.ones(S)
        self.eff_floor = np.zeros(S)
        self.band = np.zeros(S, dtype=np.int64)
        self.c_mid = np.zeros(S)
        self.gain = np.zeros(S)
        self.h_mult = np.ones(S)
        self.leaving = np.zeros(S, dtype=bool)
        self.cohort = np.zeros(S, dtype=bool)
        self.token = np.zeros(S, dtype=np.int64)
        self.fill_day = np.full(S, -1, dtype=np.int64)
        self.changed = np.zeros(S, dtype=bool)
        # history
        D, Y = self.D, years
        self.E_hist = np.full((D, S), np.nan)
        self.eff_hist = np.full((D, S), np.nan)
        self.lts_hist = np.zeros((D, S), dtype=bool)
        self.exp_start = np.full((Y, S), np.nan)
        self.grad_start = np.zeros((Y, S), dtype=bool)
        self.outcome = np.full((Y, S), VACANT_AT_START, dtype=np.int8)
        self.n_mid = np.zeros(Y, dtype=np.int64)
        self.n_move = np.zeros(Y, dtype=np.int64)
        self.n_leave = np.zeros(Y, dtype=np.int64)
        self.n_start = np.zeros(Y, dtype=np.int64)
        self.n_promoted = np.zeros(Y, dtype=np.int64)
        self.pending_end: list[tuple[int, bool]] = []
        self.school = None
        self.env: simpy.Environment | None = None
        self.y = 0
        self.batch_lo = self.day_done = self.ev_mark = 0
        self._initial_state()
        self.abs_mult = ex.multiplier(self.E, self.k_abs, self.ref_abs)

    # ----------------------------------------------------------------- draws
    def _initial_state(self) -> None:
        """Exhaustion, sensitivity, experience and graduate flag of the first year's staff."""
        p, S = self.p, self.S
        u = self.streams.get("initial_state", 0).random((S, 5))
        self.E[:] = special.betaincinv(*self.beta, u[:, 0])
        self.sens[:] = np.exp(p.exhaustion.sensitivity_sd * special.ndtri(u[:, 1]))
        shares = np.array(p.experience.initial_shares, dtype=float)
        lead = shares.copy()
        lead[0] = 0.0
        lead = lead / lead.sum() if lead.sum() > 0 else shares
        band = np.where(self.is_leader,
                        np.minimum(np.searchsorted(np.cumsum(lead), u[:, 2], side="right"), 3),
                        np.minimum(np.searchsorted(np.cumsum(shares), u[:, 2], side="right"), 3))
        lo = np.array([r[0] for r in _BAND_RANGES] + [19])[band]
        hi = np.array([r[1] for r in _BAND_RANGES] + [p.experience.max_years - 1])[band]
        self.exp[:] = np.where(self.is_resident, 0.0, lo + np.floor(u[:, 3] * (hi - lo + 1)))
        self.graduate[:] = (u[:, 4] < p.experience.initial_graduate_share) & ~self.is_resident
        self.eff[:] = np.where(self.is_resident, p.residents.initial_effectiveness, 1.0)
        self._refresh(np.arange(S))

    def _refresh(self, idx: np.ndarray) -> None:
        """Recompute band, hazard constants and effectiveness of the people in positions idx."""
        p = self.p
        b = experience_band(self.exp[idx])
        self.band[idx] = b
        m = np.where(self.graduate[idx], p.residents.graduate_hazard_multiplier, 1.0) * self.role_mult[self.category[idx]]
        self.h_mult[idx] = m
        self.c_mid[idx] = self.c_mid_band[b] * m
        self.gain[idx] = p.exhaustion.gain_per_day * self.sens[idx]
        if self.res_thr is not None:
            self._thresholds(idx)
        xp = p.experience
        curve = ex.experience_effectiveness(self.exp[idx], xp.novice_effectiveness, xp.effectiveness_time_constant_years)
        self.eff[idx] = np.where(self.is_resident[idx], self.eff[idx], np.maximum(curve, self.eff_floor[idx]))

    # ----------------------------------------------------------------- hooks called by the model
    def begin_year(self, y: int, school) -> None:
        """Draw the year's randomness; record who is in post at the start of year y."""
        S, D1, st = self.S, self.D1, self.streams
        self.school, self.y = school, y
        # Exp(1) draws, one per staff slot and day (drawn (S, D1) for common random numbers), as logs by day
        self.log_res = np.log(-np.log1p(-st.get("resignation", y).random((S, D1)))).T.copy()
        self.res_thr = np.empty((D1, S))
        self.res_dest = st.get("resignation", y, 1).random((S, K_DRAWS))
        self.dec_u = st.get("decision", y).random((S, 2))
        self.hire_u = st.get("hiring", y).random((S, K_DRAWS, 6))
        self.vk = np.zeros(S, dtype=np.int64)
        self.hk = np.zeros(S, dtype=np.int64)
        self.rk = np.zeros(S, dtype=np.int64)
        occ = ~self.vacant
        self.cohort = occ.copy()
        self.exp_start[y] = np.where(occ, self.exp, np.nan)
        self.grad_start[y] = self.graduate & occ
        self.outcome[y] = np.where(occ, STAY, VACANT_AT_START)
        self.n_start[y] = int(occ.sum())
        self._refresh(np.arange(S))
        self.batch_lo = self.day_done = y * D1
        self.ev_mark = len(school.events)

    def absence_multiplier(self) -> np.ndarray:
        """(S,) factor on the daily probability of starting an absence: exp(k (E - E_ref))."""
        return self.abs_mult

    def any_leader_out(self, out: np.ndarray) -> bool:
        return self.has_leader and bool((out & self.is_leader).any())

    def teams_without_leader(self, out: np.ndarray) -> np.ndarray:
        """(T,) bool: teams whose teacher-leader(s) are all out today (unled teams excluded)."""
        T = self.plan.n_teams
        leaders_in = np.bincount(self.plan.staff_team, weights=self.is_leader & ~out, minlength=T)
        return self.plan.team_led & (leaders_in == 0)

    def after_day(self, env: simpy.Environment, y: int, d: int, day: int, M: np.ndarray, out: np.ndarray, school) -> None:
        self.day_done = day + 1
        self.changed[:] = False
        if self.flush_after[d]:
            self.env = env
            self._flush()

    # ----------------------------------------------------------------- the weekly batch
    def _flush(self) -> None:
        """Integrate exhaustion (and residents' learning) over the days simulated since the last batch.

        Written for speed (one call per school week, ~20 numpy operations on (days, staff) arrays):
        the equations are those of `exhaustion.py`.
        """
        lo, hi = self.batch_lo, self.day_done
        if hi <= lo:
            return
        sch = self.school
        e = self.p.exhaustion
        n = hi - lo
        d0 = lo - self.y * self.D1
        M = sch.minutes[lo:hi]
        filled = sch.filled[lo:hi]
        absent = M[:, :, A_ABSENT] > 0  # absent, or the position vacant
        any_absent = np.count_nonzero(absent) > 0
        # demand and resource units that do not come from the day's minutes
        if np.count_nonzero(filled) == filled.size:
            d_fix = self.d_full  # base demand + student load with every position in post
        else:
            adults = (filled | self.lts_hist[lo:hi]) @ self.onehot  # (n, T) adults in post
            load_t = self.team_students / np.maximum(adults, 1.0)
            if self.pool_team.any():
                load_t[:, self.pool_team] = (self.total_students / np.maximum(adults.sum(axis=1), 1.0))[:, None]
            d_fix = e.base_demand + self.k_load * load_t[:, self.team]
        r_fix = self.r_full  # base resource + full team support
        if any_absent and self.k_support is not None:
            # team support: the share of teammates present (mates_k[j, s] = weight / mates of s, j a teammate)
            r_fix = r_fix - absent @ self.mates_k
        # colleagues' classes combined (nobody covered them), from the events of these days:
        # minutes per position of the team, or of the school for one-person teams
        events = sch.events
        rows = [r for r in events[self.ev_mark:] if r[1] == E_COMB and lo <= r[0] < hi]
        self.ev_mark = len(events)
        if rows:
            school = [0.0] * n
            comb = None
            team, solo = self.team_list, self.solo_team
            for r in rows:
                t = team[r[2]]
                if solo[t]:
                    school[r[0] - lo] += r[4]
                else:
                    if comb is None:
                        comb = np.zeros((n, self.n_teams))
                    comb[r[0] - lo, t] += r[4]
            d_fix = d_fix + np.array(school)[:, None] * self.k_unc_school
            if comb is not None:
                d_fix = d_fix + comb[:, self.team] * self.k_unc_team
        DR = M @ self.w_both  # (n, S, 2): demand and resource units from the day's minutes
        D = DR[:, :, 0] + d_fix
        if self.seasonal:
            D *= self.season[d0:d0 + n, None]
        k, c = ex.day_coefficients(D, DR[:, :, 1] + r_fix, self.gain, e.recovery_per_day)
        if any_absent:  # an absence is a rest day
            k[absent] = self.k_absent
            c[absent] = 0.0
        # weekends and breaks before each day (with weekly batches: only before the first day)
        if FLUSH_WEEKS > 1:
            k *= self.rest_factor[d0:d0 + n, None]
            E0 = self.E
        else:
            E0 = self.E * self.rest_factor[d0]
        traj = ex.advance(E0, k, c)
        self.E = traj[-1].copy()
        self.E_hist[lo:hi] = traj
        if self.any_resident:
            r = self.p.residents
            rate = (r.learning_per_day + r.learning_per_coaching_hour / 60.0 * M[:, :, A_CREC]) * (self.is_resident & ~absent)
            eff = 1.0 - (1.0 - self.eff) * np.exp(-np.cumsum(rate, axis=0))
            self.eff = eff[-1].copy()
            self.eff_hist[lo:hi] = eff
        else:
            self.eff_hist[lo:hi] = self.eff
        self.batch_lo = hi
        self.abs_mult = np.exp(self.k_abs * (self.E - self.ref_abs))
        # Mid-year resignation on day t when c·exp(k (E_t - E_ref)) > the day's Exp(1) draw,
        # i.e. when E_t exceeds the precomputed threshold (log draw - log c)/k + E_ref.
        hit = traj > self.res_thr[d0:d0 + n]
        hit &= filled
        if np.count_nonzero(hit):
            hit[:, self.leaving] = False
            for s in np.flatnonzero(hit.any(axis=0)):
                self._resign(int(s), lo + int(np.argmax(hit[:, s])))

    def _thresholds(self, idx: np.ndarray | slice) -> None:
        """Exhaustion above which the person in each position resigns on each day of the year."""
        rs = self.p.resignation
        with np.errstate(divide="ignore", invalid="ignore"):
            logc = np.log(self.c_mid[idx])
            if rs.exhaustion_sensitivity > 0:
                thr = (self.log_res[:, idx] - logc) / rs.exhaustion_sensitivity + rs.reference_exhaustion
            else:
                thr = np.where(self.log_res[:, idx] < logc, -np.inf, np.inf)
        self.res_thr[:, idx] = np.nan_to_num(thr, nan=np.inf)

    # ----------------------------------------------------------------- time helpers
    def _at(self, day: int) -> float:
        """SimPy time an hour before the contract day of run day `day` starts."""
        y, d = divmod(int(day), self.D1)
        return y * self.year_minutes + int(self.cal_day[d]) * MINUTES_PER_DAY + self.start_minute - 60

    def _advance(self, t: int, days: int, summer_first: bool = False) -> int:
        """The run day `days` school days after day t; working days of the summer count for hiring."""
        W, D1 = self.summer_days, self.D1
        if summer_first:
            days = max(days - W, 0)
        end = (t // D1 + 1) * D1
        if t + days < end:
            return t + days
        over = t + days - end
        if over <= W:
            return end
        return end + min(over - W, D1 - 1)

    # ----------------------------------------------------------------- changes of occupant
    def _resign(self, s: int, t: int) -> None:
        """Person in position s decides on day t to resign; they leave after the notice period."""
        self.leaving[s] = True
        first_vacant = max(t + self.p.resignation.notice_days + 1, self.day_done)
        u = self.res_dest[s, self.rk[s] % K_DRAWS]
        self.rk[s] += 1
        leave = bool(u < self.leave_share_band[self.band[s]])
        if first_vacant >= (self.y + 1) * self.D1:
            self.pending_end.append((s, leave))
            return
        self.env.process(self._departure(s, first_vacant, leave))

    def _departure(self, s: int, first_vacant: int, leave: bool):
        yield self.env.timeout(max(self._at(first_vacant) - self.env.now, 0))
        self._depart_midyear(s, first_vacant, leave)

    def _depart_midyear(self, s: int, first_vacant: int, leave: bool) -> None:
        self._flush()
        y = self.y
        self.school.events.append((first_vacant - 1, E_RESIGN, s, int(leave), int(self.exp[s])))
        self.n_mid[y] += 1
        if self.cohort[s]:
            self.outcome[y, s] = MID_LEAVE if leave else MID_MOVE
        self._vacate(s, first_vacant)

    def _vacate(self, s: int, t: int, summer_first: bool = False) -> None:
        """Position s stands vacant from run day t; a hiring process fills it after a random delay."""
        self._flush()
        self.vacant[s] = True
        self.leaving[s] = False
        self.cohort[s] = False
        self.long_term_sub[s] = False
        if t < self.D:
            self.lts_hist[t:, s] = False
        self.changed[s] = True
        self.token[s] += 1
        h = self.p.hiring
        u = self.hire_u[s, self.vk[s] % K_DRAWS]
        self.vk[s] += 1
        if self.is_resident[s]:
            # residents are recruited as a cohort for the next year, not mid-year; nobody covers a resident
            self.fill_day[s] = (self.y + 1) * self.D1 if self.p.residents.refill else self.D
            return
        if h.mean_delay_days > 0:
            delay = int(np.ceil(special.gammaincinv(h.delay_shape, u[0]) * h.mean_delay_days / h.delay_shape))
        else:
            delay = 0
        fill = self._advance(t, delay, summer_first)
        lts_day = self._advance(t, h.long_term_sub_delay_days, summer_first)
        lts = bool(u[1] < h.long_term_sub_probability) and lts_day < fill
        self.fill_day[s] = fill
        self.env.process(self._vacancy(s, int(self.token[s]), lts, lts_day, fill))

    def _vacancy(self, s: int, token: int, lts: bool, lts_day: int, fill: int):
        env = self.env
        if lts and lts_day < self.D:
            yield env.timeout(max(self._at(lts_day) - env.now, 0))
            if self.token[s] != token:
                return
            self._flush()
            self.long_term_sub[s] = True
            self.lts_hist[lts_day:, s] = True
        if fill >= self.D:
            return
        yield env.timeout(max(self._at(fill) - env.now, 0))
        if self.token[s] != token:
            return
        self._fill(s, fill)

    def _fill(self, s: int, day: int, carry: tuple[float, float, float] | None = None) -> None:
        """A new person takes position s from run day `day` (a promoted resident if `carry` is given)."""
        self._flush()
        p = self.p
        self.vacant[s] = False
        self.long_term_sub[s] = False
        if day < self.D:
            self.lts_hist[day:, s] = False
        self.token[s] += 1
        self.fill_day[s] = -1
        self.leaving[s] = False
        self.changed[s] = True
        if carry is not None:
            self.E[s], self.sens[s], self.eff_floor[s] = carry
            self.exp[s] = 0.0
            self.graduate[s] = True
        else:
            u = self.hire_u[s, self.hk[s] % K_DRAWS]
            self.hk[s] += 1
            mean = p.hiring.new_hire_mean_experience
            years = np.floor(-mean * np.log1p(-u[2])) if mean > 0 else 0.0
            if self.is_resident[s]:
                years = 0.0
            elif self.is_leader[s]:
                years += 3.0
            self.exp[s] = min(float(years), p.experience.max_years - 1)
            self.E[s] = special.betaincinv(*self.beta, u[3])
            self.sens[s] = np.exp(p.exhaustion.sensitivity_sd * special.ndtri(u[4]))
            self.graduate[s] = False
            self.eff_floor[s] = 0.0
            if self.is_resident[s]:
                self.eff[s] = p.residents.initial_effectiveness
        self._refresh(np.array([s]))
        self.abs_mult[s] = ex.multiplier(self.E[s], self.k_abs, self.ref_abs)
        if day < self.D:
            self.school.events.append((day, E_HIRE, s, int(carry is not None), int(self.exp[s])))

    # ----------------------------------------------------------------- the end of a year
    def end_of_year(self, env: simpy.Environment, y: int, school) -> None:
        """Year-end decisions, residents' promotion, then (between years) the summer."""
        self.env = env
        self._flush()
        p, D1 = self.p, self.D1
        last, nxt = (y + 1) * D1 - 1, (y + 1) * D1
        events = school.events
        for s, leave in self.pending_end:
            self._depart_midyear(s, nxt, leave)
        self.pending_end = []
        # 1. stay / move / leave, by experience band, scaled by year-end exhaustion
        d = p.decision
        occ = ~self.vacant & ~self.is_resident
        m = self.h_mult * ex.multiplier(self.E, d.exhaustion_sensitivity, d.reference_exhaustion)
        p_exit = hazards.scale_probability(self.q_end_band[self.band], m)
        p_leave = p_exit * self.leave_share_band[self.band]
        u = self.dec_u[:, 0]
        leave = occ & (u < p_leave)
        move = occ & ~leave & (u < p_exit)
        for s in np.flatnonzero(leave | move):
            s = int(s)
            lv = bool(leave[s])
            events.append((last, E_LEAVE if lv else E_MOVE, s, -1, int(self.exp[s])))
            if lv:
                self.n_leave[y] += 1
            else:
                self.n_move[y] += 1
            if self.cohort[s]:
                self.outcome[y, s] = END_LEAVE if lv else END_MOVE
            self._vacate(s, nxt, summer_first=True)
        # 2. residents finish; some are hired into open collaborating-teacher positions
        promotions: list[tuple[int, tuple[float, float, float]]] = []
        if self.any_resident:
            open_pos = [int(o) for o in np.flatnonzero(self.vacant & (self.category == TEACHER))]
            up = self.dec_u[:, 1]
            for s in np.flatnonzero(~self.vacant & self.is_resident):
                s = int(s)
                target = None
                if open_pos and up[s] < p.residents.promotion_probability:
                    same = [o for o in open_pos if self.team[o] == self.team[s]]
                    target = same[0] if same else open_pos[0]
                    open_pos.remove(target)
                    events.append((last, E_PROMOTION, target, s, 0))
                    self.n_promoted[y] += 1
                    promotions.append((target, (float(self.E[s]), float(self.sens[s]), float(self.eff[s]))))
                if self.cohort[s]:
                    self.outcome[y, s] = PROMOTED if target is not None else COMPLETED
                self._vacate(s, nxt)
        if y == self.years - 1:
            return
        # 3. the summer: a year of experience, partial recovery; promoted residents start; vacancies filled
        occ = ~self.vacant
        self.exp[occ] += 1
        self.E *= 1.0 - p.exhaustion.summer_recovery
        for target, (E, sens, eff) in promotions:
            self._fill(target, nxt, (E * (1.0 - p.exhaustion.summer_recovery), sens, eff))
        for s in np.flatnonzero(self.vacant):
            s = int(s)
            if 0 <= self.fill_day[s] <= nxt:
                self._fill(s, nxt)

    # ----------------------------------------------------------------- result
    def summary(self) -> dict:
        """Arrays for `ledger.extra` (shapes: D school days, S positions, Y years)."""
        Y, D1, S = self.years, self.D1, self.S
        filled = self.school.filled
        E = self.E_hist.copy()
        E[~filled] = np.nan
        eff = self.eff_hist.copy()
        eff[~filled] = np.where(self.lts_hist, self.p.hiring.long_term_sub_effectiveness, np.nan)[~filled]
        return {
            "exhaustion": E,
            "long_term_sub": self.lts_hist & ~filled,
            "effectiveness": eff,
            "experience": self.exp_start.copy(),
            "graduate": self.grad_start.copy(),
            "outcome": self.outcome.copy(),
            "midyear_departures": self.n_mid.copy(),
            "movers": self.n_move.copy(),
            "leavers": self.n_leave.copy(),
            "staff_at_start": self.n_start.copy(),
            "residents_promoted": self.n_promoted.copy(),
            "vacancy_days": (~filled).reshape(Y, D1, S).sum(axis=(1, 2)).astype(float),
            "burnout_threshold": float(self.p.exhaustion.burnout_threshold),
        }
