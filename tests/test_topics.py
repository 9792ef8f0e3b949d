import hashlib

import numpy as np
import pandas as pd
import pytest
from schemes.topic_models import (
    choose_k,
    diversity,
    fit_topics,
    frex,
    npmi,
    stability,
)
from schemes.topics import (
    doc_tokens,
    expand_seeds,
    modelling_corpus,
    pool_documents,
    run_topics,
    topic_prevalence,
)


def test_stopwords_and_per_language_document_frequency_pruning():
    documents = pd.DataFrame({"doc_id": ["r1", "r2", "r3", "e1"], "lang": ["ru", "ru", "ru", "en"]})
    sentences = pd.DataFrame(
        {
            "doc_id": ["r1", "r2", "r3", "e1"],
            "lemmas": ["и нефть газ везде", "и нефть везде", "и футбол везде", "oil and the gas"],
        }
    )
    stop = {"ru": {"и"}, "en": {"and", "the"}}
    tokens, vocabulary = doc_tokens(sentences, documents, stop, min_df=2, max_df=0.9)
    # "везде" is in every Russian document (df 3/3 > 0.9) and goes; "нефть" (2/3) stays;
    # English words occur once (df 1 < min_df 2) and go.
    assert dict(zip(tokens["doc_id"], tokens["tokens"], strict=True)) == {
        "r1": "нефть",
        "r2": "нефть",
        "r3": "",
        "e1": "",
    }
    assert list(vocabulary["lemma"]) == ["нефть"]


def test_phrases_join_frequent_multiword_actors():
    n = 200
    documents = pd.DataFrame({"doc_id": [f"d{i}" for i in range(n)], "lang": "ru"})
    lemmas = [
        f"государственный департамент заявить слово{i} европейский союз ответить" for i in range(n)
    ]
    sentences = pd.DataFrame({"doc_id": documents["doc_id"], "lemmas": lemmas})
    tokens, vocabulary = doc_tokens(
        sentences, documents, {}, 1, 1.0, phrases={"min_count": 5, "threshold": 1.0}
    )
    assert "государственный_департамент" in set(vocabulary["lemma"])
    assert "европейский_союз" in tokens["tokens"].iloc[0]


def test_pooling_by_source_and_day():
    documents = pd.DataFrame(
        {
            "date": pd.to_datetime(["2008-01-01", "2008-01-01", "2008-01-01", "2008-01-02"]),
            "source": ["a", "a", "b", "a"],
        }
    )
    pools = pool_documents(documents, "source_day")
    assert list(pools) == [0, 0, 2, 1]
    assert list(pool_documents(documents, "day")) == [0, 0, 0, 1]
    tokens = pd.DataFrame({"tokens": ["x y", "z", "w", "v"]})
    assert modelling_corpus(tokens, pools) == [["x", "y", "z"], ["v"], ["w"]]
    with pytest.raises(ValueError, match="topics.pool"):
        pool_documents(documents, "hour")


def themed_corpus(n=150):
    themes = [
        "oil gas pipeline refinery tanker",
        "football match goal stadium coach",
        "school pupil teacher exam lesson",
    ]
    rng = np.random.default_rng(0)
    docs = []
    for i in range(n):
        main, other = themes[i % 3].split(), themes[(i + 1) % 3].split()
        docs.append(list(rng.choice(main, 12)) + list(rng.choice(other, 2)))
    return docs, themes


@pytest.mark.parametrize("backend", ["gensim_lda", "nmf", "tomotopy_lda"])
def test_every_backend_finds_the_themes_and_is_deterministic(backend):
    docs, themes = themed_corpus()
    options = {"gensim_lda": {"passes": 10}, "nmf": {}, "tomotopy_lda": {"iterations": 100}}[
        backend
    ]
    a = fit_topics(backend, docs, 3, 7, **options)
    b = fit_topics(backend, docs, 3, 7, **options)
    assert np.array_equal(a.theta, b.theta) and np.array_equal(a.phi, b.phi)
    assert np.allclose(a.theta.sum(axis=1), 1) and np.allclose(a.phi.sum(axis=1), 1)
    sets = [set(t.split()) for t in themes]
    for top in a.top_words(3):
        assert any(set(top) <= s for s in sets), (backend, top)
    assert npmi(a.top_words(5), docs).mean() > 0.3


@pytest.mark.parametrize("backend", ["gensim_lda", "nmf", "tomotopy_lda"])
def test_seeded_topic_takes_its_seed_words(backend):
    docs, _ = themed_corpus()
    fit = fit_topics(backend, docs, 3, 7, [["football", "goal", "stadium"]])
    assert set(fit.top_words(3)[0]) & {"football", "goal", "stadium"}


