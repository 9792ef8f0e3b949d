"""Topic stage: topic-model tokens, a seeded gensim LDA and its outputs.

``doc_tokens`` drops stopwords and prunes the vocabulary by document
frequency; ``fit_lda`` uses gensim's single-process ``LdaModel`` because it is
reproducible with a fixed ``random_state`` (``LdaMulticore`` is not, even with
one worker). Every table is written with fixed float formatting so that the
same config and seed give byte-identical files.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from schemes.nlp import load_wordlist

TABLE_FLOAT = "%.6f"


def doc_tokens(
    sentences: pd.DataFrame,
    documents: pd.DataFrame,
    stopwords: dict[str, set[str]],
    min_df: int,
    max_df: float,
    min_token_length: int = 2,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-document content lemmas after stopword removal and document-frequency pruning.

    Returns ``(tokens, vocabulary)``: tokens has ``doc_id, tokens`` (space-joined,
    in text order) for every document, vocabulary has ``lemma, df`` for the
    lemmas kept (``min_df`` <= df <= ``max_df`` x documents, within a language).
    """
    lang = documents.set_index("doc_id")["lang"]
    joined = sentences.groupby("doc_id", sort=False)["lemmas"].agg(" ".join)
    joined = joined.reindex(documents["doc_id"]).fillna("")
    token_lists = []
    for doc_id, text in joined.items():
        stop = stopwords.get(lang[doc_id], set())
        token_lists.append(
            [t for t in text.split() if len(t) >= min_token_length and t not in stop]
        )
    # Document frequency is counted within each language: in a bilingual
    # corpus a word of the minority language never reaches a corpus-wide
    # max_df, however common it is among that language's documents.
    langs = lang.reindex(joined.index).to_numpy()
    keep: set[str] = set()
    df: dict[str, int] = {}
    for language in sorted(set(langs)):
        members = [tl for tl, code in zip(token_lists, langs, strict=True) if code == language]
        counts: dict[str, int] = {}
        for tokens in members:
            for token in set(tokens):
                counts[token] = counts.get(token, 0) + 1
        keep |= {t for t, n in counts.items() if n >= min_df and n / len(members) <= max_df}
        for token, n in counts.items():
            df[token] = df.get(token, 0) + n
    tokens = pd.DataFrame(
        {
            "doc_id": joined.index,
            "tokens": [" ".join(t for t in tl if t in keep) for tl in token_lists],
        }
    )
    vocabulary = (
        pd.DataFrame({"lemma": sorted(keep)})
        .assign(df=lambda v: v["lemma"].map(df))
        .sort_values(["df", "lemma"], ascending=[False, True])
    )
    return tokens, vocabulary


def load_stopwords(paths: dict[str, str]) -> dict[str, set[str]]:
    return {lang: load_wordlist(path) for lang, path in paths.items()}


def run_topic_tokens(
    sentences_path: str,
    documents_path: str,
    stopword_paths: dict[str, str],
    min_df: int,
    max_df: float,
    min_token_length: int,
    tokens_path: str,
    vocabulary_path: str,
) -> dict:
    sentences = pd.read_parquet(sentences_path, columns=["doc_id", "lemmas"])
    documents = pd.read_parquet(documents_path, columns=["doc_id", "lang"])
    tokens, vocabulary = doc_tokens(
        sentences, documents, load_stopwords(stopword_paths), min_df, max_df, min_token_length
    )
    tokens.to_parquet(tokens_path, index=False)
    vocabulary.to_csv(vocabulary_path, index=False)
    return {"documents": len(tokens), "vocabulary": len(vocabulary)}


def fit_lda(token_lists: list[list[str]], k: int, seed: int, passes: int, iterations: int):
    """Fit gensim LdaModel; returns (model, dictionary, corpus)."""
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel

    logging.getLogger("gensim").setLevel(logging.WARNING)
    dictionary = Dictionary(token_lists)
    corpus = [dictionary.doc2bow(tokens) for tokens in token_lists]
    model = LdaModel(
        corpus=corpus,
        id2word=dictionary,
        num_topics=k,
        random_state=seed,
        passes=passes,
        iterations=iterations,
        chunksize=4000,
        alpha="symmetric",
        eta=None,
        eval_every=None,
        dtype=np.float64,
    )
    return model, dictionary, corpus


def doc_topic_matrix(model, corpus) -> np.ndarray:
    theta = np.zeros((len(corpus), model.num_topics))
    for row, bow in enumerate(corpus):
        for topic, share in model.get_document_topics(bow, minimum_probability=0.0):
            theta[row, topic] = share
    return theta


def topic_table(model, top_n: int) -> pd.DataFrame:
    rows = []
    for topic in range(model.num_topics):
        terms = model.show_topic(topic, topn=top_n)
        words = [w for w, _ in terms]
        rows.append(
            {
                "topic": topic,
                "label": f"T{topic:02d} " + " / ".join(words[:3]),
                "top_words": " ".join(words),
                "top_weights": " ".join(f"{p:.4f}" for _, p in terms),
            }
        )
    return pd.DataFrame(rows)


def time_bins(dates: pd.Series, bin_: str) -> pd.Series:
    """Label each date with its period: ``year``, ``quarter`` or ``month``."""
    freq = {"year": "Y", "quarter": "Q", "month": "M"}[bin_]
    return dates.dt.to_period(freq).astype(str)


def topic_prevalence(theta: pd.DataFrame, dates: pd.Series, bin_: str) -> pd.DataFrame:
    """Mean topic share per time bin (long format: period, topic, share, n_docs)."""
    frame = theta.copy()
    frame["period"] = time_bins(dates, bin_).to_numpy()
    grouped = frame.groupby("period", sort=True)
    means = grouped.mean()
    counts = grouped.size()
    long = means.reset_index().melt(id_vars="period", var_name="topic", value_name="share")
    long["topic"] = long["topic"].str.removeprefix("topic_").astype(int)
    long["n_docs"] = long["period"].map(counts).astype(int)
    return long.sort_values(["period", "topic"]).reset_index(drop=True)


def run_topics(
    tokens_path: str,
    documents_path: str,
    outputs: dict,
    k: int,
    seed: int,
    passes: int,
    iterations: int,
    top_n: int,
    time_bin: str,
) -> dict:
    tokens = pd.read_parquet(tokens_path)
    documents = pd.read_parquet(documents_path, columns=["doc_id", "date"])
    token_lists = [t.split() for t in tokens["tokens"]]
    model, _, corpus = fit_lda(token_lists, k, seed, passes, iterations)
    theta = doc_topic_matrix(model, corpus)
    doc_topics = pd.DataFrame(theta, columns=[f"topic_{t}" for t in range(k)])
    doc_topics.insert(0, "doc_id", tokens["doc_id"].to_numpy())
    doc_topics.to_parquet(outputs["doc_topics"], index=False)
    topic_table(model, top_n).to_csv(outputs["topics"], index=False)
    dates = documents.set_index("doc_id")["date"].reindex(doc_topics["doc_id"])
    prevalence = topic_prevalence(
        doc_topics.drop(columns="doc_id"), dates.reset_index(drop=True), time_bin
    )
    prevalence.to_csv(outputs["prevalence"], index=False, float_format=TABLE_FLOAT)
    return {"documents": len(tokens), "k": k, "vocabulary": len(model.id2word)}
