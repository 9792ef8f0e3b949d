"""Design-based event estimates from coded waves: shares, excess, contrasts, rank sets.

A wave's design (:mod:`schemes.design`) gives every study item its inclusion
probability ``pi`` (Poisson sampling) and says which items were drawn; the
coders give the drawn items their codes ``y`` (1 = an anti-Western claim by
the guide). For a domain ``d`` (an event's window or baseline) of ``N_d``
items the wave estimates the number of claim-carrying items in two ways:

* **Horvitz-Thompson**: ``T = sum_s y / pi``;
* **difference** (model-assisted; Särndal et al. 1992, 6.3): ``T = sum_U p +
  sum_s (y - p) / pi`` with ``p`` the surrogate's probability of every item,
  fixed before the draw. For a mean this is DSL (Egami et al. 2023) and
  PPI++ with inverse-probability weights (Angelopoulos et al. 2023).

Both are unbiased whatever the surrogate's quality; a better surrogate only
narrows the second. Their variance under Poisson sampling is estimated
without bias by ``sum_s (1 - pi) e**2 / pi**2`` (``e = y`` or ``y - p``).

Two waves are combined as ``lambda * T1 + (1 - lambda) * T2`` with
``lambda`` (``design.wave_weight``) fixed in advance: wave 2's design
depends on wave 1's codes, but its own estimate is unbiased given wave 1
(wave-1 items enter it with ``pi = 1``), so the two estimates are
uncorrelated and the combination is unbiased with variance
``lambda**2 v1 + (1 - lambda)**2 v2`` (Cui, Hung & Wang, Biometrics 1999).

Intervals for a share must stay valid when a domain shows no positive:
Wald intervals collapse to a point there. Offered here, and compared by
simulation in ``bench/design_coverage.py``: Wald; Wilson and
Clopper-Pearson with the effective sample size ``n* = p (1 - p) / v``
(Korn & Graubard 1998; Franco et al. 2019), which falls back to Kish's
effective size of the weights when ``p`` is 0 or 1. The excess over the
baseline and the type contrasts combine these intervals by the MOVER method
(Newcombe 1998; Zou & Donner 2008), which keeps their asymmetry near 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import beta, norm

from schemes.ranks import rank_confidence_sets

ESTIMATORS = ("ht", "difference")
INTERVALS = ("wald", "wilson", "clopper_pearson")


@dataclass(frozen=True)
class Wave:
    """One coded wave: every study item's inclusion probability, draw and code.

    ``pi``, ``drawn`` and ``code`` are per item (code NaN where not drawn);
    ``members`` is the (items x domains) membership matrix; ``prediction``
    the surrogate's probability of every item.
    """

    pi: np.ndarray
    drawn: np.ndarray
    code: np.ndarray
    prediction: np.ndarray
    members: np.ndarray


@dataclass(frozen=True)
class DomainEstimate:
    """Per domain: estimated total, its variance, coded items, Kish's effective size."""

    total: np.ndarray
    variance: np.ndarray
    n_coded: np.ndarray
    kish_n: np.ndarray


def wave_estimate(wave: Wave, estimator: str) -> DomainEstimate:
    """Every domain's total and its variance estimate from one wave."""
    s = wave.drawn
    pi, y, p = wave.pi[s], wave.code[s], wave.prediction[s]
    if np.isnan(y).any():
        raise ValueError("every drawn item of a wave needs a code")
    members = wave.members.astype(float)
    residual = y - p if estimator == "difference" else y
    if estimator not in ESTIMATORS:
        raise ValueError(f"estimator must be one of {ESTIMATORS}, not {estimator!r}")
    total = (residual / pi) @ members[s]
    if estimator == "difference":
        total = total + wave.prediction @ members
    variance = ((1 - pi) * residual**2 / pi**2) @ members[s]
    weights = 1 / pi
    kish = (weights @ members[s]) ** 2 / np.maximum(weights**2 @ members[s], 1e-12)
    return DomainEstimate(total, variance, members[s].sum(axis=0), kish)


def combine_waves(estimates: list[DomainEstimate], wave_weight: float) -> DomainEstimate:
    """Wave 1 alone, or ``wave_weight * wave 1 + (1 - wave_weight) * wave 2``."""
    if len(estimates) == 1:
        return estimates[0]
    if len(estimates) != 2:
        raise ValueError("one or two waves")
    first, second = estimates
    lam = wave_weight
    return DomainEstimate(
        total=lam * first.total + (1 - lam) * second.total,
        variance=lam**2 * first.variance + (1 - lam) ** 2 * second.variance,
        # wave 2's design carries wave 1's items: its count is the combined one
        n_coded=second.n_coded,
        kish_n=1 / (lam**2 / first.kish_n + (1 - lam) ** 2 / second.kish_n),
    )


