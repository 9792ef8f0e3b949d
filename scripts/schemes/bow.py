"""The modelling corpus as a bag of words, streamed in chunks.

Topic models read their corpus through a :class:`BowCorpus`: a vocabulary
and an iterator of CSR count chunks (rows = modelling units, in a fixed
order). The pipeline's corpus lives on disk (:class:`ParquetBow`, written by
:func:`write_units`), so memory is bounded by the chunk size, the vocabulary
and the K x units document-topic matrix, not by the number of tokens; tests
and benchmarks may hold a small corpus in memory (:class:`MemoryBow`).

:func:`write_units` (the rule ``topic_units``, :func:`run_topic_units`)
builds the units file from the topic tokens in one streamed pass per step
(vocabulary, then units): documents are read in batches, pooled
(``topics.pool``; a pool never spans two periods, and the documents come
ordered by date) and written as token ids and counts. A second file maps
every document to its unit, with its date, in document order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from scipy import sparse

from schemes.settings import Settings

DEFAULT_CHUNK = 10_000
UNITS_SCHEMA = pa.schema(
    [
        ("unit", pa.int64()),
        ("n_docs", pa.int32()),
        ("ids", pa.list_(pa.int32())),
        ("counts", pa.list_(pa.int32())),
    ]
)
DOC_UNITS_SCHEMA = pa.schema(
    [("doc_id", pa.string()), ("date", pa.timestamp("ns")), ("unit", pa.int64())]
)
METADATA_KEY = b"schemes.bow"


class BowCorpus:
    """A vocabulary and a re-iterable stream of count chunks."""

    vocabulary: list[str]
    n_units: int
    n_tokens: int  # total count
    nnz: int  # distinct (unit, word) pairs
    chunk_size: int

    def chunks(self) -> Iterator[sparse.csr_matrix]:
        raise NotImplementedError

    def __len__(self) -> int:
        return self.n_units

    def bows(self) -> Iterator[list[tuple[int, int]]]:
        """Rows as gensim bag-of-words lists (id, count)."""
        for chunk in self.chunks():
            yield from chunk_bows(chunk)

    def token_lists(self) -> Iterator[list[str]]:
        """Rows as token lists (each word repeated by its count, in id order)."""
        words = self.vocabulary
        for bow in self.bows():
            yield [words[i] for i, n in bow for _ in range(int(n))]

    def matrix(self) -> sparse.csr_matrix:
        """The whole corpus as one matrix (only for corpora that fit in memory)."""
        chunks = list(self.chunks())
        if not chunks:
            return sparse.csr_matrix((0, len(self.vocabulary)))
        return sparse.vstack(chunks, format="csr")


def chunk_bows(chunk: sparse.csr_matrix) -> list[list[tuple[int, float]]]:
    """The rows of a count chunk as gensim bag-of-words lists (id, count)."""
    indices, data = chunk.indices.tolist(), chunk.data.tolist()
    return [
        list(zip(indices[a:b], data[a:b], strict=True))
        for a, b in zip(chunk.indptr[:-1].tolist(), chunk.indptr[1:].tolist(), strict=True)
    ]


class GensimStream:
    """A re-iterable, sized view for gensim (which iterates more than once)."""

    def __init__(self, corpus: BowCorpus):
        self.corpus = corpus

    def __iter__(self):
        return self.corpus.bows()

    def __len__(self) -> int:
        return len(self.corpus)


class MemoryBow(BowCorpus):
    def __init__(self, counts: sparse.csr_matrix, vocabulary: list[str], chunk_size: int):
        self.counts = counts
        self.vocabulary = vocabulary
        self.n_units = counts.shape[0]
        self.n_tokens = int(counts.sum())
        self.nnz = int(counts.nnz)
        self.chunk_size = chunk_size

    @classmethod
    def from_token_lists(cls, token_lists, chunk_size: int = DEFAULT_CHUNK) -> MemoryBow:
        token_lists = list(token_lists)
        vocabulary = sorted({t for tokens in token_lists for t in tokens})
        return cls(count_matrix(token_lists, vocabulary), vocabulary, chunk_size)

    def chunks(self):
        for start in range(0, self.n_units, self.chunk_size):
            yield self.counts[start : start + self.chunk_size]


class ParquetBow(BowCorpus):
    def __init__(self, path: str, chunk_size: int = DEFAULT_CHUNK):
        self.path = str(path)
        handle = pq.ParquetFile(self.path)
        self.vocabulary = json.loads(handle.schema_arrow.metadata[METADATA_KEY])["vocabulary"]
        self.n_units = handle.metadata.num_rows
        self.chunk_size = chunk_size
        self._totals = None

    def _count(self) -> tuple[int, int]:
        if self._totals is None:
            tokens = nnz = 0
            for batch in pq.ParquetFile(self.path).iter_batches(columns=["counts"]):
                values = batch.column(0).values.to_numpy()
                tokens += int(values.sum())
                nnz += len(values)
            self._totals = (tokens, nnz)
        return self._totals

    @property
    def n_tokens(self) -> int:
        return self._count()[0]

    @property
    def nnz(self) -> int:
        return self._count()[1]

    def chunks(self):
        handle = pq.ParquetFile(self.path)
        for batch in handle.iter_batches(batch_size=self.chunk_size, columns=["ids", "counts"]):
            ids, counts = batch.column(0), batch.column(1)
            offsets = ids.offsets.to_numpy()
            start = offsets[0]
            yield sparse.csr_matrix(
                (
                    counts.values.to_numpy().astype(float),
                    ids.values.to_numpy(),
                    offsets - start,
                ),
                shape=(len(batch), len(self.vocabulary)),
            )


def as_corpus(data, chunk_size: int = DEFAULT_CHUNK) -> BowCorpus:
    """A BowCorpus as is; token lists wrapped in memory."""
    return data if isinstance(data, BowCorpus) else MemoryBow.from_token_lists(data, chunk_size)


def count_matrix(token_lists, vocabulary: list[str]) -> sparse.csr_matrix:
    """Units x vocabulary counts (tokens outside the vocabulary are ignored)."""
    index = {w: i for i, w in enumerate(vocabulary)}
    indptr, indices = [0], []
    for tokens in token_lists:
        indices.extend(j for j in map(index.get, tokens) if j is not None)
        indptr.append(len(indices))
    matrix = sparse.csr_matrix(
        (np.ones(len(indices)), np.asarray(indices, dtype=np.int32), np.asarray(indptr)),
        shape=(len(indptr) - 1, len(vocabulary)),
    )
    matrix.sum_duplicates()
    return matrix


# --- building the units file -------------------------------------------------
POOLS = {"none": None, "day": "D", "week": "W", "source_day": "D", "source_week": "W"}


def check_pool(pool: str) -> str:
    if pool not in POOLS:
        raise ValueError(f"topics.pool must be one of {', '.join(POOLS)}, not {pool!r}")
    return pool


def pool_documents(documents: pd.DataFrame, pool: str) -> np.ndarray:
    """Pool index of every document (0..P-1, by period then source);
    ``none`` keeps documents apart."""
    if POOLS[check_pool(pool)] is None:
        return np.arange(len(documents))
    period = documents["date"].dt.to_period(POOLS[pool]).astype(str)
    key = period + "|" + documents["source"].astype(str) if pool.startswith("source") else period
    return pd.factorize(key, sort=True)[0]


def _batches(tokens_path: str, documents_path: str, rows: int):
    """Topic tokens and their documents' date and source, in lockstep batches."""
    tokens_file, documents_file = pq.ParquetFile(tokens_path), pq.ParquetFile(documents_path)
    n_tokens, n_documents = tokens_file.metadata.num_rows, documents_file.metadata.num_rows
    if n_tokens != n_documents:
        raise ValueError(
            f"{tokens_path} has {n_tokens} rows but {documents_path} has {n_documents}: "
            "rerun the topic_tokens rule"
        )
    tokens = tokens_file.iter_batches(batch_size=rows)
    documents = documents_file.iter_batches(batch_size=rows, columns=["doc_id", "date", "source"])
    seen = 0
    for token_batch, doc_batch in zip(tokens, documents, strict=True):
        left = token_batch.to_pandas().reset_index(drop=True)
        right = doc_batch.to_pandas().reset_index(drop=True)
        if not np.array_equal(left["doc_id"].to_numpy(), right["doc_id"].to_numpy()):
            raise ValueError(
                f"{tokens_path} and {documents_path} list different documents "
                f"near row {seen + 1}: rerun the topic_tokens rule"
            )
        right["tokens"] = left["tokens"].to_numpy()
        seen += len(right)
        yield right


