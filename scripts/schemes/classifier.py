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


def _features(vectorizer, lemmas: pd.Series, numeric: pd.DataFrame, fit: bool):
    text = vectorizer.fit_transform(lemmas) if fit else vectorizer.transform(lemmas)
    columns = [c for c in NUMERIC if c in numeric.columns]
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

    def fit(self, lemmas: pd.Series, numeric: pd.DataFrame, y: np.ndarray, weights: np.ndarray):
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold

        lemmas = _with_pairs(lemmas.reset_index(drop=True))
        self.numeric_columns = [c for c in NUMERIC if c in numeric.columns]
        numeric = numeric[self.numeric_columns].reset_index(drop=True)
        y = np.asarray(y, dtype=int)
        n_splits = min(self.folds, int(np.bincount(y, minlength=2).min()))
        if n_splits < 2:
            raise ValueError("the dev part needs at least two coded items of each class")
        scores = np.zeros(len(y))
        splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=self.seed)
        for train, test in splitter.split(lemmas, y):
            vectorizer, model = _new_model(self.c, self.seed)
            model.fit(
                _features(vectorizer, lemmas.iloc[train], numeric.iloc[train], True), y[train]
            )
            scores[test] = model.decision_function(
                _features(vectorizer, lemmas.iloc[test], numeric.iloc[test], False)
            )
        self.platt = LogisticRegression(C=1e6, max_iter=1000)
        self.platt.fit(scores[:, None], y, sample_weight=weights)
        self.oof_probability = self.platt.predict_proba(scores[:, None])[:, 1]
        self.threshold = best_threshold(y, self.oof_probability, weights)
        self.vectorizer, self.model = _new_model(self.c, self.seed)
        self.model.fit(_features(self.vectorizer, lemmas, numeric, True), y)
        return self

    def predict_proba(self, lemmas: pd.Series, numeric: pd.DataFrame) -> np.ndarray:
        features = _features(
            self.vectorizer,
            _with_pairs(lemmas.reset_index(drop=True)),
            numeric[self.numeric_columns].reset_index(drop=True),
            False,
        )
        return self.platt.predict_proba(self.model.decision_function(features)[:, None])[:, 1]

    def top_features(self, n: int) -> pd.DataFrame:
        names = list(self.vectorizer.get_feature_names_out()) + self.numeric_columns
        coef = self.model.coef_[0]
        order = np.argsort(-coef)[:n]
        return pd.DataFrame({"feature": np.array(names)[order], "coefficient": coef[order]})


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
) -> dict:
    from schemes.gold import load_gold
    from schemes.preprocess import item_lemmas, read_sentences

    gold = load_gold(design_path, labels_path)
    dev = gold[gold["split"] == "dev"].reset_index(drop=True)  # the test part is never read
    measures = pd.read_parquet(measures_path).set_index("doc_id")
    lemmas = item_lemmas(read_sentences(sentences_paths, columns=["doc_id", "lemmas"]))
    lemmas = lemmas.reindex(measures.index).fillna("")
    classifier = ItemClassifier(c=c, folds=folds, seed=seed).fit(
        lemmas.loc[dev["item_id"]],
        measures.loc[dev["item_id"]],
        dev[target].to_numpy(int),
        1 / dev["inclusion_probability"].to_numpy(float),
    )
    probability = pd.Series(classifier.predict_proba(lemmas, measures), index=measures.index)
    # the dev items' own probabilities come from the folds that did not see them,
    # so that dev rows of the validation report are out-of-sample too
    probability[dev["item_id"]] = classifier.oof_probability
    probability = probability.to_numpy()
    pd.DataFrame(
        {
            "doc_id": measures.index,
            "classifier_probability": probability,
            "classifier_claim": (probability >= classifier.threshold).astype(int),
        }
    ).to_parquet(outputs["scores"], index=False)
    classifier.top_features(40).to_csv(outputs["features"], index=False, float_format="%.4f")
    return {
        "target": target,
        "dev_items": len(dev),
        "dev_positives": int(dev[target].sum()),
        "threshold": round(classifier.threshold, 4),
        "corpus_mean_probability": round(float(probability.mean()), 5),
        "corpus_flagged": int((probability >= classifier.threshold).sum()),
    }


def run_doc_measure(doc_claims_path: str, classifier_path: str, output: str) -> dict:
    """The event stage's per-document table with ``n_claims`` = calibrated probability.

    Summing calibrated probabilities over an event window estimates the
    number of claim-carrying items in it (the mean of calibrated
    probabilities: a prevalence estimator that corrects for the
    classifier's errors rather than counting its decisions; Forman 2008).
    """
    per_doc = pd.read_parquet(doc_claims_path)
    probability = pd.read_parquet(classifier_path).set_index("doc_id")["classifier_probability"]
    per_doc["n_claims"] = per_doc["doc_id"].map(probability).fillna(0.0).to_numpy(float)
    per_doc["any_claim"] = per_doc["n_claims"]
    per_doc.to_parquet(output, index=False)
    return {"expected_claims": round(float(per_doc["n_claims"].sum()), 2)}
