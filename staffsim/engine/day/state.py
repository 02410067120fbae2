"""What a school day reads and builds: the rules (per plan), the year's draws, the carry, the day state.

A day is resolved in closed form at its SimPy event by the steps of
`steps.DAY_STEPS`, each a function `step(ctx, st)` that reads the context
`ctx` (rules, draws, carry, positions) and fills in the day state `st`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from staffsim.engine.part_time import off_site_minutes
from staffsim.engine.plan import Plan
from staffsim.engine.sampling import absence_start_probability
from staffsim.engine.workforce.positions import Positions
from staffsim.scenario.vocabulary import Activity


@dataclass(frozen=True)
class DayRules:
    """Constants of the day steps, derived from the plan (arrays are read-only)."""

    plan: Plan
    p_start: float  # daily probability of starting an absence at the reference exhaustion
    p_stay: float  # daily probability that an absence spell goes on
    pool_size: int  # day-to-day substitutes available per day
    sub_rank: np.ndarray | None  # (S,) substitutes' priority rank of each position (None: random order)
    fill_rate: float  # probability a substitute takes an absentee's post
    run_groups: bool  # substitutes run the absentee's small groups
    group_size: int  # students per small group
    collaboration: float  # workload absorbed per minute of collaborative planning
    structured: float | None  # workload absorbed per minute of structured planning (None: the plan has none)
    ahead_cap: np.ndarray  # (S,) most planning done ahead that carries forward: minus a week's workload
    has_leader: bool  # any teacher-leader in the school
    coaching_lost: np.ndarray | None  # (S,) share of timetabled coaching lost to a leader's span (None: none)
    pool_idx: np.ndarray | None  # teams with no roster of their own (pull-out seats), or None
    full_seats: tuple[tuple[np.ndarray, np.ndarray, np.ndarray], ...]  # per weekday, everyone in:
    # (team seats, team seat-minutes, minutes per seat)
    rotation: bool  # free seats are filled by rotation (seat-minutes offered count as delivered)
    window: int  # school days a need may wait for a seat
    weekday: tuple[int, ...]  # (D1,) weekday of each school day, 0 = Monday
    staff_on_site: tuple[int, ...] = ()  # (5,) positions on site (for all or part of the day) each weekday
    due: np.ndarray | None = None  # (5, S) bool: on site that weekday (None: everyone every day)
    off_site: np.ndarray | None = None  # (5, S) contract minutes not on site (None: none)


def day_rules(plan: Plan) -> DayRules:
    """The day steps' constants of a plan."""
    sc = plan.scenario
    ab, subs, sg = sc.behaviour.absence, sc.policies.substitutes, sc.policies.small_groups
    T = plan.n_teams
    full = []
    for w in range(5):
        ts = np.bincount(plan.staff_team, weights=plan.seats[w], minlength=T)
        tm = np.bincount(plan.staff_team, weights=plan.seat_minutes[w] * (plan.seats[w] > 0), minlength=T)
        full.append((ts, tm, np.divide(tm, ts, out=np.zeros(T), where=ts > 0)))
    pool = np.flatnonzero(plan.team_students == 0)
    on_site = plan.on_site
    return DayRules(
        plan=plan,
        p_start=absence_start_probability(ab.days_per_year, ab.mean_spell_days, plan.calendar.school_days),
        p_stay=1.0 - 1.0 / ab.mean_spell_days,
        pool_size=subs.pool_size,
        sub_rank=plan.sub_rank,
        fill_rate=subs.fill_rate,
        run_groups=subs.run_small_groups,
        group_size=sg.max_size,
        collaboration=sc.behaviour.planning.collaboration_multiplier,
        structured=(sc.behaviour.planning.structured_multiplier
                    if plan.minutes[:, :, Activity.PLANNING_STRUCTURED].any() else None),
        ahead_cap=-5.0 * plan.workload_minutes if on_site is None else -(plan.workload_minutes * on_site.sum(axis=0)),
        has_leader=bool(plan.is_leader.any()),
        coaching_lost=None if plan.coaching_share is None else 1.0 - plan.coaching_share,
        pool_idx=pool if len(pool) else None,
        full_seats=tuple(full),
        rotation=sg.fill == "rotation",
        window=sg.service_window_days,
        weekday=tuple(int(w) for w in plan.calendar.weekday),
        staff_on_site=(plan.n_staff,) * 5 if on_site is None else tuple(int(n) for n in (on_site > 0).sum(axis=1)),
        due=None if on_site is None else on_site > 0,
        off_site=None if on_site is None else off_site_minutes(on_site, sc.contract_day.start, plan.contract_minutes),
    )


@dataclass
class YearDraws:
    """The exogenous randomness of one year, drawn in bulk (see `year.draw_year`)."""

    u_absence: np.ndarray  # (S, D1) uniforms of the absence chain
    u_subs: np.ndarray  # (S, D1) uniforms: does a substitute take the post
    u_order: np.ndarray  # (S, D1) uniforms: the day's random order of absentees (substitutes, then cover)
    int_minutes: np.ndarray  # (S, D1) minutes interruptions would eat
    cum_needs: np.ndarray  # (T, D1 + 1) needs arisen before each school day, cumulative
    eligible_upto: np.ndarray  # (D1,) last arrival day whose needs may join a group that day


@dataclass(slots=True)
class Carry:
    """What one school day hands to the next."""

    absent: np.ndarray  # (S,) bool: absent yesterday (the absence chain)
    ahead: np.ndarray  # (S,) minus the planning minutes done ahead of need (<= 0)
    frontier: np.ndarray  # (T,) needs removed (served or expired) from each team's queue


@dataclass(eq=False, slots=True)
class DayContext:
    """Everything a day step reads besides the day state."""

    rules: DayRules
    draws: YearDraws
    carry: Carry
    positions: Positions  # the workforce's per-position state (read only here)


@dataclass(eq=False, slots=True)
class DayState:
    """One school day being resolved: filled in by the steps in order."""

    day: int  # run day (school days counted across years)
    d: int  # school day within the year
    w: int  # weekday, 0 = Monday
    M: np.ndarray  # (S, A) minutes by ledger column, starting from the timetable's
    seats: np.ndarray  # (S,) small-group seats meeting (the timetable's, shared, until someone is out)
    group_minutes: np.ndarray  # (S,) seat-minutes of the small groups meeting (shared likewise)
    absent: np.ndarray | None = None  # (S,) bool: the occupant is absent
    vacant: np.ndarray | None = None  # (S,) bool: nobody in post
    out: np.ndarray | None = None  # (S,) bool: absent or vacant
    out_idx: np.ndarray | tuple = ()  # positions out, in the day's order (random, or by priority then random)
    subs_used: int = 0  # day-to-day substitutes called in
    to_cover: list[int] = field(default_factory=list)  # absentees left to the coverage policy, in the day's order
    used_blocks: dict[int, int] = field(default_factory=dict)  # colleague block id -> absentee it covers
    combined: dict[int, int] = field(default_factory=dict)  # absentee -> minutes of their classes combined
    events: list[tuple[int, int, int, int, int]] = field(default_factory=list)  # (day, kind, staff, other, value)
    adults_present: int = 0  # instructional adults in school: staff present + substitutes
    needs_expired: np.ndarray | None = None  # (T,) needs whose window passed unserved today
    needs_served: np.ndarray | None = None  # (T,)
    seats_offered: np.ndarray | None = None  # (T,) small-group seats that met
    seat_minutes: np.ndarray | None = None  # (T,) student-minutes of small-group instruction delivered

    @property
    def any_out(self) -> bool:
        return len(self.out_idx) > 0
