"""The person in each position, as a structure of arrays; drawing newcomers and deriving their hazards."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from staffsim.engine.workforce import exhaustion as ex
from staffsim.engine.workforce.codes import _BAND_RANGES, experience_band
from staffsim.engine.workforce.constants import WorkforceConstants
from staffsim.engine.workforce.stationary import LEADER_MIN_YEARS, draw_sensitivity, draw_years, hire_years


@dataclass(eq=False)
class Positions:
    """Per-position state of one replication (arrays over S positions)."""

    vacant: np.ndarray  # bool: nobody in post
    long_term_sub: np.ndarray  # bool: a long-term substitute holds the vacancy
    changed: np.ndarray  # bool: the occupant changed since the last school day (the absence chain restarts)
    E: np.ndarray  # exhaustion in [0, 1]
    sens: np.ndarray  # sensitivity: multiplier on the exhaustion gain
    exp: np.ndarray  # completed years of experience
    graduate: np.ndarray  # bool: a residency graduate
    eff: np.ndarray  # effectiveness relative to an experienced teacher
    eff_floor: np.ndarray  # effectiveness carried over by a promoted resident
    band: np.ndarray  # experience band (0..3)
    c_mid: np.ndarray  # daily mid-year resignation hazard at the reference exhaustion
    gain: np.ndarray  # a: exhaustion gain per unit of demand and day
    h_mult: np.ndarray  # exit-hazard multiplier (graduate, role, pay, mentoring)
    abs_mult: np.ndarray  # factor on the absence start probability (exhaustion as of the last batch)
    leaving: np.ndarray  # bool: has resigned, serving notice
    cohort: np.ndarray  # bool: in post since the start of the year
    token: np.ndarray  # int: bumped at every change of occupant (stale processes see it changed)
    fill_day: np.ndarray  # int: run day a vacancy will be filled (-1 if none)

    @classmethod
    def empty(cls, S: int) -> Positions:
        return cls(
            vacant=np.zeros(S, dtype=bool), long_term_sub=np.zeros(S, dtype=bool), changed=np.zeros(S, dtype=bool),
            E=np.zeros(S), sens=np.ones(S), exp=np.zeros(S), graduate=np.zeros(S, dtype=bool), eff=np.ones(S),
            eff_floor=np.zeros(S), band=np.zeros(S, dtype=np.int64), c_mid=np.zeros(S), gain=np.zeros(S),
            h_mult=np.ones(S), abs_mult=np.ones(S), leaving=np.zeros(S, dtype=bool), cohort=np.zeros(S, dtype=bool),
            token=np.zeros(S, dtype=np.int64), fill_day=np.full(S, -1, dtype=np.int64),
        )


def initial_experience(c: WorkforceConstants, u_band: np.ndarray, u_year: np.ndarray) -> np.ndarray:
    """(S,) completed years of the first year's staff: the stationary distribution, or the stated band shares.

    Teacher-leaders have at least `LEADER_MIN_YEARS`; residents none. With `experience.initial_shares`
    (cohort experiments) a band is drawn from u_band and the years uniformly within it from u_year.
    """
    xp = c.p.experience
    if xp.initial_shares is None:
        n = c.rates.experience
        years = np.where(c.is_leader, draw_years(n, u_band, LEADER_MIN_YEARS), draw_years(n, u_band))
    else:
        shares = np.array(xp.initial_shares, dtype=float)
        lead = shares.copy()
        lead[0] = 0.0
        lead = lead / lead.sum() if lead.sum() > 0 else shares
        band = np.where(c.is_leader,
                        np.minimum(np.searchsorted(np.cumsum(lead), u_band, side="right"), 3),
                        np.minimum(np.searchsorted(np.cumsum(shares), u_band, side="right"), 3))
        lo = np.array([r[0] for r in _BAND_RANGES] + [19])[band]
        hi = np.array([r[1] for r in _BAND_RANGES] + [xp.max_years - 1])[band]
        years = lo + np.floor(u_year * (hi - lo + 1))
    return np.where(c.is_resident, 0.0, years)


def initial_sensitivity(c: WorkforceConstants, u: np.ndarray) -> np.ndarray:
    """(S,) sensitivity of the first year's staff: that of a stationary staff (newcomers weighted by tenure).

    Residents (a one-year residency) and a static staff (exhaustion drives no exits) are drawn as newcomers.
    """
    sd = c.p.exhaustion.sensitivity_sd
    sens = np.exp(sd * special.ndtri(u))
    if c.sens_cdf is None:
        return sens
    return np.where(c.is_resident, sens, draw_sensitivity(c.sens_cdf, sd, u))


def initial_positions(c: WorkforceConstants, u: np.ndarray) -> Positions:
    """The first year's staff from (S, 5) uniforms: exhaustion, sensitivity, experience, graduate flag."""
    p, S = c.p, c.S
    pos = Positions.empty(S)
    pos.E[:] = special.betaincinv(*c.beta, u[:, 0])
    pos.sens[:] = initial_sensitivity(c, u[:, 1])
    pos.exp[:] = initial_experience(c, u[:, 2], u[:, 3])
    pos.graduate[:] = (u[:, 4] < p.experience.initial_graduate_share) & ~c.is_resident
    pos.eff[:] = np.where(c.is_resident, p.residents.initial_effectiveness, 1.0)
    refresh(c, pos, np.arange(S))
    pos.abs_mult = ex.multiplier(pos.E, c.k_abs, c.ref_abs)
    return pos