@dataclass(frozen=True)
class TopicUnitsSettings(Settings):
    SECTION: ClassVar[str] = "topics"
    pool: str


def run_topic_units(settings: TopicUnitsSettings, inputs: dict, outputs: dict) -> dict:
    """Pool the topic tokens into modelling units, stored as token ids and counts.

    Inputs: ``tokens`` (doc_tokens.parquet), ``documents`` (documents.parquet).
    Outputs: ``units`` (units.parquet), ``doc_units`` (the document-unit map).
    Settings: ``topics.pool``.
    """
    return write_units(
        inputs["tokens"],
        inputs["documents"],
        settings.pool,
        units_path=outputs["units"],
        doc_units_path=outputs["doc_units"],
    )


def write_units(
    tokens_path: str,
    documents_path: str,
    pool: str,
    *,
    units_path: str,
    doc_units_path: str,
    batch_rows: int = 50_000,
) -> dict:
    """Stream the topic tokens into the units file and the document-unit map."""
    freq = POOLS[check_pool(pool)]
    vocabulary = units_vocabulary(_batches(tokens_path, documents_path, batch_rows))
    writer = UnitsWriter(units_path, doc_units_path, vocabulary, pool=pool)
    batches = _batches(tokens_path, documents_path, batch_rows)
    for frame in pool_frames(batches, freq, pool, documents_path=documents_path):
        writer.write(frame)
    writer.close()
    return {**writer.totals, "vocabulary": len(vocabulary), "pool": pool}


