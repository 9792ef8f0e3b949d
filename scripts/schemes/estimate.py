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
baseline combines these intervals by the MOVER method (Newcombe 1998; Zou &
Donner 2008), which keeps their asymmetry near 0; the type contrasts, linear
functions of many rare shares, take a Wald interval whose windows and
baselines with no coded positive keep at least the variance the design
anticipates from the surrogate (``sum_U (1 - pi) E[e**2] / pi``, Isaki &
Fuller 1982), Price & Bonett's adjusted Wald interval (2004), MOVER and Wald
beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import beta, norm

from schemes.catalogue import load_events
from schemes.coding import check_adjudication, read_item_codes, reliability
from schemes.design import DesignFileError, DesignSettings, frozen_wave, study_items, wave_codes
from schemes.ranks import rank_confidence_sets, significantly_larger
from schemes.settings import key
from schemes.tables import booktabs
from schemes.textnorm import read_from_coders

ESTIMATORS = ("ht", "difference")
INTERVALS = ("wald", "wilson", "clopper_pearson")
# Korn & Graubard's effective size of a share is capped at this many times the
# domain's size: an underestimated variance (rare claims in sparsely sampled
# bands) then cannot give an implausibly narrow interval. Pilot simulations
# with their own seeds (bench/design_coverage.py --seed 777 and 778, 200
# replicates per prevalence, 4 populations) gave, with the cap at 1, 2, 4, 8
# and none, coverage of the difference estimator's Wilson intervals at 1% and
# 3% prevalence of 0.96-0.99, 0.95-0.98, 0.90-0.94, 0.86-0.89 and 0.74-0.84:
# larger caps under-cover where claims are common. The committed simulation
# (seed 20261206) then ran caps 2, 2.5 and 3: 2 over-covered at 1% (0.982),
# 3 nearly under-covered at 3% (0.932); interpolating between 2.5 and 3 put
# both inside 0.93-0.97 at 2.8, which a rule stated before its run adopted
# once it held on fresh populations and draws (seed 20261207:
# bench/results/design_coverage_cap28.md; 0.969 at 1%, 0.934 at 3%).
N_EFF_CAP = 2.8
# What the effective size falls back to where the variance estimate says
# nothing (no coded positive in the domain): Kish's effective size of the
# domain's weights, or the number of coded items (a design effect of 1, as
# SAS PROC SURVEYFREQ does for a share of 0). The pilots could not tell them
# apart on the coverage of shares (identical to 0.001); Kish's, which counts
# the unequal weights that leave low-score items sparsely coded, kept the
# contrasts' coverage at or above 0.95 where the other fell to 0.93, so it
# is the default. Wider: a window with no coded positive gets about [0, 150]
# per 1,000 instead of [0, 25].
FALLBACKS = ("kish", "coded")
N_EFF_FALLBACK = "kish"


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
    """Per domain: estimated total, its variance, coded items and coded positives, Kish's
    effective size, and the variance the design anticipates from the surrogate."""

    total: np.ndarray
    variance: np.ndarray
    n_coded: np.ndarray
    positives: np.ndarray
    kish_n: np.ndarray
    anticipated: np.ndarray


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
    # the variance were the surrogate calibrated: E[e**2] is p (1 - p) for y - p, p for y
    every_pi = np.clip(wave.pi, 1e-12, 1.0)
    expected = wave.prediction * (1 - wave.prediction if estimator == "difference" else 1)
    anticipated = ((1 - every_pi) * expected / every_pi) @ members
    return DomainEstimate(
        total, variance, members[s].sum(axis=0), y @ members[s], kish, anticipated
    )


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
        # wave 2's design carries wave 1's items: its counts are the combined ones
        n_coded=second.n_coded,
        positives=second.positives,
        kish_n=1 / (lam**2 / first.kish_n + (1 - lam) ** 2 / second.kish_n),
        anticipated=lam**2 * first.anticipated + (1 - lam) ** 2 * second.anticipated,
    )