def test_npmi_diversity_stability_frex_and_rule():
    docs = [["a", "b"], ["a", "b"], ["c", "d"], ["c", "d"]]
    assert npmi([["a", "b"]], docs)[0] == pytest.approx(1.0)
    assert npmi([["a", "c"]], docs)[0] == pytest.approx(-1.0)
    assert diversity([["a", "b"], ["a", "c"]]) == 0.75
    assert stability([["a", "b"], ["c", "d"]], [["c", "d"], ["a", "b"]]) == 1.0
    phi = np.array([[0.5, 0.5, 0.0], [0.1, 0.1, 0.8]])
    scores = frex(phi)
    assert scores[1, 2] == scores[1].max()
    table = pd.DataFrame({"k": [5, 10, 15], "npmi": [0.1, 0.3, 0.3], "diversity": [0.9, 0.8, 0.5]})
    assert choose_k(table, 0.7) == 10
    assert choose_k(table, 0.95) == 10  # none eligible: best NPMI, smaller K


def test_expand_seeds_adds_phrases_with_seed_words():
    assert expand_seeds([["тайно"]], {"тайно_финансировать", "тайна", "тайно"}) == [
        ["тайно", "тайно_финансировать"]
    ]


def write_fixture(tmp_path, n=120):
    docs, _ = themed_corpus(n)
    ids = [f"d{i:03d}" for i in range(n)]
    pd.DataFrame({"doc_id": ids, "tokens": [" ".join(d) for d in docs]}).to_parquet(
        tmp_path / "tokens.parquet"
    )
    dates = pd.date_range("2001-01-01", periods=n, freq="7D")
    pd.DataFrame({"doc_id": ids, "date": dates, "source": "s"}).to_parquet(
        tmp_path / "docs.parquet"
    )
    (tmp_path / "lex.yaml").write_text(
        "language: en\nactors: {}\n"
        "covert: [{term: goal, note: test}]\naim: [{term: stadium, note: test}]\n"
    )


def run_once(tmp_path, tag, backend="nmf"):
    outputs = {
        "doc_topics": tmp_path / f"doc_topics_{tag}.parquet",
        "topics": tmp_path / f"topics_{tag}.csv",
        "prevalence": tmp_path / f"prevalence_{tag}.csv",
        "framing_share": tmp_path / f"share_{tag}.parquet",
    }
    settings = {
        "backend": backend,
        "k": 3,
        "seed": 11,
        "pool": "none",
        "top_n": 5,
        "time_bin": "year",
        "bootstrap": 50,
        "seeded": [{"name": "conspiracy", "parts": ["covert", "aim"]}],
    }
    summary = run_topics(
        str(tmp_path / "tokens.parquet"),
        str(tmp_path / "docs.parquet"),
        None,
        {"en": str(tmp_path / "lex.yaml")},
        settings,
        outputs,
    )
    return (
        {k: hashlib.sha256(v.read_bytes()).hexdigest() for k, v in outputs.items()},
        outputs,
        summary,
    )


@pytest.mark.parametrize("backend", ["nmf", "gensim_lda", "tomotopy_lda"])
def test_topic_outputs_are_byte_identical_for_the_same_seed(tmp_path, backend):
    write_fixture(tmp_path)
    first, outputs, summary = run_once(tmp_path, "a", backend)
    second, _, _ = run_once(tmp_path, "b", backend)
    assert first == second
    topics = pd.read_csv(outputs["topics"])
    assert topics.loc[0, "seeded"] == "conspiracy" and topics.loc[0, "label"].startswith("S00")
    assert {"top_words", "frex_words", "share"} <= set(topics.columns)
    share = pd.read_parquet(outputs["framing_share"])
    assert list(share.columns) == ["doc_id", "topic_share_conspiracy"]
    prevalence = pd.read_csv(outputs["prevalence"])
    assert (prevalence["ci_low"] <= prevalence["share"] + 1e-9).all()
    assert summary["seeded"] == {"conspiracy": 2}


def test_topic_prevalence_is_mean_share_per_period():
    theta = pd.DataFrame({"topic_0": [1.0, 0.0, 0.5], "topic_1": [0.0, 1.0, 0.5]})
    dates = pd.Series(pd.to_datetime(["2001-02-01", "2001-03-01", "2002-01-01"]))
    prevalence = topic_prevalence(theta, dates, "year", n_boot=100, seed=1)
    got = prevalence.set_index(["period", "topic"])
    assert got.loc[("2001", 0), "share"] == 0.5 and got.loc[("2001", 0), "n_docs"] == 2
    assert got.loc[("2002", 1), "share"] == 0.5
    assert got.loc[("2001", 0), "ci_low"] <= 0.5 <= got.loc[("2001", 0), "ci_high"]
