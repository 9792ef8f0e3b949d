"""Topic stage: modelling tokens, K selection, the final model and its outputs.

* :func:`doc_tokens` (the rule ``topic_tokens``: :func:`run_topic_tokens`)
  drops stopwords, joins frequent collocations into phrases (gensim
  ``Phrases``, per language: "государственный_департамент",
  "european_union") and prunes the vocabulary by document frequency within
  each language.
* :func:`schemes.bow.run_topic_units` turns the tokens into the modelling units
  (documents, or short documents such as headlines pooled per day or source
  and day; every member document then carries its pool's topic shares),
  stored as token ids and counts and streamed to the models chunk by chunk.
* :func:`select_k` fits a grid of K and scores each fit by NPMI coherence,
  topic diversity and stability across seeds; :func:`choose_k` applies the
  documented rule (the rule ``topic_selection``: :func:`run_topic_selection`).
* :func:`run_topics` fits the chosen backend (``schemes.topic_models``),
  with lexicon-seeded topics first, and writes the document-topic matrix, the
  topic table (top words by probability and by FREX, automatic label), topic
  prevalence per period with bootstrap CIs, and the share of the seeded
  framing topics per document. Documents are streamed batch by batch: memory
  holds the units x K matrix, not the corpus.

Every table is written with fixed float formatting so that the same config
and seed give byte-identical files.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from schemes.bow import ParquetBow
from schemes.claims import load_lexicon
from schemes.nlp import Lemmatizer, load_stopwords
from schemes.preprocess import item_lemmas, shard_bounds
from schemes.settings import Settings, key
from schemes.timebins import time_bins
from schemes.topic_models import choose_k, diversity, fit_topics, frex, npmi, stability

TABLE_FLOAT = "%.6f"


class TopicTokens:
    """Stopwords, phrases and document-frequency pruning, learnt in streamed passes.

    :meth:`learn` reads the corpus part by part (e.g. one lemmatised shard at
    a time) twice: once to train the phrase model, once to count document
    frequencies; :meth:`transform` then maps each part to its tokens. Memory
    holds one part, the phrase counts and the vocabulary. Phrases and document
    frequency are learnt within each language: in a bilingual corpus a word
    of the minority language never reaches a corpus-wide ``max_df``, however
    common it is among that language's documents.
    """

    def __init__(
        self,
        stopwords: dict[str, set[str]],
        *,
        min_df: int,
        max_df: float,
        min_token_length: int = 2,
        phrases: dict | None = None,
    ):
        self.stopwords, self.min_df, self.max_df = stopwords, min_df, max_df
        self.min_token_length = min_token_length
        self.phrases = phrases if phrases and phrases.get("min_count", 0) > 0 else None
        self.phrasers: dict = {}
        self.keep: set[str] = set()
        self.df: dict[str, int] = {}

    def _content(self, sentences: pd.DataFrame, documents: pd.DataFrame):
        """Languages and content lemmas (text order) of one part's documents."""
        joined = item_lemmas(sentences)
        texts = joined.reindex(documents["doc_id"]).fillna("")
        langs = documents["lang"].to_numpy()
        token_lists = []
        for language, text in zip(langs, texts, strict=True):
            stop = self.stopwords.get(language, set())
            token_lists.append(
                [t for t in text.split() if len(t) >= self.min_token_length and t not in stop]
            )
        return langs, token_lists

    def _phrased(self, sentences, documents):
        langs, token_lists = self._content(sentences, documents)
        for i, language in enumerate(langs):
            if language in self.phrasers:
                token_lists[i] = self.phrasers[language][token_lists[i]]
        return langs, token_lists

    def learn(self, parts) -> None:
        """``parts()`` yields ``(sentences, documents)`` frames; it is called once per pass."""
        if self.phrases:
            # heavy; only phrase detection needs it
            from gensim.models.phrases import Phrases

            models: dict[str, Phrases] = {}
            for sentences, documents in parts():
                langs, token_lists = self._content(sentences, documents)
                for language in sorted(set(langs)):
                    if language not in models:
                        models[language] = Phrases(
                            min_count=self.phrases["min_count"],
                            threshold=self.phrases["threshold"],
                            delimiter="_",
                        )
                    members = [
                        t for t, code in zip(token_lists, langs, strict=True) if code == language
                    ]
                    models[language].add_vocab(members)
            self.phrasers = {language: model.freeze() for language, model in models.items()}
        counts: dict[str, dict[str, int]] = {}
        n_docs: dict[str, int] = {}
        for sentences, documents in parts():
            langs, token_lists = self._phrased(sentences, documents)
            for language, tokens in zip(langs, token_lists, strict=True):
                n_docs[language] = n_docs.get(language, 0) + 1
                table = counts.setdefault(language, {})
                for token in set(tokens):
                    table[token] = table.get(token, 0) + 1
        self.keep, self.df = set(), {}
        for language in sorted(counts):
            self.keep |= {
                t
                for t, n in counts[language].items()
                if n >= self.min_df and n / n_docs[language] <= self.max_df
            }
            for token, n in counts[language].items():
                self.df[token] = self.df.get(token, 0) + n

    def transform(self, sentences: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
        """``doc_id, tokens`` (kept lemmas, space-joined, text order) of one part."""
        _, token_lists = self._phrased(sentences, documents)
        keep = self.keep
        return pd.DataFrame(
            {
                "doc_id": documents["doc_id"].to_numpy(),
                "tokens": [" ".join(t for t in tokens if t in keep) for tokens in token_lists],
            }
        )

    @property
    def vocabulary(self) -> pd.DataFrame:
        """``lemma, df`` of the kept lemmas, most frequent first."""
        return (
            pd.DataFrame({"lemma": sorted(self.keep)}, dtype=object)
            .assign(df=lambda v: v["lemma"].map(self.df).astype(int))
            .sort_values(["df", "lemma"], ascending=[False, True])
        )


def doc_tokens(
    sentences: pd.DataFrame,
    documents: pd.DataFrame,
    stopwords: dict[str, set[str]],
    *,
    min_df: int,
    max_df: float,
    min_token_length: int = 2,
    phrases: dict | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-document content lemmas of an in-memory corpus: ``(tokens, vocabulary)``
    (see :class:`TopicTokens`; the pipeline streams shards instead)."""
    tokenizer = TopicTokens(
        stopwords, min_df=min_df, max_df=max_df, min_token_length=min_token_length, phrases=phrases
    )
    tokenizer.learn(lambda: [(sentences, documents)])
    return tokenizer.transform(sentences, documents), tokenizer.vocabulary


@dataclass(frozen=True)
class TopicTokensSettings(Settings):
    SECTION: ClassVar[str] = "preprocess"
    stopwords: dict  # language -> stopword file
    min_df: int
    max_df: float
    min_token_length: int
    phrases: dict  # {"min_count": ..., "threshold": ...}; min_count 0 = no phrases


def run_topic_tokens(settings: TopicTokensSettings, inputs: dict, outputs: dict) -> dict:
    """Stream the lemmatised shards (one in memory at a time) into topic tokens.

    Inputs: ``sentences`` (the shards, in order), ``documents``, ``stopwords``
    (the files, also named per language by the setting).
    Outputs: ``tokens`` (doc_id, tokens), ``vocabulary`` (lemma, df).
    Settings: ``preprocess.stopwords``, ``min_df``, ``max_df``,
    ``min_token_length``, ``phrases``.
    """
    documents = pq.read_table(inputs["documents"], columns=["doc_id", "lang"])
    sentences_paths = list(inputs["sentences"])

    def parts():
        for shard, path in enumerate(sentences_paths):
            first, last = shard_bounds(documents.num_rows, shard, len(sentences_paths))
            sentences = pd.read_parquet(path, columns=["doc_id", "lemmas"])
            yield sentences, documents.slice(first, last - first).to_pandas()

    tokenizer = TopicTokens(
        load_stopwords(settings.stopwords),
        min_df=settings.min_df,
        max_df=settings.max_df,
        min_token_length=settings.min_token_length,
        phrases=settings.phrases,
    )
    tokenizer.learn(parts)
    writer = TableWriter(outputs["tokens"])
    for sentences, shard_documents in parts():
        writer.write(tokenizer.transform(sentences, shard_documents))
    writer.close(["doc_id", "tokens"])
    vocabulary = tokenizer.vocabulary
    vocabulary.to_csv(outputs["vocabulary"], index=False)
    n_phrases = int(vocabulary["lemma"].str.contains("_").sum())
    return {
        "documents": documents.num_rows,
        "shards": len(sentences_paths),
        "vocabulary": len(vocabulary),
        "phrases": n_phrases,
    }


def seed_words(lexicon_paths: dict[str, str], seeded: list[dict]) -> list[list[str]]:
    """Single-lemma lexicon terms of the named parts, one list per seeded topic."""
    if not seeded:
        return []
    lemmatizer = Lemmatizer()
    lexicons = [load_lexicon(path, lemmatizer) for path in lexicon_paths.values()]
    out = []
    for spec in seeded:
        words = set()
        for lexicon in lexicons:
            for entries in lexicon.index.values():
                for term, part, category in entries:
                    if len(term) == 1 and (part in spec["parts"] or category in spec["parts"]):
                        words.add(term[0])
        out.append(sorted(words))
    return out


def expand_seeds(seeds: list[list[str]], vocabulary: set[str]) -> list[list[str]]:
    """Seed words present in the vocabulary, plus the phrases that contain one
    ("тайно_финансировать" carries the seed "тайно")."""
    out = []
    for words in seeds:
        wanted = set(words)
        out.append(sorted(v for v in vocabulary if v in wanted or wanted & set(v.split("_"))))
    return out


def topic_table(fit, top_n: int, seeded_names: list[str]) -> pd.DataFrame:
    frex_scores = frex(fit.phi)
    rows = []
    for topic, words in enumerate(fit.top_words(top_n)):
        by_frex = [
            fit.vocabulary[i] for i in np.argsort(-frex_scores[topic], kind="stable")[:top_n]
        ]
        weights = np.sort(fit.phi[topic])[::-1][:top_n]
        prefix = (
            f"S{topic:02d} {seeded_names[topic]}:" if topic < len(seeded_names) else f"T{topic:02d}"
        )
        rows.append(
            {
                "topic": topic,
                "label": f"{prefix} " + " / ".join(by_frex[:3]),
                "seeded": seeded_names[topic] if topic < len(seeded_names) else "",
                "top_words": " ".join(words),
                "top_weights": " ".join(f"{p:.4f}" for p in weights),
                "frex_words": " ".join(by_frex),
                "share": float(fit.theta[:, topic].mean()) if len(fit.theta) else 0.0,
            }
        )
    return pd.DataFrame(rows)


class PrevalenceAccumulator:
    """Mean topic share per period, with Poisson-bootstrap CIs over documents,
    accumulated batch by batch (the documents are streamed)."""

    def __init__(self, k: int, bin_: str, *, n_boot: int = 0, seed: int = 0):
        self.k, self.bin, self.n_boot = k, bin_, n_boot
        self.rng = np.random.default_rng(seed)
        self.sums: dict[str, np.ndarray] = {}
        self.counts: dict[str, int] = {}
        self.boot: dict[str, np.ndarray] = {}
        self.weights: dict[str, np.ndarray] = {}

    def add(self, theta: np.ndarray, dates: pd.Series) -> None:
        periods = time_bins(dates, self.bin).to_numpy()
        draws = self.rng.poisson(1.0, size=(self.n_boot, len(theta))).astype(float)
        for period in sorted(set(periods)):
            mask = periods == period
            members = theta[mask]
            if period not in self.sums:
                self.sums[period] = np.zeros(self.k)
                self.counts[period] = 0
                self.boot[period] = np.zeros((self.n_boot, self.k))
                self.weights[period] = np.zeros(self.n_boot)
            self.sums[period] += members.sum(axis=0)
            self.counts[period] += len(members)
            self.boot[period] += draws[:, mask] @ members
            self.weights[period] += draws[:, mask].sum(axis=1)

    def table(self) -> pd.DataFrame:
        rows = []
        for period in sorted(self.sums):
            mean = self.sums[period] / self.counts[period]
            if self.n_boot:
                boot = self.boot[period] / np.maximum(self.weights[period], 1)[:, None]
                low, high = np.quantile(boot, [0.025, 0.975], axis=0)
            else:
                low = high = np.full(self.k, np.nan)
            for topic in range(self.k):
                rows.append(
                    {
                        "period": period,
                        "topic": topic,
                        "share": mean[topic],
                        "ci_low": low[topic],
                        "ci_high": high[topic],
                        "n_docs": self.counts[period],
                    }
                )
        columns = ["period", "topic", "share", "ci_low", "ci_high", "n_docs"]
        return pd.DataFrame(rows, columns=columns)


def topic_prevalence(
    theta: pd.DataFrame, dates: pd.Series, bin_: str, *, n_boot: int = 0, seed: int = 0
) -> pd.DataFrame:
    """Mean topic share per period, with percentile bootstrap CIs over documents."""
    accumulator = PrevalenceAccumulator(theta.shape[1], bin_, n_boot=n_boot, seed=seed)
    accumulator.add(theta.to_numpy(dtype=float), dates.reset_index(drop=True))
    return accumulator.table()


def select_k(
    corpus,
    backend: str,
    grid: list[int],
    *,
    seed: int,
    extra_seeds: int,
    top_n: int,
    options: dict,
    seeds: list[list[str]] | None = None,
    shares: dict | None = None,
) -> pd.DataFrame:
    """NPMI, diversity and stability of a fit for every K of the grid.

    The fits carry the seeded topics like the final model; when ``shares`` is
    a dict it receives, for every K, the seeded topics' shares per modelling
    unit (the event stage re-ranks on them to see how much K matters).
    """
    rows = []
    for k in grid:
        fit = fit_topics(backend, corpus, k, seed=seed, seeds=seeds, **options)
        n_seeded = len(seeds or [])
        if shares is not None:
            shares[k] = fit.theta[:, :n_seeded].copy()  # not a view: the fit is freed
        # Scores cover the free topics only: the seeded ones are fixed by the
        # lexicon, and their (often low) coherence would weigh 1/K and so
        # push the rule toward large K.
        top = fit.top_words(top_n)[n_seeded:]
        scores = npmi(top, corpus)
        # NMF's nndsvda start ignores the seed: refit from random starts instead.
        refit = {**options, "init": "random"} if backend == "nmf" else options
        stabilities = [
            stability(
                top,
                fit_topics(backend, corpus, k, seed=seed + s, seeds=seeds, **refit).top_words(
                    top_n
                )[n_seeded:],
            )
            for s in range(1, extra_seeds + 1)
        ]
        rows.append(
            {
                "k": k,
                "npmi": float(scores.mean()),
                "npmi_min": float(scores.min()),
                "diversity": diversity(top),
                "stability": float(np.mean(stabilities)) if stabilities else np.nan,
            }
        )
    return pd.DataFrame(rows)


def k_limit(corpus) -> int:
    """The largest K a corpus supports: no more topics than units or terms."""
    return min(len(corpus), len(corpus.vocabulary))


def feasible_grid(grid: list[int], corpus) -> list[int]:
    """The grid's K values this corpus supports; a clear error when there is none."""
    limit = k_limit(corpus)
    kept = [k for k in grid if k <= limit]
    if not kept:
        raise ValueError(
            f"topics.selection.grid {list(grid)}: no K fits this corpus: "
            f"{len(corpus)} modelling units and {len(corpus.vocabulary)} terms after "
            f"pruning allow at most K = {limit}. Use a smaller grid (or topics.k), or keep "
            "more terms (lower preprocess.min_df)"
        )
    if len(kept) < len(grid):
        logging.getLogger(__name__).warning(
            "K %s left out of the selection: the corpus allows at most K = %d (%d units, %d terms)",
            [k for k in grid if k > limit],
            limit,
            len(corpus),
            len(corpus.vocabulary),
        )
    return kept


@dataclass(frozen=True)
class SelectionSettings(Settings):
    """topics.selection: the K grid and the selection rule."""

    grid: list
    stability_seeds: int
    min_diversity: float


@dataclass(frozen=True)
class GensimLdaSettings(Settings):
    """topics.gensim_lda"""

    passes: int
    iterations: int


@dataclass(frozen=True)
class NmfSettings(Settings):
    """topics.nmf"""

    max_iter: int
    solver: str
    batch_max_nonzeros: int
    epochs: int


@dataclass(frozen=True)
class TomotopyLdaSettings(Settings):
    """topics.tomotopy_lda"""

    iterations: int


@dataclass(frozen=True)
class TopicModelSettings(Settings):
    """What every fit of the topic model reads (rules topic_selection and topics)."""

    SECTION: ClassVar[str] = "topics"
    backend: str
    seed: int
    chunk_size: int
    seeded: list  # [{"name": ..., "parts": [...]}], the seeded topics, placed first
    gensim_lda: GensimLdaSettings
    nmf: NmfSettings
    tomotopy_lda: TomotopyLdaSettings
    lexicons: dict = key("framing.lexicons")  # language -> lexicon file

    def backend_options(self) -> dict:
        """The chosen backend's own settings (topics.gensim_lda, topics.nmf, topics.tomotopy_lda)."""
        return dataclasses.asdict(getattr(self, self.backend))


@dataclass(frozen=True)
class TopicSelectionSettings(TopicModelSettings):
    selection: SelectionSettings


@dataclass(frozen=True)
class TopicsSettings(TopicModelSettings):
    k: int | str  # a number, or "auto" (the selection's choice)
    top_n: int
    time_bin: str
    bootstrap: int


def modelling_inputs(units_path: str, settings: TopicModelSettings):
    """The streamed modelling corpus and the expanded seed words of the seeded topics."""
    corpus = ParquetBow(units_path, settings.chunk_size)
    seeds = expand_seeds(seed_words(settings.lexicons, settings.seeded), set(corpus.vocabulary))
    return corpus, seeds


def doc_batches(doc_units_path: str, rows: int):
    """Documents (doc_id, date, unit) in document order, batch by batch."""
    for batch in pq.ParquetFile(doc_units_path).iter_batches(batch_size=rows):
        yield batch.to_pandas()


class TableWriter:
    """Writes a Parquet table frame by frame (schema from the first frame)."""

    def __init__(self, path: str):
        self.path, self.writer = path, None

    def write(self, frame: pd.DataFrame) -> None:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, table.schema)
        self.writer.write_table(table)

    def close(self, columns: list[str]) -> None:
        if self.writer is None:  # no documents: an empty table with the columns
            pd.DataFrame(columns=columns).to_parquet(self.path, index=False)
        else:
            self.writer.close()


def run_topic_selection(settings: TopicSelectionSettings, inputs: dict, outputs: dict) -> dict:
    """Fit the K grid, score every fit and choose K by the documented rule.

    Inputs: ``units``, ``doc_units`` (topic_units), ``lexicons`` (the files of
    the seeded topics' words).
    Outputs: ``selection`` (model_selection.csv: the scores per K and the
    chosen K), ``shares`` (every document's seeded-topic shares for every K).
    Settings: ``topics.backend``, ``seed``, ``chunk_size``, ``seeded``,
    ``selection`` (grid, stability_seeds, min_diversity), the backend's block
    (``topics.nmf`` ...), ``framing.lexicons``.
    """
    corpus, seeds = modelling_inputs(inputs["units"], settings)
    selection = settings.selection
    shares: dict[int, np.ndarray] = {}
    grid = feasible_grid(selection.grid, corpus)
    table = select_k(
        corpus,
        settings.backend,
        grid,
        seed=settings.seed,
        extra_seeds=selection.stability_seeds,
        top_n=10,
        options=settings.backend_options(),
        seeds=seeds,
        shares=shares,
    )
    chosen = choose_k(table, selection.min_diversity)
    table["chosen"] = table["k"] == chosen
    table.to_csv(outputs["selection"], index=False, float_format="%.4f")
    write_selection_shares(
        outputs["shares"],
        inputs["doc_units"],
        shares,
        seeded=settings.seeded,
        rows=corpus.chunk_size,
    )
    return {"chosen_k": chosen, "grid": grid, "units": len(corpus)}


def write_selection_shares(
    path: str, doc_units_path: str, shares: dict[int, np.ndarray], *, seeded: list, rows: int
) -> None:
    """Every document's share of each seeded topic, for every K of the grid."""
    columns = ["doc_id"] + [f"topic_share_{spec['name']}_k{k}" for k in shares for spec in seeded]
    writer = TableWriter(path)
    for batch in doc_batches(doc_units_path, rows):
        by_k = pd.DataFrame({"doc_id": batch["doc_id"].to_numpy()})
        for k, theta in shares.items():
            for topic, spec in enumerate(seeded):
                by_k[f"topic_share_{spec['name']}_k{k}"] = theta[batch["unit"].to_numpy(), topic]
        writer.write(by_k)
    writer.close(columns)


def resolve_k(k: int | str, corpus, selection_path: str | None) -> int:
    """topics.k, or the selection's chosen K when it is ``auto``; a clear error
    when the corpus cannot support it."""
    if k == "auto":
        selection = pd.read_csv(selection_path)
        return int(selection.loc[selection["chosen"], "k"].iloc[0])
    if k > k_limit(corpus):
        raise ValueError(
            f"topics.k = {k} is more than this corpus supports: {len(corpus)} modelling units "
            f"and {len(corpus.vocabulary)} terms allow at most K = {k_limit(corpus)}"
        )
    return k


def run_topics(settings: TopicsSettings, inputs: dict, outputs: dict) -> dict:
    """Fit the final topic model (seeded topics first) and write its outputs.

    Inputs: ``units``, ``doc_units`` (topic_units), ``lexicons`` (the files of
    the seeded topics' words), ``selection`` (model_selection.csv; only when
    topics.k is auto).
    Outputs: ``doc_topics`` (document-topic shares), ``topics`` (topics.csv),
    ``prevalence`` (per period, with bootstrap CIs), ``framing_share`` (the
    seeded topics' share per document).
    Settings: ``topics.backend``, ``k``, ``seed``, ``chunk_size``, ``seeded``,
    ``top_n``, ``time_bin``, ``bootstrap``, the backend's block (``topics.nmf``
    ...), ``framing.lexicons``.
    """
    corpus, seeds = modelling_inputs(inputs["units"], settings)
    k = resolve_k(settings.k, corpus, inputs.get("selection"))
    names = [spec["name"] for spec in settings.seeded]
    fit = fit_topics(
        settings.backend, corpus, k, seed=settings.seed, seeds=seeds, **settings.backend_options()
    )
    prevalence = PrevalenceAccumulator(
        k, settings.time_bin, n_boot=settings.bootstrap, seed=settings.seed
    )
    n_docs = write_doc_topics(
        fit,
        inputs["doc_units"],
        outputs,
        names=names,
        prevalence=prevalence,
        rows=corpus.chunk_size,
    )
    prevalence.table().to_csv(outputs["prevalence"], index=False, float_format=TABLE_FLOAT)
    topic_table(fit, settings.top_n, names).to_csv(
        outputs["topics"], index=False, float_format=TABLE_FLOAT
    )
    top = fit.top_words(10)
    return {
        "backend": settings.backend,
        "documents": n_docs,
        "modelling_units": len(corpus),
        "k": k,
        "vocabulary": len(fit.vocabulary),
        "npmi": round(float(npmi(top, corpus).mean()), 4),
        "diversity": round(diversity(top), 4),
        "seeded": {name: len(words) for name, words in zip(names, seeds, strict=True)},
    }


def write_doc_topics(
    fit, doc_units_path: str, outputs: dict, *, names: list[str], prevalence, rows: int
) -> int:
    """Stream the documents: write their topic shares (``doc_topics``) and
    seeded-topic shares (``framing_share``) and add them to the prevalence.
    Returns the number of documents."""
    columns = [f"topic_{t}" for t in range(fit.theta.shape[1])]
    share_columns = [f"topic_share_{name}" for name in names]
    doc_topics, framing = TableWriter(outputs["doc_topics"]), TableWriter(outputs["framing_share"])
    n_docs = 0
    for batch in doc_batches(doc_units_path, rows):
        theta = fit.theta[batch["unit"].to_numpy()]
        frame = pd.DataFrame(theta, columns=columns)
        frame.insert(0, "doc_id", batch["doc_id"].to_numpy())
        doc_topics.write(frame)
        shares = pd.DataFrame(theta[:, : len(names)], columns=share_columns)
        shares.insert(0, "doc_id", batch["doc_id"].to_numpy())
        framing.write(shares)
        prevalence.add(theta, batch["date"])
        n_docs += len(batch)
    doc_topics.close(["doc_id", *columns])
    framing.close(["doc_id", *share_columns])
    return n_docs
