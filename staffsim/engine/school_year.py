"""One replication: a school year of a staffing design, simulated in SimPy.

`simulate(scenario, seed) -> Ledger` is a pure function of its arguments.

How time is represented. The SimPy clock runs in minutes from the first Monday
of the year. Events are scheduled only where something can change: the start
of each school day (absences are drawn, substitutes called, coverage decided,
small groups formed), and the processes of the workforce module (resignations,
vacancies filled after a hiring delay). The blocks of a day are resolved in
closed form at the day's event from the compiled timetable: which colleague's
planning block overlaps the class to cover, how many small-group seats meet,
how many planning minutes interruptions eat. A block-per-event model would
schedule ~30,000 events a year for a school of 25 staff and could not meet the
performance budget (one year no slower than 25,000 raw SimPy timeouts) before
doing any work; the day-step gives the same ledger at block resolution.

Randomness is drawn in bulk per replication from named streams (`streams.py`),
shaped (staff, day) or (student, day) so that staff slot j and student k see
the same numbers in every design: common random numbers.
"""

from __future__ import annotations

import numpy as np
import simpy

from staffsim.scenario.vocabulary import N_ACTIVITIES, Activity
from staffsim.scenario.calendar import MINUTES_PER_DAY
from staffsim.scenario.schema import Scenario
from staffsim.engine.ledger import EVENT_CODES, Ledger
from staffsim.engine.plan import BY_PLANNING, Plan, compile_plan
from staffsim.engine.streams import SeedLike, Streams
from staffsim.engine.workforce import workforce

A_ABSENT = int(Activity.ABSENT)
A_COVER = int(Activity.COVERAGE)
A_IND = int(Activity.PLANNING_INDIVIDUAL)
A_COL = int(Activity.PLANNING_COLLABORATIVE)
A_INT = int(Activity.INTERRUPTION)
A_OT = int(Activity.OVERTIME)
A_CREC = int(Activity.COACHING_RECEIVED)
E_ABS, E_SUB, E_COV, E_CAN, E_COMB = (
    EVENT_CODES[k] for k in ("absence", "substitute", "coverage", "cancelled_group", "combined")
)


def absence_start_probability(days_per_year: float, mean_spell_days: float, school_days: int) -> float:
    """Daily probability of starting an absence so that the long-run absent share is days/year.

    Absence is a two-state Markov chain (present/absent) with spells ending
    with probability b = 1/mean_spell_days per day. Its stationary absent share
    is a/(a+b); solving for a gives a = b f / (1 - f) with f = days/school_days.
    """
    f = min(days_per_year / school_days, 0.95)
    b = 1.0 / mean_spell_days
    return b * f / (1.0 - f)


def poisson_by_inversion(u: np.ndarray, lam: np.ndarray, kmax: int = 30) -> np.ndarray:
    """Poisson(lam) counts from uniforms u by inverting the CDF (monotone in lam: CRN-friendly)."""
    p = np.exp(-lam)
    cdf = p.copy()
    k = np.zeros(u.shape, dtype=np.int64)
    for i in range(1, kmax + 1):
        more = u > cdf
        if not more.any():
            break
        k += more
        p = p * lam / i
        cdf = cdf + p
    return k


def largest_remainder(weights: np.ndarray, total: float, weights_sum: float | None = None) -> np.ndarray:
    """Share `total` (<= weights.sum()) whole units in proportion to integer `weights` (Hamilton's method).

    No share exceeds its weight: floor(quota) <= weight, and a +1 goes only to a fractional quota.
    """
    quota = weights * (total / (weights.sum() if weights_sum is None else weights_sum))
    base = np.floor(quota)
    left = int(total - base.sum() + 0.5)
    if left > 0:
        base[(base - quota).argsort(kind="stable")[:left]] += 1
    return base


