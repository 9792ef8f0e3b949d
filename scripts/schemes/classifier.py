"""A supervised item classifier trained on the **dev** part of the gold standard.

Features: TF-IDF of the item's lemmas (words and word pairs) beside the
automatic measures the pipeline already computes for every item (those of
the measure registry marked ``feature`` and listed in
``validation.items.classifier.measures``) and, optionally, each Russian
item's mean navec vector. Model: L2 logistic regression with balanced class
weights. Probabilities are calibrated to the corpus, not to the enriched
sample: out-of-fold decision scores on the dev part are mapped to
probabilities by Platt scaling fitted with weights equal to the inverse
inclusion probability, so the mean calibrated probability over the corpus
estimates the prevalence of claims. The decision threshold is the one with
the best weighted F1 on the out-of-fold dev predictions. Items of the locked
test part are never seen by any of these steps.

:class:`ItemClassifier` follows scikit-learn's conventions (``fit`` returns
the estimator, fitted attributes end in ``_``, ``predict_proba`` gives one
column per class), so another surrogate with the same methods can replace
it. Its ``X`` is a data frame with a ``lemmas`` column (space-separated
lemmas) and the numeric feature columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix, hstack
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from schemes.coding import (
    CodedFileError,
    check_active_in_corpus,
    gold_overlap,
    load_gold,
    read_active_labels,
)
from schemes.itemrules import mean_embeddings
from schemes.measures import feature_measures
from schemes.preprocess import item_lemmas, read_sentences
from schemes.settings import Settings, key
from schemes.stats import best_threshold, stratified_bootstrap

# The item rules' outputs (rule_*, marker_*) are not features: their markers
# were written while reading the dev items, so they would leak the held-out
# labels into the out-of-fold scores the calibration and threshold are fitted on.
EMBEDDING_PREFIX = "emb_"


def numeric_columns(frame: pd.DataFrame) -> list[str]:
    """The numeric feature columns present: the measures, then any embedding dimensions."""
    return [c for c in feature_measures() if c in frame.columns] + [
        c for c in frame.columns if str(c).startswith(EMBEDDING_PREFIX)
    ]


def with_embeddings(measures: pd.DataFrame, lemmas: pd.Series, languages: pd.Series):
    """``measures`` plus each Russian item's mean navec vector (emb_000..emb_299; 0 otherwise)."""
    vectors = np.zeros((len(measures), 300), dtype=np.float32)
    russian = (languages.reindex(measures.index) == "ru").to_numpy()
    if russian.any():
        vectors[russian] = mean_embeddings(lemmas.reindex(measures.index).fillna("")[russian])
    columns = [f"{EMBEDDING_PREFIX}{i:03d}" for i in range(vectors.shape[1])]
    return measures.join(pd.DataFrame(vectors, index=measures.index, columns=columns))


def _with_pairs(lemmas: pd.Series) -> pd.Series:
    """Each item's lemmas followed by its adjacent lemma pairs (``a__b``)."""

    def expand(text: str) -> str:
        words = text.split()
        return " ".join(words + [f"{a}__{b}" for a, b in zip(words, words[1:], strict=False)])

    return lemmas.fillna("").map(expand)


def _split(X: pd.DataFrame, columns: list[str]) -> tuple[pd.Series, pd.DataFrame]:
    """(lemmas with pairs, the numeric columns), both with a fresh 0..n-1 index."""
    lemmas = _with_pairs(X["lemmas"].reset_index(drop=True))
    return lemmas, X[columns].reset_index(drop=True)


def _features(vectorizer, lemmas: pd.Series, numeric: pd.DataFrame, *, fit: bool):
    text = vectorizer.fit_transform(lemmas) if fit else vectorizer.transform(lemmas)
    values = numeric.to_numpy(float) if numeric.shape[1] else np.zeros((len(numeric), 0))
    return hstack([text, csr_matrix(np.nan_to_num(values))]).tocsr()


