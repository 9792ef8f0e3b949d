"""Speed, memory, quality and determinism of the topic stage (issue: topics).

Measured side by side in one run on this machine:

* Russian lemmatisation: raw pymorphy3 (no cache) vs the pipeline's cached
  lemmatiser, tokenising alone, and the whole preprocessing step (sentences
  + tokens + lemmas), in tokens per second;
* topic backends at the same K on the same vocabulary: fit seconds, peak RSS
  of a process doing only that fit, NPMI (top 10, boolean documents) and
  topic diversity — on the UN General Debate corpus and Channel One
  headlines pooled by day (when ../shared/corpora is present) and on
  synthetic corpora of 10k, 100k and 1M documents (the memory growth table:
  peak RSS ratios between sizes, for the streamed and the in-memory fits);
* determinism: two fits with the same seed give identical topic-word
  matrices (or not).

Writes ``bench/results/topics.csv`` and ``bench/results/topics.md``.

    python bench/topics_bench.py            # everything available
    python bench/topics_bench.py --quick    # synthetic 10k only
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora"
OUT = ROOT / "bench" / "results"
K = 30


# --- one fit in a fresh process (for a clean peak RSS) ---------------------
def peak_rss_mb() -> float:
    """High-water RSS of this process image (VmHWM; unlike ru_maxrss, it is
    not inherited from the parent that forked it)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fit_worker(data_path: str, result_path: str, variant: str, k: int, seed: int) -> None:
    with open(data_path, "rb") as handle:
        units_path = pickle.load(handle)
    started = time.perf_counter()
    top, phi = run_backend(variant, units_path, k, seed)
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    with open(result_path, "wb") as handle:
        pickle.dump({"seconds": seconds, "peak_rss_mb": peak, "top": top, "phi": phi}, handle)


# The pipeline's backends read the units file as the pipeline does (streamed);
# the two baselines that are not offered get the corpus in memory, as a user
# of those libraries would pass it.
VARIANTS = {
    "gensim_lda": ("gensim_lda", {"passes": 10, "iterations": 50}),
    "tomotopy_lda": ("tomotopy_lda", {"iterations": 200}),
    "nmf": ("nmf", {}),
    "nmf_batch": ("nmf", {"solver": "batch"}),
    "nmf_minibatch": ("nmf", {"solver": "minibatch"}),
}


def run_backend(variant: str, units_path: str, k: int, seed: int):
    from schemes.bow import ParquetBow
    from schemes.topic_models import fit_topics

    corpus = ParquetBow(units_path)
    if variant == "baseline":  # libraries loaded, corpus opened, nothing fitted
        import gensim.models  # noqa: F401
        import sklearn.decomposition  # noqa: F401
        import tomotopy  # noqa: F401

        return [], np.zeros((0, 0))
    if variant in VARIANTS:
        backend, options = VARIANTS[variant]
        fit = fit_topics(backend, corpus, k, seed=seed, **options)
        return fit.top_words(10), fit.phi
    vocabulary = corpus.vocabulary
    if variant == "gensim_multicore":
        from gensim.models import LdaMulticore

        model = LdaMulticore(
            list(corpus.bows()),
            num_topics=k,
            id2word=dict(enumerate(vocabulary)),
            random_state=seed,
            passes=10,
            workers=1,
            chunksize=4000,
        )
        phi = model.get_topics()
    elif variant == "sklearn_lda":
        from sklearn.decomposition import LatentDirichletAllocation

        model = LatentDirichletAllocation(
            k, learning_method="batch", max_iter=20, random_state=seed
        )
        model.fit(corpus.matrix())
        phi = model.components_ / model.components_.sum(axis=1, keepdims=True)
    else:
        raise ValueError(variant)
    return [[vocabulary[i] for i in np.argsort(-r, kind="stable")[:10]] for r in phi], phi


def in_fresh_process(mode: str, payload, *args: str):
    """Run ``mode``'s worker on ``payload`` in a new Python process (clean
    memory high-water mark, no shared caches) and return what it wrote."""
    with tempfile.TemporaryDirectory() as tmp:
        data, result = Path(tmp) / "data.pkl", Path(tmp) / "result.pkl"
        with open(data, "wb") as handle:
            pickle.dump(payload, handle)
        subprocess.run([sys.executable, __file__, mode, str(data), str(result), *args], check=True)
        with open(result, "rb") as handle:
            return pickle.load(handle)


def measure(units_path: str, variant: str, k: int, seed: int = 1) -> dict:
    from schemes.bow import ParquetBow
    from schemes.topic_models import diversity, npmi

    out = in_fresh_process("--worker", units_path, variant, str(k), str(seed))
    return {
        "fit_s": out["seconds"],
        "peak_rss_mb": out["peak_rss_mb"],
        "npmi": float(npmi(out["top"], ParquetBow(units_path)).mean()),
        "diversity": diversity(out["top"]),
        "phi": out["phi"],
    }


