"""Pay relative to the market as a factor on each position's exit hazards (docs/model.md §2.4.11).

Teachers and teacher-leaders (the categories that count as teachers, Hendricks'
2014 population) paid salary + supplement respond with the multiplier of
`scenario.pay.hazard_multiplier`; support staff, residents (a stipend, and they
make no year-end decision) and coaches without a class do not. `refresh` in
`positions.py` multiplies it into `Positions.h_mult`, which scales both the
mid-year resignation hazard and the year-end decision.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from staffsim.scenario import pay as pay_model
from staffsim.scenario.schema import Scenario
from staffsim.scenario.vocabulary import CATEGORY_INFO


@dataclass(frozen=True, eq=False)
class PayTerms:
    """What the pay response needs per position (S positions), derived once per plan."""

    params: pay_model.PayResponse
    responds: np.ndarray  # (S,) bool: the position's category counts as a teacher
    salary: np.ndarray  # (S,) flat annual salary of the position's role
    supplement: np.ndarray  # (S,) annual supplement of the position's role
    schedules: tuple[tuple[tuple[int, float], ...] | None, ...]  # (S,) the role's salary schedule, if any

    def multiplier(self, idx: np.ndarray, years: np.ndarray) -> np.ndarray:
        """(len(idx),) factor on the exit hazards of positions idx whose occupants have `years` completed years."""
        out = np.ones(len(idx))
        for j, s in enumerate(idx):
            if self.responds[s]:
                base = pay_model.salary_at(float(self.salary[s]), self.schedules[s], np.asarray([years[j]]))[0]
                out[j] = pay_model.hazard_multiplier(base + self.supplement[s], years[j], self.params)
        return out


def pay_terms(scenario: Scenario, staff_role: tuple[str, ...]) -> PayTerms | None:
    """The positions' pay terms; None when no position's hazard can differ from 1 (every teacher at the reference).

    None keeps the designs that pay their teachers the reference salary exactly as without the mechanism.
    """
    p = scenario.workforce.pay
    roles = [scenario.roles[r] for r in staff_role]
    responds = np.array([CATEGORY_INFO[r.category].teaches for r in roles], dtype=bool)

    def neutral(r) -> bool:
        pays = [r.salary] + list((r.salary_by_experience or {}).values())
        return all(x + r.supplement == p.reference_salary for x in pays)

    if p.novice_elasticity == 0 or all(neutral(r) for r, t in zip(roles, responds) if t):
        return None
    return PayTerms(
        params=p, responds=responds,
        salary=np.array([float(r.salary) for r in roles]),
        supplement=np.array([float(r.supplement) for r in roles]),
        schedules=tuple(tuple(sorted(r.salary_by_experience.items())) if r.salary_by_experience else None
                        for r in roles),
    )