def units_vocabulary(batches) -> list[str]:
    """The sorted vocabulary of the topic tokens (first streamed pass)."""
    vocabulary_set: set[str] = set()
    for batch in batches:
        for text in batch["tokens"]:
            vocabulary_set.update(text.split())
    return sorted(vocabulary_set)


def pool_frames(batches, freq: str | None, pool: str, *, documents_path: str):
    """The batches regrouped into frames that hold whole pools.

    Without pooling every batch is a frame; otherwise a pool never spans two
    periods, so the last (maybe unfinished) period of a batch waits for the
    next one. The documents must come ordered by date.
    """
    pending = None
    for batch in batches:
        if freq is None:
            yield batch
            continue
        pending = batch if pending is None else pd.concat([pending, batch], ignore_index=True)
        starts = pending["date"].dt.to_period(freq).dt.start_time.to_numpy()
        if (np.diff(starts.astype("int64")) < 0).any():
            raise ValueError(
                f"{documents_path} is not ordered by date, so topics.pool={pool!r} "
                "cannot stream: rerun the ingest rule"
            )
        # A pool never spans two periods: keep the last (maybe unfinished) period.
        cut = int(np.searchsorted(starts, starts[-1], side="left"))
        if cut:
            yield pending.iloc[:cut].reset_index(drop=True)
            pending = pending.iloc[cut:].reset_index(drop=True)
    if pending is not None and len(pending):
        yield pending


def pool_counts(pools: np.ndarray, texts, index: dict[str, int]):
    """Token ids and their counts per pool (pools numbered 0..P-1)."""
    n_pools = int(pools.max()) + 1 if len(pools) else 0
    members: list[list[int]] = [[] for _ in range(n_pools)]
    for p, text in zip(pools, texts, strict=True):
        members[p].extend(index[t] for t in text.split())
    ids, counts = [], []
    for unit in members:
        unique, n = np.unique(np.asarray(unit, dtype=np.int32), return_counts=True)
        ids.append(unique)
        counts.append(n.astype(np.int32))
    return ids, counts


class UnitsWriter:
    """Writes the units file and the document-unit map frame by frame."""

    def __init__(self, units_path: str, doc_units_path: str, vocabulary: list[str], *, pool: str):
        self.pool = pool
        self.index = {w: i for i, w in enumerate(vocabulary)}
        meta = json.dumps({"vocabulary": vocabulary}, ensure_ascii=False)
        self.units = pq.ParquetWriter(units_path, UNITS_SCHEMA.with_metadata({METADATA_KEY: meta}))
        self.doc_units = pq.ParquetWriter(doc_units_path, DOC_UNITS_SCHEMA)
        self.totals = {"documents": 0, "units": 0, "tokens": 0}

    def write(self, frame: pd.DataFrame) -> None:
        """Pool one frame's documents (whole pools) and append its units and map rows."""
        pools = pool_documents(frame, self.pool)
        ids, counts = pool_counts(pools, frame["tokens"], self.index)
        n_pools, first = len(ids), self.totals["units"]
        self.units.write_table(
            pa.table(
                {
                    "unit": np.arange(first, first + n_pools, dtype=np.int64),
                    "n_docs": np.bincount(pools, minlength=n_pools).astype(np.int32),
                    "ids": ids,
                    "counts": counts,
                },
                schema=self.units.schema,
            )
        )
        self.doc_units.write_table(
            pa.table(
                {
                    "doc_id": frame["doc_id"].to_numpy(),
                    "date": frame["date"].astype("datetime64[ns]").to_numpy(),
                    "unit": (pools + first).astype(np.int64),
                },
                schema=DOC_UNITS_SCHEMA,
            )
        )
        self.totals["documents"] += len(frame)
        self.totals["units"] += n_pools
        self.totals["tokens"] += int(sum(int(c.sum()) for c in counts))

    def close(self) -> None:
        self.units.close()
        self.doc_units.close()
