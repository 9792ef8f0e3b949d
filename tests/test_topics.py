import hashlib

import pandas as pd
from schemes.topics import doc_tokens, run_topics, topic_prevalence


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


def write_fixture(tmp_path, n=120):
    words = {
        0: "oil gas pipeline refinery tanker",
        1: "football match goal stadium coach",
        2: "school pupil teacher exam lesson",
    }
    ids = [f"d{i:03d}" for i in range(n)]
    text = [" ".join([words[i % 3]] * 3 + [words[(i + 1) % 3]]) for i in range(n)]
    pd.DataFrame({"doc_id": ids, "tokens": text}).to_parquet(tmp_path / "tokens.parquet")
    dates = pd.date_range("2001-01-01", periods=n, freq="7D")
    pd.DataFrame({"doc_id": ids, "date": dates}).to_parquet(tmp_path / "docs.parquet")


def run_once(tmp_path, tag):
    outputs = {
        "doc_topics": tmp_path / f"doc_topics_{tag}.parquet",
        "topics": tmp_path / f"topics_{tag}.csv",
        "prevalence": tmp_path / f"prevalence_{tag}.csv",
    }
    run_topics(
        str(tmp_path / "tokens.parquet"),
        str(tmp_path / "docs.parquet"),
        outputs,
        k=3,
        seed=11,
        passes=5,
        iterations=50,
        top_n=5,
        time_bin="year",
    )
    return {k: hashlib.sha256(v.read_bytes()).hexdigest() for k, v in outputs.items()}, outputs


def test_lda_outputs_are_byte_identical_for_the_same_seed_and_find_the_topics(tmp_path):
    write_fixture(tmp_path)
    first, outputs = run_once(tmp_path, "a")
    second, _ = run_once(tmp_path, "b")
    assert first == second
    topics = pd.read_csv(outputs["topics"])
    top3 = {frozenset(row.split()[:3]) for row in topics["top_words"]}
    themes = [
        {"oil", "gas", "pipeline", "refinery", "tanker"},
        {"football", "match", "goal", "stadium", "coach"},
        {"school", "pupil", "teacher", "exam", "lesson"},
    ]
    assert all(any(t <= theme for theme in themes) for t in top3)
    theta = pd.read_parquet(outputs["doc_topics"]).drop(columns="doc_id")
    assert theta.sum(axis=1).round(6).eq(1).all()


def test_topic_prevalence_is_mean_share_per_period():
    theta = pd.DataFrame({"topic_0": [1.0, 0.0, 0.5], "topic_1": [0.0, 1.0, 0.5]})
    dates = pd.Series(pd.to_datetime(["2001-02-01", "2001-03-01", "2002-01-01"]))
    prevalence = topic_prevalence(theta, dates, "year")
    got = prevalence.set_index(["period", "topic"])
    assert got.loc[("2001", 0), "share"] == 0.5 and got.loc[("2001", 0), "n_docs"] == 2
    assert got.loc[("2002", 1), "share"] == 0.5