def effective_n(share: np.ndarray, variance: np.ndarray, kish_n, n_coded) -> np.ndarray:
    """Korn & Graubard's effective sample size of a share, at most the coded items.

    ``share (1 - share) / variance``; where the share is 0 or 1 (or the
    variance 0), Kish's effective size of the weights.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        n = share * (1 - share) / variance
    inside = (share > 0) & (share < 1) & (variance > 0) & np.isfinite(n)
    n = np.where(inside, n, kish_n)
    return np.clip(n, 1.0, np.maximum(n_coded, 1.0))


def share_interval(
    share: np.ndarray, variance: np.ndarray, n_eff: np.ndarray, method: str, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """A ``level`` interval for a share (of items) with its design variance."""
    z = norm.ppf(0.5 + level / 2)
    p = np.clip(share, 0.0, 1.0)
    if method == "wald":
        half = z * np.sqrt(np.maximum(variance, 0))
        return share - half, share + half
    if method == "wilson":
        centre = (p + z**2 / (2 * n_eff)) / (1 + z**2 / n_eff)
        half = z / (1 + z**2 / n_eff) * np.sqrt(p * (1 - p) / n_eff + z**2 / (4 * n_eff**2))
        return np.maximum(centre - half, 0.0), np.minimum(centre + half, 1.0)
    if method == "clopper_pearson":
        x, alpha = p * n_eff, 1 - level
        with np.errstate(invalid="ignore"):
            low = np.where(x > 0, beta.ppf(alpha / 2, x, n_eff - x + 1), 0.0)
            high = np.where(x < n_eff, beta.ppf(1 - alpha / 2, x + 1, n_eff - x), 1.0)
        return np.nan_to_num(low), np.nan_to_num(high, nan=1.0)
    raise ValueError(f"interval must be one of {INTERVALS}, not {method!r}")


def mover(estimates, lows, highs, coefficients) -> tuple[float, float]:
    """MOVER interval of ``sum c_k theta_k`` from each term's own interval (Zou & Donner 2008).

    The terms are taken as independent; each keeps its asymmetric interval.
    """
    c = np.asarray(coefficients, float)
    theta, low, high = (np.asarray(a, float) for a in (estimates, lows, highs))
    point = float(c @ theta)
    down = np.where(c > 0, theta - low, high - theta) * np.abs(c)
    up = np.where(c > 0, high - theta, theta - low) * np.abs(c)
    return point - float(np.sqrt((down**2).sum())), point + float(np.sqrt((up**2).sum()))


def multiplier_replicates(wave: Wave, estimator: str, n_boot: int, seed: int) -> np.ndarray:
    """(n_boot x domains) bootstrap replicates of the domain totals of one wave.

    Each drawn item's weighted residual is multiplied by ``1 + sqrt(1 - pi) *
    z`` with ``z`` standard normal, one ``z`` per item shared by all its
    domains, so the replicates have the Poisson-sampling variance and keep
    the covariance of overlapping domains (a multiplier bootstrap).
    """
    s = wave.drawn
    pi, y, p = wave.pi[s], wave.code[s], wave.prediction[s]
    residual = y - p if estimator == "difference" else y
    members = wave.members[s].astype(float)
    base = (residual / pi) @ members
    if estimator == "difference":
        base = base + wave.prediction @ wave.members.astype(float)
    z = np.random.default_rng(seed).standard_normal((n_boot, s.sum()))
    return base[None, :] + (z * (np.sqrt(1 - pi) * residual / pi)[None, :]) @ members


def excess_table(domains: pd.DataFrame, estimate: DomainEstimate, method: str, level: float = 0.95):
    """Per event: window and baseline shares with intervals, the excess and its MOVER interval."""
    n = domains["n_items"].to_numpy(float)
    share = estimate.total / n
    variance = estimate.variance / n**2
    n_eff = effective_n(share, variance, estimate.kish_n, estimate.n_coded)
    low, high = share_interval(share, variance, n_eff, method, level)
    frame = domains.assign(
        n_coded=estimate.n_coded.astype(int),
        share=share,
        se=np.sqrt(variance),
        share_low=low,
        share_high=high,
        n_effective=n_eff,
        design_effect=np.where(n_eff > 0, estimate.n_coded / n_eff, np.nan),
    )
    window = frame[frame["kind"] == "window"].set_index("event_id")
    base = frame[frame["kind"] == "baseline"].set_index("event_id").reindex(window.index)
    rows = []
    for event_id, w in window.iterrows():
        b = base.loc[event_id]
        lo, hi = mover(
            [w["share"], b["share"]],
            [w["share_low"], b["share_low"]],
            [w["share_high"], b["share_high"]],
            [1, -1],
        )
        rows.append(
            {
                "event_id": event_id,
                "excess": w["share"] - b["share"],
                "excess_low": lo,
                "excess_high": hi,
            }
        )
    return frame, pd.DataFrame(rows)
