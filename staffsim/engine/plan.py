"""Compile a scenario into the arrays the model steps through.

Everything the timetable fixes is computed once per scenario here, not once
per replication or per day: planned minutes by activity per staff member and
weekday, small-group seats, and for every instructional block the ordered list
of colleagues who could cover it. The model then only applies what randomness
changes. A compiled plan is cached per scenario object.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from staffsim.scenario.vocabulary import INSTRUCTIONAL, N_ACTIVITIES, PLANNED, PLANNING, Activity
from staffsim.scenario.calendar import Calendar, build_calendar
from staffsim.scenario.vocabulary import CATEGORY_CODES, CATEGORY_INFO, TEACHER_CATEGORIES
from staffsim.scenario.timetable import WEEKDAYS, Block
from staffsim.scenario.schema import Scenario


#: How a cover candidate covers: by giving up planning, or by cancelling a small group.
BY_PLANNING, BY_SMALL_GROUP = 0, 1


@dataclass(frozen=True)
class CoverOption:
    """A colleague who could cover (part of) a block, and what they would give up."""

    colleague: int
    how: int  # BY_PLANNING or BY_SMALL_GROUP
    column: int  # the colleague's ledger column that loses the minutes
    slot: int  # identifies the colleague's block, so it is used at most once a day
    minutes: int  # overlap in minutes


@dataclass(frozen=True)
class CoverTask:
    """One instructional block of a staff member that needs an adult if they are absent."""

    column: int
    minutes: int
    options: tuple[CoverOption, ...]  # in policy order; a block no option covers is combined with another class


@dataclass(frozen=True)
class Plan:
    """The scenario's timetable and structure as arrays (S staff, T teams, 5 weekdays)."""

    scenario: Scenario
    calendar: Calendar
    staff_labels: tuple[str, ...]
    staff_role: tuple[str, ...]
    staff_team: np.ndarray  # (S,) team index
    staff_category: np.ndarray  # (S,) CATEGORY_CODES
    is_teacher: np.ndarray  # (S,) bool: teacher-leader or teacher
    is_covered: np.ndarray  # (S,) bool: absence needs cover
    team_labels: tuple[str, ...]
    team_students: np.ndarray  # (T,)
    team_student_start: np.ndarray  # (T,) first student index of each team
    team_led: np.ndarray  # (T,) bool: a teacher-leader is on the team
    minutes: np.ndarray  # (5, S, A) planned minutes by activity
    seats: np.ndarray  # (5, S) small-group seats offered
    seat_minutes: np.ndarray  # (5, S) small-group seat-minutes offered
    cover_tasks: tuple[tuple[tuple[CoverTask, ...], ...], ...]  # [weekday][staff]
    cover_minutes: np.ndarray  # (5, S) instructional minutes needing cover when absent
    workload_minutes: np.ndarray  # (S,) planning workload per school day, minutes
    contract_minutes: int

    @property
    def n_staff(self) -> int:
        return len(self.staff_labels)

    @property
    def n_teams(self) -> int:
        return len(self.team_labels)

    @property
    def students(self) -> int:
        return self.scenario.school.students


_CACHE: dict[int, tuple["weakref.ref[Scenario]", "Plan"]] = {}


def compile_plan(scenario: Scenario) -> Plan:
    """The compiled plan of a scenario (cached per object: compiling twice returns the same plan).

    Scenarios hold dicts, so they are not hashable; the cache is keyed by
    identity and drops an entry when its scenario is garbage-collected.
    """
    key = id(scenario)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is scenario:
        return hit[1]
    plan = _compile(scenario)
    _CACHE[key] = (weakref.ref(scenario, _forget), plan)
    return plan


def _forget(ref: "weakref.ref[Scenario]") -> None:
    """Drop a dead scenario's plan (unless its id was already reused by a newer entry)."""
    cache = _CACHE  # None while the interpreter shuts down
    if cache is None:
        return
    for key, (r, _) in list(cache.items()):
        if r is ref:
            del cache[key]


def _day_row(blocks: tuple[Block, ...], contract: int) -> np.ndarray:
    row = np.zeros(N_ACTIVITIES)
    for b in blocks:
        row[PLANNED[b.activity]] += b.minutes
    row[Activity.OTHER] += contract - row.sum()
    return row


