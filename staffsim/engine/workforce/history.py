"""What the workforce records over a replication, and its summary for `ledger.extra`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from staffsim.engine.workforce.codes import VACANT_AT_START


@dataclass(eq=False)
class History:
    """Arrays over D school days, S positions and Y years."""

    filled: np.ndarray  # (D, S) bool: a person held the position that day
    E: np.ndarray  # (D, S) exhaustion at the end of each day (NaN until integrated)
    eff: np.ndarray  # (D, S) effectiveness
    lts: np.ndarray  # (D, S) bool: a long-term substitute holds the vacancy
    exp_start: np.ndarray  # (Y, S) experience of the person in post at the start of each year
    grad_start: np.ndarray  # (Y, S) bool
    outcome: np.ndarray  # (Y, S) int8 codes.* of the person in post at the start of each year
    n_mid: np.ndarray  # (Y,) mid-year departures
    n_move: np.ndarray  # (Y,) movers at year end
    n_leave: np.ndarray  # (Y,) leavers at year end (retirements included)
    n_retire: np.ndarray  # (Y,) retirements at year end
    n_start: np.ndarray  # (Y,) staff in post at the start
    n_promoted: np.ndarray  # (Y,) residents promoted
    departures: np.ndarray  # (Y, S) people who left each position (mid-year, moved or left at year end, retired)

    @classmethod
    def empty(cls, D: int, S: int, Y: int) -> History:
        return cls(
            filled=np.ones((D, S), dtype=bool), E=np.full((D, S), np.nan), eff=np.full((D, S), np.nan),
            lts=np.zeros((D, S), dtype=bool), exp_start=np.full((Y, S), np.nan), grad_start=np.zeros((Y, S), dtype=bool),
            outcome=np.full((Y, S), VACANT_AT_START, dtype=np.int8), n_mid=np.zeros(Y, dtype=np.int64),
            n_move=np.zeros(Y, dtype=np.int64), n_leave=np.zeros(Y, dtype=np.int64),
            n_retire=np.zeros(Y, dtype=np.int64), n_start=np.zeros(Y, dtype=np.int64),
            n_promoted=np.zeros(Y, dtype=np.int64), departures=np.zeros((Y, S), dtype=np.int64),
        )


def summary(hist: History, lts_effectiveness: float, burnout_threshold: float) -> dict:
    """Arrays for `ledger.extra` (shapes: D school days, S positions, Y years)."""
    Y, S = hist.exp_start.shape
    filled = hist.filled
    E = hist.E.copy()
    E[~filled] = np.nan
    eff = hist.eff.copy()
    eff[~filled] = np.where(hist.lts, lts_effectiveness, np.nan)[~filled]
    return {
        "exhaustion": E,
        "long_term_sub": hist.lts & ~filled,
        "effectiveness": eff,
        "experience": hist.exp_start.copy(),
        "graduate": hist.grad_start.copy(),
        "outcome": hist.outcome.copy(),
        "midyear_departures": hist.n_mid.copy(),
        "movers": hist.n_move.copy(),
        "leavers": hist.n_leave.copy(),
        "retirements": hist.n_retire.copy(),
        "staff_at_start": hist.n_start.copy(),
        "residents_promoted": hist.n_promoted.copy(),
        "departures": hist.departures.copy(),
        "vacancy_days": (~filled).reshape(Y, -1, S).sum(axis=(1, 2)).astype(float),
        "burnout_threshold": float(burnout_threshold),
    }
