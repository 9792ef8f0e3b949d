import hashlib

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, within
from schemes.bow import (
    MemoryBow,
    ParquetBow,
    TopicUnitsSettings,
    pool_documents,
    run_topic_units,
    write_units,
)
from schemes.configtools import load_config
from schemes.preprocess import shard_bounds
from schemes.topic_models import (
    choose_k,
    diversity,
    fit_topics,
    frex,
    npmi,
    stability,
)
from schemes.topics import (
    PrevalenceAccumulator,
    TopicsSettings,
    TopicTokensSettings,
    doc_tokens,
    expand_seeds,
    feasible_grid,
    run_topic_tokens,
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
        sentences, documents, {}, min_df=1, max_df=1.0, phrases={"min_count": 5, "threshold": 1.0}
    )
    assert "государственный_департамент" in set(vocabulary["lemma"])
    assert "европейский_союз" in tokens["tokens"].iloc[0]


def test_sharded_topic_tokens_equal_the_in_memory_result(tmp_path):
    n = 90
    documents = pd.DataFrame(
        {"doc_id": [f"d{i:02d}" for i in range(n)], "lang": ["ru", "en"] * (n // 2)}
    )
    lemmas = [
        ("государственный департамент" if i % 4 == 0 else "министерство") + f" слово{i % 7} и нефть"
        if i % 2 == 0
        else ("the european union" if i % 3 == 0 else "a state") + f" word{i % 5} and oil"
        for i in range(n)
    ]
    sentences = pd.DataFrame({"doc_id": documents["doc_id"], "lemmas": lemmas})
    stop = {"ru": {"и"}, "en": {"and", "the"}}
    phrases = {"min_count": 5, "threshold": 1.0}
    expected, vocabulary = doc_tokens(
        sentences, documents, stop, min_df=3, max_df=0.9, min_token_length=2, phrases=phrases
    )
    assert "государственный_департамент" in set(vocabulary["lemma"])
    documents.to_parquet(tmp_path / "documents.parquet")
    paths = []
    for shard in range(3):
        first, last = shard_bounds(n, shard, 3)
        paths.append(str(tmp_path / f"shard_{shard}.parquet"))
        sentences.iloc[first:last].to_parquet(paths[-1])
    for language, words in stop.items():
        (tmp_path / f"{language}.txt").write_text("\n".join(words))
    stopword_paths = {lang: str(tmp_path / f"{lang}.txt") for lang in stop}
    summary = run_topic_tokens(
        TopicTokensSettings(
            stopwords=stopword_paths, min_df=3, max_df=0.9, min_token_length=2, phrases=phrases
        ),
        {
            "sentences": paths,
            "documents": str(tmp_path / "documents.parquet"),
            "stopwords": list(stopword_paths.values()),
        },
        {
            "tokens": str(tmp_path / "tokens.parquet"),
            "vocabulary": str(tmp_path / "vocabulary.csv"),
        },
    )
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "tokens.parquet"), expected)
    written = pd.read_csv(tmp_path / "vocabulary.csv", keep_default_na=False)
    assert list(written["lemma"]) == list(vocabulary["lemma"])
    assert summary["shards"] == 3 and summary["phrases"] == 2


def test_pooling_by_source_and_day():
    documents = pd.DataFrame(
        {
            "date": pd.to_datetime(["2008-01-01", "2008-01-01", "2008-01-01", "2008-01-02"]),
            "source": ["a", "b", "a", "a"],
        }
    )
    assert list(pool_documents(documents, "source_day")) == [0, 1, 0, 2]
    assert list(pool_documents(documents, "day")) == [0, 0, 0, 1]
    assert list(pool_documents(documents, "none")) == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="topics.pool"):
        pool_documents(documents, "hour")


def write_token_inputs(tmp_path, dates, sources, texts, ids=None):
    ids = ids or [f"d{i}" for i in range(len(texts))]
    pd.DataFrame({"doc_id": ids, "tokens": texts}).to_parquet(tmp_path / "tokens.parquet")
    pd.DataFrame(
        {"doc_id": [f"d{i}" for i in range(len(texts))], "date": pd.to_datetime(dates)}
    ).assign(source=sources).to_parquet(tmp_path / "docs.parquet")
    return str(tmp_path / "tokens.parquet"), str(tmp_path / "docs.parquet")


