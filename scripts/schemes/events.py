"""Event study: claims around political events, normalised, baselined, with
confidence intervals on scores and on ranks.

For each event of the catalogue:

* the *window* runs from ``start - days_before`` to ``end + days_after``; a
  document belongs to it when the period its date stands for overlaps the
  window (a year-only date covers its year, so coarse corpora are handled at
  their own resolution). Windows may overlap; a document in two windows
  counts for both, and ``overlaps`` lists the events sharing a window;
* ``n_claims``: anti-Western claims in the window (the book's raw count);
  ``rate_per_1000``: per 1,000 documents in the window (coverage-normalised);
* ``excess_pre``: the rate minus the rate in the ``baseline_days`` before the
  window, excluding documents of any event window; a baseline with fewer
  than ``min_baseline_docs`` documents falls back to all documents outside
  every window (``baseline_kind``). Abnormal framing in the sense of an event
  study (MacKinlay 1997);
* ``excess_model``: the rate minus the rate a count model expects for the
  window: a Poisson GLM of claims per period outside all windows with
  log(documents) as offset and a polynomial time trend (``expected_rate``);
* ``score``: the measure named by ``measure`` (default ``excess_pre``), the
  one events are ranked on (rank 1 = most).

Uncertainty comes from one *joint* bootstrap: every replicate reweights all
resampling units (documents, or days) with Poisson(1) weights (the Poisson
bootstrap, a close approximation of the multinomial one that keeps the
covariance between overlapping events), recomputes every measure, and gives
percentile 95% CIs, rank confidence sets (``schemes.ranks``) and the CI of
type contrasts. Seeded: same config, same numbers.
"""

from __future__ import annotations

import itertools
import logging
import math
import warnings
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from schemes.catalogue import documents_in_study, event_windows, load_events, overlapping_events
from schemes.ranks import rank_confidence_sets
from schemes.settings import Settings
from schemes.tables import TABLE_FLOAT, booktabs
from schemes.timebins import auto_time_bin, time_bins

MEASURES = ("n_claims", "rate_per_1000", "excess_pre", "excess_model")
log = logging.getLogger(__name__)


def _overlap_matrix(doc_start, doc_end, *, starts, ends) -> np.ndarray:
    """(documents x events) membership: the document's period overlaps the interval."""
    return (doc_start[:, None] <= ends[None, :]) & (doc_end[:, None] >= starts[None, :])


def memberships(doc_claims: pd.DataFrame, windows: pd.DataFrame, min_baseline_docs: int):
    """Window and baseline membership matrices and the baseline kind per event."""
    doc_start = doc_claims["date"].to_numpy("datetime64[D]")
    doc_end = doc_claims["date_end"].to_numpy("datetime64[D]")
    in_window = _overlap_matrix(
        doc_start,
        doc_end,
        starts=windows["window_start"].to_numpy("datetime64[D]"),
        ends=windows["window_end"].to_numpy("datetime64[D]"),
    )
    outside = ~in_window.any(axis=1)
    in_base = (
        (doc_start[:, None] >= windows["baseline_start"].to_numpy("datetime64[D]")[None, :])
        & (doc_end[:, None] <= windows["baseline_end"].to_numpy("datetime64[D]")[None, :])
        & outside[:, None]
    )
    thin = in_base.sum(axis=0) < min_baseline_docs
    in_base[:, thin] = outside[:, None]
    kinds = np.where(thin, "all non-event", "pre-event")
    return in_window, in_base, kinds


def resampling_units(doc_claims: pd.DataFrame, unit: str) -> np.ndarray:
    """Index of the resampling unit of each document: itself, or its day."""
    if unit == "document":
        return np.arange(len(doc_claims))
    if unit == "day":
        return pd.factorize(doc_claims["date"].dt.normalize(), sort=True)[0]
    raise ValueError(f"events.resample must be 'document' or 'day', not {unit!r}")


def _aggregate(units: np.ndarray, n_units: int, matrix: np.ndarray, *, values=None) -> np.ndarray:
    """Sum rows of ``matrix`` (optionally times ``values``) by unit: (units x events)."""
    weights = matrix.astype(float) if values is None else matrix * values[:, None]
    out = np.zeros((n_units, matrix.shape[1]))
    np.add.at(out, units, weights)
    return out