def effective_n(
    share: np.ndarray, variance: np.ndarray, *, kish_n, cap, positives=None
) -> np.ndarray:
    """Korn & Graubard's effective sample size of a share, at most ``cap``.

    ``share (1 - share) / variance``; Kish's effective size of the weights
    where that says nothing: the share is 0 or 1, the variance 0, or the
    domain's sample holds no coded positive (``positives``). Without a
    positive the variance estimate cannot see the claims the sample missed
    (it is 0 for Horvitz-Thompson and only the surrogate's own spread for the
    difference estimator), so every such domain gets the same fallback,
    whatever the sign of its tiny difference estimate.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        n = share * (1 - share) / variance
    inside = (share > 0) & (share < 1) & (variance > 0) & np.isfinite(n)
    if positives is not None:
        inside &= np.asarray(positives) > 0
    n = np.where(inside, n, kish_n)
    return np.clip(n, 1.0, np.maximum(cap, 1.0))


def share_interval(
    share: np.ndarray, variance: np.ndarray, n_eff: np.ndarray, *, method: str, level: float = 0.95
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


def mover(estimates, lows, highs, *, coefficients):
    """MOVER interval of ``sum c_k theta_k`` from each term's own interval (Zou & Donner 2008).

    The terms (last axis) are taken as independent; each keeps its
    asymmetric interval. Arrays of shape (rows, terms) give one interval per
    row.
    """
    c = np.asarray(coefficients, float)
    theta, low, high = (np.asarray(a, float) for a in (estimates, lows, highs))
    point = (c * theta).sum(axis=-1)
    down = np.where(c > 0, theta - low, high - theta) * np.abs(c)
    up = np.where(c > 0, high - theta, theta - low) * np.abs(c)
    lower = point - np.sqrt((down**2).sum(axis=-1))
    upper = point + np.sqrt((up**2).sum(axis=-1))
    if np.ndim(point) == 0:
        return float(lower), float(upper)
    return lower, upper


def adjusted_wald(shares, n_eff, *, coefficients, level: float = 0.95) -> tuple[float, float]:
    """Price & Bonett's interval of ``sum c_k p_k`` for independent shares (CSDA 2004).

    Each of the ``m`` shares gets ``2 / m`` successes added to its
    (effective) ``n_k`` items and ``4 / m`` to its size, and the Wald
    interval is taken around the adjusted shares: the pseudo-counts give a
    domain with no coded positive a variance instead of none, which is where
    the plain Wald interval under-covers.
    """
    c = np.asarray(coefficients, float)
    p, n = np.asarray(shares, float), np.asarray(n_eff, float)
    m = np.count_nonzero(c)
    adjusted = (p * n + 2 / m) / (n + 4 / m)
    half = norm.ppf(0.5 + level / 2) * np.sqrt(c**2 @ (adjusted * (1 - adjusted) / (n + 4 / m)))
    point = float(c @ adjusted)
    return point - half, point + half


def multiplier_replicates(wave: Wave, estimator: str, *, n_boot: int, seed: int) -> np.ndarray:
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


def domain_shares(
    domains: pd.DataFrame,
    estimate: DomainEstimate,
    method: str,
    *,
    fallback: str = N_EFF_FALLBACK,
    cap: float = N_EFF_CAP,
) -> pd.DataFrame:
    """Per domain: the share with its interval, standard error and design effect.

    The effective size is capped at ``cap`` times the domain's size and
    falls back to ``fallback`` (one of ``FALLBACKS``) where no coded
    positive informs it. A domain whose sample holds no coded positive gets
    the interval of an observed share of 0 (from 0 up): a difference
    estimate a hair above 0 there is the surrogate's mass, not evidence of
    a claim. Shares are reported truncated to [0, 1] (the difference
    estimator dips below 0 by the surrogate's mass of the coded items when
    none is positive).
    """
    if fallback not in FALLBACKS:
        raise ValueError(f"fallback must be one of {FALLBACKS}, not {fallback!r}")
    n = domains["n_items"].to_numpy(float)
    share, variance = estimate.total / n, estimate.variance / n**2
    n_eff = effective_n(
        share,
        variance,
        kish_n=estimate.kish_n if fallback == "kish" else estimate.n_coded.astype(float),
        cap=cap * n,
        positives=estimate.positives,
    )
    observed = np.where(estimate.positives > 0, share, 0.0)
    low, high = share_interval(observed, variance, n_eff, method=method)
    # where no positive was coded, at least the variance the design anticipates
    floored = np.where(
        estimate.positives > 0, variance, np.maximum(variance, estimate.anticipated / n**2)
    )
    return domains.assign(
        n_coded=estimate.n_coded.astype(int),
        positives=estimate.positives.astype(int),
        share=np.clip(share, 0.0, 1.0),
        se=np.sqrt(variance),
        se_anticipated=np.sqrt(floored),
        share_low=low,
        share_high=high,
        n_effective=n_eff,
        design_effect=np.where(n_eff > 0, estimate.n_coded / n_eff, np.nan),
    )


def event_table(shares: pd.DataFrame) -> pd.DataFrame:
    """Per event: window and baseline shares with intervals, the excess and its MOVER interval.

    Shares and excess are per 1,000 items, as the event stage reports rates.
    """
    window = shares[shares["kind"] == "window"].set_index("event_id")
    base = shares[shares["kind"] == "baseline"].set_index("event_id").reindex(window.index)
    pair = {
        column: np.column_stack([window[column], base[column]])
        for column in ("share", "share_low", "share_high")
    }
    low, high = mover(pair["share"], pair["share_low"], pair["share_high"], coefficients=[1, -1])
    return pd.DataFrame(
        {
            "event_id": window.index,
            "type": window["type"].to_numpy(),
            "n_items": window["n_items"].to_numpy(int),
            "n_coded": window["n_coded"].to_numpy(int),
            "rate_per_1000": 1000 * window["share"].to_numpy(),
            "rate_low": 1000 * window["share_low"].to_numpy(),
            "rate_high": 1000 * window["share_high"].to_numpy(),
            "design_effect": window["design_effect"].to_numpy(),
            "n_effective": window["n_effective"].to_numpy(),
            "baseline_kind": base["baseline_kind"].to_numpy(),
            "baseline_items": base["n_items"].to_numpy(int),
            "baseline_coded": base["n_coded"].to_numpy(int),
            "baseline_rate": 1000 * base["share"].to_numpy(),
            "baseline_low": 1000 * base["share_low"].to_numpy(),
            "baseline_high": 1000 * base["share_high"].to_numpy(),
            "baseline_n_effective": base["n_effective"].to_numpy(),
            "excess": 1000 * (window["share"] - base["share"]).to_numpy(),
            "excess_low": 1000 * low,
            "excess_high": 1000 * high,
            "excess_se": 1000 * np.hypot(window["se"], base["se"]).to_numpy(),
            "excess_se_anticipated": 1000
            * np.hypot(window["se_anticipated"], base["se_anticipated"]).to_numpy(),
        }
    )


def contrast_weights(events: pd.DataFrame, type_a: str, type_b: str):
    """Per event: its weight in ``mean excess(type_a) - mean excess(type_b)``, and the
    masks of the events of each side.

    A type may be several joined by ``+``; an event of neither type weighs 0.
    """
    a = events["type"].isin(type_a.split("+")).to_numpy()
    b = events["type"].isin(type_b.split("+")).to_numpy()
    c = np.where(a, 1 / max(a.sum(), 1), 0.0) - np.where(b, 1 / max(b.sum(), 1), 0.0)
    return c, a, b


def contrast_rows(events: pd.DataFrame, pairs, level: float = 0.95) -> pd.DataFrame:
    """Mean excess of type A minus type B per pair, with four 95% intervals.

    ``ci_low``/``ci_high``, the default: Wald with each window's and
    baseline's design variance, at least the variance the design anticipates
    from the surrogate where its sample coded no positive
    (``excess_se_anticipated``). Beside it: Price & Bonett's adjusted Wald
    over the shares (``adjusted_*``, :func:`adjusted_wald`), MOVER from the
    excess intervals, Wald. Chosen by rules stated before their simulations
    (``bench/results/design_coverage_anticipated.md``; docs/method.md).
    Events are taken as independent (``bench/results/contrast_overlap.md``).
    """
    z = norm.ppf(0.5 + level / 2)
    rows = []
    for pair in pairs:
        type_a, type_b = pair
        c, a, b = contrast_weights(events, type_a, type_b)
        row = {"type_a": type_a, "type_b": type_b, "n_a": int(a.sum()), "n_b": int(b.sum())}
        if not a.any() or not b.any():
            rows.append(row)
            continue
        terms = c != 0
        estimate = float(c @ events["excess"])
        mover_low, mover_high = mover(
            events["excess"][terms],
            events["excess_low"][terms],
            events["excess_high"][terms],
            coefficients=c[terms],
        )
        se = float(np.sqrt(c[terms] ** 2 @ events["excess_se"][terms] ** 2))
        se_anticipated = float(np.sqrt(c[terms] ** 2 @ events["excess_se_anticipated"][terms] ** 2))
        # the same contrast over the 2 x events domains (window +c, baseline -c), per 1,000
        low, high = adjusted_wald(
            np.concatenate([events["rate_per_1000"][terms], events["baseline_rate"][terms]]) / 1000,
            np.concatenate([events["n_effective"][terms], events["baseline_n_effective"][terms]]),
            coefficients=np.concatenate([c[terms], -c[terms]]),
            level=level,
        )
        rows.append(
            {
                **row,
                "mean_a": float(events.loc[a, "excess"].mean()),
                "mean_b": float(events.loc[b, "excess"].mean()),
                "difference": estimate,
                "ci_low": estimate - z * se_anticipated,
                "ci_high": estimate + z * se_anticipated,
                "adjusted_low": 1000 * low,
                "adjusted_high": 1000 * high,
                "mover_low": mover_low,
                "mover_high": mover_high,
                "wald_low": estimate - z * se,
                "wald_high": estimate + z * se,
            }
        )
    return pd.DataFrame(rows)


def total_replicates(
    waves: list[Wave], *, estimator: str, wave_weight: float, n_boot: int, seed: int
) -> np.ndarray:
    """(n_boot x domains) multiplier-bootstrap replicates of the domain totals of the waves,
    replicated independently and combined like the estimates."""
    totals = [
        multiplier_replicates(wave, estimator, n_boot=n_boot, seed=seed + k)
        for k, wave in enumerate(waves)
    ]
    if len(totals) == 1:
        return totals[0]
    return wave_weight * totals[0] + (1 - wave_weight) * totals[1]


def excess_replicates(totals: np.ndarray, shares: pd.DataFrame, *, seed: int) -> np.ndarray:
    """(n_boot x events) replicates of every event's excess (per 1,000) from domain totals.

    Each domain's replicates spread at least as widely as its interval in
    ``shares`` (:func:`domain_shares`) says: an independent normal term
    makes up the difference, so a domain with no coded positive, whose
    variance estimate cannot see the claims its sample missed, is not
    taken as precise by the rank sets.
    """
    share = totals / shares["n_items"].to_numpy(float)[None, :]
    z = norm.ppf(0.975)
    wanted = ((shares["share_high"] - shares["share_low"]).to_numpy(float) / (2 * z)) ** 2
    extra = np.sqrt(np.maximum(wanted - share.var(axis=0, ddof=1), 0.0))
    share = share + np.random.default_rng([seed, 1]).standard_normal(share.shape) * extra
    window = np.flatnonzero(shares["kind"].to_numpy() == "window")
    base = [
        int(np.flatnonzero((shares["event_id"] == e) & (shares["kind"] == "baseline"))[0])
        for e in shares["event_id"].to_numpy()[window]
    ]
    return 1000 * (share[:, window] - share[:, base])


def rank_tiers(events: pd.DataFrame, replicates: np.ndarray, alpha: float = 0.05) -> pd.DataFrame:
    """Ranks by excess with marginal and simultaneous rank sets, and tiers.

    An event's tier is one more than the highest tier among the events
    significantly above it (the comparisons behind its marginal rank set):
    tier 1 holds the events that no other event is significantly above, tier
    2 those below some tier-1 event only, and so on. An event too uncertain
    to be told apart from any other stays in tier 1 without pulling the
    others into it.
    """
    excess = events["excess"].to_numpy(float)
    sets = rank_confidence_sets(excess, replicates, alpha)
    larger = significantly_larger(excess, replicates, alpha)
    tiers = np.zeros(len(excess), dtype=int)
    for j in np.argsort(-excess, kind="stable"):
        tiers[j] = 1 + (tiers[larger[j]].max() if larger[j].any() else 0)
    return (
        events.assign(
            rank=events["excess"].rank(ascending=False, method="min").astype(int),
            rank_low=sets["marginal_low"],
            rank_high=sets["marginal_high"],
            rank_simultaneous_low=sets["simultaneous_low"],
            rank_simultaneous_high=sets["simultaneous_high"],
            tier=tiers,
        )
        .sort_values(["rank", "event_id"])
        .reset_index(drop=True)
    )


@dataclass(frozen=True)
class EventEstimatesSettings(DesignSettings):
    """Rule ``event_estimates``: the design, the estimator and interval, the rank sets' bootstrap."""

    estimator: str = key("design.estimator")
    interval: str = key("design.interval")
    bootstrap: int = key("events.bootstrap")