@pytest.mark.parametrize("batch_rows", [1, 2, 100])
def test_units_pool_within_a_period_whatever_the_batch_size(tmp_path, batch_rows):
    dates = ["2008-01-01", "2008-01-01", "2008-01-01", "2008-01-02", "2008-01-02", "2008-01-03"]
    texts = ["x y", "z", "w", "v v", "", "x"]
    inputs = write_token_inputs(tmp_path, dates, ["a", "b", "a", "a", "a", "b"], texts)
    units, doc_units = str(tmp_path / "units.parquet"), str(tmp_path / "doc_units.parquet")
    summary = write_units(
        *inputs, "source_day", units_path=units, doc_units_path=doc_units, batch_rows=batch_rows
    )
    assert summary["units"] == 4 and summary["tokens"] == 7 and summary["documents"] == 6
    corpus = ParquetBow(units, chunk_size=3)
    assert corpus.vocabulary == ["v", "w", "x", "y", "z"]
    assert [sorted(t) for t in corpus.token_lists()] == [
        ["w", "x", "y"],  # 1 January, source a
        ["z"],  # 1 January, source b
        ["v", "v"],  # 2 January, source a (the empty document joins it)
        ["x"],
    ]
    assert (corpus.n_tokens, corpus.nnz, len(corpus)) == (7, 6, 4)
    mapping = pd.read_parquet(doc_units)
    assert list(mapping["unit"]) == [0, 1, 0, 2, 2, 3]
    assert list(mapping["doc_id"]) == [f"d{i}" for i in range(6)]
    assert (corpus.matrix() != MemoryBow.from_token_lists(corpus.token_lists()).counts).nnz == 0


def test_units_refuse_unordered_dates_and_misaligned_documents(tmp_path):
    out = {"units_path": str(tmp_path / "u.parquet"), "doc_units_path": str(tmp_path / "m.parquet")}
    inputs = write_token_inputs(tmp_path, ["2008-01-02", "2008-01-01"], ["a", "a"], ["x", "y"])
    with pytest.raises(ValueError, match="not ordered by date"):
        write_units(*inputs, "day", **out)
    inputs = write_token_inputs(tmp_path, ["2008-01-01"] * 2, ["a"] * 2, ["x", "y"], ["d1", "d0"])
    with pytest.raises(ValueError, match="different documents near row 1"):
        write_units(*inputs, "none", **out)
    inputs = write_token_inputs(tmp_path, ["2008-01-01"] * 2, ["a"] * 2, ["x", "y"])
    pd.read_parquet(inputs[1]).iloc[:1].to_parquet(inputs[1])
    with pytest.raises(ValueError, match="has 2 rows but .* has 1"):
        write_units(*inputs, "none", **out)
    with pytest.raises(ValueError, match="topics.pool"):
        write_units(*inputs, "hour", **out)


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


BACKEND_OPTIONS = {
    "gensim_lda": {"passes": 10},
    "nmf": {},
    "nmf_minibatch": {"solver": "minibatch", "epochs": 5},
    "tomotopy_lda": {"iterations": 100},
}


@pytest.mark.parametrize("variant", list(BACKEND_OPTIONS))
def test_every_backend_finds_the_themes_and_is_deterministic(variant):
    docs, themes = themed_corpus()
    backend, options = variant.split("_minibatch")[0], BACKEND_OPTIONS[variant]
    corpus = MemoryBow.from_token_lists(docs, chunk_size=40)  # streamed in 4 chunks
    a = fit_topics(backend, corpus, 3, seed=7, **options)
    b = fit_topics(backend, corpus, 3, seed=7, **options)
    assert np.array_equal(a.theta, b.theta) and np.array_equal(a.phi, b.phi)
    assert np.allclose(a.theta.sum(axis=1), 1) and np.allclose(a.phi.sum(axis=1), 1)
    sets = [set(t.split()) for t in themes]
    for top in a.top_words(3):
        assert any(set(top) <= s for s in sets), (backend, top)
    assert npmi(a.top_words(5), docs).mean() > 0.3