class ItemClassifier(ClassifierMixin, BaseEstimator):
    """Fit on dev items; predict calibrated probabilities and decisions for any items.

    Parameters: ``c`` (inverse L2 strength of the logistic regression),
    ``folds`` (cross-fitting folds for the out-of-fold scores), ``seed``.
    """

    def __init__(self, c: float = 1.0, folds: int = 5, seed: int = 0):
        self.c = c
        self.folds = folds
        self.seed = seed

    def _new_model(self):
        vectorizer = TfidfVectorizer(
            analyzer=str.split, min_df=2, sublinear_tf=True, token_pattern=None, lowercase=False
        )
        model = LogisticRegression(
            C=self.c, class_weight="balanced", max_iter=5000, random_state=self.seed
        )
        return vectorizer, model

    def _fit_on(self, train: tuple, extra: tuple, keep_extra: np.ndarray):
        """A vectorizer and model fitted on ``train`` plus the kept ``extra`` items."""
        (lemmas, numeric, y), (x_lemmas, x_numeric, x_y) = train, extra
        vectorizer, model = self._new_model()
        features = _features(
            vectorizer,
            pd.concat([lemmas, x_lemmas[keep_extra]], ignore_index=True),
            pd.concat([numeric, x_numeric[keep_extra]], ignore_index=True),
            fit=True,
        )
        model.fit(features, np.concatenate([y, x_y[keep_extra]]))
        return vectorizer, model

    def _out_of_fold(self, data: tuple, extra: tuple, n_splits: int):
        """Out-of-fold scores of the dev items and of the extra items (by fold of their own)."""
        lemmas, numeric, y = data
        x_lemmas, x_numeric, x_y = extra
        scores, extra_scores = np.zeros(len(y)), np.zeros(len(x_y))
        splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=self.seed)
        # the extra items are split into as many folds: each is scored by the
        # model that did not train on it, like the dev items
        extra_fold = np.random.default_rng(self.seed).permutation(len(x_y)) % n_splits
        for fold, (train, test) in enumerate(splitter.split(lemmas, y)):
            keep = extra_fold != fold
            part = (lemmas.iloc[train], numeric.iloc[train], y[train])
            vectorizer, model = self._fit_on(part, extra, keep)
            scores[test] = model.decision_function(
                _features(vectorizer, lemmas.iloc[test], numeric.iloc[test], fit=False)
            )
            if (~keep).any():
                extra_scores[~keep] = model.decision_function(
                    _features(vectorizer, x_lemmas[~keep], x_numeric[~keep], fit=False)
                )
        return scores, extra_scores

    def fit(self, X: pd.DataFrame, y, sample_weight=None, *, extra=None):
        """Fit on the dev items ``X`` with codes ``y`` and design weights ``sample_weight``.

        ``extra``: (X, y) of items coded outside the probability sample
        (active learning rounds): they join the training set of every fold
        and of the final model, but never the out-of-fold scores from which
        the calibration and the threshold are fitted, because they are no
        random sample of the corpus.
        """
        self.numeric_columns_ = numeric_columns(X)
        y = np.asarray(y, dtype=int)
        weights = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
        if extra is None:
            extra = (X.iloc[:0], np.zeros(0, dtype=int))
        data = (*_split(X, self.numeric_columns_), y)
        extra = (*_split(extra[0], self.numeric_columns_), np.asarray(extra[1], dtype=int))
        n_splits = min(self.folds, int(np.bincount(y, minlength=2).min()))
        if n_splits < 2:
            raise ValueError("the dev part needs at least two coded items of each class")
        scores, self.extra_oof_score_ = self._out_of_fold(data, extra, n_splits)
        self.platt_ = LogisticRegression(C=1e6, max_iter=1000)
        self.platt_.fit(scores[:, None], y, sample_weight=weights)
        self.oof_score_, self.oof_y_, self.oof_weight_ = scores, y, weights
        self.oof_probability_ = self.platt_.predict_proba(scores[:, None])[:, 1]
        self.threshold_ = best_threshold(y, self.oof_probability_, weights)
        self.vectorizer_, self.model_ = self._fit_on(data, extra, np.ones(len(extra[2]), bool))
        self.classes_ = np.array([0, 1])
        return self

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        """The model's raw score (before calibration)."""
        lemmas, numeric = _split(X, self.numeric_columns_)
        return self.model_.decision_function(
            _features(self.vectorizer_, lemmas, numeric, fit=False)
        )

    def calibrate(self, score: np.ndarray) -> np.ndarray:
        """Calibrated probabilities of raw scores."""
        return self.platt_.predict_proba(np.asarray(score, float)[:, None])[:, 1]

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """(items x 2) probabilities of no claim and of a claim, calibrated to the corpus."""
        probability = self.calibrate(self.decision_function(X))
        return np.column_stack([1 - probability, probability])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """The 0/1 decision at the F1-best out-of-fold threshold."""
        return (self.predict_proba(X)[:, 1] >= self.threshold_).astype(int)

    def calibration_draws(self, strata: np.ndarray, n_boot: int, seed: int) -> pd.DataFrame:
        """Platt parameters (a, b) refitted on stratified bootstrap resamples of the dev items.

        Row 0 is the fitted calibration; the draws describe how uncertain the
        mapping from score to probability is, given the few coded items it
        was fitted on (the event stage carries it into its CIs). The model's
        own coefficients are held fixed.
        """

        def refit(index: np.ndarray) -> np.ndarray:
            y = self.oof_y_[index]
            if y.min() == y.max():
                return np.array([np.nan, np.nan])
            platt = LogisticRegression(C=1e6, max_iter=1000)
            platt.fit(self.oof_score_[index][:, None], y, sample_weight=self.oof_weight_[index])
            return np.array([platt.coef_[0][0], platt.intercept_[0]])

        draws = stratified_bootstrap(refit, np.asarray(strata), n_boot=n_boot, seed=seed)
        draws = draws[np.isfinite(draws).all(axis=1)]
        point = [self.platt_.coef_[0][0], self.platt_.intercept_[0]]
        table = np.vstack([point, draws])
        return pd.DataFrame(
            {"replicate": np.arange(len(table)), "a": table[:, 0], "b": table[:, 1]}
        )

    def top_features(self, n: int) -> pd.DataFrame:
        """The ``n`` features with the largest coefficients towards a claim."""
        names = list(self.vectorizer_.get_feature_names_out()) + self.numeric_columns_
        coef = self.model_.coef_[0]
        order = np.argsort(-coef)[:n]
        return pd.DataFrame({"feature": np.array(names)[order], "coefficient": coef[order]})


