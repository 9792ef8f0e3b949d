"""Preprocess: sentence segmentation and lemmatisation of every kept document.

Writes one row per sentence (``doc_id, sent_id, start, end, lemmas``); the
character span points into the document's ``text``. Lemmas keep stopwords
and negation particles, because claim detection needs them; the topic stage
removes stopwords and prunes by document frequency itself.
"""

from __future__ import annotations

import pandas as pd

from schemes.nlp import Lemmatizer, sentences


def sentence_table(documents: pd.DataFrame, lemmatizer: Lemmatizer | None = None) -> pd.DataFrame:
    lemmatizer = lemmatizer or Lemmatizer()
    rows = {"doc_id": [], "sent_id": [], "start": [], "end": [], "lemmas": []}
    for doc_id, text in zip(documents["doc_id"], documents["text"], strict=True):
        for sent_id, (start, end) in enumerate(sentences(text)):
            rows["doc_id"].append(doc_id)
            rows["sent_id"].append(sent_id)
            rows["start"].append(start)
            rows["end"].append(end)
            rows["lemmas"].append(" ".join(lemmatizer.lemmatize_text(text[start:end])))
    table = pd.DataFrame(rows)
    return table.astype({"sent_id": "int32", "start": "int32", "end": "int32"})


def run_preprocess(documents_path: str, sentences_path: str) -> dict:
    documents = pd.read_parquet(documents_path, columns=["doc_id", "text"])
    lemmatizer = Lemmatizer()
    table = sentence_table(documents, lemmatizer)
    table.to_parquet(sentences_path, index=False)
    n_tokens = int(table["lemmas"].str.count(" ").sum() + (table["lemmas"] != "").sum())
    return {
        "documents": len(documents),
        "sentences": len(table),
        "tokens": n_tokens,
        "distinct_forms": lemmatizer.cache_size,
    }
