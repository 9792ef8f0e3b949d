"""Latent Semantic Scaling: the port checked against cases computed by hand."""

import numpy as np
import pytest
from schemes.lss import (
    CannotScale,
    LSSModel,
    LssSettings,
    count_matrix,
    fit_lss,
    polarity,
    score_documents,
    seed_weights,
)

TEXTS = [
    "plot puppet west",
    "plot covert west",
    "puppet covert plot",
    "trust partner talks",
    "talks trust friendship",
    "partner friendship talks",
    "west talks",
]


def test_seed_weights_give_each_pole_the_same_weight():
    vocabulary = {t: i for i, t in enumerate(["a", "b", "c", "d"])}
    weights = seed_weights({"a": 1, "b": 1, "c": -1, "zzz": -1}, vocabulary)
    assert weights == {"a": 0.5, "b": 0.5, "c": -1.0}  # 'zzz' is not in the corpus
    with pytest.raises(ValueError, match="none of the seed words"):
        seed_weights({"zzz": 1}, vocabulary)


def test_polarity_matches_an_exact_svd_computed_by_hand():
    matrix, vocabulary = count_matrix(TEXTS, min_count=1)
    seeds = {"plot": 1.0, "puppet": 1.0, "trust": -1.0, "friendship": -1.0}
    model = fit_lss(TEXTS, seeds, k=2, min_count=1, stopwords=(), seed=1)
    # by hand: the top-2 right singular vectors from numpy's exact SVD; cosine
    # similarity does not depend on the sign each component happens to take
    _, _, vt = np.linalg.svd(matrix.toarray(), full_matrices=False)
    vectors = vt[:2].T
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    expected = np.zeros(len(vocabulary))
    for word, weight in {"plot": 0.5, "puppet": 0.5, "trust": -0.5, "friendship": -0.5}.items():
        expected += weight * unit @ unit[vocabulary[word]]
    np.testing.assert_allclose(model.beta, expected, atol=1e-8)
    beta = dict(zip(sorted(vocabulary, key=vocabulary.get), model.beta, strict=True))
    assert beta["covert"] > 0 > beta["talks"]  # unseen words take the side of their context
    assert polarity(vectors, vocabulary, {"plot": 1.0}).shape == (len(vocabulary),)


def test_document_score_is_the_frequency_weighted_mean_polarity():
    model = LSSModel({"a": 0, "b": 1, "c": 2}, np.array([1.0, -1.0, 0.5]), {"a": 1.0})
    raw = score_documents(model, ["a a b", "c", "x y", "a c x"], rescale=False)
    np.testing.assert_allclose(raw[[0, 1, 3]], [(2 - 1) / 3, 0.5, 0.75])
    assert np.isnan(raw[2])  # no model term: no score
    z = score_documents(model, ["a a b", "c", "x y", "a c x"])
    assert np.nanmean(z) == pytest.approx(0) and np.nanstd(z, ddof=1) == pytest.approx(1)
    assert np.argsort(z[[0, 1, 3]]).tolist() == np.argsort(raw[[0, 1, 3]]).tolist()


def test_lss_is_deterministic_for_a_seed():
    a = fit_lss(TEXTS * 3, {"plot": 1, "trust": -1}, k=3, min_count=1, stopwords=(), seed=5)
    b = fit_lss(TEXTS * 3, {"plot": 1, "trust": -1}, k=3, min_count=1, stopwords=(), seed=5)
    assert np.array_equal(a.beta, b.beta)
    assert list(a.top_terms(2)["term"])[:1] == ["plot"]


def test_a_language_without_seed_words_in_its_vocabulary_gets_nan_not_a_crash(tmp_path):
    import pandas as pd
    from conftest import ROOT
    from schemes.lss import run_lss

    # English items share enough words with the seeds; the Russian ones do not
    english = ["plot puppet west covert", "trust partner talks friendship"] * 5
    documents = pd.DataFrame(
        {"doc_id": [f"e{i}" for i in range(10)] + ["r0", "r1"], "lang": ["en"] * 10 + ["ru"] * 2}
    )
    documents.to_parquet(tmp_path / "documents.parquet")
    pd.DataFrame(
        {
            "doc_id": documents["doc_id"],
            "sent_id": 0,
            "lemmas": english + ["погода хороший", "погода плохой"],
        }
    ).to_parquet(tmp_path / "sentences.parquet")
    seeds = {lang: str(ROOT / f"config/lss/seeds_{lang}.yaml") for lang in ("en", "ru")}
    outputs = {"scores": tmp_path / "scores.parquet", "terms": tmp_path / "terms.csv"}
    settings = LssSettings(seeds=seeds, k=2, min_count=1, seed=0, stopwords={})
    inputs = {
        "sentences": [tmp_path / "sentences.parquet"],
        "documents": tmp_path / "documents.parquet",
    }
    summary = run_lss(settings, inputs, outputs)
    assert summary["ru"].startswith("not scored: none of the seed words")
    table = pd.read_parquet(outputs["scores"]).set_index("doc_id")
    scores = table["lss_score"]
    assert scores[["r0", "r1"]].isna().all() and scores.filter(like="e").notna().all()
    assert table["lss_scored"].tolist() == [True] * 10 + [False] * 2
    # a one-term vocabulary cannot be scaled either: the same clear path, no crash
    with pytest.raises(CannotScale):
        fit_lss(
            ["plot plot plot"],
            {"plot": 1.0, "trust": -1.0},
            k=300,
            min_count=1,
            stopwords=(),
            seed=0,
        )
