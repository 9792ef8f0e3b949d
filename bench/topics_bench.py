"""Speed, memory, quality and determinism of the topic stage (issue: topics).

Measured side by side in one run on this machine:

* Russian lemmatisation: raw pymorphy3 (no cache) vs the pipeline's cached
  lemmatiser, tokenising alone, and the whole preprocessing step (sentences
  + tokens + lemmas), in tokens per second;
* topic backends at the same K on the same vocabulary: fit seconds, peak RSS
  of a process doing only that fit, NPMI (top 10, boolean documents) and
  topic diversity — on the UN General Debate corpus and Channel One
  headlines pooled by day (when ../shared/corpora is present) and on
  synthetic corpora of 10k and 100k documents;
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


def fit_worker(data_path: str, result_path: str, backend: str, k: int, seed: int) -> None:
    with open(data_path, "rb") as handle:
        token_lists = pickle.load(handle)
    started = time.perf_counter()
    top, phi = run_backend(backend, token_lists, k, seed)
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    with open(result_path, "wb") as handle:
        pickle.dump({"seconds": seconds, "peak_rss_mb": peak, "top": top, "phi": phi}, handle)


def run_backend(backend: str, token_lists, k: int, seed: int):
    from schemes.topic_models import build_vocabulary, doc_term_matrix, fit_topics

    if backend == "gensim_lda":
        fit = fit_topics("gensim_lda", token_lists, k, seed, passes=10, iterations=50)
    elif backend == "nmf":
        fit = fit_topics("nmf", token_lists, k, seed)
    elif backend == "tomotopy_lda":
        fit = fit_topics("tomotopy_lda", token_lists, k, seed, iterations=200)
    elif backend == "gensim_multicore":
        from gensim.corpora import Dictionary
        from gensim.models import LdaMulticore

        vocabulary = build_vocabulary(token_lists)
        dictionary = Dictionary([vocabulary])
        corpus = [dictionary.doc2bow(t) for t in token_lists]
        model = LdaMulticore(
            corpus,
            num_topics=k,
            id2word=dictionary,
            random_state=seed,
            passes=10,
            workers=1,
            chunksize=4000,
        )
        phi = model.get_topics()[:, [dictionary.token2id[w] for w in vocabulary]]
        return [[vocabulary[i] for i in np.argsort(-r, kind="stable")[:10]] for r in phi], phi
    elif backend == "sklearn_lda":
        from sklearn.decomposition import LatentDirichletAllocation

        vocabulary = build_vocabulary(token_lists)
        counts = doc_term_matrix(token_lists, vocabulary)
        model = LatentDirichletAllocation(
            k, learning_method="batch", max_iter=20, random_state=seed
        )
        model.fit(counts)
        phi = model.components_ / model.components_.sum(axis=1, keepdims=True)
        return [[vocabulary[i] for i in np.argsort(-r, kind="stable")[:10]] for r in phi], phi
    else:
        raise ValueError(backend)
    return fit.top_words(10), fit.phi


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


def measure(token_lists, backend: str, k: int, seed: int = 1) -> dict:
    from schemes.topic_models import diversity, npmi

    out = in_fresh_process("--worker", token_lists, backend, str(k), str(seed))
    return {
        "fit_s": out["seconds"],
        "peak_rss_mb": out["peak_rss_mb"],
        "npmi": float(npmi(out["top"], token_lists).mean()),
        "diversity": diversity(out["top"]),
        "phi": out["phi"],
    }


# --- corpora -----------------------------------------------------------------
def prepare(documents: pd.DataFrame, language_stop: dict, min_df: int = 5, pool: str = "none"):
    from schemes.preprocess import sentence_table
    from schemes.topics import doc_tokens, modelling_corpus, pool_documents

    sentences = sentence_table(documents)
    tokens, _ = doc_tokens(sentences, documents, language_stop, min_df, 0.5, 2, {"min_count": 0})
    pools = pool_documents(documents, pool)
    token_lists = [t for t in modelling_corpus(tokens, pools) if t]
    return token_lists


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
    return ingest(read_records(config), config, language, 5).documents


def synthetic(n_docs: int, seed: int = 3, n_topics: int = 30, vocab: int = 20000, length: int = 80):
    """LDA-generated corpus: Dirichlet topic mixtures over Zipfian topic-word distributions."""
    rng = np.random.default_rng(seed)
    words = np.array([f"w{i}" for i in range(vocab)])
    cdf = np.cumsum(rng.dirichlet(np.full(vocab, 0.02), size=n_topics), axis=1)
    docs = []
    for _ in range(n_docs):
        theta = rng.dirichlet(np.full(n_topics, 0.1))
        counts = rng.multinomial(length, theta)
        doc = []
        for t in np.flatnonzero(counts):
            index = np.minimum(np.searchsorted(cdf[t], rng.random(counts[t])), vocab - 1)
            doc.extend(words[index].tolist())
        docs.append(doc)
    return docs


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    from schemes.nlp import load_wordlist

    stop = {
        lang: load_wordlist(ROOT / "config" / "stopwords" / f"{lang}.txt") for lang in ("ru", "en")
    }
    rows, notes = [], {}
    started = time.time()
    corpora = []
    if not args.quick:
        headlines = load_real("1tv-headlines")
        if headlines is not None:
            notes["lemmatisation"] = lemmatisation_speed(headlines)
            print("lemmatisation", notes["lemmatisation"], flush=True)
            corpora.append(
                (
                    "1tv-headlines pooled by day",
                    prepare(headlines, stop, pool="day"),
                    ["gensim_lda", "tomotopy_lda", "nmf"],
                )
            )
        ungdc = load_real("ungdc")
        if ungdc is not None:
            corpora.append(
                (
                    "UN General Debate 1991-2015",
                    prepare(ungdc, stop),
                    ["gensim_lda", "gensim_multicore", "tomotopy_lda", "sklearn_lda", "nmf"],
                )
            )
    corpora.append(
        (
            "synthetic 10k docs",
            synthetic(10_000),
            ["gensim_lda", "gensim_multicore", "tomotopy_lda", "sklearn_lda", "nmf"],
        )
    )
    if not args.quick:
        corpora.append(
            (
                "synthetic 100k docs",
                synthetic(100_000),
                ["gensim_lda", "tomotopy_lda", "sklearn_lda", "nmf"],
            )
        )
    for name, token_lists, backends in corpora:
        n_tokens = sum(len(t) for t in token_lists)
        for backend in backends:
            result = measure(token_lists, backend, K)
            row = {"corpus": name, "docs": len(token_lists), "tokens": n_tokens, "backend": backend}
            row.update({k: v for k, v in result.items() if k != "phi"})
            if name == "synthetic 10k docs":
                again = measure(token_lists, backend, K)
                row["deterministic"] = bool(np.array_equal(result["phi"], again["phi"]))
            rows.append(row)
            print(json.dumps(row), flush=True)
    table = pd.DataFrame(rows)
    OUT.mkdir(parents=True, exist_ok=True)
    table.to_csv(OUT / "topics.csv", index=False, float_format="%.4f")
    write_markdown(table, notes, time.time() - started)


def write_markdown(table: pd.DataFrame, notes: dict, seconds: float) -> None:
    lines = [
        "# Topic stage benchmark",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; one run of `python bench/topics_bench.py` "
        f"({seconds / 60:.1f} min). K = {K}; same vocabulary for every backend of a corpus; "
        "NPMI over boolean documents, top 10 words; diversity = unique top-10 words / (10 K); "
        "peak RSS of a process doing only that fit. gensim LdaModel 10 passes, LdaMulticore 10 passes "
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
        "| corpus | docs | tokens | backend | fit s | peak RSS MB | NPMI | diversity | deterministic |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in table.itertuples(index=False):
        det = getattr(r, "deterministic", None)
        det = (
            ""
            if det is None or (isinstance(det, float) and np.isnan(det))
            else ("yes" if det else "**no**")
        )
        lines.append(
            f"| {r.corpus} | {r.docs:,} | {r.tokens:,} | {r.backend} | {r.fit_s:.1f} | {r.peak_rss_mb:.0f} | {r.npmi:.3f} | {r.diversity:.2f} | {det} |"
        )
    (OUT / "topics.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        fit_worker(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--raw-pymorphy":
        raw_worker(sys.argv[2], sys.argv[3], sys.argv[4] == "1")
    else:
        main()