class CountModel:
    """Poisson GLM of claims per period outside all event windows.

    ``log E[claims] = log(documents) + polynomial(time)``; the dispersion is
    estimated from the Pearson chi-square (quasi-Poisson), so overdispersed
    counts widen the prediction intervals instead of biasing the fit.
    """

    def __init__(self, degree: int):
        self.degree = degree
        self.params = None
        self.cov = None
        self.fallback_rate = 0.0

    def _design(self, t: np.ndarray) -> np.ndarray:
        return np.vander(t, self.degree + 1, increasing=True)

    def fit(self, times: np.ndarray, docs: np.ndarray, claims: np.ndarray) -> CountModel:
        import statsmodels.api as sm  # heavy; only a fit of the count model needs it

        self.t0, self.scale = times.mean(), max(times.std(), 1e-9)
        keep = docs > 0
        self.fallback_rate = claims.sum() / max(docs.sum(), 1)
        if claims[keep].sum() == 0 or keep.sum() <= self.degree + 2:
            log.info("count model: too few claims or periods outside windows; flat rate used")
            return self
        x = self._design((times[keep] - self.t0) / self.scale)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = sm.GLM(
                claims[keep], x, family=sm.families.Poisson(), offset=np.log(docs[keep])
            ).fit(scale="X2")
        self.params, self.cov = result.params, result.cov_params()
        return self

    def expected_rate(self, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Expected claims per document at ``times`` and the SE of its log."""
        if self.params is None:
            return np.full(len(times), self.fallback_rate), np.zeros(len(times))
        x = self._design((times - self.t0) / self.scale)
        eta = x @ self.params
        se = np.sqrt(np.einsum("ij,jk,ik->i", x, self.cov, x))
        return np.exp(eta), se


def _period_times(dates: pd.Series) -> np.ndarray:
    return (dates - pd.Timestamp("1970-01-01")).dt.days.to_numpy() / 365.25


def fit_count_model(doc_claims, in_window, bin_: str, *, degree: int) -> CountModel:
    outside = doc_claims.loc[~in_window.any(axis=1)]
    if outside.empty:
        return CountModel(degree)
    periods = time_bins(outside["date"], bin_)
    grouped = outside.groupby(periods.to_numpy(), sort=True).agg(
        docs=("doc_id", "size"), claims=("n_claims", "sum"), date=("date", "mean")
    )
    return CountModel(degree).fit(
        _period_times(grouped["date"]),
        grouped["docs"].to_numpy(float),
        grouped["claims"].to_numpy(float),
    )


def window_times(doc_claims, in_window) -> np.ndarray:
    """Document-weighted mean time of each window (years since 1970)."""
    t = _period_times(doc_claims["date"])
    counts = in_window.sum(axis=0)
    with np.errstate(invalid="ignore"):
        return (t @ in_window) / np.where(counts > 0, counts, np.nan)


def compute_measures(window: tuple, baseline: tuple, expected) -> dict:
    """Every measure from (replicates x events) sums; NaN where a window is empty.

    ``window`` and ``baseline`` are (documents, claims) sums; ``expected``
    the count model's expected claims per document.
    """
    (win_docs, win_claims), (base_docs, base_claims) = window, baseline
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = 1000 * win_claims / win_docs
        base_rate = 1000 * base_claims / base_docs
    return {
        "n_claims": np.where(win_docs > 0, win_claims, np.nan),
        "rate_per_1000": rate,
        "excess_pre": rate - base_rate,
        "excess_model": rate - 1000 * expected,
    }


def poisson_weights(n_boot: int, n_units: int, seed: int, *, chunk: int = 200):
    """Yield (chunk x units) Poisson(1) bootstrap weight matrices, seeded."""
    rng = np.random.default_rng(seed)
    for start in range(0, n_boot, chunk):
        yield rng.poisson(1.0, size=(min(chunk, n_boot - start), n_units)).astype(float)


def _counts(values: np.ndarray) -> np.ndarray:
    """Claim counts as integers; expected counts (sums of probabilities) as floats."""
    return values.astype(int) if np.allclose(values, np.round(values)) else values


@dataclass
class ErrorRates:
    """Sensitivity and false-positive rate of a 0/1 decision: point (index 0), then draws."""

    tpr: np.ndarray
    fpr: np.ndarray

    @property
    def n_draws(self) -> int:
        return len(self.tpr) - 1


@dataclass
class Calibration:
    """Platt calibration of a classifier score: point (index 0), then bootstrap draws.

    probability = 1 / (1 + exp(-(a * score + b))); ``score`` is each
    document's raw classifier score.
    """

    a: np.ndarray
    b: np.ndarray
    score: np.ndarray

    @property
    def n_draws(self) -> int:
        return len(self.a) - 1

    def probabilities(self, draw) -> np.ndarray:
        """(len(draw) x documents) calibrated probabilities under each draw."""
        from scipy.special import expit  # only the calibration correction needs it

        draw = np.asarray(draw)
        return expit(self.a[draw][:, None] * self.score[None, :] + self.b[draw][:, None])


def load_correction(path, doc_claims: pd.DataFrame) -> ErrorRates | Calibration:
    """A measurement-error model: error rates (tpr, fpr) or Platt draws (a, b)."""
    table = pd.read_csv(path)
    if "replicate" not in table.columns:
        raise ValueError(f"{path}: missing column 'replicate'")
    table = table.sort_values("replicate")
    if {"tpr", "fpr"} <= set(table.columns):
        # a bootstrap draw without positives (or negatives) has no rate: drop it
        keep = np.isfinite(table[["tpr", "fpr"]].to_numpy(float)).all(axis=1)
        keep[0] = True
        table = table[keep]
        return ErrorRates(table["tpr"].to_numpy(float), table["fpr"].to_numpy(float))
    if {"a", "b"} <= set(table.columns):
        if "classifier_score" not in doc_claims.columns:
            raise ValueError(
                f"{path}: calibration draws need the documents' classifier_score column"
            )
        return Calibration(
            table["a"].to_numpy(float),
            table["b"].to_numpy(float),
            doc_claims["classifier_score"].to_numpy(float),
        )
    raise ValueError(f"{path}: needs columns tpr and fpr, or a and b")


def acc_correct(flagged, docs, *, tpr, fpr):
    """Adjusted classify-and-count (Forman 2008): items truly carrying a claim.

    ``flagged`` of ``docs`` items were flagged by a decision with sensitivity
    ``tpr`` and false-positive rate ``fpr``; the estimate solves
    flagged = tpr * true + fpr * (docs - true), kept within [0, docs].
    Where the decision cannot tell claims from non-claims (tpr <= fpr) the
    estimate is undefined (NaN).
    """
    tpr, fpr = np.asarray(tpr, float), np.asarray(fpr, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        true = (flagged - fpr * docs) / (tpr - fpr)
    return np.where(tpr > fpr, np.clip(true, 0, docs), np.nan)


class EventStudy:
    """All measures and their joint bootstrap for one window setting."""

    def __init__(
        self,
        doc_claims: pd.DataFrame,
        windows: pd.DataFrame,
        *,
        min_baseline_docs: int,
        unit: str,
        model_bin: str,
        model_degree: int,
        correction: ErrorRates | Calibration | None = None,
    ):
        """``correction``, the measurement-error model of the per-document values:
        ``ErrorRates`` of a 0/1 decision (counts corrected by ``acc_correct``)
        or ``Calibration`` draws of a classifier's probabilities (counts are
        sums of probabilities). Point estimates use its first row; every
        bootstrap replicate uses its own draw, so CIs and rank sets carry
        the measurement uncertainty as well as the sampling uncertainty."""
        self.correction = correction
        self.windows = windows.reset_index(drop=True)
        self.in_window, self.in_base, self.baseline_kind = memberships(
            doc_claims, self.windows, min_baseline_docs
        )
        claims = doc_claims["n_claims"].to_numpy(float)
        units = resampling_units(doc_claims, unit)
        self.units = units
        n_units = int(units.max()) + 1 if len(units) else 0
        self.W_docs = _aggregate(units, n_units, self.in_window)
        self.W_claims = _aggregate(units, n_units, self.in_window, values=claims)
        self.B_docs = _aggregate(units, n_units, self.in_base)
        self.B_claims = _aggregate(units, n_units, self.in_base, values=claims)
        self.n_units = n_units
        model = fit_count_model(doc_claims, self.in_window, model_bin, degree=model_degree)
        self.expected, self.expected_se = model.expected_rate(
            window_times(doc_claims, self.in_window)
        )

    def _measures(self, w: np.ndarray, expected: np.ndarray, draw: np.ndarray) -> dict:
        """Measures for weight rows ``w``; ``draw`` indexes the correction's rows."""
        win_docs, win_claims = w @ self.W_docs, w @ self.W_claims
        base_docs, base_claims = w @ self.B_docs, w @ self.B_claims
        if isinstance(self.correction, ErrorRates):
            tpr, fpr = self.correction.tpr[draw][:, None], self.correction.fpr[draw][:, None]
            win_claims = acc_correct(win_claims, win_docs, tpr=tpr, fpr=fpr)
            base_claims = acc_correct(base_claims, base_docs, tpr=tpr, fpr=fpr)
            expected = acc_correct(expected, 1.0, tpr=tpr, fpr=fpr)
        elif isinstance(self.correction, Calibration):
            weighted = w[:, self.units] * self.correction.probabilities(draw)
            win_claims = weighted @ self.in_window
            base_claims = weighted @ self.in_base
        return compute_measures((win_docs, win_claims), (base_docs, base_claims), expected)

    def _expected_point(self) -> np.ndarray:
        if not isinstance(self.correction, ErrorRates):
            return self.expected
        return acc_correct(
            self.expected, 1.0, tpr=self.correction.tpr[0], fpr=self.correction.fpr[0]
        )

    def point(self) -> dict[str, np.ndarray]:
        ones = np.ones((1, self.n_units))
        return {k: v[0] for k, v in self._measures(ones, self.expected[None, :], [0]).items()}

    def bootstrap(self, n_boot: int, seed: int) -> dict[str, np.ndarray]:
        """(n_boot x events) replicates of every measure."""
        parts = {k: [] for k in MEASURES}
        z_rng = np.random.default_rng([seed, 1])
        n_draws = 1 if self.correction is None else self.correction.n_draws
        done = 0
        for w in poisson_weights(n_boot, self.n_units, seed):
            z = z_rng.standard_normal((len(w), 1))
            expected = self.expected[None, :] * np.exp(z * self.expected_se[None, :])
            # replicate b uses draw b (cycling when there are fewer draws than
            # replicates); without draws, the point model
            draw = (
                1 + (done + np.arange(len(w))) % n_draws
                if n_draws > 0
                else np.zeros(len(w), dtype=int)
            )
            done += len(w)
            reps = self._measures(w, expected, draw)
            for k in MEASURES:
                parts[k].append(reps[k])
        return {k: np.vstack(v) for k, v in parts.items()}

    def summary(self) -> pd.DataFrame:
        point = self.point()
        w = self.windows
        claims, base_claims = self.W_claims.sum(axis=0), self.B_claims.sum(axis=0)
        if isinstance(self.correction, ErrorRates):
            tpr, fpr = self.correction.tpr[0], self.correction.fpr[0]
            claims = acc_correct(claims, self.W_docs.sum(axis=0), tpr=tpr, fpr=fpr)
            base_claims = acc_correct(base_claims, self.B_docs.sum(axis=0), tpr=tpr, fpr=fpr)
        return pd.DataFrame(
            {
                "event_id": w["event_id"],
                "label": w["label"],
                "type": w["type"],
                "country": w["country"],
                "start": w["start"].dt.strftime("%Y-%m-%d"),
                "end": w["end"].dt.strftime("%Y-%m-%d"),
                "window_start": w["window_start"].dt.strftime("%Y-%m-%d"),
                "window_end": w["window_end"].dt.strftime("%Y-%m-%d"),
                "overlaps": overlapping_events(w),
                "n_docs": self.W_docs.sum(axis=0).astype(int),
                "n_claims": _counts(claims),
                "rate_per_1000": point["rate_per_1000"],
                "baseline_kind": self.baseline_kind,
                "baseline_docs": self.B_docs.sum(axis=0).astype(int),
                "baseline_claims": _counts(base_claims),
                "baseline_rate": 1000 * base_claims / np.maximum(self.B_docs.sum(axis=0), 1),
                "expected_rate": 1000 * self._expected_point(),
                "excess_pre": point["excess_pre"],
                "excess_model": point["excess_model"],
            }
        )


