"""The school-year clock of one replication: one SimPy event per school day, years laid end to end.

How time is represented. The SimPy clock runs in minutes from the first Monday
of the year. Events are scheduled only where something can change: the start
of each school day (absences are drawn, substitutes called, coverage decided,
small groups formed: `day.steps.DAY_STEPS`), and the processes of the
workforce (resignations, vacancies filled after a hiring delay). The blocks of
a day are resolved in closed form at the day's event from the compiled
timetable: which colleague's planning block overlaps the class to cover, how
many small-group seats meet, how many planning minutes interruptions eat. A
block-per-event model would schedule ~30,000 events a year for a school of 25
staff and could not meet the performance budget (one year no slower than
25,000 raw SimPy timeouts) before doing any work; the day step gives the same
ledger at block resolution.

Randomness is drawn in bulk per year from named streams (`streams.py`), shaped
(staff, day) or (student, day) so that staff slot j and student k see the same
numbers in every design: common random numbers.
"""

from __future__ import annotations

import numpy as np
import simpy

from staffsim.engine.day.state import Carry, DayContext, YearDraws, day_rules
from staffsim.engine.day.steps import run_day
from staffsim.engine.ledger import Ledger
from staffsim.engine.plan import Plan
from staffsim.engine.record import DayLog, build_ledger, event_table
from staffsim.engine.sampling import poisson_by_inversion
from staffsim.engine.streams import Streams
from staffsim.engine.workforce import workforce
from staffsim.scenario.calendar import MINUTES_PER_DAY
from staffsim.scenario.vocabulary import Activity

A_IND = int(Activity.PLANNING_INDIVIDUAL)
A_COL = int(Activity.PLANNING_COLLABORATIVE)
A_STR = int(Activity.PLANNING_STRUCTURED)


def draw_year(plan: Plan, streams: Streams, y: int) -> tuple[YearDraws, np.ndarray]:
    """The exogenous randomness of year y, drawn in bulk; and the (D1, T) needs arising per team."""
    sc, D1, S = plan.scenario, plan.calendar.school_days, plan.n_staff
    u_absence = streams.get("absence", y).random((S, D1))
    u_subs = streams.get("substitutes", y).random((S, D1))
    u_order = streams.get("substitute_order", y).random((S, D1))
    # Interruptions: Poisson per staff-day over the *scheduled* planning minutes;
    # the minutes they eat are capped by what coverage left of planning that day.
    ir = sc.behaviour.interruptions
    sched_planning = plan.minutes[:, :, A_IND] + plan.minutes[:, :, A_COL]  # (5, S)
    if plan.minutes[:, :, A_STR].any():
        sched_planning = sched_planning + plan.minutes[:, :, A_STR]
    lam = ir.per_planning_hour * sched_planning[plan.calendar.weekday].T / 60.0  # (S, D1)
    g = streams.get("interruptions", y)
    counts = poisson_by_inversion(g.random((S, D1)), lam)
    int_minutes = (g.gamma(counts.astype(float), 1.0) * ir.mean_minutes) if ir.mean_minutes > 0 else np.zeros((S, D1))
    int_minutes[counts == 0] = 0.0
    # Needs: each student develops needs at a daily rate (CRN by student index).
    rate = sc.behaviour.needs.per_student_per_week / 5.0
    arrivals = streams.get("needs", y).random((plan.students, D1)) < rate
    cs = np.vstack([np.zeros((1, D1)), np.cumsum(arrivals, axis=0)])
    start = plan.team_student_start
    per_team = cs[start + plan.team_students] - cs[start]  # (T, D1) needs arising by day
    sg = sc.policies.small_groups
    days = np.arange(D1)
    draws = YearDraws(
        u_absence=u_absence, u_subs=u_subs, u_order=u_order, int_minutes=int_minutes,
        cum_needs=np.hstack([np.zeros((plan.n_teams, 1)), np.cumsum(per_team, axis=1)]),  # (T, D1+1)
        # a need arising on day a joins a group at the first regrouping on or after a + delay
        eligible_upto=(days // sg.regroup_every_days) * sg.regroup_every_days - sg.detection_delay_days,
    )
    return draws, per_team.T


class SchoolYear:
    """One replication: the day log, the carry between days, the workforce, and the school-day clock."""

    def __init__(self, plan: Plan, streams: Streams, years: int = 1):
        self.plan, self.streams, self.years = plan, streams, years
        self.D1 = plan.calendar.school_days
        S, T = plan.n_staff, plan.n_teams
        self.log = DayLog.empty(self.D1 * years, S, T)
        self.workforce = workforce.Workforce(plan, streams, years)
        self.rules = day_rules(plan)
        self.carry = Carry(absent=np.zeros(S, dtype=bool), ahead=np.zeros(S), frontier=np.zeros(T))
        self.pending = np.zeros(T)  # needs unserved and unexpired at the end of each year, summed
        self.ctx: DayContext | None = None

    def run(self, env: simpy.Environment):
        """The school-day clock: one event per school day, years laid end to end."""
        cal = self.plan.calendar
        year_minutes = (cal.calendar_days + 7 * self.plan.scenario.calendar.summer_weeks) * MINUTES_PER_DAY
        start = self.plan.scenario.contract_day.start
        for y in range(self.years):
            self._begin_year(env, y)
            for d in range(self.D1):
                at = y * year_minutes + int(cal.calendar_day[d]) * MINUTES_PER_DAY + start
                yield env.timeout(at - env.now)
                self._school_day(y * self.D1 + d, d)
            self.pending += np.maximum(self.ctx.draws.cum_needs[:, -1] - self.carry.frontier, 0)
            self.workforce.end_of_year(y)

    def _begin_year(self, env: simpy.Environment, y: int) -> None:
        """Draw the year's randomness; queues and work done ahead start afresh."""
        draws, arrived = draw_year(self.plan, self.streams, y)
        D1 = self.D1
        self.log.needs_arrived[y * D1:(y + 1) * D1] = arrived
        self.carry.frontier = np.zeros(self.plan.n_teams)
        self.carry.ahead = np.zeros(self.plan.n_staff)
        self.ctx = DayContext(rules=self.rules, draws=draws, carry=self.carry, positions=self.workforce.positions)
        self.workforce.begin_year(env, y)

    def _school_day(self, day: int, d: int) -> None:
        """Resolve school day d (run day `day`), record it, and hand it to the workforce."""
        st = run_day(self.ctx, day, d)
        self.log.record(st)
        self.workforce.after_day(day, st.M, st.combined)

    def ledger(self, seed_key: tuple[int, ...]) -> Ledger:
        """The replication's ledger (call after the clock has run)."""
        wf = self.workforce
        return build_ledger(self.plan, self.years, self.log, events=event_table(self.log, wf.events),
                            filled=wf.history.filled, needs_pending=self.pending, extra=wf.summary(),
                            seed_key=seed_key)