@dataclass(frozen=True)
class ItemClassifierSettings(Settings):
    """Rule ``item_classifier`` (validation.items.classifier, and the CIs' bootstrap)."""

    target: str = key("validation.items.classifier.target")
    c: float = key("validation.items.classifier.c")
    folds: int = key("validation.items.classifier.folds")
    embeddings: bool = key("validation.items.classifier.embeddings")
    measures: list = key("validation.items.classifier.measures")
    seed: int = key("validation.seed")
    bootstrap: int = key("events.bootstrap")


def check_coded_items(settings: ItemClassifierSettings, inputs: dict) -> None:
    """The coded files against this corpus's items, before any other work, with counts.

    Gold of another corpus, a dev part with fewer than two coded items of a
    class among this corpus's items, or an active round of another corpus
    stop the rule here, not after the features are built; active items
    that are not items of this corpus are named in a warning (and left out).
    """
    corpus = set(pd.read_parquet(inputs["measures"], columns=["doc_id"])["doc_id"])
    gold = load_gold(inputs["design"], inputs["labels"])
    inside = gold_overlap(gold, corpus, design=inputs["design"])
    dev = gold[(gold["split"] == "dev") & gold["item_id"].isin(corpus)]
    positives = int((dev[settings.target] == 1).sum())
    negatives = len(dev) - positives
    if min(positives, negatives) < 2:
        raise CodedFileError(
            f"{inputs['design']}: {inside} of its {len(gold)} coded items are items of this "
            f"corpus; their dev part has {positives} positive and {negatives} negative "
            f"{settings.target} codes, and the classifier needs at least two of each"
        )
    check_active_in_corpus(inputs.get("active", []), corpus)