def rank_descending(scores: np.ndarray) -> pd.Series:
    return pd.Series(scores).rank(ascending=False, method="min").astype("Int64")


def rank_events(
    study: EventStudy,
    measure: str,
    *,
    n_boot: int,
    seed: int,
    ci_level: float = 0.95,
):
    """The ranking table and the bootstrap replicates of the chosen measure."""
    table = study.summary()
    replicates = study.bootstrap(n_boot, seed)[measure]
    alpha = 1 - ci_level
    score = study.point()[measure]
    table["score"] = score
    valid = ~np.isnan(score)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        table["ci_low"] = np.nanquantile(replicates, alpha / 2, axis=0)
        table["ci_high"] = np.nanquantile(replicates, 1 - alpha / 2, axis=0)
        table["se"] = np.nanstd(replicates, axis=0, ddof=1)
    table.loc[~valid, ["ci_low", "ci_high", "se"]] = np.nan
    table["rank"] = rank_descending(score)
    sets = rank_confidence_sets(score[valid], np.nan_to_num(replicates[:, valid]), alpha)
    for key, column in [
        ("marginal_low", "rank_ci_low"),
        ("marginal_high", "rank_ci_high"),
        ("simultaneous_low", "rank_cs_simultaneous_low"),
        ("simultaneous_high", "rank_cs_simultaneous_high"),
    ]:
        values = pd.Series(pd.NA, index=table.index, dtype="Int64")
        values[valid] = sets[key]
        table[column] = values
    order = table.sort_values(["rank", "event_id"], na_position="last").index
    return table.loc[order].reset_index(drop=True), replicates[:, order]


