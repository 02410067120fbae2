"""Who holds each position: the workforce's hooks for the school-day clock and its SimPy processes.

The day step reads the per-position state (`positions`: who is vacant or held
by a long-term substitute, the absence multiplier, whose occupant changed)
and hands back each day's minutes and combined classes (`after_day`); the
clock calls `begin_year` and `end_of_year`. The rules are functions in the
sibling modules (batch, resignation, hiring, decision, positions); this class
only sequences them and owns the state. Equations, parameters and sources:
docs/model.md.

Randomness comes from the named streams `initial_state`, `resignation`,
`decision` and `hiring`, drawn in bulk per year and shaped (staff, ...) so that
staff slot j sees the same numbers in every design (common random numbers).
"""

from __future__ import annotations

import numpy as np
import simpy

from staffsim.engine.ledger import EVENT_CODES
from staffsim.engine.plan import Plan
from staffsim.engine.streams import Streams
from staffsim.engine.workforce import decision, hiring, resignation
from staffsim.engine.workforce import exhaustion as ex
from staffsim.engine.workforce import positions as posmod
from staffsim.engine.workforce.batch import Batch, integrate
from staffsim.engine.workforce.codes import (
    COMPLETED,
    END_LEAVE,
    END_MOVE,
    MID_LEAVE,
    MID_MOVE,
    PROMOTED,
    RETIRED,
    STAY,
    VACANT_AT_START,
)
from staffsim.engine.workforce.constants import constants
from staffsim.engine.workforce.draws import WorkforceDraws, draw_year
from staffsim.engine.workforce.history import History, summary

E_RESIGN, E_HIRE, E_MOVE, E_LEAVE, E_PROMOTION = (
    EVENT_CODES[k] for k in ("resignation", "hire", "move", "leave", "promotion"))

Event = tuple[int, int, int, int, int]


