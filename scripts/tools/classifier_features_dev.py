"""Compare the classifier's measure features on the dev part only (never the test part).

  python scripts/tools/classifier_features_dev.py --results results/1tv-leads \\
      --design data/validation/1tv-leads/sample.csv --labels data/validation/1tv-leads/gold.csv \\
      --active data/validation/1tv-leads/active_round1.csv --out dev_features.csv

For each set of measure columns (``validation.items.classifier.measures``)
the classifier is cross-validated on the dev items over several fold seeds;
the table gives the weighted out-of-fold AUC and the weighted F1 at the
threshold chosen on the same scores (optimistic, but equally so for every
set), mean and spread over the seeds. TF-IDF and (optionally) the navec
embeddings are always in. Choose the cheapest set whose dev results are as
good; the test part stays locked for the final check.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from schemes.classifier import NUMERIC, ItemClassifier, read_active_labels, with_embeddings  # noqa: E402
from schemes.gold import load_gold, weighted_auc, weighted_prf  # noqa: E402
from schemes.preprocess import item_lemmas, read_sentences  # noqa: E402

SETS = {
    "all measures": NUMERIC,
    "without LSS": [m for m in NUMERIC if m != "lss_score"],
    "without LSS and seeded topic": [
        m for m in NUMERIC if m not in ("lss_score", "seeded_topic_share")
    ],
    "lexicon only": [m for m in NUMERIC if m.startswith("lexicon_")],
    "no measures (text features only)": [],
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--results", required=True, help="results/<corpus> of a finished run")
    parser.add_argument("--design", required=True)
    parser.add_argument("--labels", required=True)
    parser.add_argument("--active", nargs="*", default=[])
    parser.add_argument("--target", default="anti_western")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--no-embeddings", action="store_true")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    results = Path(args.results)
    gold = load_gold(args.design, args.labels)
    dev = gold[gold["split"] == "dev"].reset_index(drop=True)
    measures = pd.read_parquet(results / "framing" / "item_measures.parquet").set_index("doc_id")
    dev = dev[dev["item_id"].isin(measures.index)].reset_index(drop=True)
    active = read_active_labels(args.active, args.target)
    active = active[active["item_id"].isin(measures.index)]
    shards = sorted((results / "preprocess" / "sentences").glob("shard_*.parquet"))
    lemmas = item_lemmas(read_sentences([str(p) for p in shards], columns=["doc_id", "lemmas"]))
    wanted = pd.Index(dev["item_id"]).append(pd.Index(active["item_id"]))
    lemmas = lemmas.reindex(wanted).fillna("")
    measures = measures.loc[wanted]
    if not args.no_embeddings:
        documents = pd.read_parquet(
            results / "ingest" / "documents.parquet", columns=["doc_id", "lang"]
        )
        measures = with_embeddings(measures, lemmas, documents.set_index("doc_id")["lang"])
    y = dev[args.target].to_numpy(int)
    weights = 1 / dev["inclusion_probability"].to_numpy(float)
    embedding_columns = [c for c in measures.columns if str(c).startswith("emb_")]
    rows = []
    for name, columns in SETS.items():
        numeric = measures[[*columns, *embedding_columns]]
        auc, f1 = [], []
        for seed in range(args.seeds):
            model = ItemClassifier(seed=seed).fit(
                lemmas.loc[dev["item_id"]],
                numeric.loc[dev["item_id"]],
                y,
                weights,
                extra=(
                    lemmas.loc[active["item_id"]],
                    numeric.loc[active["item_id"]],
                    active[args.target].to_numpy(int),
                ),
            )
            auc.append(weighted_auc(y, model.oof_score, weights))
            flagged = (model.oof_probability >= model.threshold).astype(float)
            f1.append(weighted_prf(y, flagged, weights)[2])
        rows.append(
            {
                "features": name,
                "measures": " ".join(columns) or "-",
                "dev_auc_mean": np.mean(auc),
                "dev_auc_sd": np.std(auc, ddof=1),
                "dev_f1_mean": np.mean(f1),
                "dev_f1_sd": np.std(f1, ddof=1),
            }
        )
        print(rows[-1], flush=True)
    pd.DataFrame(rows).to_csv(args.out, index=False, float_format="%.4f")
    return 0


if __name__ == "__main__":
    sys.exit(main())
