"""Exit rates by year of experience and the stationary staff they imply (docs/model.md §2.4.5, §2.4.6, §4.1).

A position's occupant has x completed years of teaching at the start of a year
(x = 0 .. X, X = `experience.max_years`). During the year they resign with the
mid-year probability of their NCES band; at its end they retire with the
hazard of `retirement_hazard` (rising with age = entry age + x; certain at X),
or else move or leave with the year-end decision probability. Whoever goes is
replaced by a hire: a first-year teacher with probability `first_year_share`,
else an experienced teacher with the experience of the movers of such a staff
(one year more than when they moved).

The year-end decision probabilities are solved so that, averaged over the
stationary staff of each NCES band, mid-year departures, retirements and
year-end exits give the band's published movers and leavers exactly (the
20+ band's leavers include its retirements). The stationary distribution of
experience and these probabilities depend on each other; both come from one
fixed-point iteration, at the reference exhaustion (every multiplier 1).
Pure functions of the parameters; no randomness.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from staffsim.engine.workforce.codes import experience_band
from staffsim.scenario.workforce_params import Workforce as WorkforceParams

#: Most fixed-point iterations of `stationary_rates`, and the change in the distribution that ends them.
ITERATIONS = 200
TOLERANCE = 1e-13
#: Completed years a teacher-leader has at least (they are never drawn from the first three years).
LEADER_MIN_YEARS = 3


@dataclass(frozen=True, eq=False)
class ExitRates:
    """Exit probabilities at the reference exhaustion by completed years x = 0 .. X, and the staff they imply."""

    retire: np.ndarray  # (X+1,) retires at the end of the year
    q_end: np.ndarray  # (X+1,) moves or leaves at the year-end decision (if not retiring)
    end_leave_share: np.ndarray  # (X+1,) share of year-end decision exits that leave teaching
    experience: np.ndarray  # (X+1,) stationary share of positions held with x completed years at the start
    hire_experienced: np.ndarray  # (X+1,) completed years of an experienced (not first-year) hire
    annual_exit: float  # the stationary staff's mean probability of resigning, moving or leaving in a year
    annual_retire: float  # the stationary staff's mean probability of retiring in a year


def retirement_hazard(entry_age: float, mean_age: float, sd_years: float, max_years: int) -> np.ndarray:
    """(X+1,) P(retire at the end of the year | in post with x completed years), certain at x = X.

    Retirement ages are normal (mean, sd); a person with x completed years is entry_age + x years old at
    the start of the year and retires during it with the normal hazard over [age, age + 1).
    """
    age = entry_age + np.arange(max_years + 1, dtype=float)
    log_now = stats.norm.logsf(age, mean_age, sd_years)
    log_next = stats.norm.logsf(age + 1.0, mean_age, sd_years)
    h = -np.expm1(log_next - log_now)
    h[-1] = 1.0
    return h


def _mover_experience(n: np.ndarray, move: np.ndarray) -> np.ndarray:
    """(X+1,) completed years of a mover when they start at a new school: one more than when they moved."""
    h = np.zeros_like(n)
    h[1:] = n[:-1] * move[:-1]
    h[-1] += n[-1] * move[-1]
    total = h.sum()
    return h / total if total > 0 else np.eye(len(n))[1]


def _year_end(n: np.ndarray, band: np.ndarray, p_mid: np.ndarray, movers: np.ndarray, total: np.ndarray,
              retire: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(4,) year-end exit probability and leave share per band, matching the band's published totals over n.

    Over the band's people (weights n): mid-year p, then retirement r(x), then the decision q must give
    1 - (1 - p)(1 - q) mean(1 - r) = movers + leavers; movers are mid-year movers (p x movers / total)
    plus the decision's exits that are not leaves."""
    mass = np.bincount(band, weights=n, minlength=4)
    a = np.divide(np.bincount(band, weights=n * (1.0 - retire), minlength=4), mass, out=np.ones(4), where=mass > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(a > 0, np.clip(1.0 - (1.0 - total) / ((1.0 - p_mid) * a), 0.0, 1.0), 0.0)
        decided = (1.0 - p_mid) * a * q  # year-end decision exits per person of the band
        end_moves = np.where(total > 0, movers * (1.0 - p_mid / total), 0.0)
        lam = np.where(decided > 0, np.clip(1.0 - end_moves / decided, 0.0, 1.0), 0.0)
    return q, lam


def _stationary(h: np.ndarray, mid: np.ndarray, end: np.ndarray) -> np.ndarray:
    """(X+1,) stationary distribution of a position's occupant's completed years at the start of a year.

    From x: resign mid-year (mid), replaced by a hire of experience y ~ h who starts the next year with
    y + 1; go at year end (end), replaced by y ~ h; else stay and start the next year with x + 1 (the top
    year is absorbing until retirement, which is certain there)."""
    k = len(h)
    up = np.zeros(k)
    up[1:] = h[:-1]
    up[-1] += h[-1]  # a mid-year hire's year more, capped at the top
    P = np.outer(end, h) + np.outer(mid, up)
    stay = 1.0 - mid - end
    P[np.arange(k - 1), np.arange(1, k)] += stay[:-1]
    P[-1, -1] += stay[-1]
    A = P.T - np.eye(k)
    A[-1] = 1.0  # replace one balance equation by the normalisation
    b = np.zeros(k)
    b[-1] = 1.0
    n = np.linalg.solve(A, b)
    n = np.maximum(n, 0.0)
    return n / n.sum()


def stationary_rates(p: WorkforceParams) -> ExitRates:
    """The exit probabilities by year of experience and the stationary staff (see the module docstring)."""
    X = p.experience.max_years
    years = np.arange(X + 1)
    band = experience_band(years)
    rt = p.retirement
    retire = retirement_hazard(rt.entry_age, rt.mean_age, rt.sd_years, X)
    p_mid = np.array(p.resignation.annual_rate_by_experience, dtype=float)
    movers = np.array(p.decision.movers_by_experience, dtype=float)
    total = movers + np.array(p.decision.leavers_by_experience, dtype=float)
    p_mid = np.minimum(p_mid, total)
    f1 = p.hiring.first_year_share
    first = np.eye(X + 1)[0]
    n = np.full(X + 1, 1.0 / (X + 1))
    for _ in range(ITERATIONS):
        qb, lamb = _year_end(n, band, p_mid, movers, total, retire)
        s_mid, q, lam = p_mid[band], qb[band], lamb[band]
        move = s_mid * np.divide(movers, total, out=np.zeros(4), where=total > 0)[band] \
            + (1.0 - s_mid) * (1.0 - retire) * q * (1.0 - lam)
        h_exp = _mover_experience(n, move)
        h = f1 * first + (1.0 - f1) * h_exp
        nxt = _stationary(h, s_mid, (1.0 - s_mid) * (1.0 - (1.0 - retire) * (1.0 - q)))
        done = float(np.abs(nxt - n).max()) < TOLERANCE
        n = nxt
        if done:
            break
    qb, lamb = _year_end(n, band, p_mid, movers, total, retire)
    gone = 1.0 - (1.0 - p_mid[band]) * (1.0 - qb[band])  # without retirement
    return ExitRates(retire=retire, q_end=qb[band], end_leave_share=lamb[band], experience=n, hire_experienced=h_exp,
                     annual_exit=float((n * gone).sum()), annual_retire=float((n * retire).sum()))


def draw_years(dist: np.ndarray, u: np.ndarray | float, min_years: int = 0) -> np.ndarray:
    """Completed years drawn from `dist` (over 0 .. X) by inverting its CDF at u, conditioned on >= min_years."""
    d = np.asarray(dist, dtype=float).copy()
    d[:min_years] = 0.0
    cdf = np.cumsum(d / d.sum())
    return np.minimum(np.searchsorted(cdf, np.asarray(u, dtype=float), side="right"), len(d) - 1).astype(float)


def hire_years(rates: ExitRates, first_year_share: float, u: float, leader: bool) -> float:
    """A new hire's completed years from one uniform: first-year below the share, else an experienced teacher.

    A teacher-leader is never a first-year hire: drawn from experienced hires with >= LEADER_MIN_YEARS years.
    """
    if leader:
        return float(draw_years(rates.hire_experienced, u, LEADER_MIN_YEARS))
    if u < first_year_share:
        return 0.0
    return float(draw_years(rates.hire_experienced, (u - first_year_share) / (1.0 - first_year_share)))


#: Grid of standard-normal scores over which the incumbents' sensitivity distribution is tabulated.
_Z = np.linspace(-6.0, 6.0, 1201)


def incumbent_sensitivity_cdf(sd: float, demand: np.ndarray, resource: np.ndarray, gain: float, recovery: float,
                              k: float, reference: float, annual_exit: float, annual_retire: float) -> np.ndarray:
    """(S, G) CDF over the score grid `_Z` of the log-sensitivity (/ sd) of the people in post, per position.

    Newcomers' sensitivity is log-normal (median 1, log-sd `sd`). Those who exhaust faster leave sooner,
    so the people in post at any time are the newcomers weighted by their expected tenure (renewal
    theory): density f(theta) / pi(theta), pi the annual probability of going, retirement (not driven by
    exhaustion) plus 1 - (1 - annual_exit)^m with m = exp(k (E*(theta) - reference)) and
    E*(theta) = a theta D / (a theta D + r R) the exhaustion a position's typical day (demand D,
    resource R, per position) settles at.
    """
    theta = np.exp(sd * _Z)[None, :]
    up = gain * theta * demand[:, None]
    e_star = up / np.maximum(up + recovery * resource[:, None], 1e-300)
    m = np.exp(k * (e_star - reference))
    pi = annual_retire - np.expm1(m * np.log1p(-min(annual_exit, 1.0 - 1e-12)))
    cdf = np.cumsum(np.exp(-0.5 * _Z ** 2)[None, :] / np.maximum(pi, 1e-300), axis=1)
    return cdf / cdf[:, -1:]


def draw_sensitivity(cdf: np.ndarray, sd: float, u: np.ndarray) -> np.ndarray:
    """(S,) sensitivities from uniforms u (S,) by inverting each position's CDF (`incumbent_sensitivity_cdf`)."""
    score = np.array([np.interp(ui, row, _Z) for ui, row in zip(np.asarray(u, dtype=float), cdf)])
    return np.exp(sd * score)