def refresh(c: WorkforceConstants, pos: Positions, idx: np.ndarray) -> None:
    """Recompute band, hazard constants and effectiveness of the people in positions idx."""
    p = c.p
    b = experience_band(pos.exp[idx])
    pos.band[idx] = b
    m = np.where(pos.graduate[idx], p.residents.graduate_hazard_multiplier, 1.0) * c.role_mult[c.category[idx]]
    if c.pay is not None:
        m = m * c.pay.multiplier(idx, pos.exp[idx])
    if c.mentoring is not None and not p.static:
        m = m * c.mentoring.hazard_factor(idx, pos.exp[idx])
    pos.h_mult[idx] = m
    pos.c_mid[idx] = c.c_mid_band[b] * m
    pos.gain[idx] = p.exhaustion.gain_per_day * pos.sens[idx]
    xp = p.experience
    curve = ex.experience_effectiveness(pos.exp[idx], xp.novice_effectiveness, xp.effectiveness_time_constant_years)
    pos.eff[idx] = np.where(c.is_resident[idx], pos.eff[idx], np.maximum(curve, pos.eff_floor[idx]))


def hire(c: WorkforceConstants, pos: Positions, s: int, u: np.ndarray) -> None:
    """A new hire takes position s, drawn from the hiring uniforms u (6,): experience, exhaustion, sensitivity."""
    p = c.p
    if c.is_resident[s]:
        years = 0.0
    else:
        years = hire_years(c.rates, p.hiring.first_year_share, float(u[2]), bool(c.is_leader[s]))
    pos.exp[s] = min(years, p.experience.max_years - 1)
    pos.E[s] = special.betaincinv(*c.beta, u[3])
    pos.sens[s] = np.exp(p.exhaustion.sensitivity_sd * special.ndtri(u[4]))
    pos.graduate[s] = False
    pos.eff_floor[s] = 0.0
    if c.is_resident[s]:
        pos.eff[s] = p.residents.initial_effectiveness


def promote(pos: Positions, s: int, carry: tuple[float, float, float]) -> None:
    """A promoted resident takes position s with their exhaustion, sensitivity and effectiveness (a floor)."""
    pos.E[s], pos.sens[s], pos.eff_floor[s] = carry
    pos.exp[s] = 0.0
    pos.graduate[s] = True