def training_items(settings: ItemClassifierSettings, inputs: dict, measures: pd.DataFrame):
    """(dev items, active items) with their codes; every check on the coded files first."""
    gold = load_gold(inputs["design"], inputs["labels"])
    dev = gold[gold["split"] == "dev"].reset_index(drop=True)  # the test part is never read
    dev = dev[dev["item_id"].isin(measures.index)].reset_index(drop=True)
    active = read_active_labels(
        inputs.get("active", []), settings.target, sample=set(gold["item_id"])
    )
    return dev, active[active["item_id"].isin(measures.index)]


def feature_table(settings: ItemClassifierSettings, inputs: dict) -> pd.DataFrame:
    """Every item's features (``X``): lemmas, the configured measures, optional embeddings."""
    unknown = sorted(set(settings.measures) - set(feature_measures()))
    if unknown:
        raise ValueError(
            f"validation.items.classifier.measures: unknown measure(s) {unknown} "
            f"(choose from {feature_measures()})"
        )
    # only the configured measures become features (TF-IDF and embeddings always do)
    measures = pd.read_parquet(inputs["measures"]).set_index("doc_id")[list(settings.measures)]
    lemmas = item_lemmas(read_sentences(inputs["sentences"], columns=["doc_id", "lemmas"]))
    lemmas = lemmas.reindex(measures.index).fillna("")
    if settings.embeddings:
        languages = pd.read_parquet(inputs["documents"], columns=["doc_id", "lang"])
        measures = with_embeddings(measures, lemmas, languages.set_index("doc_id")["lang"])
    return measures.assign(lemmas=lemmas)


def run_item_classifier(settings: ItemClassifierSettings, inputs: dict, outputs: dict) -> dict:
    """Train on the dev part (and active rounds); score, calibrate and decide for every item.

    Inputs: ``sentences`` (lemmas), ``documents`` (languages), ``measures``
    (the feature measures), ``design`` and ``labels`` (the gold standard),
    ``active`` (coded active-learning rounds, a list). Outputs: ``scores``
    (raw score, calibrated probability, decision per item), ``features``
    (the top coefficients), ``calibration`` (Platt draws for the event
    stage). Settings: ``target``, ``c``, ``folds``, ``embeddings``,
    ``measures``, ``seed``, ``bootstrap``. Dev and active items are scored
    out of fold, so the validation report's dev rows are out-of-sample too.
    """
    check_coded_items(settings, inputs)
    X = feature_table(settings, inputs)
    dev, active = training_items(settings, inputs, X)
    classifier = ItemClassifier(c=settings.c, folds=settings.folds, seed=settings.seed).fit(
        X.loc[dev["item_id"]],
        dev[settings.target].to_numpy(int),
        1 / dev["inclusion_probability"].to_numpy(float),
        extra=(X.loc[active["item_id"]], active[settings.target].to_numpy(int)),
    )
    score = pd.Series(classifier.decision_function(X), index=X.index)
    score[dev["item_id"]] = classifier.oof_score_
    score[active["item_id"]] = classifier.extra_oof_score_
    probability = classifier.calibrate(score.to_numpy())
    pd.DataFrame(
        {
            "doc_id": X.index,
            "classifier_score": score.to_numpy(),
            "classifier_probability": probability,
            "classifier_claim": (probability >= classifier.threshold_).astype(int),
        }
    ).to_parquet(outputs["scores"], index=False)
    if "calibration" in outputs:
        classifier.calibration_draws(
            dev["stratum"].to_numpy(), settings.bootstrap, settings.seed
        ).to_csv(outputs["calibration"], index=False, float_format="%.6f")
    classifier.top_features(40).to_csv(outputs["features"], index=False, float_format="%.4f")
    return {
        "target": settings.target,
        "dev_items": len(dev),
        "dev_positives": int(dev[settings.target].sum()),
        "active_items": len(active),
        "active_positives": int(active[settings.target].sum()),
        "feature_measures": list(settings.measures),
        "threshold": round(classifier.threshold_, 4),
        "corpus_mean_probability": round(float(probability.mean()), 5),
        "corpus_flagged": int((probability >= classifier.threshold_).sum()),
    }
