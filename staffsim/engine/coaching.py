"""Scheduled coaching links: which coach without a class gives which colleague's coaching, and for how long.

A role whose category `coaches_on_schedule` (an instructional partner, a school
coach: `scenario/vocabulary.py`) teaches no class and coaches across teams. Whom
it coaches is read from the timetables, not from the teams: a colleague's
`coaching_received` minutes that overlap the coach's `coaching_given` block on the
same weekday are that coach's. Each received minute is given by at most one coach:
the first in staff order whose block overlaps it. When the coach is out, those
minutes become the coached person's individual planning (`day/partners.py`).
"""

from __future__ import annotations

import numpy as np

from staffsim.engine.intervals import take
from staffsim.scenario.timetable import Block

#: (coach, coached, minutes) of one weekday, in (coached, coach) order.
CoachLinks = tuple[tuple[int, int, int], ...]


def coach_links(day_blocks: list[list[tuple[Block, ...]]], coaches: np.ndarray) -> tuple[CoachLinks, ...]:
    """[weekday] the (coach, coached, minutes) links; empty when no position `coaches` (S,) bool."""
    out = []
    who = np.flatnonzero(coaches).tolist()
    for blocks in day_blocks:
        given = [(s, b) for s in who for b in blocks[s] if b.activity == "coaching_given"]
        links: list[tuple[int, int, int]] = []
        for c in range(len(blocks)) if given else ():
            per_coach: dict[int, int] = {}
            for b in blocks[c]:
                if b.activity != "coaching_received":
                    continue
                gaps = [(b.start, b.end)]
                for s, g in given:
                    if s == c or not gaps:
                        continue
                    got, gaps = take(gaps, g.start, g.end)
                    if got:
                        per_coach[s] = per_coach.get(s, 0) + got
            links += [(s, c, m) for s, m in sorted(per_coach.items())]
        out.append(tuple(links))
    return tuple(out)
