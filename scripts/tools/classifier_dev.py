"""Studies of the item classifier on the dev part only (the test part is never read).

  python scripts/tools/classifier_dev.py features --results results/1tv-leads \\
      --design data/validation/1tv-leads/sample.csv --labels data/validation/1tv-leads/gold.csv \\
      --active data/validation/1tv-leads/active_round1.csv --out dev_features.csv
  python scripts/tools/classifier_dev.py learning-curve ... --out dev_learning_curve.csv

``features``: for each set of measure columns
(``validation.items.classifier.measures``) the classifier is cross-validated
on the dev items over several fold seeds; the table gives the weighted
out-of-fold AUC and the weighted F1 at the threshold chosen on the same
scores (optimistic, but equally so for every set), mean and spread over the
seeds. TF-IDF and (optionally) the navec embeddings are always in. Choose the
cheapest set whose dev results are as good.

``learning-curve``: how the classifier improves with more coded data. The
dev items are split into folds; each fold is scored by models trained on a
share (25%, 50%, 75%, 100%) of the other folds and of the active-learning
items. The table gives, per share, the weighted out-of-fold AUC and the best
weighted F1 any threshold reaches on those scores (an upper bound of what a
threshold chosen in advance can reach), mean and spread over the seeds.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from schemes.classifier import (  # noqa: E402
    ItemClassifier,
    _features,
    _with_pairs,
    with_embeddings,
)
from schemes.coding import load_gold, read_active_labels  # noqa: E402
from schemes.measures import feature_measures  # noqa: E402
from schemes.preprocess import item_lemmas, read_sentences  # noqa: E402
from schemes.stats import best_threshold, weighted_auc, weighted_prf  # noqa: E402

NUMERIC = feature_measures()
SETS = {
    "all measures": NUMERIC,
    "without LSS": [m for m in NUMERIC if m != "lss_score"],
    "lexicon only": [m for m in NUMERIC if m.startswith("lexicon_")],
    "no measures (text features only)": [],
}
SHARES = (0.25, 0.5, 0.75, 1.0)


def load_inputs(args):
    """Dev items, active items, their lemmas and numeric features (never the test part)."""
    results = Path(args.results)
    gold = load_gold(args.design, args.labels)
    dev = gold[gold["split"] == "dev"].reset_index(drop=True)
    measures = pd.read_parquet(results / "framing" / "item_measures.parquet").set_index("doc_id")
    dev = dev[dev["item_id"].isin(measures.index)].reset_index(drop=True)
    active = read_active_labels(args.active, args.target)
    active = active[active["item_id"].isin(measures.index)].reset_index(drop=True)
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
    return dev, active, lemmas, measures


def summarise(name, extra, auc, f1):
    row = {
        **name,
        **extra,
        "dev_auc_mean": np.mean(auc),
        "dev_auc_sd": np.std(auc, ddof=1),
        "dev_f1_mean": np.mean(f1),
        "dev_f1_sd": np.std(f1, ddof=1),
    }
    print(row, flush=True)
    return row


def feature_sets(args, dev, active, lemmas, measures):
    y = dev[args.target].to_numpy(int)
    weights = 1 / dev["inclusion_probability"].to_numpy(float)
    embedding_columns = [c for c in measures.columns if str(c).startswith("emb_")]
    rows = []
    for name, columns in SETS.items():
        numeric = measures[[*columns, *embedding_columns]]
        auc, f1 = [], []
        for seed in range(args.seeds):
            features = numeric.assign(lemmas=lemmas)
            model = ItemClassifier(c=args.c, seed=seed).fit(
                features.loc[dev["item_id"]],
                y,
                weights,
                extra=(features.loc[active["item_id"]], active[args.target].to_numpy(int)),
            )
            auc.append(weighted_auc(y, model.oof_score_, weights))
            flagged = (model.oof_probability_ >= model.threshold_).astype(float)
            f1.append(weighted_prf(y, flagged, weights)[2])
        rows.append(summarise({"features": name}, {"measures": " ".join(columns) or "-"}, auc, f1))
    return rows


def learning_curve(args, dev, active, lemmas, measures):
    from sklearn.model_selection import StratifiedKFold

    columns = [c for c in measures.columns if c in args.measures or str(c).startswith("emb_")]
    numeric = measures[columns]
    y = dev[args.target].to_numpy(int)
    weights = 1 / dev["inclusion_probability"].to_numpy(float)
    text = _with_pairs(lemmas.loc[dev["item_id"]].reset_index(drop=True))
    num = numeric.loc[dev["item_id"]].reset_index(drop=True)
    a_text = _with_pairs(lemmas.loc[active["item_id"]].reset_index(drop=True))
    a_num = numeric.loc[active["item_id"]].reset_index(drop=True)
    a_y = active[args.target].to_numpy(int)
    rows = []
    for share in SHARES:
        auc, f1 = [], []
        for seed in range(args.seeds):
            rng = np.random.default_rng(seed)
            scores = np.zeros(len(y))
            folds = StratifiedKFold(5, shuffle=True, random_state=seed).split(text, y)
            for train, test in folds:
                keep = train[rng.random(len(train)) < share] if share < 1 else train
                if len(np.unique(y[keep])) < 2:  # a small share without a positive
                    keep = np.concatenate([keep, train[y[train] != y[keep][0]][:1]])
                keep_active = np.flatnonzero(rng.random(len(a_y)) < share)
                vectorizer, model = ItemClassifier(c=args.c, seed=seed)._new_model()
                model.fit(
                    _features(
                        vectorizer,
                        pd.concat([text.iloc[keep], a_text.iloc[keep_active]], ignore_index=True),
                        pd.concat([num.iloc[keep], a_num.iloc[keep_active]], ignore_index=True),
                        fit=True,
                    ),
                    np.concatenate([y[keep], a_y[keep_active]]),
                )
                scores[test] = model.decision_function(
                    _features(vectorizer, text.iloc[test], num.iloc[test], fit=False)
                )
            auc.append(weighted_auc(y, scores, weights))
            cut = best_threshold(y, scores, weights)
            f1.append(weighted_prf(y, (scores >= cut).astype(float), weights)[2])
        training = share * (len(y) * 0.8 + len(a_y))
        rows.append(
            summarise(
                {"share": share},
                {
                    "training_items": round(training),
                    "training_positives": round(share * (0.8 * y.sum() + a_y.sum())),
                },
                auc,
                f1,
            )
        )
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("study", choices=["features", "learning-curve"])
    parser.add_argument("--results", required=True, help="results/<corpus> of a finished run")
    parser.add_argument("--design", required=True)
    parser.add_argument("--labels", required=True)
    parser.add_argument("--active", nargs="*", default=[])
    parser.add_argument("--target", default="anti_western")
    parser.add_argument("--seeds", type=int, default=5, help="fold seeds (at least 2)")
    parser.add_argument("--c", type=float, default=1.0, help="validation.items.classifier.c")
    parser.add_argument(
        "--measures",
        nargs="*",
        default=[m for m in NUMERIC if m.startswith("lexicon_")],
        help="measure columns used by the learning curve",
    )
    parser.add_argument("--no-embeddings", action="store_true")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    if args.seeds < 2:
        parser.error("--seeds must be at least 2 (the table gives the spread over seeds)")
    inputs = load_inputs(args)
    study = feature_sets if args.study == "features" else learning_curve
    pd.DataFrame(study(args, *inputs)).to_csv(args.out, index=False, float_format="%.4f")
    return 0


if __name__ == "__main__":
    sys.exit(main())
