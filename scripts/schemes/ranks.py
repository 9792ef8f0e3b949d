"""Confidence sets for ranks (Mogstad, Romano, Shaikh & Wilhelm, REStud 2023).

Given point estimates ``theta`` of p populations and bootstrap replicates of
them (drawn jointly, so that their covariance is kept), the rank of
population j (1 = largest) lies in ``[1 + L_j, p - U_j]`` where ``L_j`` counts
populations that are significantly larger than j and ``U_j`` those
significantly smaller, judged by simultaneous confidence intervals for the
pairwise differences ``theta_k - theta_j``:

* *marginal* sets (one per population, each with coverage 1 - alpha) use,
  for j, the bootstrap 1 - alpha quantile of ``max_k |t_jk|`` over k != j;
* the *simultaneous* set (all ranks at once with coverage 1 - alpha) uses
  the quantile of the maximum over all pairs.

``t_jk`` is the studentised difference centred at its estimate. This is the
two-sided construction of the paper (section 3) as implemented in R's
``csranks::csr``; it has no Python port that we know of.
"""

from __future__ import annotations

import numpy as np


def _studentised(theta: np.ndarray, draws: np.ndarray):
    """Pairwise differences d[j, k] = theta_k - theta_j, their SEs and bootstrap t-stats."""
    diff = theta[None, :] - theta[:, None]
    boot = draws[:, None, :] - draws[:, :, None]  # (B, j, k)
    se = boot.std(axis=0, ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.abs((boot - diff[None]) / se[None])
    p = len(theta)
    t[:, np.arange(p), np.arange(p)] = 0.0
    t = np.where(np.isfinite(t), t, 0.0)  # pairs with zero variance carry no uncertainty
    return diff, se, t


def _rank_bounds(diff: np.ndarray, se: np.ndarray, crit: np.ndarray):
    """Lower and upper rank bounds given critical values (per row j)."""
    p = diff.shape[0]
    c = crit[:, None]
    larger = (diff - c * se > 0) & ~np.eye(p, dtype=bool)
    smaller = (diff + c * se < 0) & ~np.eye(p, dtype=bool)
    return 1 + larger.sum(axis=1), p - smaller.sum(axis=1)


def significantly_larger(theta, draws, alpha: float = 0.05) -> np.ndarray:
    """(p x p) booleans: ``[j, k]`` is True when population k is significantly larger than j.

    These are the comparisons behind j's marginal rank set (its lower bound
    is 1 + the row's count).
    """
    theta = np.asarray(theta, dtype=float)
    p = len(theta)
    if p < 2:
        return np.zeros((p, p), dtype=bool)
    diff, se, t = _studentised(theta, np.asarray(draws, dtype=float))
    crit = np.quantile(t.max(axis=2), 1 - alpha, axis=0)
    return (diff - crit[:, None] * se > 0) & ~np.eye(p, dtype=bool)


def rank_confidence_sets(theta, draws, alpha: float = 0.05):
    """Marginal and simultaneous rank confidence sets.

    Parameters
    ----------
    theta : (p,) point estimates.
    draws : (B, p) bootstrap replicates of the estimates.

    Returns a dict of integer arrays ``marginal_low``, ``marginal_high``,
    ``simultaneous_low``, ``simultaneous_high`` (rank 1 = largest).
    """
    theta = np.asarray(theta, dtype=float)
    draws = np.asarray(draws, dtype=float)
    p = len(theta)
    if p == 0:
        empty = np.array([], dtype=int)
        return {
            k: empty
            for k in ("marginal_low", "marginal_high", "simultaneous_low", "simultaneous_high")
        }
    if p == 1:
        one = np.array([1])
        return {
            k: one
            for k in ("marginal_low", "marginal_high", "simultaneous_low", "simultaneous_high")
        }
    diff, se, t = _studentised(theta, draws)
    marginal_crit = np.quantile(t.max(axis=2), 1 - alpha, axis=0)
    simultaneous_crit = np.quantile(t.max(axis=(1, 2)), 1 - alpha)
    m_low, m_high = _rank_bounds(diff, se, marginal_crit)
    s_low, s_high = _rank_bounds(diff, se, np.full(p, simultaneous_crit))
    return {
        "marginal_low": m_low,
        "marginal_high": m_high,
        "simultaneous_low": s_low,
        "simultaneous_high": s_high,
    }
