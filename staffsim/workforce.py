"""Who holds each position: presence, vacancies and (later) exhaustion and turnover.

The core model asks this module, once per school day, how likely each person
is to be absent, how heavy their workload is, and which positions stand vacant;
it reports back what the day did to each person.
"""

from __future__ import annotations

import numpy as np
import simpy

from .plan import CATEGORY_CODES, Plan
from .streams import Streams

LEADER = CATEGORY_CODES["teacher_leader"]


class Workforce:
    """Per-position state of one replication."""

    def __init__(self, plan: Plan, streams: Streams, years: int):
        S = plan.n_staff
        self.plan = plan
        self.streams = streams
        self.present_possible = np.ones(S, dtype=bool)
        self.vacant = np.zeros(S, dtype=bool)
        self.long_term_sub = np.zeros(S, dtype=bool)
        self.is_leader = plan.staff_category == LEADER

    def begin_year(self, y: int, school) -> None:
        pass

    def absence_multiplier(self) -> float | np.ndarray:
        return 1.0

    def workload_multiplier(self) -> float | np.ndarray:
        return 1.0

    def rest(self, days: int, is_break: bool) -> None:
        pass

    def any_leader_out(self, out: np.ndarray) -> bool:
        return bool((out & self.is_leader).any())

    def teams_without_leader(self, out: np.ndarray) -> np.ndarray:
        """(T,) bool: teams whose teacher-leader(s) are all out today (unled teams excluded)."""
        T = self.plan.n_teams
        leaders_in = np.bincount(self.plan.staff_team, weights=self.is_leader & ~out, minlength=T)
        return self.plan.team_led & (leaders_in == 0)

    def after_day(self, env: simpy.Environment, y: int, d: int, day: int, M: np.ndarray, out: np.ndarray, school) -> None:
        pass

    def end_of_year(self, env: simpy.Environment, y: int, school) -> None:
        pass

    def summary(self) -> dict:
        return {}
