"""Part-time and external positions in the compiled plan: blocks masked by days on site.

A role's positions are on site on some weekdays only (`scenario/on_site.py`: per weekday 1, 0.5 or 0).
The plan compiler (`plan.py`) applies the pattern once, to the timetable's blocks, so every step that
reads the plan follows it without a branch of its own:

- a day off keeps no block, a half day the blocks ending by the contract day's midpoint; the minutes
  not on site are the ledger column `off_site`, so a position's day still adds up to the contract day;
- colleagues' cover is built from the masked blocks: no cover is asked for a class not held that day,
  and a position not on site covers nobody;
- coaching the position would give on a day (or afternoon) off is the coached colleagues' individual
  planning, minute for minute: the rule of an absent coach without a class (`day/partners.py`) or an
  absent teacher-leader (`day/planning.py`), applied here because the days off are known in advance.

Absences start only on days due (`day/staffing.py`), and a day wholly off site is neither work nor
rest for exhaustion (`workforce/batch.py`). docs/model.md §2.4.10.
"""

from __future__ import annotations

import numpy as np

from staffsim.engine.coaching import coach_links
from staffsim.scenario.on_site import half_day_end
from staffsim.scenario.schema import Scenario
from staffsim.scenario.timetable import Block
from staffsim.scenario.vocabulary import Activity

A_OTHER, A_OFF = int(Activity.OTHER), int(Activity.OFF_SITE)
A_IND, A_CREC = int(Activity.PLANNING_INDIVIDUAL), int(Activity.COACHING_RECEIVED)

DayBlocks = list[list[tuple[Block, ...]]]  # [weekday][position] the day's blocks


def on_site_matrix(sc: Scenario, roles: tuple[str, ...]) -> np.ndarray | None:
    """(5, S) fraction of each weekday each position is on site; None when everyone is on site every day."""
    patterns = {name: r.on_site_pattern for name, r in sc.roles.items()}
    if all(min(p) == 1.0 for p in patterns.values()):
        return None
    return np.array([patterns[r] for r in roles], dtype=float).T.copy()


def mask_blocks(day_blocks: DayBlocks, on_site: np.ndarray, half_end: int) -> DayBlocks:
    """The blocks held on site: none on a day off, those ending by `half_end` on a half day."""
    def kept(blocks: tuple[Block, ...], f: float) -> tuple[Block, ...]:
        if f == 1.0:
            return blocks
        return tuple(b for b in blocks if b.end <= half_end) if f == 0.5 else ()
    return [[kept(blocks, float(on_site[w, s])) for s, blocks in enumerate(day)] for w, day in enumerate(day_blocks)]


def off_site_minutes(on_site: np.ndarray, start: int, contract: int) -> np.ndarray:
    """(5, S) contract minutes not on site: all of a day off, the afternoon of a half day, none of a full day."""
    half_off = contract - (half_day_end(start, contract) - start)
    return np.where(on_site == 1.0, 0.0, np.where(on_site == 0.5, float(half_off), float(contract)))


def account_off_site(minutes: np.ndarray, off: np.ndarray) -> None:
    """Move the minutes not on site from `other` (time the blocks leave free) to `off_site`, in place."""
    minutes[:, :, A_OTHER] -= off
    minutes[:, :, A_OFF] += off


def coaching_when_away(minutes: np.ndarray, full: DayBlocks, masked: DayBlocks, on_site: np.ndarray,
                       coaches: np.ndarray, is_leader: np.ndarray, staff_team: np.ndarray,
                       team_led: np.ndarray) -> None:
    """Coaching whose coach is not on site becomes the coached person's individual planning, in place.

    Coaches without a class (`coaches` (S,) bool): the scheduled links (`engine/coaching.py`) with the
    coaches' full week, less those with their days on site, are the minutes lost. Teacher-leaders: on a
    weekday every leader of a led team is off site, the team's coaching received is planning.
    """
    if coaches.any():
        view = [[full[w][s] if coaches[s] else masked[w][s] for s in range(len(full[w]))] for w in range(5)]
        would, held = coach_links(view, coaches), coach_links(masked, coaches)
        for w in range(5):
            lost: dict[int, int] = {}
            for sign, links in ((1, would[w]), (-1, held[w])):
                for _, coached, m in links:
                    lost[coached] = lost.get(coached, 0) + sign * m
            for coached, m in lost.items():
                _to_planning(minutes[w], np.array([coached]), float(m))
    if is_leader.any():
        for w in range(5):
            leaders_in = np.bincount(staff_team, weights=is_leader & (on_site[w] > 0), minlength=len(team_led))
            for t in np.flatnonzero(team_led & (leaders_in == 0)):
                mates = np.flatnonzero((staff_team == t) & (on_site[w] > 0))
                _to_planning(minutes[w], mates, None)


def _to_planning(M: np.ndarray, who: np.ndarray, minutes: float | None) -> None:
    """(S, A) day row: up to `minutes` (None: all) of `who`'s coaching received become individual planning."""
    moved = M[who, A_CREC] if minutes is None else np.minimum(minutes, M[who, A_CREC])
    M[who, A_CREC] -= moved
    M[who, A_IND] += moved
