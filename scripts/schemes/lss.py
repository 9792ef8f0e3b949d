"""Latent Semantic Scaling (Watanabe 2021, *Communication Methods and Measures*).

A Python port of the method of the R package LSX (``textmodel_lss`` on a
dfm, ``predict``), built on scikit-learn's ``TruncatedSVD``:

1. a sentence-by-term count matrix of the corpus (lemmas; stopwords and
   terms seen fewer than ``min_count`` times dropped);
2. truncated SVD with ``k`` components; a term's vector is its column of
   ``V^T`` (the right singular vectors, not scaled by the singular values,
   as in LSX);
3. seed words with polarities (+1 for the conspiratorial anti-Western pole,
   -1 for the opposite pole); each seed's weight is its polarity divided by
   the number of seeds of the same sign found in the vocabulary, so each
   pole weighs the same;
4. a term's polarity ``beta`` = sum over seeds of cosine(term, seed) x weight;
5. an item's score = the frequency-weighted mean ``beta`` of its model terms
   (items without any model term get NaN), then standardised to z-scores
   over the corpus (LSX's ``rescaling = TRUE``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import yaml
from scipy.sparse import csr_matrix

from schemes.nlp import Lemmatizer, load_stopwords
from schemes.preprocess import item_lemmas, read_sentences
from schemes.settings import Settings, key

log = logging.getLogger(__name__)


class CannotScale(ValueError):
    """LSS cannot scale a language: no seed word in its vocabulary, or too few terms."""


@dataclass
class LSSModel:
    vocabulary: dict[str, int]
    beta: np.ndarray  # polarity of every vocabulary term
    seeds: dict[str, float]  # seeds found in the vocabulary, with their weights

    def top_terms(self, n: int) -> pd.DataFrame:
        terms = np.array(sorted(self.vocabulary, key=self.vocabulary.get))
        order = np.argsort(-self.beta, kind="stable")
        chosen = np.concatenate([order[:n], order[::-1][:n]])
        return pd.DataFrame({"term": terms[chosen], "beta": self.beta[chosen]})


def load_seeds(path: str | Path) -> dict[str, float]:
    """Seed words and polarities from YAML: ``positive`` and ``negative`` lists of {term, note}."""
    spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    seeds = {}
    for pole, sign in (("positive", 1.0), ("negative", -1.0)):
        entries = spec.get(pole) or []
        if not entries:
            raise ValueError(f"{path}: {pole!r} must list at least one seed word")
        for entry in entries:
            seeds[str(entry["term"]).lower().replace("ё", "е")] = sign
    return seeds


def count_matrix(
    texts: list[str], vocabulary: dict[str, int] | None = None, *, min_count: int = 5, stopwords=()
) -> tuple[csr_matrix, dict[str, int]]:
    """Rows = texts (space-separated lemmas), columns = terms; vocabulary learnt when not given."""
    stop = set(stopwords)
    if vocabulary is None:
        counts: dict[str, int] = {}
        for text in texts:
            for token in text.split():
                counts[token] = counts.get(token, 0) + 1
        kept = sorted(t for t, c in counts.items() if c >= min_count and t not in stop)
        vocabulary = {t: i for i, t in enumerate(kept)}
    indptr, indices = [0], []
    for text in texts:
        indices.extend(vocabulary[t] for t in text.split() if t in vocabulary)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float64)
    matrix = csr_matrix((data, indices, indptr), shape=(len(texts), len(vocabulary)))
    matrix.sum_duplicates()
    return matrix, vocabulary


def seed_weights(seeds: dict[str, float], vocabulary: dict[str, int]) -> dict[str, float]:
    """Each pole weighs the same: polarity / number of seeds of that sign in the vocabulary."""
    found = {s: w for s, w in seeds.items() if s in vocabulary}
    if not found:
        raise CannotScale("none of the seed words occurs in the corpus vocabulary")
    per_sign = {sign: sum(1 for w in found.values() if np.sign(w) == sign) for sign in (-1, 1)}
    return {s: w / per_sign[int(np.sign(w))] for s, w in found.items()}


def term_vectors(matrix: csr_matrix, k: int, seed: int) -> np.ndarray:
    """(terms x k) right singular vectors of the sentence-by-term matrix."""
    from sklearn.decomposition import TruncatedSVD  # slow to import (1 s); only fitting needs it

    if min(matrix.shape) < 2:
        raise CannotScale(
            f"a {matrix.shape[0]} x {matrix.shape[1]} sentence-by-term matrix is too small to scale"
        )
    k = max(1, min(k, min(matrix.shape) - 1))
    svd = TruncatedSVD(n_components=k, algorithm="randomized", n_iter=7, random_state=seed)
    svd.fit(matrix)
    return svd.components_.T


def polarity(
    vectors: np.ndarray, vocabulary: dict[str, int], weights: dict[str, float]
) -> np.ndarray:
    """beta = cosine similarity of every term to every seed, weighted by the seeds' weights."""
    norms = np.linalg.norm(vectors, axis=1)
    unit = vectors / np.where(norms > 0, norms, 1.0)[:, None]
    index = [vocabulary[s] for s in weights]
    return unit @ unit[index].T @ np.array(list(weights.values()))


