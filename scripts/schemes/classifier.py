"""A supervised item classifier trained on the **dev** part of the gold standard.

Features: TF-IDF of the item's lemmas (words and word pairs) beside the
automatic measures the pipeline already computes for every item (lexicon
detector decisions, seeded-topic share, LSS score). Model: L2 logistic
regression with balanced class weights. Probabilities are calibrated to the
corpus, not to the enriched sample: out-of-fold decision scores on the dev
part are mapped to probabilities by Platt scaling fitted with weights equal
to the inverse inclusion probability, so the mean calibrated probability over
the corpus estimates the prevalence of claims. The decision threshold is the
one with the best weighted F1 on the out-of-fold dev predictions. Items of
the locked test part are never seen by any of these steps.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix, hstack

from schemes.gold import best_threshold

NUMERIC = [
    "lexicon_anti_western",
    "lexicon_any",
    "lexicon_two_parts",
    "seeded_topic_share",
    "lss_score",
]
# the default of validation.items.classifier.measures: on the Channel One dev
# part LSS and the seeded topic added nothing (data/validation/1tv-leads/dev_studies)
DEFAULT_MEASURES = ("lexicon_anti_western", "lexicon_any", "lexicon_two_parts")
# The item rules' outputs (rule_*, marker_*) are not features: their markers
# were written while reading the dev items, so they would leak the held-out
# labels into the out-of-fold scores the calibration and threshold are fitted on.


EMBEDDING_PREFIX = "emb_"


def numeric_columns(frame: pd.DataFrame) -> list[str]:
    """The numeric feature columns present: the measures, then any embedding dimensions."""
    return [c for c in NUMERIC if c in frame.columns] + [
        c for c in frame.columns if str(c).startswith(EMBEDDING_PREFIX)
    ]


def with_embeddings(measures: pd.DataFrame, lemmas: pd.Series, languages: pd.Series):
    """``measures`` plus each Russian item's mean navec vector (emb_000..emb_299; 0 otherwise)."""
    from schemes.itemrules import mean_embeddings

    vectors = np.zeros((len(measures), 300), dtype=np.float32)
    russian = (languages.reindex(measures.index) == "ru").to_numpy()
    if russian.any():
        vectors[russian] = mean_embeddings(lemmas.reindex(measures.index).fillna("")[russian])
    columns = [f"{EMBEDDING_PREFIX}{i:03d}" for i in range(vectors.shape[1])]
    return measures.join(pd.DataFrame(vectors, index=measures.index, columns=columns))


def _features(vectorizer, lemmas: pd.Series, numeric: pd.DataFrame, fit: bool):
    text = vectorizer.fit_transform(lemmas) if fit else vectorizer.transform(lemmas)
    columns = numeric_columns(numeric)
    values = numeric[columns].to_numpy(float) if columns else np.zeros((len(numeric), 0))
    return hstack([text, csr_matrix(np.nan_to_num(values))]).tocsr()


def _new_model(c: float, seed: int):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(
        analyzer=str.split, min_df=2, sublinear_tf=True, token_pattern=None, lowercase=False
    )
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000, random_state=seed)
    return vectorizer, model


def _with_pairs(lemmas: pd.Series) -> pd.Series:
    """Each item's lemmas followed by its adjacent lemma pairs (``a__b``)."""

    def expand(text: str) -> str:
        words = text.split()
        return " ".join(words + [f"{a}__{b}" for a, b in zip(words, words[1:], strict=False)])

    return lemmas.fillna("").map(expand)


