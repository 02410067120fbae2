"""Compile a scenario into the arrays the model steps through.

Everything the timetable fixes is computed once per scenario here, not once
per replication or per day: planned minutes by activity per staff member and
weekday, small-group seats, and for every instructional block the ordered list
of colleagues who could cover it (`cover.py`). The model then only applies
what randomness changes. A compiled plan is cached per scenario object, and by
the content it depends on (`content_key`), so sweep points share it.
"""

from __future__ import annotations

import hashlib
import json
import weakref
from collections import OrderedDict
from dataclasses import dataclass, replace

import numpy as np

from staffsim.engine import span
from staffsim.engine.coaching import CoachLinks, coach_links
from staffsim.engine.cover import (
    BY_PLANNING,
    BY_SMALL_GROUP,
    CoverOption,
    CoverTask,
    cover_tasks,
)
from staffsim.engine.part_time import (
    account_off_site,
    coaching_when_away,
    mask_blocks,
    off_site_minutes,
    on_site_matrix,
)
from staffsim.scenario.calendar import Calendar, build_calendar
from staffsim.scenario.on_site import half_day_end
from staffsim.scenario.schema import Scenario
from staffsim.scenario.timetable import WEEKDAYS, Block
from staffsim.scenario.vocabulary import (
    CATEGORY_CODES,
    CATEGORY_INFO,
    N_ACTIVITIES,
    PLANNED,
    TEACHER_CATEGORIES,
    Activity,
)

__all__ = ["BY_PLANNING", "BY_SMALL_GROUP", "CoverOption", "CoverTask", "Plan", "compile_plan"]


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
    is_leader: np.ndarray  # (S,) bool: teacher-leader
    is_covered: np.ndarray  # (S,) bool: absence needs cover
    team_labels: tuple[str, ...]
    team_students: np.ndarray  # (T,) students of each team copy, the rosters scaled to the class size
    team_student_start: np.ndarray  # (T,) first student index of each team
    team_led: np.ndarray  # (T,) bool: a teacher-leader is on the team
    minutes: np.ndarray  # (5, S, A) planned minutes by activity
    seats: np.ndarray  # (5, S) small-group seats offered
    seat_minutes: np.ndarray  # (5, S) small-group seat-minutes offered
    cover_tasks: tuple[tuple[tuple[CoverTask, ...], ...], ...]  # [weekday][staff]
    cover_minutes: np.ndarray  # (5, S) instructional minutes needing cover when absent
    students_taught: np.ndarray  # (S,) class_size x classes a day, for roles that teach (0 for the others)
    workload_minutes: np.ndarray  # (S,) planning workload per school day, minutes: base + per student taught
    sub_rank: np.ndarray | None  # (S,) substitutes' priority rank of each position's role (None: random order)
    contract_minutes: int
    coach_links: tuple[CoachLinks, ...] = ()  # [weekday] (coach, coached, minutes): coaches without a class
    on_site: np.ndarray | None = None  # (5, S) fraction of each weekday on site (1, 0.5, 0); None: all every day
    team_span: np.ndarray | None = None  # (T,) teachers per teacher-leader (0: no leader), `span.team_spans`
    coaching_share: np.ndarray | None = None  # (S,) timetabled coaching kept (span of control); None: all of it

    @property
    def n_staff(self) -> int:
        return len(self.staff_labels)

    @property
    def n_teams(self) -> int:
        return len(self.team_labels)

    @property
    def students(self) -> int:
        """Students enrolled: the teams' rosters (scaled to the class size) summed."""
        return int(self.team_students.sum())


_CACHE: dict[int, tuple[weakref.ref[Scenario], Plan]] = {}
#: Compiled plans by the content they depend on (`content_key`), most recent last; at most `_BY_CONTENT_SIZE`.
_BY_CONTENT: OrderedDict[str, Plan] = OrderedDict()
_BY_CONTENT_SIZE = 16