# --- corpora (written as the pipeline's units file) ---------------------------
def prepare(
    documents: pd.DataFrame, language_stop: dict, folder: Path, min_df: int = 5, pool: str = "none"
) -> str:
    from schemes.bow import write_units
    from schemes.preprocess import sentence_table
    from schemes.topics import doc_tokens

    sentences = sentence_table(documents)
    tokens, _ = doc_tokens(
        sentences,
        documents,
        language_stop,
        min_df=min_df,
        max_df=0.5,
        min_token_length=2,
        phrases={"min_count": 0},
    )
    keep = tokens["tokens"] != ""
    columns = ["doc_id", "date", "source"]
    documents[columns][keep.to_numpy()].to_parquet(folder / "docs.parquet", index=False)
    tokens[keep].to_parquet(folder / "tokens.parquet", index=False)
    units = folder / "units.parquet"
    write_units(
        str(folder / "tokens.parquet"),
        str(folder / "docs.parquet"),
        pool,
        units_path=str(units),
        doc_units_path=str(folder / "doc_units.parquet"),
    )
    return str(units)


def load_real(name: str) -> pd.DataFrame | None:
    from schemes.ingest import ingest, read_records

    configs = {
        "ungdc": {
            "name": "ungdc",
            "path": str(SHARED / "ungdc" / "ungdc_1991-2015.tar.gz"),
            "format": "textdir",
            "filename_regex": r"(?P<country>[A-Z]{3})_(?P<session>\d+)_(?P<year>\d{4})\.txt$",
            "columns": {"id": "stem", "date": "year", "text": "text", "source": "country"},
        },
        "1tv-headlines": {
            "name": "1tv-headlines",
            "path": str(SHARED / "1tv-headlines" / "*.jsonl.gz"),
            "format": "jsonl",
            "columns": {"id": "id", "date": "date", "text": "title"},
        },
    }
    config = configs[name]
    if not list(Path(config["path"]).parent.glob(Path(config["path"]).name)):
        return None
    language = "en" if name == "ungdc" else "ru"
    return ingest(read_records(config), config, language, min_chars=5).documents