def fit_lss(
    texts: list[str], seeds: dict[str, float], *, k: int, min_count: int, stopwords, seed: int
) -> LSSModel:
    """An LSS model of ``texts`` (steps 1-4 of the module docstring)."""
    matrix, vocabulary = count_matrix(texts, None, min_count=min_count, stopwords=stopwords)
    weights = seed_weights(seeds, vocabulary)
    beta = polarity(term_vectors(matrix, k, seed), vocabulary, weights)
    return LSSModel(vocabulary, beta, weights)


def score_documents(model: LSSModel, texts: list[str], rescale: bool = True) -> np.ndarray:
    """Frequency-weighted mean polarity of each text's model terms (z-scored over the texts)."""
    matrix, _ = count_matrix(texts, model.vocabulary)
    n = np.asarray(matrix.sum(axis=1)).ravel()
    with np.errstate(invalid="ignore", divide="ignore"):
        fit = np.where(n > 0, (matrix @ model.beta) / n, np.nan)
    if rescale:
        finite = np.isfinite(fit)
        if finite.sum() > 1 and np.nanstd(fit) > 0:
            fit = (fit - np.nanmean(fit)) / np.nanstd(fit, ddof=1)
    return fit


@dataclass(frozen=True)
class LssSettings(Settings):
    SECTION: ClassVar[str] = "framing.lss"
    seeds: dict  # language -> seed-word YAML
    k: int
    min_count: int
    seed: int
    stopwords: dict = key("preprocess.stopwords")  # language -> stopword list


def lemmatised_seeds(path, lemmatizer: Lemmatizer) -> dict[str, float]:
    """A seed file's words, lemmatised like the text, with their polarities."""
    return {
        " ".join(lemmatizer.lemmatize_text(word)): weight
        for word, weight in load_seeds(path).items()
    }


def scores_table(
    documents: pd.DataFrame, scores: pd.Series, scored_languages: list[str]
) -> pd.DataFrame:
    """The lss_scores table: every document's score and whether its language has a model.

    ``lss_scored`` is true also for the items of a scored language that hold
    no model term: their score is NaN, which counts as "none".
    """
    return pd.DataFrame(
        {
            "doc_id": scores.index,
            "lss_score": scores.to_numpy(),
            "lss_scored": documents.set_index("doc_id")["lang"]
            .reindex(scores.index)
            .isin(scored_languages)
            .to_numpy(),
        }
    )


def run_lss(settings: LssSettings, inputs: dict, outputs: dict) -> dict:
    """Fit one LSS model per language on its sentences; score every document.

    Inputs: ``sentences`` (shards), ``documents``, ``seeds`` and ``stopwords``
    (the files of ``settings.seeds`` and ``settings.stopwords``, which map
    each language to its file).
    Outputs: ``scores`` (lss_scores.parquet), ``terms`` (lss_terms.csv: the
    30 terms at each pole per language).
    Settings: framing.lss.seeds, k, min_count, seed; preprocess.stopwords.
    """
    documents = pd.read_parquet(inputs["documents"], columns=["doc_id", "lang"])
    sentences = read_sentences(inputs["sentences"], columns=["doc_id", "lemmas"])
    language = sentences["doc_id"].map(documents.set_index("doc_id")["lang"])
    stopwords = load_stopwords(settings.stopwords)
    lemmatizer = Lemmatizer()
    scores = pd.Series(np.nan, index=documents["doc_id"].to_numpy())
    terms, summary = [], {}
    for lang in sorted(documents["lang"].unique()):
        if lang not in settings.seeds:
            summary[lang] = "no seed words configured: not scored"
            continue
        seeds = lemmatised_seeds(settings.seeds[lang], lemmatizer)
        rows = (language == lang).to_numpy()
        try:
            model = fit_lss(
                sentences.loc[rows, "lemmas"].tolist(),
                seeds,
                k=settings.k,
                min_count=settings.min_count,
                stopwords=stopwords.get(lang, ()),
                seed=settings.seed,
            )
        except CannotScale as err:
            # a small corpus (or another domain): LSS cannot scale this
            # language, the other measures still can; its items stay NaN
            log.warning(
                "%s: %s (min_count %d); its items get no LSS score", lang, err, settings.min_count
            )
            summary[lang] = f"not scored: {err}"
            continue
        per_doc = item_lemmas(sentences.loc[rows])
        scores[per_doc.index] = score_documents(model, per_doc.tolist())
        top = model.top_terms(30)
        top.insert(0, "lang", lang)
        terms.append(top)
        summary[lang] = {"vocabulary": len(model.vocabulary), "seeds_found": sorted(model.seeds)}
    scored_languages = [lang for lang, note in summary.items() if isinstance(note, dict)]
    scores_table(documents, scores, scored_languages).to_parquet(outputs["scores"], index=False)
    (pd.concat(terms) if terms else pd.DataFrame(columns=["lang", "term", "beta"])).to_csv(
        outputs["terms"], index=False, float_format="%.5f"
    )
    return summary