class ItemClassifier:
    """Fit on dev items; predict calibrated probabilities and decisions for any items."""

    def __init__(self, c: float = 1.0, folds: int = 5, seed: int = 0):
        self.c, self.folds, self.seed = c, folds, seed

    def fit(
        self,
        lemmas: pd.Series,
        numeric: pd.DataFrame,
        y: np.ndarray,
        weights: np.ndarray,
        extra: tuple[pd.Series, pd.DataFrame, np.ndarray] | None = None,
    ):
        """Fit on the dev items (``lemmas``, ``numeric``, ``y``, design ``weights``).

        ``extra``: items coded outside the probability sample (active
        learning rounds): they join the training set of every fold and of
        the final model, but never the out-of-fold scores from which the
        calibration and the threshold are fitted, because they are no
        random sample of the corpus.
        """
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold

        lemmas = _with_pairs(lemmas.reset_index(drop=True))
        self.numeric_columns = numeric_columns(numeric)
        numeric = numeric[self.numeric_columns].reset_index(drop=True)
        y = np.asarray(y, dtype=int)
        if extra is None:
            extra = (pd.Series([], dtype=str), numeric.iloc[:0], np.zeros(0, dtype=int))
        extra_lemmas = _with_pairs(extra[0].reset_index(drop=True))
        extra_numeric = extra[1][self.numeric_columns].reset_index(drop=True)
        extra_y = np.asarray(extra[2], dtype=int)
        n_splits = min(self.folds, int(np.bincount(y, minlength=2).min()))
        if n_splits < 2:
            raise ValueError("the dev part needs at least two coded items of each class")

        def fit_on(index, keep_extra=None):
            keep_extra = np.ones(len(extra_y), dtype=bool) if keep_extra is None else keep_extra
            vectorizer, model = _new_model(self.c, self.seed)
            model.fit(
                _features(
                    vectorizer,
                    pd.concat([lemmas.iloc[index], extra_lemmas[keep_extra]], ignore_index=True),
                    pd.concat([numeric.iloc[index], extra_numeric[keep_extra]], ignore_index=True),
                    True,
                ),
                np.concatenate([y[index], extra_y[keep_extra]]),
            )
            return vectorizer, model

        scores = np.zeros(len(y))
        extra_scores = np.zeros(len(extra_y))
        splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=self.seed)
        # the extra items are split into as many folds: each is scored by the
        # model that did not train on it, like the dev items
        extra_fold = np.random.default_rng(self.seed).permutation(len(extra_y)) % n_splits
        for fold, (train, test) in enumerate(splitter.split(lemmas, y)):
            keep = extra_fold != fold
            vectorizer, model = fit_on(train, keep)
            scores[test] = model.decision_function(
                _features(vectorizer, lemmas.iloc[test], numeric.iloc[test], False)
            )
            if (~keep).any():
                extra_scores[~keep] = model.decision_function(
                    _features(vectorizer, extra_lemmas[~keep], extra_numeric[~keep], False)
                )
        self.extra_oof_score = extra_scores
        self.platt = LogisticRegression(C=1e6, max_iter=1000)
        self.platt.fit(scores[:, None], y, sample_weight=weights)
        self.oof_score, self.oof_y, self.oof_weights = scores, y, np.asarray(weights, float)
        self.oof_probability = self.platt.predict_proba(scores[:, None])[:, 1]
        self.threshold = best_threshold(y, self.oof_probability, weights)
        self.vectorizer, self.model = fit_on(np.arange(len(y)))
        return self

    def decision_score(self, lemmas: pd.Series, numeric: pd.DataFrame) -> np.ndarray:
        """The model's raw score (before calibration)."""
        features = _features(
            self.vectorizer,
            _with_pairs(lemmas.reset_index(drop=True)),
            numeric[self.numeric_columns].reset_index(drop=True),
            False,
        )
        return self.model.decision_function(features)

    def predict_proba(self, lemmas: pd.Series, numeric: pd.DataFrame) -> np.ndarray:
        return self.calibrate(self.decision_score(lemmas, numeric))

    def calibrate(self, score: np.ndarray) -> np.ndarray:
        return self.platt.predict_proba(np.asarray(score, float)[:, None])[:, 1]

    def calibration_draws(self, strata: np.ndarray, n_boot: int, seed: int) -> pd.DataFrame:
        """Platt parameters (a, b) refitted on stratified bootstrap resamples of the dev items.

        Row 0 is the fitted calibration; the draws describe how uncertain the
        mapping from score to probability is, given the few coded items it
        was fitted on (the event stage carries it into its CIs). The model's
        own coefficients are held fixed.
        """
        from sklearn.linear_model import LogisticRegression

        from schemes.gold import stratified_bootstrap

        def refit(index: np.ndarray) -> np.ndarray:
            y = self.oof_y[index]
            if y.min() == y.max():
                return np.array([np.nan, np.nan])
            platt = LogisticRegression(C=1e6, max_iter=1000)
            platt.fit(self.oof_score[index][:, None], y, sample_weight=self.oof_weights[index])
            return np.array([platt.coef_[0][0], platt.intercept_[0]])

        draws = stratified_bootstrap(refit, np.asarray(strata), n_boot, seed)
        draws = draws[np.isfinite(draws).all(axis=1)]
        point = [self.platt.coef_[0][0], self.platt.intercept_[0]]
        table = np.vstack([point, draws])
        return pd.DataFrame(
            {"replicate": np.arange(len(table)), "a": table[:, 0], "b": table[:, 1]}
        )

    def top_features(self, n: int) -> pd.DataFrame:
        names = list(self.vectorizer.get_feature_names_out()) + self.numeric_columns
        coef = self.model.coef_[0]
        order = np.argsort(-coef)[:n]
        return pd.DataFrame({"feature": np.array(names)[order], "coefficient": coef[order]})


def read_active_labels(paths, target: str) -> pd.DataFrame:
    """Codes of actively chosen items (ids and codes; the coder-file format)."""
    from schemes.gold import read_item_codes

    if not paths:
        return pd.DataFrame({"item_id": pd.Series([], dtype=str), target: []})
    table = pd.concat([read_item_codes(p) for p in paths], ignore_index=True)
    return table[["item_id", target]].drop_duplicates("item_id", keep="last")