def load_waves(settings: EventEstimatesSettings, inputs: dict):
    """The study's domains and its coded waves, every file checked against the others."""
    domains, _ = study_items(settings, inputs)
    ids = domains.items["doc_id"].to_numpy()
    codes = np.full(len(ids), np.nan)
    waves, previous = [], None
    for k in (1, 2):
        if f"design_{k}" not in inputs:
            break
        design, scores = frozen_wave(inputs[f"design_{k}"], domains)
        new = design.drawn if previous is None else design.drawn & ~previous.drawn
        if previous is not None and not (
            design.drawn[previous.drawn].all() and (design.pi[previous.drawn] == 1).all()
        ):
            raise DesignFileError(
                f"{inputs[f'design_{k}']}: wave 2's design must carry every wave-1 item with pi = 1 "
                f"(was it drawn after {inputs['design_1']}?)"
            )
        wave_code = wave_codes(inputs[f"labels_{k}"], expected=ids[new])
        codes[new] = pd.Series(ids[new]).map(wave_code).to_numpy(float)
        waves.append(
            Wave(
                design.pi,
                design.drawn,
                np.where(design.drawn, codes, np.nan),
                scores,
                domains.members,
            )
        )
        previous = design
    return domains, waves


def wave_reliability(inputs: dict, n_waves: int, *, seed: int) -> pd.DataFrame:
    """Per wave: the two coders' agreement on the items both coded (Krippendorff's alpha)."""
    frames = []
    for k in range(1, n_waves + 1):
        coders = inputs.get(f"coders_{k}", [])
        if len(coders) < 2:
            continue
        first, second = (read_item_codes(p) for p in coders[:2])
        table, disagreements = reliability(first, second, n_boot=1000, seed=seed)
        if inputs.get(f"adjudication_{k}"):
            path = inputs[f"adjudication_{k}"]
            final = read_item_codes(inputs[f"labels_{k}"])
            check_adjudication(disagreements, read_from_coders(path), final, path=path)
        both = first.merge(second, on="item_id", suffixes=("", "_second"))
        positive = both["anti_western"] == 1
        table["first_positives_confirmed"] = (
            (both.loc[positive, "anti_western_second"] == 1).mean() if positive.any() else np.nan
        )
        frames.append(table.assign(wave=k))
    return (
        pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["wave", "field"])
    )