@pytest.mark.parametrize("backend", ["gensim_lda", "nmf", "tomotopy_lda"])
def test_seeded_topic_takes_its_seed_words(backend):
    docs, _ = themed_corpus()
    fit = fit_topics(backend, docs, 3, seed=7, seeds=[["football", "goal", "stadium"]])
    assert set(fit.top_words(3)[0]) & {"football", "goal", "stadium"}


def test_npmi_diversity_stability_frex_and_rule():
    docs = [["a", "b"], ["a", "b"], ["c", "d"], ["c", "d"]]
    assert npmi([["a", "b"]], docs)[0] == pytest.approx(1.0)
    assert npmi([["a", "c"]], docs)[0] == pytest.approx(-1.0)
    streamed = MemoryBow.from_token_lists(docs + [["a", "c"]], chunk_size=2)
    assert npmi([["a", "b"], ["a", "c"]], streamed) == pytest.approx(
        npmi([["a", "b"], ["a", "c"]], docs + [["a", "c"]])
    )
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
    run_topic_units(
        TopicUnitsSettings(pool="none"),
        {"tokens": str(tmp_path / "tokens.parquet"), "documents": str(tmp_path / "docs.parquet")},
        {
            "units": str(tmp_path / "units.parquet"),
            "doc_units": str(tmp_path / "doc_units.parquet"),
        },
    )


def run_once(tmp_path, tag, backend="nmf"):
    outputs = {
        "doc_topics": tmp_path / f"doc_topics_{tag}.parquet",
        "topics": tmp_path / f"topics_{tag}.csv",
        "prevalence": tmp_path / f"prevalence_{tag}.csv",
        "framing_share": tmp_path / f"share_{tag}.parquet",
    }
    settings = TopicsSettings.from_config(
        load_config(ROOT / "config" / "config.yaml"),
        backend=backend,
        k=3,
        seed=11,
        chunk_size=50,  # three chunks: outputs are written batch by batch
        top_n=5,
        time_bin="year",
        bootstrap=50,
        seeded=[{"name": "conspiracy", "parts": ["covert", "aim"]}],
        lexicons={"en": str(tmp_path / "lex.yaml")},
    )
    summary = run_topics(
        settings,
        {
            "units": str(tmp_path / "units.parquet"),
            "doc_units": str(tmp_path / "doc_units.parquet"),
            "lexicons": [str(tmp_path / "lex.yaml")],
        },
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
    doc_topics = pd.read_parquet(outputs["doc_topics"])
    assert list(doc_topics["doc_id"]) == [f"d{i:03d}" for i in range(120)]
    assert np.allclose(doc_topics.drop(columns="doc_id").sum(axis=1), 1)
    assert np.allclose(share["topic_share_conspiracy"], doc_topics["topic_0"])
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
    assert within(got.loc[("2001", 0), "ci_low"], 0.5, got.loc[("2001", 0), "ci_high"])


def test_prevalence_accumulates_batches_like_one_pass():
    rng = np.random.default_rng(4)
    theta = rng.dirichlet([1, 1, 1], size=60)
    dates = pd.Series(pd.date_range("2001-01-01", periods=60, freq="20D"))
    whole = topic_prevalence(pd.DataFrame(theta), dates, "year", n_boot=0)
    batched = PrevalenceAccumulator(3, "year", n_boot=0)
    for start in range(0, 60, 7):
        batched.add(theta[start : start + 7], dates.iloc[start : start + 7].reset_index(drop=True))
    pd.testing.assert_frame_equal(batched.table(), whole)
    assert whole["n_docs"].sum() == 3 * 60


def test_grid_keeps_only_the_k_a_small_corpus_supports(caplog):
    corpus = MemoryBow.from_token_lists([["a", "b", "c", "d", "e", "f"]] * 10)  # 10 units, 6 terms
    with caplog.at_level("WARNING"):
        assert feasible_grid([2, 6, 8, 12], corpus) == [2, 6]
    assert "[8, 12] left out" in caplog.text
    with pytest.raises(ValueError, match=r"no K fits this corpus: 10 modelling units and 6 terms"):
        feasible_grid([8, 12], corpus)
