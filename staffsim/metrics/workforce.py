"""Absence and workforce metrics: absence, exhaustion, burnout, turnover by role and experience, vacancies.

Two families: "absence" (computed from the ledger's minutes and events) and
"workforce" (from the workforce model's state in `ledger.extra`; NaN where a
ledger has none).
"""

from __future__ import annotations

from functools import partial

import numpy as np

from staffsim.engine.ledger import EVENT_CODES, Ledger
from staffsim.engine.workforce.codes import (BAND_NAMES, END_LEAVE, END_MOVE, MID_LEAVE, MID_MOVE, RETIRED, STAY,
                                            experience_band)
from staffsim.metrics.metric import HIGHER, LOWER, NEITHER, Kind, Metric, declare
from staffsim.scenario.vocabulary import CATEGORY_CODES, CATEGORY_INFO, CATEGORY_NAMES, Activity

LEADER = CATEGORY_CODES["teacher_leader"]
TEACHER = CATEGORY_CODES["teacher"]
SUPPORT = CATEGORY_CODES["support"]
RESIDENT = CATEGORY_CODES["resident"]


# --------------------------------------------------------------------------------------- absence

def absence_metrics(ledger: Ledger) -> dict[str, float]:
    """The absence family: absence days per staff member per year, and absent class time left uncovered."""
    L = ledger
    out: dict[str, float] = {}
    absent_days = ((L.minutes[:, :, Activity.ABSENT] > 0) & L.filled).sum()
    days_per_year = L.days / len(np.unique(L.year))
    out["absence_days_per_staff"] = float(absent_days / max(L.filled.sum(), 1) * days_per_year)
    ev = L.events
    kind = ev[:, 1]
    need = ev[kind == EVENT_CODES["absence"]]
    subbed = {(int(r[0]), int(r[2])) for r in ev[kind == EVENT_CODES["substitute"]]}
    total_need = need[:, 4].sum()
    if total_need > 0:
        unsubbed = sum(int(r[4]) for r in need if (int(r[0]), int(r[2])) not in subbed)
        out["uncovered_absence_share"] = float(unsubbed / total_need)
    else:
        out["uncovered_absence_share"] = 0.0
    return out


_absence = partial(Metric, family="absence", compute=absence_metrics)

ABSENCE_METRICS: dict[str, Metric] = declare(
    _absence(name="absence_days_per_staff", kind=Kind.DAYS, direction=LOWER, label="Staff absence",
             unit="days per person per year", meaning="absence days per staff member per year"),
    _absence(name="uncovered_absence_share", kind=Kind.SHARE, direction=LOWER, label="Absences with no substitute",
             unit="% of absent class time", meaning="instructional minutes of absent staff with no substitute"),
)


# ------------------------------------------------------------------------------------- workforce

def cohort_counts(ledger: Ledger) -> dict[str, tuple[float, float]]:
    """(numerator, denominator) of each turnover rate, summed over the ledger's years.

    The denominator is the people in post at the start of a year (the cohort, as
    in the NCES Teacher Follow-up Survey); the numerator those of them who moved
    or left (retirements are leavers), during the year or at its end. Rates over teachers count
    teacher-leaders and collaborating teachers.
    """
    x = ledger.extra
    out, xp = x.get("outcome"), x.get("experience")
    if out is None or xp is None:
        return {}
    out = np.asarray(out)
    in_post = out >= 0
    cat = np.broadcast_to(ledger.staff_category, out.shape)
    teachers = in_post & ((cat == LEADER) | (cat == TEACHER))
    band = experience_band(np.nan_to_num(np.asarray(xp, dtype=float), nan=0.0))
    gone = np.isin(out, (MID_MOVE, MID_LEAVE, END_MOVE, END_LEAVE, RETIRED))
    moved = np.isin(out, (MID_MOVE, END_MOVE))
    left = np.isin(out, (MID_LEAVE, END_LEAVE, RETIRED))
    mid = np.isin(out, (MID_MOVE, MID_LEAVE))
    retired = out == RETIRED

    def pair(num: np.ndarray, group: np.ndarray) -> tuple[float, float]:
        return float((num & group).sum()), float(group.sum())

    c = {
        "turnover": pair(gone, teachers),
        "move": pair(moved, teachers),
        "leave": pair(left, teachers),
        "midyear": pair(mid, teachers),
        "retire": pair(retired, teachers),
    }
    for i, name in enumerate(CATEGORY_NAMES):
        g = in_post & (cat == i)
        c[f"turnover_{name}"] = pair(mid if name == "resident" else gone, g)
    for i, b in enumerate(BAND_NAMES):
        g = teachers & (band == i)
        c[f"turnover_{b}"] = pair(gone, g)
        c[f"move_{b}"] = pair(moved, g)
        c[f"leave_{b}"] = pair(left, g)
        c[f"midyear_{b}"] = pair(mid, g)
        c[f"retire_{b}"] = pair(retired, g)
    return c


