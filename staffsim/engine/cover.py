"""The coverage compiler: for every instructional block, who could cover it, in policy order.

The policy's `order` lists coverage steps; each step but `combine_classes`
(which ends the list: what nobody covers is combined with another class)
is one option function of `COVER_OPTIONS`, returning the colleagues' blocks
that overlap the block to cover. Options are ordered by step, then colleague
(teammates first, in staff order, then the rest of the school when the scope
is the school), then the colleague's blocks by start time. Each option knows
the interval it overlaps, so the day step can cover one block with several
colleagues (`day/coverage.py`).

Speed: each weekday's usable colleague blocks are held as arrays in (staff,
start) order, so finding the blocks that overlap one block is one vectorized
comparison instead of a Python loop over colleagues and their blocks; and the
options of one interval are made once and shared by every block taught in it
(only their order and who is left out depend on the absentee). A 276-staff
school compiles in well under a second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from staffsim.scenario.policies import Coverage
from staffsim.scenario.timetable import Block
from staffsim.scenario.vocabulary import INSTRUCTIONAL, PLANNED, PLANNING

#: How a cover candidate covers: by giving up planning, or by cancelling a small group.
BY_PLANNING, BY_SMALL_GROUP = 0, 1


@dataclass(frozen=True)
class CoverOption:
    """A colleague who could cover (part of) a block, and what they would give up."""

    colleague: int
    how: int  # BY_PLANNING or BY_SMALL_GROUP
    column: int  # the colleague's ledger column that loses the minutes
    block: int  # the colleague's block (unique id in the plan): it covers at most one absentee a day
    minutes: int  # overlap in minutes
    start: int  # the overlap: minutes from midnight
    end: int
    length: int  # minutes of the colleague's whole block (a cancelled small group loses all of them)


@dataclass(frozen=True)
class CoverTask:
    """One instructional block of a staff member that needs an adult if they are absent."""

    column: int
    minutes: int
    start: int  # minutes from midnight
    end: int
    options: tuple[CoverOption, ...]  # in policy order; what no option covers is combined with another class


@dataclass(frozen=True)
class Candidates:
    """One weekday's colleague blocks usable by one kind of option, in (staff, start) order."""

    start: np.ndarray
    end: np.ndarray
    staff: np.ndarray
    column: np.ndarray
    block: np.ndarray  # unique block ids
    how: int  # BY_PLANNING or BY_SMALL_GROUP
    found: dict[tuple[int, int], tuple[np.ndarray, list[CoverOption]]] = field(default_factory=dict, compare=False)

    def overlapping(self, b: Block) -> tuple[np.ndarray, list[CoverOption]]:
        """(staff, options) of the blocks overlapping b, in (staff, start) order, whoever is absent.

        Found once per interval: every block taught in the same interval shares the option objects.
        """
        hit = self.found.get((b.start, b.end))
        if hit is None:
            i = np.flatnonzero((self.start < b.end) & (self.end > b.start))
            lo = np.maximum(self.start[i], b.start)
            hi = np.minimum(self.end[i], b.end)
            length = self.end[i] - self.start[i]
            options = [CoverOption(c, self.how, col, k, h - a, a, h, n) for c, col, k, a, h, n in
                       zip(self.staff[i].tolist(), self.column[i].tolist(), self.block[i].tolist(), lo.tolist(),
                           hi.tolist(), length.tolist())]
            hit = self.found[(b.start, b.end)] = (self.staff[i], options)
        return hit

    @classmethod
    def of(cls, blocks: list[tuple[int, int, Block]], keep: Callable[[Block], bool], how: int) -> Candidates:
        """From (staff, block id, block) rows in (staff, start) order, the blocks `keep` accepts."""
        rows = [(b.start, b.end, c, int(PLANNED[b.activity]), i) for c, i, b in blocks if keep(b)]
        cols = np.array(rows, dtype=np.int64).reshape(-1, 5).T
        return cls(*cols, how=how)