def permutation_test(
    pooled: np.ndarray, n_a: int, observed: float, *, n_permutations: int, seed: int
) -> tuple[float, int, bool]:
    """Two-sided permutation p-value of a difference of means: (p, relabellings, exact).

    The first ``n_a`` of ``pooled`` are group A. Every split of the pooled
    values into groups of the two sizes is enumerated when there are at most
    ``n_permutations`` of them; otherwise ``n_permutations`` random splits
    are drawn with ``seed``.
    """
    n = len(pooled)
    if math.comb(n, n_a) <= n_permutations:
        splits, exact = itertools.combinations(range(n), n_a), True
    else:
        rng = np.random.default_rng(seed)
        splits, exact = (rng.permutation(n)[:n_a] for _ in range(n_permutations)), False
    diffs = []
    for chosen in splits:
        mask = np.zeros(n, dtype=bool)
        mask[list(chosen)] = True
        diffs.append(pooled[mask].mean() - pooled[~mask].mean())
    diffs = np.asarray(diffs)
    return float(np.mean(np.abs(diffs) >= abs(observed) - 1e-12)), len(diffs), exact


def type_contrast(
    table: pd.DataFrame,
    replicates: np.ndarray,
    pair: tuple[str, str],
    *,
    n_permutations: int,
    seed: int,
    ci_level: float = 0.95,
) -> dict:
    """Mean score of type A minus type B, bootstrap CI and permutation p-value.

    ``pair`` is (type A, type B); a type may join several with ``+``
    ("nato_summit+nato_enlargement"). The permutation test treats events as
    exchangeable units and reshuffles the two type labels among them
    (:func:`permutation_test`); the bootstrap CI reflects the sampling of
    documents within events.
    """
    type_a, type_b = pair
    scores = table["score"].to_numpy(float)
    is_a = table["type"].isin(type_a.split("+")).to_numpy() & ~np.isnan(scores)
    is_b = table["type"].isin(type_b.split("+")).to_numpy() & ~np.isnan(scores)
    row = {"type_a": type_a, "type_b": type_b, "n_a": int(is_a.sum()), "n_b": int(is_b.sum())}
    if not is_a.any() or not is_b.any():
        empty = dict.fromkeys(["mean_a", "mean_b", "difference", "ci_low", "ci_high"], np.nan)
        return {**row, **empty, "p_permutation": np.nan, "permutations": 0, "exact": False}
    observed = scores[is_a].mean() - scores[is_b].mean()
    boot = np.nanmean(replicates[:, is_a], axis=1) - np.nanmean(replicates[:, is_b], axis=1)
    alpha = 1 - ci_level
    p_value, permutations, exact = permutation_test(
        np.concatenate([scores[is_a], scores[is_b]]),
        int(is_a.sum()),
        observed,
        n_permutations=n_permutations,
        seed=seed,
    )
    return {
        **row,
        "mean_a": scores[is_a].mean(),
        "mean_b": scores[is_b].mean(),
        "difference": observed,
        "ci_low": np.quantile(boot, alpha / 2),
        "ci_high": np.quantile(boot, 1 - alpha / 2),
        "p_permutation": p_value,
        "permutations": permutations,
        "exact": exact,
    }


