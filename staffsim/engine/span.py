"""Span of control: a teacher-leader's coaching shared among the people led, and the leader's extra workload.

The span of a led team is its teachers (roles that teach and do not lead) per
teacher-leader on it. With `r` the reference span (`behaviour.span_of_control`)
and `n` the team's span:

- each member of the team other than its leaders keeps the share min(1, r/n) of
  the coaching the timetable gives them (the coaching step turns the rest into
  their individual planning: the leader's coaching time, written for r teachers,
  is spread over n);
- each leader's planning workload grows by h·max(0, n − r) hours a week.

Both are exactly neutral at or below the reference span (docs/model.md §2.4.1, step 4).
"""

from __future__ import annotations

import numpy as np

from staffsim.scenario.leadership import SpanOfControl
from staffsim.scenario.vocabulary import ROLE_CATEGORIES

_LEADS = np.array([c.leads_team for c in ROLE_CATEGORIES])
_LED_TEACHER = np.array([c.teaches and not c.leads_team for c in ROLE_CATEGORIES])


def team_spans(staff_team: np.ndarray, category: np.ndarray, n_teams: int) -> np.ndarray:
    """(T,) teachers per teacher-leader on each team (0 on teams without a leader)."""
    leaders = np.bincount(staff_team, weights=_LEADS[category], minlength=n_teams)
    teachers = np.bincount(staff_team, weights=_LED_TEACHER[category], minlength=n_teams)
    return np.divide(teachers, leaders, out=np.zeros(n_teams), where=leaders > 0)


def coaching_share(spans: np.ndarray, staff_team: np.ndarray, category: np.ndarray,
                   p: SpanOfControl) -> np.ndarray | None:
    """(S,) share of the timetabled coaching each position keeps, or None when every share is 1."""
    over = spans > p.reference_teachers
    if not over.any():
        return None
    team_share = np.ones(len(spans))
    team_share[over] = p.reference_teachers / spans[over]
    share = team_share[staff_team]
    share[_LEADS[category]] = 1.0
    return share


def leader_extra_hours(spans: np.ndarray, staff_team: np.ndarray, category: np.ndarray,
                       p: SpanOfControl) -> np.ndarray:
    """(S,) hours a week added to each teacher-leader's planning workload (0 for everyone else)."""
    beyond = np.maximum(spans - p.reference_teachers, 0.0)[staff_team]
    return p.leader_hours_per_extra_teacher * beyond * _LEADS[category]
