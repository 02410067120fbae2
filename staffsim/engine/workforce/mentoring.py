"""Mentoring and induction (policies.mentoring; docs/model.md §2.4.12): who is a mentee, who mentors them.

Mentees are teachers and teacher-leaders in post with at most `mentee_max_years`
completed years. Their exit hazards (mid-year and year-end) are multiplied by
the policy's hazard multiplier (`positions.refresh`); when mentoring is
provided, each is paired with a mentor of the named role who is in post and not
a mentee: one on their own team if there is one (in turn among several), else
in turn across the school. The day step `engine/day/mentoring.py` moves the time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from staffsim.scenario.schema import Scenario
from staffsim.scenario.vocabulary import CATEGORY_INFO


@dataclass(frozen=True, eq=False)
class MentoringTerms:
    """A scenario's mentoring policy as arrays over its S positions."""

    eligible: np.ndarray  # (S,) bool: a teacher or teacher-leader (may be a mentee)
    is_mentor: np.ndarray  # (S,) bool: holds the mentor role
    team: np.ndarray  # (S,) team index
    max_years: int  # mentees have at most this many completed years
    hazard: float  # factor on a mentee's exit hazards
    meets: bool  # mentoring is provided with some time to move
    mentor_day: float  # mentor minutes per mentee and school day (a fifth of the week's)
    release_day: float  # mentee release minutes per school day
    _cache: dict = field(default_factory=dict, repr=False)  # the last pairs and the occupants they were for

    def mentees(self, vacant: np.ndarray, years: np.ndarray) -> np.ndarray:
        """(S,) bool: the positions whose occupant is a mentee now."""
        return self.eligible & ~vacant & (years <= self.max_years)

    def hazard_factor(self, idx: np.ndarray, years: np.ndarray) -> np.ndarray:
        """(len(idx),) factor on the exit hazards of positions idx held by people with `years` completed years."""
        return np.where(self.eligible[idx] & (years <= self.max_years), self.hazard, 1.0)

    def pairs_now(self, vacant: np.ndarray, years: np.ndarray, token: np.ndarray) -> list[tuple[int, int]]:
        """`pairs` of the positions' current occupants, recomputed only when an occupant or their years change."""
        key = (token.tobytes(), years.tobytes(), vacant.tobytes())
        hit = self._cache.get("pairs")
        if hit is not None and hit[0] == key:
            return hit[1]
        out = self.pairs(self.mentees(vacant, years), vacant)
        self._cache["pairs"] = (key, out)
        return out

    def pairs(self, mentee: np.ndarray, vacant: np.ndarray) -> list[tuple[int, int]]:
        """(mentee, mentor) pairs: a mentor on the mentee's team if any, else in turn across the school."""
        mentors = np.flatnonzero(self.is_mentor & ~vacant & ~mentee)
        if not len(mentors):
            return []
        out, turn_team, turn_school = [], {}, 0
        for s in np.flatnonzero(mentee).tolist():
            t = int(self.team[s])
            own = mentors[self.team[mentors] == t]
            if len(own):
                k = turn_team.get(t, 0)
                out.append((s, int(own[k % len(own)])))
                turn_team[t] = k + 1
            else:
                out.append((s, int(mentors[turn_school % len(mentors)])))
                turn_school += 1
        return out


def mentoring_terms(scenario: Scenario, staff_role: tuple[str, ...], staff_team: np.ndarray) -> MentoringTerms | None:
    """The positions' mentoring terms; None without a `policies.mentoring` section (the baseline novice)."""
    m = scenario.policies.mentoring
    if m is None:
        return None
    roles = [scenario.roles[r] for r in staff_role]
    meets = m.provided and (m.mentor_minutes_per_week > 0 or m.release_minutes_per_week > 0)
    return MentoringTerms(
        eligible=np.array([CATEGORY_INFO[r.category].teaches for r in roles], dtype=bool),
        is_mentor=np.array([r == m.mentor_role for r in staff_role], dtype=bool),
        team=np.asarray(staff_team), max_years=m.mentee_max_years, hazard=m.hazard_multiplier, meets=meets,
        mentor_day=m.mentor_minutes_per_week / 5.0, release_day=m.release_minutes_per_week / 5.0,
    )