def year_end_rows(ledger: Ledger) -> np.ndarray:
    """Index of the last school day of each year in the ledger."""
    yr = np.asarray(ledger.year)
    return np.flatnonzero(np.r_[yr[1:] != yr[:-1], True])


def burnout_counts(ledger: Ledger) -> tuple[float, float, float]:
    """(teachers burned out, teachers in post, sum of their exhaustion) on the last day of each year."""
    E = ledger.extra.get("exhaustion")
    if E is None:
        return 0.0, 0.0, 0.0
    e = np.asarray(E)[year_end_rows(ledger)][:, ledger.is_teacher]
    e = e[~np.isnan(e)]
    thr = float(ledger.extra.get("burnout_threshold", 0.5))
    return float((e >= thr).sum()), float(e.size), float(e.sum())


def _rate(c: dict, key: str) -> float:
    num, den = c.get(key, (0.0, 0.0))
    return num / den if den > 0 else float("nan")


def workforce_metrics(ledger: Ledger) -> dict[str, float]:
    """The workforce metrics of one replication (NaN where the ledger has no workforce data)."""
    x = ledger.extra
    if "exhaustion" not in x or "outcome" not in x:
        return {k: float("nan") for k in WORKFORCE_METRICS}
    n_years = max(len(np.unique(ledger.year)), 1)
    out: dict[str, float] = {}
    burned, n, total = burnout_counts(ledger)
    out["mean_exhaustion"] = total / n if n else float("nan")
    out["burnout_share"] = burned / n if n else float("nan")
    E = np.asarray(x["exhaustion"])[:, ledger.is_teacher]
    out["mean_exhaustion_over_year"] = float(np.nanmean(E)) if np.isfinite(E).any() else float("nan")
    c = cohort_counts(ledger)
    out["midyear_departure_rate"] = _rate(c, "midyear")
    out["midyear_departure_rate_exp_1_3"] = _rate(c, "midyear_exp_1_3")
    out["turnover_rate"] = _rate(c, "turnover")
    out["mover_rate"] = _rate(c, "move")
    out["leaver_rate"] = _rate(c, "leave")
    for name in CATEGORY_NAMES:
        out[f"turnover_rate_{name}"] = _rate(c, f"turnover_{name}")
    for b in BAND_NAMES:
        out[f"turnover_rate_{b}"] = _rate(c, f"turnover_{b}")
    out["vacancy_days"] = float((~ledger.filled).sum() / n_years)
    lts = x.get("long_term_sub")
    out["long_term_sub_days"] = float(np.asarray(lts).sum() / n_years) if lts is not None else float("nan")
    out["residents_promoted"] = float(np.asarray(x.get("residents_promoted", np.zeros(1))).sum() / n_years)
    out.update(experience_mix(ledger))
    oc = np.asarray(x["outcome"])
    teachers0 = (oc[0] >= 0) & np.isin(ledger.staff_category, (LEADER, TEACHER))
    kept = teachers0 & (oc == STAY).all(axis=0)
    out["staff_retained_share"] = float(kept.sum() / teachers0.sum()) if teachers0.any() else float("nan")
    return out


def experience_mix(ledger: Ledger) -> dict[str, float]:
    """Teachers in post at the start of each year (pooled over years): the share in years 1-3, mean years.

    Years of teaching = completed years + 1, as in the NCES bands."""
    xp = ledger.extra.get("experience")
    if xp is None:
        return {"novice_teacher_share": float("nan"), "mean_teacher_experience": float("nan")}
    xp = np.asarray(xp, dtype=float)[:, ledger.is_teacher]
    xp = xp[~np.isnan(xp)]
    if not xp.size:
        return {"novice_teacher_share": float("nan"), "mean_teacher_experience": float("nan")}
    return {"novice_teacher_share": float((experience_band(xp) == 0).mean()),
            "mean_teacher_experience": float(xp.mean() + 1.0)}