class Workforce:
    """Per-position state of one replication, and the SimPy processes of vacancies and departures."""

    def __init__(self, plan: Plan, streams: Streams, years: int):
        self.c = c = constants(plan)
        self.streams, self.years = streams, years
        self.D = c.D1 * years
        self.positions = posmod.initial_positions(c, streams.get("initial_state", 0).random((c.S, 5)))
        self.history = History.empty(self.D, c.S, years)
        self.events: list[Event] = []  # resignations, hires, moves, leaves, promotions
        self.batch = Batch()
        self.draws: WorkforceDraws | None = None
        self.env: simpy.Environment | None = None
        self.pending_end: list[tuple[int, bool]] = []  # resignations taking effect after the year
        self.y = self.day_done = 0
        self._changed = False  # some positions.changed flag is set

    # ----------------------------------------------------------------- hooks of the clock
    def begin_year(self, env: simpy.Environment, y: int) -> None:
        """Draw the year's randomness; record who is in post at the start of year y."""
        c, pos, h = self.c, self.positions, self.history
        self.env, self.y = env, y
        self.draws = draw_year(self.streams, y, c.S, c.D1)
        occ = ~pos.vacant
        pos.cohort = occ.copy()
        h.exp_start[y] = np.where(occ, pos.exp, np.nan)
        h.grad_start[y] = pos.graduate & occ
        h.outcome[y] = np.where(occ, STAY, VACANT_AT_START)
        h.n_start[y] = int(occ.sum())
        self._refresh(np.arange(c.S))
        self.batch.clear(y * c.D1)
        self.day_done = y * c.D1

    def after_day(self, day: int, minutes: np.ndarray, combined: dict[int, int]) -> None:
        """Take a resolved school day: its (S, A) minutes and the minutes of classes combined per absentee."""
        pos = self.positions
        self.history.filled[day] = ~pos.vacant
        if self._changed:
            pos.changed[:] = False
            self._changed = False
        self.batch.add(minutes, combined)
        self.day_done = day + 1
        if self.c.flush_after[day - self.y * self.c.D1]:
            self._flush()

    def end_of_year(self, y: int) -> None:
        """Year-end decisions, residents' promotion, then (between years) the summer."""
        self._flush()
        c, pos, h = self.c, self.positions, self.history
        last, nxt = (y + 1) * c.D1 - 1, (y + 1) * c.D1
        for s, leave in self.pending_end:
            self._depart_midyear(s, nxt, leave)
        self.pending_end = []
        leave, move, retire = decision.year_end_exits(c, pos, self.draws.dec_u[:, 0])
        if c.is_external is not None:  # an external engagement is outside the school's turnover
            leave, move, retire = leave & ~c.is_external, move & ~c.is_external, retire & ~c.is_external
        for s in np.flatnonzero(leave | move):
            s, lv, rt = int(s), bool(leave[s]), bool(retire[s])
            self.events.append((last, E_LEAVE if lv else E_MOVE, s, int(rt) if lv else -1, int(pos.exp[s])))
            (h.n_leave if lv else h.n_move)[y] += 1
            h.n_retire[y] += rt
            h.departures[y, s] += 1
            if pos.cohort[s]:
                h.outcome[y, s] = RETIRED if rt else END_LEAVE if lv else END_MOVE
            self._vacate(s, nxt, summer_first=True)
        promoted = self._finish_residency(y, last, nxt) if c.any_resident else []
        if y == self.years - 1:
            return
        # the summer: a year of experience, partial recovery; promoted residents start; vacancies filled
        recovery = c.p.exhaustion.summer_recovery
        pos.exp[~pos.vacant] += 1
        pos.E *= 1.0 - recovery
        for target, (E, sens, eff) in promoted:
            self._fill(target, nxt, (E * (1.0 - recovery), sens, eff))
        for s in np.flatnonzero(pos.vacant):
            if 0 <= pos.fill_day[s] <= nxt:
                self._fill(int(s), nxt)

    def _finish_residency(self, y: int, last: int, nxt: int) -> list[tuple[int, tuple[float, float, float]]]:
        """Residents finish; some are hired into open teacher positions (returned with what they carry)."""
        c, pos, h = self.c, self.positions, self.history
        targets = dict(decision.promotions(c, pos, self.draws.dec_u[:, 1]))
        carried = []
        for s in np.flatnonzero(~pos.vacant & c.is_resident):
            s = int(s)
            target = targets.get(s)
            if target is not None:
                self.events.append((last, E_PROMOTION, target, s, 0))
                h.n_promoted[y] += 1
                carried.append((target, (float(pos.E[s]), float(pos.sens[s]), float(pos.eff[s]))))
            if pos.cohort[s]:
                h.outcome[y, s] = PROMOTED if target is not None else COMPLETED
            self._vacate(s, nxt)
        return carried

    def summary(self) -> dict:
        """Arrays for `ledger.extra` (shapes: D school days, S positions, Y years)."""
        p = self.c.p
        return summary(self.history, p.hiring.long_term_sub_effectiveness, p.exhaustion.burnout_threshold)

    # ----------------------------------------------------------------- the weekly batch
    def _flush(self) -> None:
        """Integrate exhaustion over the days simulated since the last batch; act on resignations."""
        if not self.batch.minutes:
            return
        d0 = self.batch.lo - self.y * self.c.D1
        for s, t in integrate(self.c, self.positions, self.history, self.batch, d0, self.draws.thresholds):
            self._resign(s, t)

    def _refresh(self, idx: np.ndarray) -> None:
        posmod.refresh(self.c, self.positions, idx)
        if self.draws is not None:
            resignation.thresholds(self.c, self.positions, self.draws, idx)
            if self.c.is_external is not None:  # external partners never resign
                self.draws.thresholds[:, self.c.is_external] = np.inf

    # ----------------------------------------------------------------- changes of occupant
    def _resign(self, s: int, t: int) -> None:
        """Person in position s decides on day t to resign; they leave after the notice period."""
        c, pos = self.c, self.positions
        pos.leaving[s] = True
        first_vacant = resignation.first_vacant_day(c, t, self.day_done)
        leave = resignation.leaves_teaching(c, pos, s, self.draws.resignation(s))
        if first_vacant >= (self.y + 1) * c.D1:
            self.pending_end.append((s, leave))
            return
        self.env.process(self._departure(s, first_vacant, leave))

    def _departure(self, s: int, first_vacant: int, leave: bool):
        yield self.env.timeout(max(hiring.at(self.c, first_vacant) - self.env.now, 0))
        self._depart_midyear(s, first_vacant, leave)

    def _depart_midyear(self, s: int, first_vacant: int, leave: bool) -> None:
        self._flush()
        y = self.y
        self.events.append((first_vacant - 1, E_RESIGN, s, int(leave), int(self.positions.exp[s])))
        self.history.n_mid[y] += 1
        self.history.departures[y, s] += 1
        if self.positions.cohort[s]:
            self.history.outcome[y, s] = MID_LEAVE if leave else MID_MOVE
        self._vacate(s, first_vacant)

    def _vacate(self, s: int, t: int, summer_first: bool = False) -> None:
        """Position s stands vacant from run day t; a hiring process fills it after a random delay."""
        self._flush()
        c, pos = self.c, self.positions
        pos.vacant[s] = True
        pos.leaving[s] = pos.cohort[s] = pos.long_term_sub[s] = False
        if t < self.D:
            self.history.lts[t:, s] = False
        pos.changed[s] = self._changed = True
        pos.token[s] += 1
        u = self.draws.vacancy(s)
        if c.is_resident[s]:  # nobody covers a resident
            pos.fill_day[s] = hiring.resident_refill_day(c, self.y, self.D)
            return
        v = hiring.vacancy(c, t, u, summer_first)
        pos.fill_day[s] = v.fill
        self.env.process(self._vacancy(s, int(pos.token[s]), v))

    def _vacancy(self, s: int, token: int, v: hiring.Vacancy):
        env, pos = self.env, self.positions
        if v.lts and v.lts_day < self.D:
            yield env.timeout(max(hiring.at(self.c, v.lts_day) - env.now, 0))
            if pos.token[s] != token:
                return
            self._flush()
            pos.long_term_sub[s] = True
            self.history.lts[v.lts_day:, s] = True
        if v.fill >= self.D:
            return
        yield env.timeout(max(hiring.at(self.c, v.fill) - env.now, 0))
        if pos.token[s] != token:
            return
        self._fill(s, v.fill)

    def _fill(self, s: int, day: int, carry: tuple[float, float, float] | None = None) -> None:
        """A new person takes position s from run day `day` (a promoted resident if `carry` is given)."""
        self._flush()
        c, pos = self.c, self.positions
        pos.vacant[s] = pos.long_term_sub[s] = pos.leaving[s] = False
        if day < self.D:
            self.history.lts[day:, s] = False
        pos.token[s] += 1
        pos.fill_day[s] = -1
        pos.changed[s] = self._changed = True
        if carry is not None:
            posmod.promote(pos, s, carry)
        else:
            posmod.hire(c, pos, s, self.draws.hire(s))
        self._refresh(np.array([s]))
        pos.abs_mult[s] = ex.multiplier(pos.E[s], c.k_abs, c.ref_abs)
        if day < self.D:
            self.events.append((day, E_HIRE, s, int(carry is not None), int(pos.exp[s])))
