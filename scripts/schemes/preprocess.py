"""Preprocess: sentence segmentation and lemmatisation of every kept document.

The documents table (ordered by date and id) is split into ``preprocess.shards``
contiguous shards, each lemmatised by its own job, so a cluster runs them in
parallel. Each shard writes one row per sentence (``doc_id, sent_id, start,
end, lemmas``); the character span points into the document's ``text``.
Lemmas keep stopwords and negation particles, because claim detection needs
them; the topic stage removes stopwords and prunes by document frequency.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pandas as pd
import pyarrow.parquet as pq

from schemes.nlp import Lemmatizer, sentences
from schemes.settings import Settings


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


def item_lemmas(sentences: pd.DataFrame) -> pd.Series:
    """Every document's lemmas, its sentences joined in order (index: doc_id)."""
    return sentences.groupby("doc_id", sort=False)["lemmas"].agg(" ".join)


def shard_bounds(n_rows: int, shard: int, n_shards: int) -> tuple[int, int]:
    """Row range of one contiguous shard; shards differ in size by at most one row."""
    if not 0 <= shard < n_shards:
        raise ValueError(f"shard {shard} outside 0..{n_shards - 1}")
    return n_rows * shard // n_shards, n_rows * (shard + 1) // n_shards


def read_sentences(paths, columns=None) -> pd.DataFrame:
    """Concatenate sentence shards in shard order (the documents' order)."""
    if isinstance(paths, str):
        paths = [paths]
    return pd.concat([pd.read_parquet(p, columns=columns) for p in paths], ignore_index=True)


@dataclass(frozen=True)
class SentencesSettings(Settings):
    SECTION: ClassVar[str] = "preprocess"
    shards: int  # the number of contiguous shards (lemmatisation jobs)


def run_sentences(settings: SentencesSettings, inputs: dict, outputs: dict, *, shard: int) -> dict:
    """Split one shard of the documents into sentences and lemmatise them.

    Inputs: ``documents`` (ingest). Outputs: ``sentences`` (this shard's
    table). Settings: ``preprocess.shards``. ``shard`` is the rule's wildcard
    (0-based).
    """
    documents_path = inputs["documents"]
    n_rows = pq.ParquetFile(documents_path).metadata.num_rows
    first, last = shard_bounds(n_rows, shard, settings.shards)
    documents = pd.read_parquet(documents_path, columns=["doc_id", "text"]).iloc[first:last]
    lemmatizer = Lemmatizer()
    table = sentence_table(documents, lemmatizer)
    table.to_parquet(outputs["sentences"], index=False)
    n_tokens = int(table["lemmas"].str.count(" ").sum() + (table["lemmas"] != "").sum())
    return {
        "shard": f"{shard + 1}/{settings.shards}",
        "documents": len(documents),
        "sentences": len(table),
        "tokens": n_tokens,
        "distinct_forms": lemmatizer.cache_size,
    }
