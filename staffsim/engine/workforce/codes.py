"""Codes shared by the workforce model and its metrics: outcomes of a year, experience bands."""

from __future__ import annotations

import numpy as np

#: What happened to the person in post at the start of a year (`extra["outcome"]`, (Y, S)).
VACANT_AT_START, STAY, MID_MOVE, MID_LEAVE, END_MOVE, END_LEAVE, COMPLETED, PROMOTED, RETIRED = -1, 0, 1, 2, 3, 4, 5, 6, 7
OUTCOME_LABELS = {VACANT_AT_START: "vacant at start", STAY: "stayed", MID_MOVE: "moved during the year",
                  MID_LEAVE: "left teaching during the year", END_MOVE: "moved at year end",
                  END_LEAVE: "left teaching at year end", COMPLETED: "residency completed",
                  PROMOTED: "resident hired as teacher", RETIRED: "retired at year end"}
#: Completed years of experience at which the NCES bands 4-9, 10-19, 20+ years of teaching begin.
BAND_EDGES = np.array([3, 9, 19])
BAND_NAMES = ("exp_1_3", "exp_4_9", "exp_10_19", "exp_20_plus")
_BAND_RANGES = ((0, 2), (3, 8), (9, 18))  # completed years in each band; the last runs to max_years - 1


def experience_band(years: np.ndarray) -> np.ndarray:
    """NCES experience band (0: 1-3, 1: 4-9, 2: 10-19, 3: 20+ years of teaching) of completed years."""
    return np.searchsorted(BAND_EDGES, np.asarray(years), side="right")
