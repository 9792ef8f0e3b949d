"""Statistics shared by the validation, design and event stages.

Weighted (Horvitz-Thompson) precision, recall, F1 and AUC of a measure
against hand codes; the stratified bootstrap and percentile intervals used
for their CIs; the F1-optimal cut-off of a score; Krippendorff's alpha for
nominal codes (Krippendorff, *Content Analysis*) with a bootstrap CI.
"""

from __future__ import annotations

import numpy as np


def stratified_bootstrap(statistic, strata: np.ndarray, *, n_boot: int, seed: int) -> np.ndarray:
    """``statistic(index)`` on ``n_boot`` resamples drawn with replacement within each stratum.

    ``statistic`` returns a 1-d array; the result is (n_boot, len(statistic)).
    """
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(strata == s) for s in sorted(set(strata))]
    draws = []
    for _ in range(n_boot):
        index = np.concatenate(
            [rng.choice(g, size=len(g)) for g in groups if len(g)] or [np.arange(0)]
        )
        draws.append(statistic(index))
    return np.array(draws, dtype=float).reshape(n_boot, -1)


def percentile_ci(draws: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval per column, ignoring undefined (NaN) replicates."""
    tail = (1 - level) / 2
    low, high = [], []
    for column in draws.T:
        finite = column[np.isfinite(column)]
        low.append(np.quantile(finite, tail) if len(finite) else np.nan)
        high.append(np.quantile(finite, 1 - tail) if len(finite) else np.nan)
    return np.array(low), np.array(high)


def weighted_prf(truth: np.ndarray, predicted: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Precision, recall and F1, each item counted ``weight`` times (Horvitz-Thompson)."""
    tp = float((weights * truth * predicted).sum())
    flagged = float((weights * predicted).sum())
    positive = float((weights * truth).sum())
    precision = tp / flagged if flagged else np.nan
    recall = tp / positive if positive else np.nan
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else np.nan
    if tp == 0 and flagged and positive:
        f1 = 0.0
    return np.array([precision, recall, f1])


def weighted_auc(truth: np.ndarray, score: np.ndarray, weights: np.ndarray) -> float:
    """Weighted area under the ROC curve: P(score of a positive > score of a negative), ties 1/2."""
    pos, neg = truth == 1, truth == 0
    if not pos.any() or not neg.any():
        return np.nan
    order = np.argsort(score[neg], kind="stable")
    neg_scores, neg_weights = score[neg][order], weights[neg][order]
    cumulative = np.concatenate([[0.0], np.cumsum(neg_weights)])
    below = cumulative[np.searchsorted(neg_scores, score[pos], side="left")]
    tied = cumulative[np.searchsorted(neg_scores, score[pos], side="right")] - below
    wins = (weights[pos] * (below + 0.5 * tied)).sum()
    return float(wins / (weights[pos].sum() * neg_weights.sum()))


def best_threshold(truth: np.ndarray, score: np.ndarray, weights: np.ndarray) -> float:
    """Cut-off (flag ``score >= t``) with the highest weighted F1.

    Among the observed scores, the lowest one that reaches the best F1 is
    found; the cut-off is placed half-way between it and the next lower
    observed score, so that new items are not judged by the exact edge of
    the development sample.
    """
    values = np.unique(score)
    f1 = np.array([weighted_prf(truth, (score >= t).astype(float), weights)[2] for t in values])
    if not np.isfinite(f1).any():
        return np.inf
    best = int(np.flatnonzero(f1 >= np.nanmax(f1) - 1e-12)[0])
    return float(values[best] if best == 0 else (values[best] + values[best - 1]) / 2)


def krippendorff_alpha_nominal(units: list[list]) -> float:
    """Krippendorff's alpha for nominal data; ``units`` lists each unit's codes (NaN = missing)."""
    values = sorted({v for unit in units for v in unit if v == v})
    index = {v: i for i, v in enumerate(values)}
    coincidence = np.zeros((len(values), len(values)))
    for unit in units:
        codes = [v for v in unit if v == v]
        m = len(codes)
        if m < 2:
            continue
        counts = np.zeros(len(values))
        for v in codes:
            counts[index[v]] += 1
        coincidence += (np.outer(counts, counts) - np.diag(counts)) / (m - 1)
    n = coincidence.sum()
    if n <= 1 or len(values) < 2:
        return float("nan")
    marginals = coincidence.sum(axis=0)
    observed = n - np.trace(coincidence)
    expected = (n * n - (marginals**2).sum()) / (n - 1)
    return float(1 - observed / expected) if expected else float("nan")


def krippendorff_alpha_ci(codes: np.ndarray, n_boot: int, seed: int) -> tuple[float, float, float]:
    """Nominal alpha of an (items x coders) array (NaN = not coded), with a bootstrap CI over items."""
    units = codes.tolist()
    point = krippendorff_alpha_nominal(units)
    draws = stratified_bootstrap(
        lambda index: np.array([krippendorff_alpha_nominal([units[i] for i in index])]),
        np.zeros(len(units)),
        n_boot=n_boot,
        seed=seed,
    )
    low, high = percentile_ci(draws)
    return point, float(low[0]), float(high[0])
