"""The workforce's randomness of one year, drawn in bulk per staff slot (common random numbers)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from staffsim.engine.streams import Streams

K_DRAWS = 8  # random draws kept per staff slot and year for vacancies, hires and resignations


@dataclass(eq=False)
class WorkforceDraws:
    """Uniforms (and Exp(1) logs) of one year, with per-slot counters of the draws used."""

    log_res: np.ndarray  # (D1, S) log of an Exp(1) draw per staff slot and day: mid-year resignation
    res_dest: np.ndarray  # (S, K) does a resignation leave teaching
    dec_u: np.ndarray  # (S, 2) year-end decision, residents' promotion
    hire_u: np.ndarray  # (S, K, 6) vacancy (delay, long-term sub) and new hire (experience, E, sensitivity)
    thresholds: np.ndarray  # (D1, S) exhaustion above which the occupant resigns that day
    vk: np.ndarray  # (S,) vacancies drawn
    hk: np.ndarray  # (S,) hires drawn
    rk: np.ndarray  # (S,) resignations drawn

    def vacancy(self, s: int) -> np.ndarray:
        """The next vacancy's uniforms of slot s."""
        u = self.hire_u[s, self.vk[s] % K_DRAWS]
        self.vk[s] += 1
        return u

    def hire(self, s: int) -> np.ndarray:
        """The next hire's uniforms of slot s."""
        u = self.hire_u[s, self.hk[s] % K_DRAWS]
        self.hk[s] += 1
        return u

    def resignation(self, s: int) -> float:
        """The next resignation's uniform of slot s (below the leave share: leaves teaching)."""
        u = self.res_dest[s, self.rk[s] % K_DRAWS]
        self.rk[s] += 1
        return u


def draw_year(streams: Streams, y: int, S: int, D1: int) -> WorkforceDraws:
    """Draw year y's workforce randomness (thresholds are left to `resignation.thresholds`)."""
    # Exp(1) draws, one per staff slot and day (drawn (S, D1) for common random numbers), as logs by day
    log_res = np.log(-np.log1p(-streams.get("resignation", y).random((S, D1)))).T.copy()
    return WorkforceDraws(
        log_res=log_res,
        res_dest=streams.get("resignation", y, 1).random((S, K_DRAWS)),
        dec_u=streams.get("decision", y).random((S, 2)),
        hire_u=streams.get("hiring", y).random((S, K_DRAWS, 6)),
        thresholds=np.empty((D1, S)),
        vk=np.zeros(S, dtype=np.int64), hk=np.zeros(S, dtype=np.int64), rk=np.zeros(S, dtype=np.int64),
    )
