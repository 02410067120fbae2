"""Minute intervals of one day: how much of a block falls inside what is still open, and what stays open."""

from __future__ import annotations

Gaps = list[tuple[int, int]]


def take(gaps: Gaps, start: int, end: int) -> tuple[int, Gaps]:
    """Minutes of [start, end) inside the open intervals `gaps`, and the gaps left once they are taken.

    Used by coverage (a colleague covers part of an absentee's block) and by the coaching links (a coach's
    block gives part of a colleague's coaching received); the gaps stay in order.
    """
    got, left = 0, []
    for a, b in gaps:
        lo, hi = max(a, start), min(b, end)
        if lo >= hi:
            left.append((a, b))
            continue
        got += hi - lo
        if a < lo:
            left.append((a, lo))
        if hi < b:
            left.append((hi, b))
    return got, left
