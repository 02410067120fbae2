"""Staff-week tables reduced to what the figures need, one Parquet part at a time (memory stays flat)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from staffsim.experiments import store
from staffsim.scenario.vocabulary import Activity
from staffsim.experiments.runfolder import RunFolder

#: Minute columns of staff_weeks inside the contract day (overtime lies outside it).
CONTRACT = [a.label for a in Activity if a is not Activity.OVERTIME]
MINUTES = [a.label for a in Activity]
KEYS = ["scenario", "replication", "year", "week", "role", "category"]


def _parts(run: RunFolder) -> list:
    d = run.path / "staff_weeks.parquet"
    if d.is_file():
        return [d]
    return sorted(f for f in d.iterdir() if store.PART.match(f.name)) if d.is_dir() else []


def role_weeks(run: RunFolder, designs: list[str]) -> pd.DataFrame:
    """Per (scenario, replication, year, week, role, category): summed minutes by activity, `present_days`
    (school days in post and not absent), `staff_in_post`, and `exhaustion_sum`/`exhaustion_n` when the
    run recorded exhaustion. Empty when the run has no staff_weeks table."""
    cache = run.__dict__.setdefault("_role_weeks", {})
    key = tuple(designs)
    if key not in cache:
        cache[key] = _role_weeks(run, list(designs))
    return cache[key]


def _role_weeks(run: RunFolder, designs: list[str]) -> pd.DataFrame:
    have = set(run.staff_week_columns())
    if not have:
        return pd.DataFrame()
    minutes = [c for c in MINUTES if c in have]
    want = [c for c in KEYS + ["days_in_post", "exhaustion"] + minutes if c in have]
    chunks = []
    for part in _parts(run):
        t = pq.read_table(part, columns=want, filters=[("scenario", "in", designs)])
        if t.num_rows == 0:
            continue
        df = t.to_pandas()
        if "year" not in df:
            df["year"] = 0
        contract = df[[c for c in CONTRACT if c in df]].sum(axis=1).to_numpy()
        absent = df["absent"].to_numpy() if "absent" in df else np.zeros(len(df))
        in_post = df["days_in_post"].to_numpy() if "days_in_post" in df else np.full(len(df), 5.0)
        # school days present = days of the week x share of contract minutes not absent (vacant days count as absent)
        with np.errstate(invalid="ignore", divide="ignore"):
            present = np.where(contract > 0, 5.0 * (contract - absent) / np.where(contract > 0, contract, 1), 0.0)
        df["present_days"] = np.clip(present, 0, 5)
        df["staff_in_post"] = (in_post > 0).astype(float)
        if "exhaustion" in df:
            ex = df["exhaustion"].to_numpy(dtype=float)
            ok = (in_post > 0) & np.isfinite(ex)
            df["exhaustion_sum"] = np.where(ok, ex, 0.0)
            df["exhaustion_n"] = ok.astype(float)
            df = df.drop(columns="exhaustion")
        df = df.drop(columns=[c for c in ("days_in_post",) if c in df])
        chunks.append(df.groupby(KEYS, sort=False, observed=True).sum(numeric_only=True).reset_index())
    if not chunks:
        return pd.DataFrame()
    out = pd.concat(chunks, ignore_index=True)
    return out.groupby(KEYS, sort=False, observed=True).sum(numeric_only=True).reset_index()


def break_positions(run: RunFolder, design: str | None = None) -> list[tuple[float, str]]:
    """(x between instructional weeks, break name) from the calendar of a design (weeks are 1-based on the axis)."""
    from staffsim.experiments.runfolder import lookup

    data = run.designs.get(design) if design else next(iter(run.designs.values()), None)
    out = []
    for b in lookup(data, "calendar.breaks", []) or []:
        try:
            out.append((int(b["after_week"]) + 0.5, str(b.get("name", "break"))))
        except (KeyError, TypeError, ValueError):
            continue
    return out


def weeks_per_year(run: RunFolder, frame: pd.DataFrame | None = None) -> int:
    from staffsim.experiments.runfolder import lookup

    for d in run.designs.values():
        w = lookup(d, "calendar.weeks")
        if w:
            return int(w)
    return int(frame["week"].max()) + 1 if frame is not None and not frame.empty else 36