def _weighted_means(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return (weights @ values) / np.maximum(weights.sum(axis=1, keepdims=True), 1)


def event_topic_profile(
    doc_topics: pd.DataFrame,
    doc_claims: pd.DataFrame,
    windows: pd.DataFrame,
    *,
    min_baseline_docs: int,
    topics: pd.DataFrame,
    n_boot: int = 200,
    seed: int = 0,
) -> pd.DataFrame:
    """Mean topic share in each window versus its baseline, with bootstrap CIs
    of the difference (documents resampled within window and baseline)."""
    in_window, in_base, _ = memberships(doc_claims, windows, min_baseline_docs)
    theta = doc_topics.set_index("doc_id").reindex(doc_claims["doc_id"]).fillna(0).to_numpy()
    rows = []
    labels = topics.set_index("topic")["label"]
    rng = np.random.default_rng(seed)
    for j, event_id in enumerate(windows["event_id"]):
        win, base = theta[in_window[:, j]], theta[in_base[:, j]]
        if not len(win):
            continue
        in_share = win.mean(axis=0)
        base_share = base.mean(axis=0) if len(base) else np.full(theta.shape[1], np.nan)
        boot = _weighted_means(win, rng.poisson(1.0, (n_boot, len(win))).astype(float))
        if len(base):
            boot = boot - _weighted_means(base, rng.poisson(1.0, (n_boot, len(base))).astype(float))
        low, high = np.quantile(boot, [0.025, 0.975], axis=0)
        for topic in range(theta.shape[1]):
            rows.append(
                {
                    "event_id": event_id,
                    "topic": topic,
                    "label": labels.get(topic, ""),
                    "window_share": in_share[topic],
                    "baseline_share": base_share[topic],
                    "difference": in_share[topic] - base_share[topic],
                    "ci_low": low[topic] if len(base) else np.nan,
                    "ci_high": high[topic] if len(base) else np.nan,
                }
            )
    columns = [
        "event_id",
        "topic",
        "label",
        "window_share",
        "baseline_share",
        "difference",
        "ci_low",
        "ci_high",
    ]
    return pd.DataFrame(rows, columns=columns)


def framing_timeseries(doc_claims: pd.DataFrame, bin_: str) -> pd.DataFrame:
    """Documents, anti-Western claims and claims per 1,000 documents per period."""
    frame = doc_claims.assign(period=time_bins(doc_claims["date"], bin_))
    series = frame.groupby("period", sort=True).agg(
        n_docs=("doc_id", "size"), n_claims=("n_claims", "sum")
    )
    series["rate_per_1000"] = 1000 * series["n_claims"] / series["n_docs"]
    return series.reset_index()


RANKING_TEX_COLUMNS = {
    "rank": "Rank",
    "label": "Event",
    "type": "Type",
    "n_docs": "Docs",
    "n_claims": "Claims",
    "score": "Score",
    "ci_low": "CI low",
    "ci_high": "CI high",
    "rank_ci_low": "Rank CI low",
    "rank_ci_high": "Rank CI high",
}


@dataclass(frozen=True)
class EventWindowSettings(Settings):
    """An event's window and the baseline before it (shared by the event rules)."""

    SECTION: ClassVar[str] = "events"
    days_before: int
    days_after: int
    baseline_days: int
    min_baseline_docs: int


@dataclass(frozen=True)
class EventRankingSettings(EventWindowSettings):
    """Rule ``event_ranking``: the score, its bootstrap and the type contrasts."""

    measure: str
    resample: str
    bootstrap: int
    seed: int
    count_model_degree: int
    contrasts: list
    permutations: int
    time_bin: str
    period: dict


def write_ranking_tables(table, contrast, measure: str, *, outputs: dict) -> None:
    """The ranking and contrast tables as CSV and LaTeX booktabs."""
    table.to_csv(outputs["ranking"], index=False, float_format=TABLE_FLOAT)
    tex = table[list(RANKING_TEX_COLUMNS)].rename(columns=RANKING_TEX_COLUMNS)
    with open(outputs["ranking_tex"], "w", encoding="utf-8") as handle:
        handle.write(
            booktabs(
                tex,
                f"Events ranked by {measure.replace('_', ' ')} (anti-Western conspiracy claims per "
                "1,000 documents), 95\\% bootstrap CIs and marginal 95\\% rank confidence sets.",
                "tab:event-ranking",
            )
        )
    contrast.to_csv(outputs["contrast"], index=False, float_format=TABLE_FLOAT)
    with open(outputs["contrast_tex"], "w", encoding="utf-8") as handle:
        handle.write(
            booktabs(
                contrast.drop(columns=["measure", "exact"]),
                "Mean score of event type A minus type B: 95\\% bootstrap CI and permutation p-value.",
                "tab:type-contrast",
            )
        )


def study_documents(doc_claims: pd.DataFrame, events: pd.DataFrame, settings) -> pd.DataFrame:
    """With ``events.period`` set, only the documents of the ranked events' span count."""
    if not any(settings.period.values()):
        return doc_claims
    return documents_in_study(
        doc_claims,
        events,
        days_before=settings.days_before,
        days_after=settings.days_after,
        baseline_days=settings.baseline_days,
    )


def run_event_ranking(settings: EventRankingSettings, inputs: dict, outputs: dict) -> dict:
    """Rank the events by the chosen score, with CIs, rank sets and type contrasts.

    Inputs: ``doc_claims`` (per-document values of the chosen measure),
    ``catalogue`` (the events within ``events.period``), optional
    ``correction`` (error rates or calibration draws). Outputs: ``ranking``
    (+ ``ranking_tex``), ``contrast`` (+ ``contrast_tex``), ``timeseries``.
    Settings: the window (``days_before``, ``days_after``, ``baseline_days``,
    ``min_baseline_docs``), ``measure``, ``resample``, ``bootstrap``,
    ``seed``, ``count_model_degree``, ``contrasts``, ``permutations``,
    ``time_bin``, ``period``.
    """
    events = load_events(inputs["catalogue"])
    doc_claims = study_documents(pd.read_parquet(inputs["doc_claims"]), events, settings)
    bin_ = auto_time_bin(doc_claims, settings.time_bin)
    correction = inputs.get("correction") or None
    study = EventStudy(
        doc_claims,
        event_windows(
            events, settings.days_before, settings.days_after, baseline_days=settings.baseline_days
        ),
        min_baseline_docs=settings.min_baseline_docs,
        unit=settings.resample,
        model_bin=bin_,
        model_degree=settings.count_model_degree,
        correction=load_correction(correction, doc_claims) if correction else None,
    )
    table, replicates = rank_events(
        study, settings.measure, n_boot=settings.bootstrap, seed=settings.seed
    )
    contrast = pd.DataFrame(
        [
            type_contrast(
                table,
                replicates,
                tuple(pair),
                n_permutations=settings.permutations,
                seed=settings.seed,
            )
            for pair in settings.contrasts
        ]
    )
    contrast.insert(0, "measure", settings.measure)
    write_ranking_tables(table, contrast, settings.measure, outputs=outputs)
    framing_timeseries(doc_claims, bin_).to_csv(
        outputs["timeseries"], index=False, float_format=TABLE_FLOAT
    )
    return {
        "events": len(table),
        "measure": settings.measure,
        "top": table["event_id"].head(5).tolist(),
        "contrasts": contrast[["type_a", "type_b", "difference", "p_permutation"]].to_dict(
            "records"
        ),
    }


@dataclass(frozen=True)
class EventTopicsSettings(EventWindowSettings):
    """Rule ``event_topics``: the window and baseline only."""


def run_event_topics(settings: EventTopicsSettings, inputs: dict, outputs: dict) -> dict:
    """Which topics rise in each event window: topic shares in the window minus the baseline.

    Inputs: ``doc_claims`` (dates), ``doc_topics``, ``topics``, ``catalogue``.
    Output: ``profile``. Settings: the window (``days_before``,
    ``days_after``, ``baseline_days``, ``min_baseline_docs``).
    """
    doc_claims = pd.read_parquet(inputs["doc_claims"])
    windows = event_windows(
        load_events(inputs["catalogue"]),
        settings.days_before,
        settings.days_after,
        baseline_days=settings.baseline_days,
    )
    profile = event_topic_profile(
        pd.read_parquet(inputs["doc_topics"]),
        doc_claims,
        windows,
        min_baseline_docs=settings.min_baseline_docs,
        topics=pd.read_csv(inputs["topics"]),
    )
    profile.to_csv(outputs["profile"], index=False, float_format="%.6f")
    return {"events": int(profile["event_id"].nunique())}
