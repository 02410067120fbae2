"""The BTLS mentoring pair in `staffsim calibrate`: first-year teachers with and without a mentor.

NCES BTLS (NCES 2011-318; Gray & Taie 2015): of beginning teachers assigned a
first-year mentor, 8 % were not teaching the following year, against 16 % of
those without one. Checked by a cohort experiment on the calibrated scenario,
one year, in two variants run on the same seeds: the early-career cohort of the
residency experiment (no graduates) with `policies.mentoring` provided (mentor:
the scenario's own mentor role, else its first teacher role) and with mentoring
explicitly not provided. The estimate is the share of first-year teachers (0
completed years at the start) who left teaching during the year or at its end.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffsim.engine.ledger import Ledger
from staffsim.engine.workforce.codes import END_LEAVE, MID_LEAVE
from staffsim.metrics import workforce as wf
from staffsim.scenario.mentoring import Mentoring
from staffsim.scenario.schema import Scenario
from staffsim.scenario.vocabulary import CATEGORY_INFO

#: Columns of the per-replication table: first-year teachers at the start, those who left teaching.
NOVICE_COLUMNS = ["novices", "novices_left"]
#: Run-folder points of the two variants (after the scenario, 0, and the residency cohort, 1).
MENTORED_POINT, UNMENTORED_POINT = 2, 3


def mentoring_scenario(cohort: Scenario, provided: bool) -> Scenario:
    """The cohort scenario with mentoring provided or explicitly not (the scenario's other settings kept)."""
    stated = cohort.policies.mentoring
    if stated is not None:
        policy = stated.model_copy(update={"provided": provided})
    else:
        mentor = next(name for name, r in cohort.roles.items() if CATEGORY_INFO[r.category].teaches)
        policy = Mentoring(provided=provided, mentor_role=mentor)
    if provided and policy.mentor_role is None:
        mentor = next(name for name, r in cohort.roles.items() if CATEGORY_INFO[r.category].teaches)
        policy = policy.model_copy(update={"mentor_role": mentor})
    return cohort.model_copy(update={"policies": cohort.policies.model_copy(update={"mentoring": policy})})


def novice_table(ledger: Ledger) -> pd.DataFrame:
    """One row: first-year teachers in post at the start of the first year, and those who left teaching in it."""
    x = ledger.extra
    if "outcome" not in x or "experience" not in x:
        return pd.DataFrame(columns=NOVICE_COLUMNS)
    oc = np.asarray(x["outcome"])[0]
    xp = np.asarray(x["experience"])[0]
    novice = np.isin(ledger.staff_category, (wf.LEADER, wf.TEACHER)) & (oc >= 0) & (xp == 0)
    left = novice & np.isin(oc, (MID_LEAVE, END_LEAVE))
    return pd.DataFrame([[float(novice.sum()), float(left.sum())]], columns=NOVICE_COLUMNS)