def run_item_classifier(
    sentences_paths,
    measures_path: str,
    design_path: str,
    labels_path: str,
    target: str,
    c: float,
    folds: int,
    seed: int,
    outputs: dict,
    active_paths=(),
    n_boot: int = 0,
    documents_path: str | None = None,
    embeddings: bool = False,
    feature_measures=DEFAULT_MEASURES,
) -> dict:
    from schemes.gold import load_gold
    from schemes.preprocess import item_lemmas, read_sentences

    gold = load_gold(design_path, labels_path)
    dev = gold[gold["split"] == "dev"].reset_index(drop=True)  # the test part is never read
    unknown = sorted(set(feature_measures) - set(NUMERIC))
    if unknown:
        raise ValueError(
            f"validation.items.classifier.measures: unknown measure(s) {unknown} "
            f"(choose from {NUMERIC})"
        )
    # only the configured measures become features (TF-IDF and embeddings always do)
    measures = pd.read_parquet(measures_path).set_index("doc_id")[list(feature_measures)]
    dev = dev[dev["item_id"].isin(measures.index)].reset_index(drop=True)
    active = read_active_labels(active_paths, target)
    overlap = set(active["item_id"]) & set(gold["item_id"])
    if overlap:
        raise ValueError(
            f"actively coded items are also in the gold sample: {sorted(overlap)[:5]} "
            "(active rounds must exclude the sample)"
        )
    active = active[active["item_id"].isin(measures.index)]
    lemmas = item_lemmas(read_sentences(sentences_paths, columns=["doc_id", "lemmas"]))
    lemmas = lemmas.reindex(measures.index).fillna("")
    if embeddings:
        languages = pd.read_parquet(documents_path, columns=["doc_id", "lang"])
        measures = with_embeddings(measures, lemmas, languages.set_index("doc_id")["lang"])
    classifier = ItemClassifier(c=c, folds=folds, seed=seed).fit(
        lemmas.loc[dev["item_id"]],
        measures.loc[dev["item_id"]],
        dev[target].to_numpy(int),
        1 / dev["inclusion_probability"].to_numpy(float),
        extra=(
            lemmas.loc[active["item_id"]],
            measures.loc[active["item_id"]],
            active[target].to_numpy(int),
        ),
    )
    score = pd.Series(classifier.decision_score(lemmas, measures), index=measures.index)
    # the dev items' own scores come from the folds that did not see them,
    # so that dev rows of the validation report are out-of-sample too
    score[dev["item_id"]] = classifier.oof_score
    # likewise the actively chosen training items: scored by the folds that did not train on them
    score[active["item_id"]] = classifier.extra_oof_score
    probability = classifier.calibrate(score.to_numpy())
    pd.DataFrame(
        {
            "doc_id": measures.index,
            "classifier_score": score.to_numpy(),
            "classifier_probability": probability,
            "classifier_claim": (probability >= classifier.threshold).astype(int),
        }
    ).to_parquet(outputs["scores"], index=False)
    if "calibration" in outputs:
        classifier.calibration_draws(dev["stratum"].to_numpy(), n_boot, seed).to_csv(
            outputs["calibration"], index=False, float_format="%.6f"
        )
    classifier.top_features(40).to_csv(outputs["features"], index=False, float_format="%.4f")
    return {
        "target": target,
        "dev_items": len(dev),
        "dev_positives": int(dev[target].sum()),
        "active_items": len(active),
        "active_positives": int(active[target].sum()),
        "feature_measures": list(feature_measures),
        "threshold": round(classifier.threshold, 4),
        "corpus_mean_probability": round(float(probability.mean()), 5),
        "corpus_flagged": int((probability >= classifier.threshold).sum()),
    }


def run_doc_measure(doc_claims_path: str, scores_path: str, column: str, output: str) -> dict:
    """The event stage's per-document table with ``n_claims`` taken from ``column``.

    With the classifier's calibrated probability, summing over an event
    window estimates the number of claim-carrying items in it (the mean of
    calibrated probabilities: a prevalence estimator that corrects for the
    classifier's errors rather than counting its decisions; Forman 2008).
    With a 0/1 decision (item rules, classifier decision) the sum counts
    flagged items; ``events.correction: acc`` then corrects that count for
    the decision's measured error rates.
    """
    per_doc = pd.read_parquet(doc_claims_path)
    scores = pd.read_parquet(scores_path).set_index("doc_id")
    per_doc["n_claims"] = per_doc["doc_id"].map(scores[column]).fillna(0.0).to_numpy(float)
    per_doc["any_claim"] = per_doc["n_claims"]
    if "classifier_score" in scores.columns:
        # for the event stage's calibration draws (events.correction: calibration)
        per_doc["classifier_score"] = (
            per_doc["doc_id"]
            .map(scores["classifier_score"])
            .fillna(scores["classifier_score"].min())
            .to_numpy(float)
        )
    per_doc.to_parquet(output, index=False)
    return {"column": column, "claims": round(float(per_doc["n_claims"].sum()), 2)}