def content_key(sc: Scenario) -> str:
    """A hash of every scenario field `_compile` reads (the timetable's content), and of nothing else.

    Two scenarios with the same key compile to the same arrays, so a sweep point
    whose overrides leave these fields alone (exhaustion weights, hazards, pay,
    behaviour rates) reuses the plan. Keep it in step with `_compile`:
    tests/test_plan_cache.py changes every other field and checks the arrays do not move.
    """
    fields = sc.model_dump(mode="json", include={"contract_day", "calendar", "teams", "timetables"})
    # float: a file's 0 and a resolved 0.0 are the same
    fields["roles"] = {name: [r.category, r.needs_cover, float(r.planning_workload_hours_per_week),
                              list(r.on_site_pattern)] for name, r in sc.roles.items()}
    fields["small_groups"] = sc.policies.small_groups.max_size
    fields["coverage"] = sc.policies.coverage.model_dump(mode="json")
    fields["substitutes"] = [sc.policies.substitutes.assignment, list(sc.policies.substitutes.priority)]
    fields["class_size"] = [float(sc.school.class_size), float(sc.school.roster_scale)]
    fields["per_student"] = float(sc.behaviour.planning.workload_hours_per_student)
    if any(CATEGORY_INFO[r.category].leads_team for r in sc.roles.values()):  # read only where a team is led
        fields["span"] = sc.behaviour.span_of_control.model_dump(mode="json")
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def compile_plan(scenario: Scenario) -> Plan:
    """The compiled plan of a scenario (cached per object: compiling twice returns the same plan).

    Scenarios hold dicts, so they are not hashable; the cache is keyed by
    identity and drops an entry when its scenario is garbage-collected. A new
    scenario object whose timetable content (`content_key`) was compiled before
    shares that plan's arrays, with itself as the plan's scenario.
    """
    key = id(scenario)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is scenario:
        return hit[1]
    content = content_key(scenario)
    known = _BY_CONTENT.get(content)
    if known is not None:
        _BY_CONTENT.move_to_end(content)
        plan = known if known.scenario is scenario else replace(known, scenario=scenario)
    else:
        plan = _compile(scenario)
        _BY_CONTENT[content] = plan
        if len(_BY_CONTENT) > _BY_CONTENT_SIZE:
            _BY_CONTENT.popitem(last=False)
    _CACHE[key] = (weakref.ref(scenario, _forget), plan)
    return plan


def _forget(ref: weakref.ref[Scenario]) -> None:
    """Drop a dead scenario's plan (unless its id was already reused by a newer entry)."""
    cache = _CACHE  # None while the interpreter shuts down
    if cache is None:
        return
    for key, (r, _) in list(cache.items()):
        if r is ref:
            del cache[key]


@dataclass(frozen=True)
class _Staff:
    """Positions and teams in scenario order: every copy of every team, members in turn."""

    labels: tuple[str, ...]
    roles: tuple[str, ...]
    team: tuple[int, ...]  # team index of each position
    timetable: tuple[str, ...]  # timetable name of each position
    team_labels: tuple[str, ...]
    team_students: tuple[int, ...]
    team_led: tuple[bool, ...]


def _staff(sc: Scenario) -> _Staff:
    labels, roles, team_of, tt_names = [], [], [], []
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
                    # timetables are assigned in turn across all copies of the team
                    tt_names.append(m.timetables[(copy * m.count + k) % len(m.timetables)])
    return _Staff(tuple(labels), tuple(roles), tuple(team_of), tuple(tt_names),
                  tuple(team_labels), tuple(team_students), tuple(team_led))


def _day_row(blocks: tuple[Block, ...], contract: int) -> np.ndarray:
    """(A,) planned minutes by ledger column of one day's blocks; time the blocks leave free is `other`."""
    row = np.zeros(N_ACTIVITIES)
    for b in blocks:
        row[PLANNED[b.activity]] += b.minutes
    row[Activity.OTHER] += contract - row.sum()
    return row