def with_other_estimator(table: pd.DataFrame, frames: dict, *, chosen: str) -> pd.DataFrame:
    """The event table with the other estimator's rate and excess beside the chosen one's."""
    for estimator in ESTIMATORS:
        if estimator == chosen:
            continue
        other = event_table(frames[estimator]).set_index("event_id")
        columns = ["rate_per_1000", "rate_low", "rate_high", "excess", "excess_low", "excess_high"]
        renamed = other[columns].rename(columns={c: f"{c}_{estimator}" for c in columns})
        table = table.join(renamed, on="event_id")
    return table


ESTIMATE_TEX_COLUMNS = {
    "rank": "Rank",
    "tier": "Tier",
    "label": "Event",
    "n_coded": "Coded",
    "rate_per_1000": "Rate",
    "excess": "Excess",
    "excess_low": "CI low",
    "excess_high": "CI high",
    "rank_low": "Rank CI low",
    "rank_high": "Rank CI high",
}


def run_event_estimates(settings: EventEstimatesSettings, inputs: dict, outputs: dict) -> dict:
    """Design-based event estimates from the coded waves: rates, excess, ranks, tiers, contrasts.

    Inputs: ``measures`` and ``catalogue`` (to check the frozen designs
    against the study), ``design_<k>`` and ``labels_<k>`` per coded wave,
    optional ``coders_<k>`` (first, second coder) and ``adjudication_<k>``.
    Outputs: ``estimates`` (+ ``estimates_tex``: per event, the chosen
    estimator), ``domains`` (every domain by both estimators),
    ``contrast`` (+ ``contrast_tex``), ``reliability``. Settings: the
    design keys, ``estimator``, ``interval``, ``bootstrap``, ``seed``.
    """
    domains, waves = load_waves(settings, inputs)
    events = load_events(inputs["catalogue"]).set_index("event_id")
    frames = {}
    for estimator in ESTIMATORS:
        combined = combine_waves([wave_estimate(w, estimator) for w in waves], settings.wave_weight)
        frames[estimator] = domain_shares(domains.table, combined, settings.interval)
    pd.concat([f.assign(estimator=e) for e, f in frames.items()]).to_csv(
        outputs["domains"], index=False, float_format="%.6f"
    )
    table = event_table(frames[settings.estimator])
    totals = total_replicates(
        waves,
        estimator=settings.estimator,
        wave_weight=settings.wave_weight,
        n_boot=settings.bootstrap,
        seed=settings.seed,
    )
    replicates = excess_replicates(totals, frames[settings.estimator], seed=settings.seed)
    table = rank_tiers(table, replicates).assign(
        label=lambda t: t["event_id"].map(events["label"]), estimator=settings.estimator
    )
    table = with_other_estimator(table, frames, chosen=settings.estimator)
    table.to_csv(outputs["estimates"], index=False, float_format="%.4f")
    contrast = contrast_rows(table, [tuple(p) for p in settings.contrasts])
    contrast.to_csv(outputs["contrast"], index=False, float_format="%.4f")
    write_estimate_tex(table, contrast, outputs=outputs, estimator=settings.estimator)
    wave_reliability(inputs, len(waves), seed=settings.seed).to_csv(
        outputs["reliability"], index=False, float_format="%.4f"
    )
    return {
        "waves": len(waves),
        "coded_items": int(waves[-1].drawn.sum()),
        "top": table["event_id"].head(5).tolist(),
        "tiers": int(table["tier"].max()),
        "contrasts": contrast[["type_a", "type_b", "difference", "ci_low", "ci_high"]].to_dict(
            "records"
        )
        if "difference" in contrast
        else [],
    }


def write_estimate_tex(table, contrast, *, outputs: dict, estimator: str) -> None:
    """LaTeX booktabs of the event estimates and the contrasts."""
    name = {"difference": "difference (model-assisted)", "ht": "Horvitz-Thompson"}[estimator]
    Path(outputs["estimates_tex"]).write_text(
        booktabs(
            table[list(ESTIMATE_TEX_COLUMNS)].rename(columns=ESTIMATE_TEX_COLUMNS),
            f"Events ranked by the design-based {name} estimate of the excess rate of items "
            "carrying an anti-Western conspiracy claim (per 1,000 items, window minus baseline), "
            "95\\% MOVER intervals, marginal 95\\% rank confidence sets and tiers of events whose "
            "ranks cannot be separated.",
            "tab:event-estimates",
        ),
        encoding="utf-8",
    )
    Path(outputs["contrast_tex"]).write_text(
        booktabs(
            contrast,
            "Mean excess rate (per 1,000 items) of event type A minus type B, design-based, "
            "with 95\\% intervals: Wald with the design's anticipated variance where no positive "
            "was coded (the default), adjusted Wald (Price \\& Bonett 2004), MOVER and Wald.",
            "tab:design-contrast",
        ),
        encoding="utf-8",
    )