def synthetic(
    n_docs: int,
    folder: Path,
    seed: int = 3,
    n_topics: int = 30,
    vocab: int = 20000,
    length: int = 80,
    chunk: int = 20_000,
) -> str:
    """LDA-generated corpus (Dirichlet topic mixtures over Zipfian topic-word
    distributions), written chunk by chunk as a units file."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from schemes.bow import METADATA_KEY, UNITS_SCHEMA
    from scipy import sparse

    rng = np.random.default_rng(seed)
    cdf = np.cumsum(rng.dirichlet(np.full(vocab, 0.02), size=n_topics), axis=1)
    words = [f"w{i:05d}" for i in range(vocab)]  # sorted order = id order
    schema = UNITS_SCHEMA.with_metadata({METADATA_KEY: json.dumps({"vocabulary": words})})
    path = folder / f"synthetic_{n_docs}.parquet"
    with pq.ParquetWriter(path, schema) as writer:
        for first in range(0, n_docs, chunk):
            n = min(chunk, n_docs - first)
            counts = rng.multinomial(length, rng.dirichlet(np.full(n_topics, 0.1), size=n))
            rows, cols = [], []
            for t in range(n_topics):
                rows.append(np.repeat(np.arange(n), counts[:, t]))
                draws = np.searchsorted(cdf[t], rng.random(int(counts[:, t].sum())))
                cols.append(np.minimum(draws, vocab - 1))
            rows, cols = np.concatenate(rows), np.concatenate(cols)
            matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, vocab))
            matrix.sum_duplicates()
            bounds = zip(matrix.indptr[:-1], matrix.indptr[1:], strict=True)
            spans = list(bounds)
            table = {
                "unit": np.arange(first, first + n, dtype=np.int64),
                "n_docs": np.ones(n, dtype=np.int32),
                "ids": [matrix.indices[a:b].astype(np.int32) for a, b in spans],
                "counts": [matrix.data[a:b].astype(np.int32) for a, b in spans],
            }
            writer.write_table(pa.table(table, schema=schema))
    return str(path)


def raw_pymorphy(tokens: list[str], pure_python: bool) -> tuple[list[str], float]:
    """Lemmas and tokens/s of raw pymorphy3 (no cache), in a fresh process;
    ``pure_python`` hides the DAWG2 extension, as in a default install."""
    return in_fresh_process("--raw-pymorphy", tokens, str(int(pure_python)))


def raw_worker(data_path: str, result_path: str, pure_python: bool) -> None:
    if pure_python:
        sys.modules["dawg"] = None  # pymorphy3 then falls back to DAWG-Python
    import pymorphy3

    with open(data_path, "rb") as handle:
        tokens = pickle.load(handle)
    morph = pymorphy3.MorphAnalyzer()
    morph.parse("тест")
    started = time.perf_counter()
    lemmas = [morph.parse(t.lower())[0].normal_form for t in tokens]
    rate = len(tokens) / (time.perf_counter() - started)
    with open(result_path, "wb") as handle:
        pickle.dump((lemmas, rate), handle)


def lemmatisation_speed(documents: pd.DataFrame) -> dict:
    from schemes.nlp import Lemmatizer, tokenize
    from schemes.preprocess import sentence_table

    texts = documents["text"].tolist()
    started = time.perf_counter()
    tokens = [t for text in texts for t in tokenize(text)]
    tokenise_s = time.perf_counter() - started
    sample = tokens[: min(len(tokens), 300_000)]
    raw, raw_rate = raw_pymorphy(sample, pure_python=True)
    _, raw_fast_rate = raw_pymorphy(sample, pure_python=False)
    lemmatizer = Lemmatizer()
    lemmatizer.warm_up()
    started = time.perf_counter()
    cached = lemmatizer.lemmas(tokens)
    cached_s = time.perf_counter() - started
    cyrillic = [i for i, t in enumerate(sample) if re.search("[а-яё]", t, re.IGNORECASE)]
    same = all(raw[i].replace("ё", "е") == cached[i] for i in cyrillic)
    started = time.perf_counter()
    sentence_table(documents)
    full_s = time.perf_counter() - started
    return {
        "tokens": len(tokens),
        "tokenise_tok_s": len(tokens) / tokenise_s,
        "raw_pymorphy3_tok_s": raw_rate,
        "raw_pymorphy3_dawg2_tok_s": raw_fast_rate,
        "cached_tok_s": len(tokens) / cached_s,
        "preprocess_end_to_end_tok_s": len(tokens) / full_s,
        "identical_lemmas": same,
    }


ALL = ["gensim_lda", "gensim_multicore", "tomotopy_lda", "sklearn_lda", "nmf", "nmf_minibatch"]
SCALING = ["gensim_lda", "tomotopy_lda", "nmf_batch", "nmf_minibatch"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    from schemes.bow import ParquetBow
    from schemes.nlp import load_wordlist

    stop = {
        lang: load_wordlist(ROOT / "config" / "stopwords" / f"{lang}.txt") for lang in ("ru", "en")
    }
    rows, notes = [], {}
    started = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpora = []
        if not args.quick:
            headlines = load_real("1tv-headlines")
            if headlines is not None:
                notes["lemmatisation"] = lemmatisation_speed(headlines)
                print("lemmatisation", notes["lemmatisation"], flush=True)
                (folder / "headlines").mkdir()
                units = prepare(headlines, stop, folder / "headlines", pool="day")
                corpora.append(
                    ("1tv-headlines pooled by day", units, ["gensim_lda", "tomotopy_lda", "nmf"])
                )
            ungdc = load_real("ungdc")
            if ungdc is not None:
                (folder / "ungdc").mkdir()
                units = prepare(ungdc, stop, folder / "ungdc")
                corpora.append(("UN General Debate 1991-2015", units, ALL))
        corpora.append(("synthetic 10k docs", synthetic(10_000, folder), ALL + ["nmf_batch"]))
        if not args.quick:
            corpora.append(("synthetic 100k docs", synthetic(100_000, folder), SCALING))
            corpora.append(
                ("synthetic 1M docs", synthetic(1_000_000, folder), ["nmf_batch", "nmf_minibatch"])
            )
        for name, units, variants in corpora:
            corpus = ParquetBow(units)
            base = in_fresh_process("--worker", units, "baseline", str(K), "1")
            for variant in variants:
                result = measure(units, variant, K)
                row = {
                    "corpus": name,
                    "docs": len(corpus),
                    "tokens": corpus.n_tokens,
                    "backend": variant,
                    "baseline_rss_mb": base["peak_rss_mb"],
                }
                row.update({k: v for k, v in result.items() if k != "phi"})
                if name == "synthetic 10k docs":
                    again = measure(units, variant, K)
                    row["deterministic"] = bool(np.array_equal(result["phi"], again["phi"]))
                rows.append(row)
                print(json.dumps(row), flush=True)
    table = pd.DataFrame(rows)
    OUT.mkdir(parents=True, exist_ok=True)
    table.to_csv(OUT / "topics.csv", index=False, float_format="%.4f")
    write_markdown(table, notes, time.time() - started)


def scaling_lines(table: pd.DataFrame) -> list[str]:
    """Peak RSS growth with corpus size, per backend, on the synthetic corpora."""
    synthetic = table[table["corpus"].str.startswith("synthetic")]
    lines = [
        "",
        "## Memory growth with corpus size (synthetic corpora)",
        "",
        "Ratio of peak RSS between consecutive sizes (10x the documents each step); "
        "linear growth would be 10x, and the excess over the baseline process is shown too.",
        "",
        "| backend | from | to | peak RSS MB | ratio | excess over baseline MB | excess ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for backend, rows in synthetic.groupby("backend", sort=False):
        rows = rows.sort_values("docs")
        for a, b in zip(rows.iloc[:-1].itertuples(), rows.iloc[1:].itertuples(), strict=True):
            excess_a = a.peak_rss_mb - a.baseline_rss_mb
            excess_b = b.peak_rss_mb - b.baseline_rss_mb
            lines.append(
                f"| {backend} | {a.docs:,} | {b.docs:,} | {a.peak_rss_mb:.0f} → {b.peak_rss_mb:.0f} | "
                f"{b.peak_rss_mb / a.peak_rss_mb:.2f}x | {excess_a:.0f} → {excess_b:.0f} | "
                f"{excess_b / max(excess_a, 1):.2f}x |"
            )
    return lines


def write_markdown(table: pd.DataFrame, notes: dict, seconds: float) -> None:
    lines = [
        "# Topic stage benchmark",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; one run of `python bench/topics_bench.py` "
        f"({seconds / 60:.1f} min). K = {K}; same vocabulary for every backend of a corpus; "
        "NPMI over boolean documents, top 10 words; diversity = unique top-10 words / (10 K); "
        "peak RSS (VmHWM) of a fresh process that opens the corpus's units file (as the pipeline "
        "writes it) and fits once; the pipeline's backends stream it, the two baselines not offered "
        "(LdaMulticore, scikit-learn LDA) get it in memory. gensim LdaModel 10 passes, LdaMulticore 10 passes "
        "1 worker, tomotopy 200 iterations 1 worker, scikit-learn LDA batch 20 iterations, NMF on TF-IDF.",
        "",
    ]
    if "lemmatisation" in notes:
        lem = notes["lemmatisation"]
        lines += [
            "## Russian lemmatisation (Channel One headlines)",
            "",
            "| step | tokens/s | ratio to raw pymorphy3 |",
            "|---|---|---|",
            f"| raw pymorphy3, no cache (pure-Python DAWG, the default install) | {lem['raw_pymorphy3_tok_s']:,.0f} | 1.0 |",
            f"| raw pymorphy3, no cache, with the DAWG2 C extension | {lem['raw_pymorphy3_dawg2_tok_s']:,.0f} | {lem['raw_pymorphy3_dawg2_tok_s'] / lem['raw_pymorphy3_tok_s']:.1f}x |",
            f"| the pipeline's lemmatiser (DAWG2 + per-form cache, cold start) | {lem['cached_tok_s']:,.0f} | {lem['cached_tok_s'] / lem['raw_pymorphy3_tok_s']:.1f}x |",
            f"| tokenising alone | {lem['tokenise_tok_s']:,.0f} | {lem['tokenise_tok_s'] / lem['raw_pymorphy3_tok_s']:.1f}x |",
            f"| preprocessing end to end, one process (sentences + tokens + lemmas, cold cache) | {lem['preprocess_end_to_end_tok_s']:,.0f} | {lem['preprocess_end_to_end_tok_s'] / lem['raw_pymorphy3_tok_s']:.1f}x |",
            "",
            f"{lem['tokens']:,} tokens; cached lemmas of Cyrillic tokens identical to raw pymorphy3 (after ё→е): {lem['identical_lemmas']}.",
            "",
        ]
    lines += [
        "## Backends",
        "",
        "`nmf` is the pipeline's default (solver `auto`: batch up to 20M nonzeros, "
        "minibatch beyond); `nmf_batch` / `nmf_minibatch` force a solver. "
        "Baseline RSS = a process that loads the libraries and opens the corpus, fitting nothing.",
        "",
        "| corpus | docs | tokens | backend | fit s | peak RSS MB | baseline RSS MB | NPMI | diversity | deterministic |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in table.itertuples(index=False):
        det = getattr(r, "deterministic", None)
        det = (
            ""
            if det is None or (isinstance(det, float) and np.isnan(det))
            else ("yes" if det else "**no**")
        )
        lines.append(
            f"| {r.corpus} | {r.docs:,} | {r.tokens:,} | {r.backend} | {r.fit_s:.1f} | "
            f"{r.peak_rss_mb:.0f} | {r.baseline_rss_mb:.0f} | {r.npmi:.3f} | {r.diversity:.2f} | {det} |"
        )
    lines += scaling_lines(table)
    (OUT / "topics.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        fit_worker(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--raw-pymorphy":
        raw_worker(sys.argv[2], sys.argv[3], sys.argv[4] == "1")
    else:
        main()
