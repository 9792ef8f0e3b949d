"""Throughput of the item-level framing measures (issue: real-measure).

Measured in one run on this machine, on one core (BLAS and OpenMP threads
pinned to 1 before numpy loads), end to end from the pipeline's lemmatised
sentences (tokens) to one value per item:

* the sentence-window lexicon detector (``schemes.claims.detect_claims``);
* the item-level rule detector v3 (``schemes.itemrules.detect_items``):
  rules alone, and with slovnet NER + dependency parsing on the candidate
  items, the cost of each NLP step reported separately (seconds and items a
  second over the items it ran on);
* the supervised classifier: scoring every item with a model fitted on the
  dev part of the gold standard (fit time reported apart);
* Latent Semantic Scaling (fit + scoring).

The target of the real-measure issue is 2,000 items a second per core for
the default measure; the table gives each measure's ratio to it.

Needs ``../shared/corpora/1tv-leads`` and the pipeline's preprocessed
sentences of it (built here with snakemake when absent). Writes
``bench/results/measures.csv`` and ``bench/results/measures.md``.

    python bench/measures_bench.py
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import glob  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora" / "1tv-leads"
OUT = ROOT / "bench" / "results"
TARGET = 2000.0
CORPUS = "1tv-leads"


def ensure_inputs() -> tuple[list[str], str]:
    sentences = sorted(glob.glob(str(ROOT / f"results/{CORPUS}/preprocess/sentences/*.parquet")))
    documents = ROOT / f"results/{CORPUS}/ingest/documents.parquet"
    if not sentences or not documents.exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "snakemake",
                f"results/{CORPUS}/framing/item_measures.parquet",
                "--configfile",
                f"config/corpora/{CORPUS}.yaml",
                "-c1",
                "-q",
            ],
            cwd=ROOT,
            check=True,
        )
        sentences = sorted(
            glob.glob(str(ROOT / f"results/{CORPUS}/preprocess/sentences/*.parquet"))
        )
    return sentences, str(documents)


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def main() -> None:
    if not SHARED.exists():
        print(f"{SHARED} is absent: nothing to measure")
        return
    sys.path.insert(0, str(ROOT / "scripts"))
    import yaml
    from schemes.claims import ClaimsSettings, detect_claims, load_lexicon
    from schemes.classifier import ItemClassifier
    from schemes.coding import load_gold
    from schemes.itemrules import ItemRulesSettings, RussianNLP, detect_items, load_item_lexicon
    from schemes.lss import LssSettings, run_lss
    from schemes.nlp import Lemmatizer
    from schemes.preprocess import item_lemmas, read_sentences

    config = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    corpus_config = yaml.safe_load((ROOT / f"config/corpora/{CORPUS}.yaml").read_text())
    sentence_paths, documents_path = ensure_inputs()
    sentences = read_sentences(sentence_paths)
    documents = pd.read_parquet(documents_path)
    n = len(documents)
    lemmatizer = Lemmatizer()
    lexicons = {
        lang: load_lexicon(ROOT / path, lemmatizer)
        for lang, path in config["framing"]["lexicons"].items()
    }
    markers = {
        lang: load_item_lexicon(ROOT / path, lemmatizer)
        for lang, path in config["framing"]["item_rules"]["markers"].items()
    }
    rows = []

    def add(measure: str, seconds: float, items: int, note: str = "") -> None:
        rate = items / seconds if seconds > 0 else float("nan")
        rows.append(
            {
                "measure": measure,
                "items": items,
                "seconds": round(seconds, 3),
                "items_per_second": round(rate, 1),
                "ratio_to_target": round(rate / TARGET, 2),
                "note": note,
            }
        )

    lemmas, join_seconds = timed(item_lemmas, sentences[["doc_id", "lemmas"]])
    add("join sentence lemmas per item (shared by every item measure)", join_seconds, n)

    settings = ClaimsSettings.from_config(config)
    (_, candidates, doc_claims), lexicon_seconds = timed(
        detect_claims, sentences, documents, lexicons, settings=settings
    )
    add("lexicon, sentence window (detect_claims)", lexicon_seconds, n)

    rule_settings = ItemRulesSettings.from_config(config, term_gap=2)
    (_, timings), seconds = timed(
        detect_items,
        lemmas,
        documents,
        actor_lexicons=lexicons,
        marker_lexicons=markers,
        settings=rule_settings.replace(syntax=False, ner=False),
        lemmatizer=lemmatizer,
    )
    add("item rules v3, rules only", seconds, n, f"{timings['candidates']} candidate items")
    nlp, load_seconds = timed(RussianNLP)
    (table, timings), seconds = timed(
        detect_items,
        lemmas,
        documents,
        actor_lexicons=lexicons,
        marker_lexicons=markers,
        settings=rule_settings.replace(syntax=True, ner=True),
        nlp=nlp,
        lemmatizer=lemmatizer,
    )
    add(
        "item rules v3, with NER + syntax on candidates (default)",
        seconds + load_seconds,
        n,
        f"model loading {load_seconds:.2f} s included",
    )
    add(
        "  of which: slovnet NER",
        timings["ner_s"],
        timings["ner_items"],
        "items/s over the candidate items it ran on",
    )
    add(
        "  of which: slovnet syntax",
        timings["syntax_s"],
        timings["syntax_items"],
        "items/s over the candidate items it ran on",
    )

    from schemes.classifier import with_embeddings
    from schemes.measures import lexicon_measures

    # the classifier's inputs as the pipeline builds them: its configured
    # measures (validation.items.classifier.measures) and the embeddings
    chosen = config["validation"]["items"]["classifier"]["measures"]
    measures, measure_seconds = timed(lexicon_measures, doc_claims, candidates)
    measures = measures.set_index("doc_id")[chosen]
    languages = documents.set_index("doc_id")["lang"]
    numeric, embedding_seconds = timed(with_embeddings, measures, lemmas, languages)
    add("navec mean embeddings per item (classifier features)", embedding_seconds, n)

    gold = corpus_config["validation"]["items"]["gold"]
    labels = load_gold(ROOT / gold["design"], ROOT / gold["labels"])
    dev = labels[labels["split"] == "dev"]
    dev = dev[dev["item_id"].isin(numeric.index)]
    features = numeric.assign(lemmas=lemmas.reindex(numeric.index).fillna(""))
    model, fit_seconds = timed(
        ItemClassifier(seed=0).fit,
        features.loc[dev["item_id"]],
        dev["anti_western"].to_numpy(int),
        1 / dev["inclusion_probability"].to_numpy(float),
    )
    _, scoring_seconds = timed(model.predict_proba, features)
    add(
        "classifier, scoring only (TF-IDF + embeddings + " + ", ".join(chosen) + ")",
        scoring_seconds,
        n,
        f"fit on {len(dev)} dev items: {fit_seconds:.2f} s",
    )
    add(
        "classifier end to end from tokens (default measure: lemma join + lexicon "
        "+ embeddings + fit + scoring)",
        join_seconds
        + lexicon_seconds
        + measure_seconds
        + embedding_seconds
        + fit_seconds
        + scoring_seconds,
        n,
        "needs neither LSS nor the topic model (validation.items.classifier.measures)",
    )

    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        lss_settings = LssSettings.from_config(
            config,
            seeds={k: str(ROOT / v) for k, v in config["framing"]["lss"]["seeds"].items()},
            stopwords={k: str(ROOT / v) for k, v in config["preprocess"]["stopwords"].items()},
        )
        _, seconds = timed(
            run_lss,
            lss_settings,
            {"sentences": sentence_paths, "documents": documents_path},
            {"scores": f"{tmp}/scores.parquet", "terms": f"{tmp}/terms.csv"},
        )
    add("Latent Semantic Scaling, fit + score (run_lss)", seconds, n)

    OUT.mkdir(parents=True, exist_ok=True)
    result = pd.DataFrame(rows)
    result.to_csv(OUT / "measures.csv", index=False)
    header = (
        "# Item-measure throughput (bench/measures_bench.py)\n\n"
        f"Corpus: Channel One leads, {n:,} items; one core (BLAS/OpenMP threads = 1); "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}. "
        f"Target: {TARGET:,.0f} items/s per core. One run; this machine is shared, so "
        "read ratios, not absolute times.\n\n"
    )
    lines = [
        "| " + " | ".join(result.columns) + " |",
        "|" + "---|" * len(result.columns),
        *("| " + " | ".join(str(v) for v in row) + " |" for row in result.itertuples(index=False)),
    ]
    (OUT / "measures.md").write_text(header + "\n".join(lines) + "\n")
    print(header + result.to_string(index=False))


if __name__ == "__main__":
    main()