class SchoolYear:
    """The state of one replication and the SimPy processes that advance it."""

    def __init__(self, plan: Plan, streams: Streams, years: int = 1):
        self.plan = plan
        self.streams = streams
        self.years = years
        sc = plan.scenario
        cal = plan.calendar
        self.D1 = cal.school_days
        D = self.D1 * years
        S, T = plan.n_staff, plan.n_teams
        self.minutes = np.zeros((D, S, N_ACTIVITIES), dtype=np.float64)
        self.filled = np.ones((D, S), dtype=bool)
        self.needs_arrived = np.zeros((D, T))
        self.needs_served = np.zeros((D, T))
        self.needs_expired = np.zeros((D, T))
        self.seats_offered = np.zeros((D, T))
        self.seat_minutes = np.zeros((D, T))
        self.adults_present = np.zeros(D)
        self.events: list[tuple[int, int, int, int, int]] = []
        self.workforce = workforce.Workforce(plan, streams, years)
        ab = sc.behaviour.absence
        self.p_start = absence_start_probability(ab.days_per_year, ab.mean_spell_days, self.D1)
        self.p_stay = 1.0 - 1.0 / ab.mean_spell_days
        self.absent = np.zeros(S, dtype=bool)
        self.pending = np.zeros(T)
        pool = np.flatnonzero(plan.team_students == 0)
        self.pool_idx = pool if len(pool) else None  # teams with no roster: pull-out seats
        self.full_seats = []  # per weekday, everyone in: (team seats, seat-minutes, minutes per seat)
        for w in range(5):
            ts = np.bincount(plan.staff_team, weights=plan.seats[w], minlength=T)
            tm = np.bincount(plan.staff_team, weights=plan.seat_minutes[w] * (plan.seats[w] > 0), minlength=T)
            self.full_seats.append((ts, tm, np.divide(tm, ts, out=np.zeros(T), where=ts > 0)))
        self.rotation = sc.policies.small_groups.fill == "rotation"

    # ----------------------------------------------------------------- processes
    def run(self, env: simpy.Environment):
        """The school-day clock: one event per school day, years laid end to end."""
        cal = self.plan.calendar
        year_minutes = (cal.calendar_days + 7 * self.plan.scenario.calendar.summer_weeks) * MINUTES_PER_DAY
        start = self.plan.scenario.contract_day.start
        for y in range(self.years):
            self._begin_year(y)
            for d in range(self.D1):
                at = y * year_minutes + int(cal.calendar_day[d]) * MINUTES_PER_DAY + start
                yield env.timeout(at - env.now)
                self._school_day(env, y, d)
            self.pending += self._queue_pending()
            self.workforce.end_of_year(env, y, self)

    # ----------------------------------------------------------------- one year
    def _begin_year(self, y: int) -> None:
        """Draw the year's exogenous randomness in bulk from the named streams."""
        plan, sc, st = self.plan, self.plan.scenario, self.streams
        D1, S = self.D1, plan.n_staff
        wd = plan.calendar.weekday
        self.u_absence = st.get("absence", y).random((S, D1))
        self.u_subs = st.get("substitutes", y).random((S, D1))
        # Interruptions: Poisson per staff-day over the *scheduled* planning minutes;
        # the minutes they eat are capped by what coverage left of planning that day.
        ir = sc.behaviour.interruptions
        sched_planning = plan.minutes[:, :, A_IND] + plan.minutes[:, :, A_COL]  # (5, S)
        lam = ir.per_planning_hour * sched_planning[wd].T / 60.0  # (S, D1)
        g = st.get("interruptions", y)
        u = g.random((S, D1))
        counts = poisson_by_inversion(u, lam)
        self.int_minutes = (g.gamma(counts.astype(float), 1.0) * ir.mean_minutes) if ir.mean_minutes > 0 else np.zeros((S, D1))
        self.int_minutes[counts == 0] = 0.0
        # Needs: each student develops needs at a daily rate (CRN by student index).
        rate = sc.behaviour.needs.per_student_per_week / 5.0
        arrivals = st.get("needs", y).random((plan.students, D1)) < rate
        cs = np.vstack([np.zeros((1, D1)), np.cumsum(arrivals, axis=0)])
        start = plan.team_student_start
        per_team = cs[start + plan.team_students] - cs[start]  # (T, D1) needs arising by day
        self.needs_arrived[y * D1:(y + 1) * D1] = per_team.T
        self.cum_needs = np.hstack([np.zeros((plan.n_teams, 1)), np.cumsum(per_team, axis=1)])  # (T, D1+1)
        sg = sc.policies.small_groups
        days = np.arange(D1)
        # a need arising on day a joins a group at the first regrouping on or after a + delay
        self.eligible_upto = (days // sg.regroup_every_days) * sg.regroup_every_days - sg.detection_delay_days
        self.window = sg.service_window_days
        self.frontier = np.zeros(plan.n_teams)  # needs removed (served or expired) from each queue
        self.ahead = np.zeros(S)  # minus the planning minutes done ahead of need (<= 0)
        self.workforce.begin_year(y, self)

    def _queue_pending(self) -> np.ndarray:
        eligible_all = self.cum_needs[:, -1]
        return np.maximum(eligible_all - self.frontier, 0)

    # ----------------------------------------------------------------- one day
    def _school_day(self, env: simpy.Environment, y: int, d: int) -> None:
        plan, sc = self.plan, self.plan.scenario
        day = y * self.D1 + d
        w = int(plan.calendar.weekday[d])
        S = plan.n_staff
        wf = self.workforce
        events = self.events

        # 1. Absences: a two-state chain per person, starting more often when exhausted.
        p_start = self.p_start * wf.absence_multiplier()
        u = self.u_absence[:, d]
        absent = np.where(self.absent, u < self.p_stay, u < p_start)
        self.absent = absent
        vacant = wf.vacant  # positions with nobody in post (a long-term substitute may hold them)
        out = absent | vacant

        M = plan.minutes[w].copy()
        any_out = bool(out.any())
        if any_out:
            out_idx = np.flatnonzero(out)
            seats = plan.seats[w] * ~out
            M[out] = 0.0
            M[out, A_ABSENT] = plan.contract_minutes
        else:
            out_idx = ()
            seats = plan.seats[w]  # not modified below: only absences change seats

        # 2. Substitutes from a limited daily pool, in staff order; long-term subs hold vacancies.
        subs_pool = sc.policies.substitutes.pool_size
        fill = sc.policies.substitutes.fill_rate
        run_groups = sc.policies.substitutes.run_small_groups
        group_size = sc.policies.small_groups.max_size
        u_sub = self.u_subs[:, d]
        subs_used = 0
        used_slots: dict[int, int] = {}  # colleague block -> the absentee it covers today
        for s in out_idx:
            s = int(s)
            tasks = plan.cover_tasks[w][s]
            if not vacant[s]:
                events.append((day, E_ABS, s, -1, int(plan.cover_minutes[w, s])))
            if not tasks:
                continue
            if vacant[s] and wf.long_term_sub[s]:
                seats[s] = plan.seats[w, s] if run_groups else 0.0
                continue
            if subs_used < subs_pool and u_sub[s] < fill:
                subs_used += 1
                events.append((day, E_SUB, s, -1, 0))
                if run_groups:
                    seats[s] = plan.seats[w, s]
                elif plan.seats[w, s]:
                    events.append((day, E_CAN, s, -1, int(plan.seats[w, s])))
                continue
            if plan.seats[w, s]:
                events.append((day, E_CAN, s, -1, int(plan.seats[w, s])))
            # 3. No substitute: the coverage policy, block by block. A colleague's block
            #    may cover several (non-overlapping) blocks of the same absentee, and covers
            #    only the minutes it overlaps; the rest of the block is combined.
            for task in tasks:
                covered = 0
                for opt in task.options:
                    c = opt.colleague
                    key = c * 10000 + opt.slot
                    if out[c] or used_slots.get(key, s) != s or M[c, opt.column] < opt.minutes:
                        continue
                    used_slots[key] = s
                    M[c, opt.column] -= opt.minutes
                    M[c, A_COVER] += opt.minutes
                    if opt.how == BY_PLANNING:
                        events.append((day, E_COV, c, s, opt.minutes))
                    else:
                        seats[c] = max(0.0, seats[c] - group_size)
                        events.append((day, E_CAN, c, s, group_size))
                    covered = opt.minutes
                    break
                if covered < task.minutes:
                    events.append((day, E_COMB, s, -1, task.minutes - covered))

        # 4. Coaching needs a coach: when a teacher-leader is out, their team plans instead.
        if any_out and wf.any_leader_out(out):
            for t in np.flatnonzero(wf.teams_without_leader(out)):
                mates = (plan.staff_team == t) & ~out
                M[mates, A_IND] += M[mates, A_CREC]
                M[mates, A_CREC] = 0.0

        # 5. Interruptions eat what is left of planning, individual planning first.
        eat = self.int_minutes[:, d]
        if eat.any():
            eat = np.minimum(eat, M[:, A_IND] + M[:, A_COL])
            from_ind = np.minimum(eat, M[:, A_IND])
            M[:, A_IND] -= from_ind
            M[:, A_COL] -= eat - from_ind
            M[:, A_INT] += eat

        # 6. Planning workload not absorbed by planning kept spills into overtime the same day.
        #    Surplus planning is work done ahead: it carries forward (across weekends too),
        #    up to one week's workload, never backward (evenings already worked stay worked).
        need = plan.workload_minutes * ~out
        kept = M[:, A_IND] + sc.behaviour.planning.collaboration_multiplier * M[:, A_COL]
        b = self.ahead + need - kept
        M[:, A_OT] = np.maximum(b, 0.0)
        self.ahead = np.maximum(np.minimum(b, 0.0), -5.0 * plan.workload_minutes)

        # 7. Small groups: queued needs take the seats that met (FIFO, within the window).
        #    Seats of staff on a team with no roster of its own (pull-out intervention)
        #    serve what the teams' own seats could not, shared in proportion to the queues.
        T = plan.n_teams
        if any_out:
            team_seats = np.bincount(plan.staff_team, weights=seats, minlength=T)
            offered_seat_minutes = np.bincount(plan.staff_team, weights=plan.seat_minutes[w] * (seats > 0), minlength=T)
            per_seat = np.divide(offered_seat_minutes, team_seats, out=np.zeros(T), where=team_seats > 0)
        else:  # everyone in: the timetable's seats (precomputed per weekday)
            team_seats, offered_seat_minutes, per_seat = self.full_seats[w]
        ex = d - self.window - 1
        expired_cum = self.cum_needs[:, ex + 1] if ex >= 0 else 0.0
        head = np.maximum(self.frontier, expired_cum)
        self.needs_expired[day] = head - self.frontier
        upto = self.eligible_upto[d]
        eligible = self.cum_needs[:, upto + 1] if upto >= 0 else np.zeros(T)
        waiting = np.maximum(eligible - head, 0.0)
        served = np.minimum(team_seats, waiting)
        delivered = served * per_seat
        if self.pool_idx is not None:
            pool_seats = float(team_seats[self.pool_idx].sum())
            rest = waiting - served
            total = float(rest.sum())
            if pool_seats > 0 and total > 0:
                extra = largest_remainder(rest, min(pool_seats, total), total)
                served += extra
                delivered += extra * (float(offered_seat_minutes[self.pool_idx].sum()) / pool_seats)
        self.frontier = head + served
        self.needs_served[day] = served
        self.seats_offered[day] = team_seats
        self.seat_minutes[day] = offered_seat_minutes if self.rotation else delivered

        self.minutes[day] = M
        self.filled[day] = ~vacant
        self.adults_present[day] = (S - len(out_idx) + subs_used + int((vacant & wf.long_term_sub).sum())) if any_out else S
        wf.after_day(env, y, d, day, M, out, self)

    # ----------------------------------------------------------------- result
    def ledger(self, seed_key: tuple[int, ...]) -> Ledger:
        plan = self.plan
        D1 = self.D1
        ev = np.array(self.events, dtype=np.int64).reshape(-1, 5)
        # interruptions are recorded as events too, recomputed from the ledger column
        day_idx, staff_idx = np.nonzero(self.minutes[:, :, A_INT])
        if len(day_idx):
            ints = np.column_stack([
                day_idx, np.full(len(day_idx), EVENT_CODES["interruption"]), staff_idx,
                np.full(len(day_idx), -1), np.rint(self.minutes[day_idx, staff_idx, A_INT]).astype(np.int64),
            ])
            ev = np.vstack([ev, ints])
        ev = ev[np.lexsort((ev[:, 2], ev[:, 1], ev[:, 0]))] if len(ev) else ev
        years = np.repeat(np.arange(self.years), D1)
        return Ledger(
            scenario=plan.scenario.name,
            seed_key=seed_key,
            staff_labels=plan.staff_labels,
            staff_role=plan.staff_role,
            staff_category=plan.staff_category,
            staff_team=plan.staff_team,
            is_teacher=plan.is_teacher,
            students=plan.students,
            team_students=plan.team_students,
            team_led=plan.team_led,
            contract_minutes=plan.contract_minutes,
            scheduled=plan.minutes,
            year=years,
            week=np.tile(plan.calendar.week, self.years),
            weekday=np.tile(plan.calendar.weekday, self.years),
            minutes=self.minutes,
            filled=self.filled,
            needs_arrived=self.needs_arrived,
            needs_served=self.needs_served,
            needs_expired=self.needs_expired,
            seats_offered=self.seats_offered,
            seat_minutes=self.seat_minutes,
            adults_present=self.adults_present,
            events=ev,
            needs_pending=self.pending,
            extra=self.workforce.summary(),
            config=plan.scenario,
        )


def simulate(scenario: Scenario, seed: SeedLike, years: int = 1) -> Ledger:
    """Simulate `years` consecutive school years of `scenario` with one seed.

    A pure function: the same scenario and seed always give the same ledger.
    `seed` is an int or a `numpy.random.SeedSequence` (see `streams.replication_seed`).
    """
    if years < 1:
        raise ValueError("years must be at least 1")
    plan = compile_plan(scenario)
    streams = Streams(seed)
    env = simpy.Environment()
    year = SchoolYear(plan, streams, years)
    env.process(year.run(env))
    env.run()
    root = streams.root
    ledger = year.ledger((int(root.entropy),) + tuple(int(k) for k in root.spawn_key))
    # Break the school <-> workforce reference cycle so the year's arrays are freed at once by
    # reference counting; left to the cyclic GC they pile up and a long sweep's memory grows.
    year.workforce.school = None
    return ledger