def exhaustion_by_week(ledger: Ledger, week_id: np.ndarray, n_weeks: int) -> np.ndarray:
    """(W, S) mean exhaustion per staff position per week (NaN for weeks the position stood vacant)."""
    S = ledger.minutes.shape[1]
    E = ledger.extra.get("exhaustion")
    if E is None:
        return np.full((n_weeks, S), np.nan)
    E = np.asarray(E)
    ok = ~np.isnan(E)
    sums = np.zeros((n_weeks, S))
    cnt = np.zeros((n_weeks, S))
    np.add.at(sums, week_id, np.where(ok, E, 0.0))
    np.add.at(cnt, week_id, ok)
    return np.divide(sums, cnt, out=np.full((n_weeks, S), np.nan), where=cnt > 0)


def _band_years(band: str) -> str:
    """'exp_10_19' -> '10-19' (years of experience)."""
    return band[4:].replace("_", "-")


_workforce = partial(Metric, family="workforce", compute=workforce_metrics)
_teacher_share = partial(_workforce, kind=Kind.SHARE, direction=LOWER, unit="% of teachers")

WORKFORCE_METRICS: dict[str, Metric] = declare(
    _workforce(name="mean_exhaustion", kind=Kind.INDEX, direction=LOWER, label="Teachers' exhaustion at year end",
               unit="0 = fresh, 1 = exhausted",
               meaning="teachers' mean exhaustion on the last school day of the year"),
    _teacher_share(name="burnout_share", label="Teachers at or above the burnout threshold",
                   meaning="teachers at or above the burnout threshold on the last school day"),
    _workforce(name="mean_exhaustion_over_year", kind=Kind.INDEX, direction=LOWER,
               label="Teachers' exhaustion over the year", unit="0 = fresh, 1 = exhausted",
               meaning="teachers' mean exhaustion over all school days"),
    _teacher_share(name="midyear_departure_rate", label="Teachers resigning during the year",
                   meaning="teachers resigning during the year / teachers in post at the start"),
    _teacher_share(name="midyear_departure_rate_exp_1_3", label="Teachers in years 1-3 resigning during the year",
                   unit="% of teachers in years 1-3",
                   meaning="the same for teachers in years 1-3 (Redding & Henry 2019: ~6 %)"),
    _teacher_share(name="turnover_rate", label="Teachers leaving or moving school",
                   unit="% of teachers, during or at the end of the year",
                   meaning="teachers in post at the start who moved or left, during or at the end of the year"),
    _teacher_share(name="mover_rate", label="Teachers moving to another school",
                   meaning="teachers in post at the start who moved to another school"),
    _teacher_share(name="leaver_rate", label="Teachers leaving teaching",
                   meaning="teachers in post at the start who left teaching"),
    *(_workforce(name=f"turnover_rate_{c}", kind=Kind.SHARE, direction=LOWER,
                 label=("Residents withdrawing during the year" if c == "resident"
                        else f"Turnover of {CATEGORY_INFO[c].plural}"),
                 unit=f"% of {CATEGORY_INFO[c].plural}",
                 meaning=f"turnover of {c.replace('_', '-')} positions" + (
                     " (in-year withdrawals; the residency year ends by design)" if c == "resident" else ""))
      for c in CATEGORY_NAMES),
    *(_teacher_share(name=f"turnover_rate_{b}", label=f"Teachers' turnover, {_band_years(b)} years of experience",
                     unit=f"% of teachers with {_band_years(b)} years of experience",
                     meaning=f"teachers' turnover, experience band {_band_years(b)} years")
      for b in BAND_NAMES),
    _workforce(name="vacancy_days", kind=Kind.DAYS, direction=LOWER, label="Days positions stood vacant",
               unit="days per year",
               meaning="position-days vacant per year (with or without a long-term substitute)"),
    _workforce(name="long_term_sub_days", kind=Kind.DAYS, direction=LOWER,
               label="Days a long-term substitute held a vacancy", unit="days per year",
               meaning="position-days a long-term substitute held a vacancy, per year"),
    _workforce(name="residents_promoted", kind=Kind.COUNT, direction=NEITHER, label="Residents hired as teachers",
               unit="people per year", meaning="residents hired into teacher positions per year"),
    _workforce(name="novice_teacher_share", kind=Kind.SHARE, direction=NEITHER,
               label="Teachers in their first three years", unit="% of teachers at the start of the year",
               meaning="teachers in post at the start of the year with 1-3 years of teaching"),
    _workforce(name="mean_teacher_experience", kind=Kind.YEARS, direction=NEITHER,
               label="Teachers' mean experience", unit="years of teaching",
               meaning="mean years of teaching of the teachers in post at the start of the year"),
    _workforce(name="staff_retained_share", kind=Kind.SHARE, direction=HIGHER,
               label="Teachers still in the same post at the end", unit="% of teachers",
               meaning="teachers in post at the start of the run still in the same position at its end"),
)