def _day_rows(day_blocks: list[list[tuple[Block, ...]]], contract: int, size: int
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(5, S, A) planned minutes, (5, S) small-group seats and (5, S) seat-minutes."""
    S = len(day_blocks[0])
    minutes = np.zeros((5, S, N_ACTIVITIES))
    seats = np.zeros((5, S))
    seat_minutes = np.zeros((5, S))
    for w in range(5):
        for s in range(S):
            blocks = day_blocks[w][s]
            minutes[w, s] = _day_row(blocks, contract)
            sg = [b for b in blocks if b.activity == "small_group"]
            seats[w, s] = size * len(sg)
            seat_minutes[w, s] = size * sum(b.minutes for b in sg)
    return minutes, seats, seat_minutes


def scaled_rosters(sc: Scenario, rosters: tuple[int, ...]) -> np.ndarray:
    """(T,) each team's students at the scenario's class size: roster x roster_scale, rounded half up."""
    k = sc.school.roster_scale
    if k == 1.0:
        return np.array(rosters, dtype=np.int64)
    return np.floor(np.array(rosters, dtype=float) * k + 0.5).astype(np.int64)


def students_taught(sc: Scenario, roles: tuple[str, ...], day_blocks: list[list[tuple[Block, ...]]]) -> np.ndarray:
    """(S,) students each position teaches: class_size x its classes a day (whole-class blocks per week / 5).

    Only roles whose category teaches (teachers, teacher-leaders) count: the per-student planning and
    grading workload is theirs. A class split into a launch and small groups is one whole-class block.
    """
    classes = np.array([sum(b.activity == "whole_class" for wd in day_blocks for b in wd[s]) / 5.0
                        for s in range(len(roles))])
    teaches = np.array([CATEGORY_INFO[sc.roles[r].category].teaches for r in roles])
    return sc.school.class_size * classes * teaches


def workload(sc: Scenario, roles: tuple[str, ...], taught: np.ndarray, on_site: np.ndarray | None = None,
             extra: np.ndarray | None = None) -> np.ndarray:
    """(S,) planning workload per school day on site, minutes: (base hours + hours per student x students
    taught) / days on site a week (5, or the position's: a half day counts half the day's workload).

    `extra` (S,) hours a week are added to the base (a leader's span beyond the reference: `span.py`)."""
    per_student = sc.behaviour.planning.workload_hours_per_student
    base = np.array([sc.roles[r].planning_workload_hours_per_week for r in roles])
    if extra is not None and extra.any():
        base = base + extra
    days = 5 if on_site is None else on_site.sum(axis=0)
    return (base + per_student * taught) * 60 / days


def _covered(sc: Scenario, roles: tuple[str, ...], day_blocks: list[list[tuple[Block, ...]]]) -> np.ndarray:
    """(S,) bool: the position's blocks need cover (the role's `needs_cover`, or its documented default)."""
    supervising = {"whole_class", "online_lab"}
    return np.array([sc.roles[r].covered(any(b.activity in supervising for wd in day_blocks for b in wd[s]))
                     for s, r in enumerate(roles)], dtype=bool)


def _sub_rank(sc: Scenario, roles: tuple[str, ...]) -> np.ndarray | None:
    """(S,) priority rank of each position's role for substitutes (unlisted roles last), None for random order."""
    subs = sc.policies.substitutes
    if subs.assignment != "priority":
        return None
    rank = {r: i for i, r in enumerate(subs.priority)}
    return np.array([rank.get(r, len(rank)) for r in roles], dtype=np.int64)


def _compile(sc: Scenario) -> Plan:
    contract = sc.contract_day.minutes
    st = _staff(sc)
    S = len(st.labels)
    staff_team = np.array(st.team, dtype=np.int64)
    cats = np.array([CATEGORY_CODES[sc.roles[r].category] for r in st.roles], dtype=np.int64)
    day_blocks = [[sc.timetables[st.timetable[s]].day(wd) for s in range(S)] for wd in WEEKDAYS]
    covered = _covered(sc, st.roles, day_blocks)
    coaches = np.array([CATEGORY_INFO[sc.roles[r].category].coaches_on_schedule for r in st.roles], dtype=bool)
    on_site, full_blocks = on_site_matrix(sc, st.roles), day_blocks
    if on_site is not None:  # part-time positions: only the blocks held on site (engine/part_time.py)
        day_blocks = mask_blocks(day_blocks, on_site, half_day_end(sc.contract_day.start, contract))
    minutes, seats, seat_minutes = _day_rows(day_blocks, contract, sc.policies.small_groups.max_size)
    is_leader = cats == CATEGORY_CODES["teacher_leader"]
    team_led = np.array(st.team_led, dtype=bool)
    if on_site is not None:
        account_off_site(minutes, off_site_minutes(on_site, sc.contract_day.start, contract))
        coaching_when_away(minutes, full_blocks, day_blocks, on_site, coaches, is_leader, staff_team, team_led)
    protected = np.array([r in sc.policies.coverage.protected_roles for r in st.roles], dtype=bool)
    tasks = cover_tasks(day_blocks, staff_team, covered, sc.policies.coverage, protected)
    team_students = scaled_rosters(sc, st.team_students)
    taught = students_taught(sc, st.roles, day_blocks)
    spans, soc = span.team_spans(staff_team, cats, len(st.team_labels)), sc.behaviour.span_of_control
    return Plan(
        scenario=sc,
        calendar=build_calendar(sc.calendar),
        staff_labels=st.labels,
        staff_role=st.roles,
        staff_team=staff_team,
        staff_category=cats,
        is_teacher=np.isin(cats, [CATEGORY_CODES[c] for c in TEACHER_CATEGORIES]),
        is_leader=is_leader,
        is_covered=covered,
        team_labels=st.team_labels,
        team_students=team_students,
        team_student_start=np.concatenate([[0], np.cumsum(team_students)[:-1]]).astype(np.int64),
        team_led=team_led,
        minutes=minutes,
        seats=seats,
        seat_minutes=seat_minutes,
        cover_tasks=tasks,
        cover_minutes=np.array([[sum(t.minutes for t in tasks[w][s]) for s in range(S)] for w in range(5)], dtype=float),
        students_taught=taught,
        workload_minutes=workload(sc, st.roles, taught, on_site, span.leader_extra_hours(spans, staff_team, cats, soc)),
        sub_rank=_sub_rank(sc, st.roles),
        contract_minutes=contract,
        coach_links=coach_links(day_blocks, coaches),
        on_site=on_site,
        team_span=spans,
        coaching_share=span.coaching_share(spans, staff_team, cats, soc),
    )