@dataclass(frozen=True)
class Weekday:
    """What the option functions search on one weekday."""

    planning: Candidates  # individual and collaborative planning blocks
    small_groups: Candidates  # small-group blocks
    team: np.ndarray  # (S,) team of each position
    school_scope: bool  # the pool goes beyond the team


def _overlapping(cand: Candidates, day: Weekday, s: int, b: Block, school: bool) -> list[CoverOption]:
    """Options from the candidate blocks overlapping b, of colleagues of s: teammates, then (school) the rest."""
    staff, options = cand.overlapping(b)
    keep = staff != s
    mate = day.team[staff] == day.team[s]
    order = np.flatnonzero(keep & mate)
    if school:
        order = np.concatenate([order, np.flatnonzero(keep & ~mate)])
    return [options[i] for i in order.tolist()]


def colleague_planning(day: Weekday, s: int, b: Block) -> list[CoverOption]:
    """Colleagues in the pool give up the planning that overlaps b."""
    return _overlapping(day.planning, day, s, b, day.school_scope)


def cancel_small_group(day: Weekday, s: int, b: Block) -> list[CoverOption]:
    """Teammates cancel the small group that overlaps b (never colleagues of other teams)."""
    return _overlapping(day.small_groups, day, s, b, False)


CoverFunction = Callable[[Weekday, int, Block], list[CoverOption]]
#: One function per coverage step; `combine_classes` ends the list of options.
COVER_OPTIONS: dict[str, CoverFunction] = {
    "colleague_planning": colleague_planning,
    "cancel_small_group": cancel_small_group,
}
END_OF_OPTIONS = "combine_classes"

_PLANNING_COLUMNS = frozenset(int(a) for a in PLANNING)
_INSTRUCTIONAL = frozenset(a.label for a in INSTRUCTIONAL)


def _weekday(blocks: list[tuple[Block, ...]], first_id: int, team: np.ndarray, policy: Coverage,
             protected_staff: np.ndarray) -> Weekday:
    rows = [(c, b) for c in range(len(blocks)) for b in blocks[c]]
    rows = [(c, first_id + k, b) for k, (c, b) in enumerate(rows)]
    open_rows = [r for r in rows if not protected_staff[r[0]] and r[2].activity not in policy.protected]
    return Weekday(
        planning=Candidates.of(open_rows, lambda b: int(PLANNED[b.activity]) in _PLANNING_COLUMNS, BY_PLANNING),
        small_groups=Candidates.of(rows, lambda b: b.activity == "small_group", BY_SMALL_GROUP),
        team=team,
        school_scope=policy.scope == "school",
    )


def _task(day: Weekday, steps: list[CoverFunction], s: int, b: Block) -> CoverTask:
    options: list[CoverOption] = []
    for find in steps:
        options += find(day, s, b)
    return CoverTask(column=int(PLANNED[b.activity]), minutes=b.minutes, start=b.start, end=b.end,
                     options=tuple(options))


def cover_tasks(day_blocks: list[list[tuple[Block, ...]]], team: np.ndarray, covered: np.ndarray,
                policy: Coverage, protected_staff: np.ndarray | None = None
                ) -> tuple[tuple[tuple[CoverTask, ...], ...], ...]:
    """[weekday][staff] the cover tasks of each position's instructional blocks (none if not covered).

    Protected planning (`policy.protected` activities, and every planning block of the positions
    `protected_staff` marks) is never an option: block ids stay those of all blocks."""
    if protected_staff is None:
        protected_staff = np.zeros(len(team), dtype=bool)
    steps = []
    for name in policy.order:
        if name == END_OF_OPTIONS:
            break
        steps.append(COVER_OPTIONS[name])
    out = []
    first_id = 0
    for blocks in day_blocks:
        day = _weekday(blocks, first_id, team, policy, protected_staff)
        first_id += sum(len(b) for b in blocks)
        out.append(tuple(
            tuple(_task(day, steps, s, b) for b in blocks[s] if b.activity in _INSTRUCTIONAL) if covered[s] else ()
            for s in range(len(blocks))
        ))
    return tuple(out)
