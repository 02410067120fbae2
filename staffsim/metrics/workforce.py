"""Workforce metrics: exhaustion, burnout, turnover by role and experience, vacancies."""

from __future__ import annotations


import numpy as np
import pandas as pd

from staffsim.metrics import time_use as _metrics
from staffsim.engine.ledger import Ledger, split_years
from staffsim.scenario.vocabulary import CATEGORY_CODES, CATEGORY_NAMES

from staffsim.engine.workforce.codes import STAY, MID_MOVE, MID_LEAVE, END_MOVE, END_LEAVE, BAND_NAMES, experience_band

LEADER = CATEGORY_CODES["teacher_leader"]
TEACHER = CATEGORY_CODES["teacher"]
SUPPORT = CATEGORY_CODES["support"]
RESIDENT = CATEGORY_CODES["resident"]
# --------------------------------------------------------------------- metrics (DESIGN.md §4)
WORKFORCE_METRICS: dict[str, tuple[str, str]] = {
    "mean_exhaustion": ("0-1", "teachers' mean exhaustion on the last school day of the year"),
    "burnout_share": ("share", "teachers at or above the burnout threshold on the last school day"),
    "mean_exhaustion_over_year": ("0-1", "teachers' mean exhaustion over all school days"),
    "midyear_departure_rate": ("share", "teachers resigning during the year / teachers in post at the start"),
    "midyear_departure_rate_exp_1_3": ("share", "the same for teachers in years 1-3 (Redding & Henry 2019: ~6 %)"),
    "turnover_rate": ("share", "teachers in post at the start who moved or left, during or at the end of the year"),
    "mover_rate": ("share", "teachers in post at the start who moved to another school"),
    "leaver_rate": ("share", "teachers in post at the start who left teaching"),
    **{f"turnover_rate_{c}": ("share", f"turnover of {c.replace('_', '-')} positions" + (
        " (in-year withdrawals; the residency year ends by design)" if c == "resident" else ""))
       for c in CATEGORY_NAMES},
    **{f"turnover_rate_{b}": ("share", f"teachers' turnover, experience band {b[4:].replace('_', '-')} years")
       for b in BAND_NAMES},
    "vacancy_days": ("days", "position-days vacant per year (with or without a long-term substitute)"),
    "long_term_sub_days": ("days", "position-days a long-term substitute held a vacancy, per year"),
    "residents_promoted": ("count", "residents hired into teacher positions per year"),
    "staff_retained_share": ("share", "teachers in post at the start of the run still in the same position at its end"),
}


def cohort_counts(ledger: Ledger) -> dict[str, tuple[float, float]]:
    """(numerator, denominator) of each turnover rate, summed over the ledger's years.

    The denominator is the people in post at the start of a year (the cohort, as
    in the NCES Teacher Follow-up Survey); the numerator those of them who moved
    or left, during the year or at its end. Rates over teachers count
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
    gone = np.isin(out, (MID_MOVE, MID_LEAVE, END_MOVE, END_LEAVE))
    moved = np.isin(out, (MID_MOVE, END_MOVE))
    left = np.isin(out, (MID_LEAVE, END_LEAVE))
    mid = np.isin(out, (MID_MOVE, MID_LEAVE))

    def pair(num: np.ndarray, group: np.ndarray) -> tuple[float, float]:
        return float((num & group).sum()), float(group.sum())

    c = {
        "turnover": pair(gone, teachers),
        "move": pair(moved, teachers),
        "leave": pair(left, teachers),
        "midyear": pair(mid, teachers),
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
    oc = np.asarray(x["outcome"])
    teachers0 = (oc[0] >= 0) & np.isin(ledger.staff_category, (LEADER, TEACHER))
    kept = teachers0 & (oc == STAY).all(axis=0)
    out["staff_retained_share"] = float(kept.sum() / teachers0.sum()) if teachers0.any() else float("nan")
    return out


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


def per_year_frame(ledger: Ledger) -> pd.DataFrame:
    """One row per simulated year: every metric of that year (the per-year table of multi-year runs)."""
    rows = []
    for y, part in enumerate(split_years(ledger)):
        m = _metrics.compute_metrics(part)
        x = part.extra
        m = {"year": y, **m}
        for k in ("staff_at_start", "midyear_departures", "movers", "leavers"):
            if k in x:
                m[k] = float(np.asarray(x[k]).sum())
        rows.append(m)
    return pd.DataFrame(rows)


_metrics.EXTRA_METRICS["workforce"] = workforce_metrics
_metrics.EXTRA_STAFF_WEEK_COLUMNS["exhaustion"] = exhaustion_by_week
_metrics.METRICS.update({k: v for k, v in WORKFORCE_METRICS.items() if k not in _metrics.METRICS})
