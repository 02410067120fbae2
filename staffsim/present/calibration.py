"""The calibration table as aligned text: what `staffsim calibrate` prints (targets, estimates, bands)."""

from __future__ import annotations

import math

import pandas as pd

from staffsim.experiments.calibration import _pct


def format_table(df: pd.DataFrame) -> str:
    """The calibration table as aligned text (what `staffsim calibrate` prints)."""

    def fmt(v: float, unit: str) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return "-"
        return _pct(v) if unit == "share" else f"{v:.2f}"

    lines = []
    head = ("target", "published", "simulated", "95 % CI", "ok", "source")
    body = []
    for r in df.itertuples():
        ci = f"{fmt(r.ci_low, r.unit)} - {fmt(r.ci_high, r.unit)}"
        body.append((r.label, r.published, fmt(r.simulated, r.unit), ci, "yes" if r.within else "NO", r.source))
    widths = [max(len(str(x[i])) for x in [head] + body) for i in range(len(head))]
    a = df.attrs
    lines.append(f"calibration of {a.get('scenario', '?')}: {a.get('replications')} replications x "
                 f"{a.get('years')} year(s), seed {a.get('seed')}")
    lines.append("  ".join(str(h).ljust(w) for h, w in zip(head, widths)))
    lines.append("  ".join("-" * w for w in widths))
    for row in body:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))
    if "cohort_survival" in a:
        sg, so = a["cohort_survival"]
        lines.append(f"cohort experiment ({a['cohort_years']} years, early-career staff, half residency graduates): "
                     f"{_pct(sg)} of graduates vs {_pct(so)} of other novices still in post")
    if "novices" in a:
        lines.append("mentoring pair (1 year, the same early-career cohort, no graduates): " + ", ".join(
            f"{k} {_pct(v)} of {n:.0f} first-year teachers left teaching" for k, (v, n) in a["novices"].items()))
    lines.append("ok: the estimate lies within the target's tolerance band (see docs/model.md, Calibration)")
    return "\n".join(lines)