def _overlap(a: Block, b: Block) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def _compile(sc: Scenario) -> Plan:
    contract = sc.contract_day.minutes
    labels, roles, team_of, cats, tt_names = [], [], [], [], []
    team_labels, team_students, team_led = [], [], []
    for team in sc.teams:
        for copy in range(team.count):
            t = len(team_labels)
            team_labels.append(team.name if team.count == 1 else f"{team.name}-{copy + 1}")
            team_students.append(team.students)
            team_led.append(any(CATEGORY_INFO[sc.roles[m.role].category].leads_team for m in team.members))
            for m in team.members:
                for k in range(m.count):
                    labels.append(f"{team_labels[-1]}/{m.role}-{k + 1}")
                    roles.append(m.role)
                    team_of.append(t)
                    cats.append(CATEGORY_CODES[sc.roles[m.role].category])
                    # timetables are assigned in turn across all copies of the team
                    tt_names.append(m.timetables[(copy * m.count + k) % len(m.timetables)])
    S = len(labels)
    staff_team = np.array(team_of, dtype=np.int64)
    minutes = np.zeros((5, S, N_ACTIVITIES))
    seats = np.zeros((5, S))
    seat_minutes = np.zeros((5, S))
    size = sc.policies.small_groups.max_size
    day_blocks = [[sc.timetables[tt_names[s]].day(wd) for s in range(S)] for wd in WEEKDAYS]
    for w in range(5):
        for s in range(S):
            blocks = day_blocks[w][s]
            minutes[w, s] = _day_row(blocks, contract)
            sg = [b for b in blocks if b.activity == "small_group"]
            seats[w, s] = size * len(sg)
            seat_minutes[w, s] = size * sum(b.minutes for b in sg)

    covered = np.array([sc.roles[r].covered for r in roles], dtype=bool)
    policy = sc.policies.coverage
    team_members = [np.flatnonzero(staff_team == t) for t in range(len(team_labels))]
    all_staff = np.arange(S)

    def pool(s: int) -> list[int]:
        mates = [int(c) for c in team_members[team_of[s]] if c != s]
        if policy.scope == "school":
            mates += [int(c) for c in all_staff if team_of[c] != team_of[s]]
        return mates

    instructional_names = {a.label for a in INSTRUCTIONAL}
    planning_cols = {int(a) for a in PLANNING}
    tasks_by_day = []
    for w in range(5):
        per_staff = []
        for s in range(S):
            if not covered[s]:
                per_staff.append(())
                continue
            tasks = []
            colleagues = pool(s)
            for b in day_blocks[w][s]:
                if b.activity not in instructional_names:
                    continue
                options = []
                for step in policy.order:
                    if step == "combine_classes":
                        break
                    for c in colleagues:
                        if step == "cancel_small_group" and team_of[c] != team_of[s]:
                            continue
                        for cb in day_blocks[w][c]:
                            col = int(PLANNED[cb.activity])
                            ov = _overlap(b, cb)
                            if ov <= 0:
                                continue
                            if step == "colleague_planning" and col in planning_cols:
                                options.append(CoverOption(c, BY_PLANNING, col, cb.start, ov))
                            elif step == "cancel_small_group" and cb.activity == "small_group":
                                options.append(CoverOption(c, BY_SMALL_GROUP, col, cb.start, ov))
                tasks.append(
                    CoverTask(
                        column=int(PLANNED[b.activity]),
                        minutes=b.minutes,
                        options=tuple(options),
                    )
                )
            per_staff.append(tuple(tasks))
        tasks_by_day.append(tuple(per_staff))

    team_students_arr = np.array(team_students, dtype=np.int64)
    workload = np.array([sc.roles[r].planning_workload_hours_per_week * 60 / 5 for r in roles])
    return Plan(
        scenario=sc,
        calendar=build_calendar(sc.calendar),
        staff_labels=tuple(labels),
        staff_role=tuple(roles),
        staff_team=staff_team,
        staff_category=np.array(cats, dtype=np.int64),
        is_teacher=np.isin(np.array(cats), [CATEGORY_CODES[c] for c in TEACHER_CATEGORIES]),
        is_covered=covered,
        team_labels=tuple(team_labels),
        team_students=team_students_arr,
        team_student_start=np.concatenate([[0], np.cumsum(team_students_arr)[:-1]]).astype(np.int64),
        team_led=np.array(team_led, dtype=bool),
        minutes=minutes,
        seats=seats,
        seat_minutes=seat_minutes,
        cover_tasks=tuple(tasks_by_day),
        cover_minutes=np.array([[sum(t.minutes for t in tasks_by_day[w][s]) for s in range(S)] for w in range(5)], dtype=float),
        workload_minutes=workload,
        contract_minutes=contract,
    )
