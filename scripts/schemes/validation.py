"""Validation of the claim detector against human coders.

1. :func:`export_sample` draws a stratified sample of sentences — detected
   claims, near misses (two of three parts, negated or hedged claims) and
   random sentences — with empty code columns and each item's inclusion
   probability, for coders to fill in using the coding guide.
2. :func:`score_coded` reads one or more coded files and reports, for each
   automatic measure, precision, recall and F1 against the human codes with
   bootstrap CIs. Items are weighted by the inverse of their inclusion
   probability (Horvitz-Thompson), so the over-sampled claims and near
   misses do not bias the estimates for the corpus as a whole; unweighted
   figures are given too. With two or more coders, Krippendorff's alpha
   (nominal) measures their agreement.
3. Optionally a supervised classifier (TF-IDF words + the lexicon's part
   counts, logistic regression) is cross-validated on the coded items; it is
   reported beside the lexicon measure and never replaces it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from schemes.textnorm import read_from_coders, write_for_coders

CODE_COLUMNS = ["is_claim", "anti_western", "accused_category", "accuser", "coder", "notes"]
SAMPLE_COLUMNS = [
    "item_id",
    "stratum",
    "inclusion_probability",
    "doc_id",
    "sent_id",
    "date",
    "source",
    "lang",
    "context_before",
    "sentence",
    "context_after",
    "auto_claim",
    "auto_anti_western",
    "auto_status",
]
TRUE_VALUES = {"1", "yes", "y", "true", "да", "claim"}
FALSE_VALUES = {"0", "no", "n", "false", "нет", "not"}


class CodedFileError(ValueError):
    pass


def _sentence_text(documents: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    # a plain dict of str: indexing an Arrow-backed column copies the whole
    # document on every access, which made this quadratic in document length
    text = dict(zip(documents["doc_id"], documents["text"], strict=True))
    out = sentences[["doc_id", "sent_id", "start", "end"]].copy()
    out["sentence"] = [
        text[d][a:b] for d, a, b in zip(out["doc_id"], out["start"], out["end"], strict=True)
    ]
    return out


def export_sample(
    documents: pd.DataFrame,
    sentences: pd.DataFrame,
    claims: pd.DataFrame,
    candidates: pd.DataFrame,
    sizes: dict[str, int],
    seed: int,
) -> pd.DataFrame:
    """Stratified sample of sentences for human coding, with inclusion probabilities.

    Strata are disjoint: ``claim`` (detected claims), ``near_miss``
    (candidates that are not claims) and ``random`` (all other sentences).
    Items are shuffled so that coders do not see the strata in order.
    """
    rng = np.random.default_rng(seed)
    text = _sentence_text(documents, sentences)
    key = list(zip(text["doc_id"], text["sent_id"], strict=True))
    claim_keys = set(zip(claims["doc_id"], claims["sent_id"], strict=True))
    near_keys = set(zip(candidates["doc_id"], candidates["sent_id"], strict=True)) - claim_keys
    stratum = np.array(
        ["claim" if k in claim_keys else "near_miss" if k in near_keys else "random" for k in key]
    )
    status = dict(
        zip(
            zip(candidates["doc_id"], candidates["sent_id"], strict=True),
            candidates["status"],
            strict=True,
        )
    )
    anti = dict(
        zip(
            zip(claims["doc_id"], claims["sent_id"], strict=True),
            claims["anti_western"],
            strict=True,
        )
    )
    picked = []
    for name in ("claim", "near_miss", "random"):
        members = np.flatnonzero(stratum == name)
        n = min(sizes.get(name, 0), len(members))
        if n == 0:
            continue
        chosen = rng.choice(members, size=n, replace=False)
        picked.append((chosen, name, n / len(members)))
    rows = []
    docs = documents.set_index("doc_id")
    by_doc = text.groupby("doc_id")["sentence"].apply(list)
    for chosen, name, probability in picked:
        for i in sorted(chosen):
            doc_id, sent_id = key[i]
            doc_sentences = by_doc[doc_id]
            rows.append(
                {
                    "stratum": name,
                    "inclusion_probability": probability,
                    "doc_id": doc_id,
                    "sent_id": int(sent_id),
                    "date": docs.at[doc_id, "date"].date().isoformat(),
                    "source": docs.at[doc_id, "source"],
                    "lang": docs.at[doc_id, "lang"],
                    "context_before": doc_sentences[sent_id - 1] if sent_id > 0 else "",
                    "sentence": text["sentence"].iat[i],
                    "context_after": doc_sentences[sent_id + 1]
                    if sent_id + 1 < len(doc_sentences)
                    else "",
                    "auto_claim": int(key[i] in claim_keys),
                    "auto_anti_western": int(bool(anti.get(key[i], False))),
                    "auto_status": status.get(key[i], "claim" if key[i] in claim_keys else "none"),
                }
            )
    sample = pd.DataFrame(rows, columns=SAMPLE_COLUMNS[1:])
    sample = sample.iloc[rng.permutation(len(sample))].reset_index(drop=True)
    sample.insert(0, "item_id", [f"item-{i + 1:04d}" for i in range(len(sample))])
    for column in CODE_COLUMNS:
        sample[column] = ""
    return sample


def _binary(value, where: str):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    text = str(value).strip().lower()
    if text == "":
        return np.nan
    if text in TRUE_VALUES:
        return 1.0
    if text in FALSE_VALUES:
        return 0.0
    raise CodedFileError(f"{where}: expected 1/0 or yes/no, found {value!r}")


def read_coded(paths: list[str]) -> pd.DataFrame:
    """Coded files in long format: item_id, coder, is_claim, anti_western.

    A file may hold one coder (the ``coder`` column empty: the file name is
    used) or several (a ``coder`` column). Errors name the file and line.
    """
    frames = []
    for path in paths:
        coded = read_from_coders(path)
        for column in ("item_id", "is_claim"):
            if column not in coded.columns:
                raise CodedFileError(f"{path}: missing column {column!r}")
        coder = coded.get("coder", pd.Series([""] * len(coded))).replace("", Path(path).stem)
        rows = []
        for line, row in enumerate(coded.itertuples(index=False), start=2):
            where = f"{path}, line {line}"
            rows.append(
                {
                    "item_id": row.item_id,
                    "coder": coder.iloc[line - 2],
                    "is_claim": _binary(row.is_claim, where),
                    "anti_western": _binary(getattr(row, "anti_western", ""), where),
                }
            )
        frames.append(pd.DataFrame(rows))
    long = pd.concat(frames, ignore_index=True)
    # A claim coded without the anti-Western field counts as not anti-Western
    # only when it is not a claim at all.
    long.loc[long["is_claim"] == 0, "anti_western"] = long.loc[
        long["is_claim"] == 0, "anti_western"
    ].fillna(0)
    return long


def krippendorff_alpha_nominal(units: list[list]) -> float:
    """Krippendorff's alpha for nominal data; ``units`` lists each unit's codes (NaN = missing)."""
    values = sorted({v for unit in units for v in unit if v == v})
    index = {v: i for i, v in enumerate(values)}
    coincidence = np.zeros((len(values), len(values)))
    for unit in units:
        codes = [v for v in unit if v == v]
        m = len(codes)
        if m < 2:
            continue
        counts = np.zeros(len(values))
        for v in codes:
            counts[index[v]] += 1
        coincidence += (np.outer(counts, counts) - np.diag(counts)) / (m - 1)
    n = coincidence.sum()
    if n <= 1 or len(values) < 2:
        return float("nan")
    marginals = coincidence.sum(axis=0)
    observed = n - np.trace(coincidence)
    expected = (n * n - (marginals**2).sum()) / (n - 1)
    return float(1 - observed / expected) if expected else float("nan")


def precision_recall(
    items: pd.DataFrame,
    truth_column: str,
    measure_column: str,
    n_boot: int,
    seed: int,
    weighted: bool,
) -> dict:
    """P/R/F1 with percentile bootstrap CIs (items resampled within strata)."""
    from schemes.gold import percentile_ci, stratified_bootstrap, weighted_prf

    data = items.dropna(subset=[truth_column, measure_column])
    truth = data[truth_column].to_numpy(float)
    predicted = data[measure_column].to_numpy(float)
    weights = (
        (1 / data["inclusion_probability"].to_numpy(float)) if weighted else np.ones(len(data))
    )

    def statistic(index):
        return weighted_prf(truth[index], predicted[index], weights[index])

    point = statistic(np.arange(len(data)))
    low, high = percentile_ci(
        stratified_bootstrap(statistic, data["stratum"].to_numpy(), n_boot, seed)
    )
    row = {"n_items": len(data), "n_true": int(truth.sum())}
    for k, name in enumerate(("precision", "recall", "f1")):
        row[name] = point[k]
        row[f"{name}_ci_low"] = low[k]
        row[f"{name}_ci_high"] = high[k]
    return row


def supervised_cv(items: pd.DataFrame, label: str, folds: int, seed: int) -> tuple[pd.Series, dict]:
    """Out-of-fold predictions and scores of a TF-IDF + lexicon-feature classifier."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    data = items.dropna(subset=[label]).reset_index(drop=True)
    y = data[label].to_numpy(int)
    n_splits = min(folds, int(np.bincount(y, minlength=2).min()))
    if n_splits < 2:
        return pd.Series(dtype=float), {"folds": 0, "note": "too few items of one class"}
    lexical = (
        data["auto_status"].map({"claim": 3, "negated": 2, "hedged": 2, "partial": 1}).fillna(0)
    )
    features = np.column_stack([lexical.to_numpy(float), data["auto_claim"].to_numpy(float)])
    predictions = np.zeros(len(data))
    splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    for train, test in splitter.split(data, y):
        vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), min_df=1, sublinear_tf=True
        )
        x_train = hstack(
            [vectorizer.fit_transform(data["sentence"].iloc[train]), csr_matrix(features[train])]
        )
        x_test = hstack(
            [vectorizer.transform(data["sentence"].iloc[test]), csr_matrix(features[test])]
        )
        model = LogisticRegression(max_iter=2000, class_weight="balanced", random_state=seed)
        model.fit(x_train, y[train])
        predictions[test] = model.predict(x_test)
    return pd.Series(predictions, index=data["item_id"]), {"folds": n_splits}


def score_coded(
    sample: pd.DataFrame,
    coded_paths: list[str],
    n_boot: int,
    seed: int,
    supervised: bool,
    folds: int = 5,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(precision/recall table, agreement table) for the coded sample."""
    long = read_coded(coded_paths)
    unknown = sorted(set(long["item_id"]) - set(sample["item_id"]))
    if unknown:
        raise CodedFileError(f"coded files name items not in the sample: {unknown[:5]}")
    coders = sorted(long["coder"].unique())
    agreement = []
    for field in ("is_claim", "anti_western"):
        wide = long.pivot_table(index="item_id", columns="coder", values=field, aggfunc="first")
        units = wide.to_numpy().tolist()
        pair_counts = int((wide.notna().sum(axis=1) >= 2).sum())
        agreement.append(
            {
                "field": field,
                "coders": len(coders),
                "items_coded_by_2plus": pair_counts,
                "krippendorff_alpha": krippendorff_alpha_nominal(units)
                if len(coders) > 1
                else np.nan,
            }
        )
    # Consensus code per item: majority of coders (ties count as not a claim).
    consensus = long.groupby("item_id")[["is_claim", "anti_western"]].mean()
    consensus = (consensus > 0.5).astype(float).where(consensus.notna())
    items = (
        sample.drop(columns=[c for c in CODE_COLUMNS if c in sample.columns])
        .set_index("item_id")
        .join(consensus, how="inner")
        .reset_index()
    )
    items["human_anti_western_claim"] = items["is_claim"] * items["anti_western"]
    measures = {
        "lexicon: any claim": ("is_claim", "auto_claim"),
        "lexicon: anti-Western claim": ("human_anti_western_claim", "auto_anti_western"),
    }
    if supervised:
        predicted, info = supervised_cv(items, "is_claim", folds, seed)
        if len(predicted):
            items["supervised_claim"] = items["item_id"].map(predicted)
            measures[f"supervised (out-of-fold, {info['folds']} folds): any claim"] = (
                "is_claim",
                "supervised_claim",
            )
    rows = []
    for name, (truth, measure) in measures.items():
        for weighted in (True, False):
            rows.append(
                {
                    "measure": name,
                    "weighting": "inverse inclusion probability" if weighted else "unweighted",
                    **precision_recall(items, truth, measure, n_boot, seed, weighted),
                }
            )
    return pd.DataFrame(rows), pd.DataFrame(agreement)


def run_export(
    documents_path,
    sentences_path,
    claims_path,
    candidates_path,
    sizes,
    seed,
    output,
    guide_source,
    guide_output,
):
    from schemes.preprocess import read_sentences

    sample = export_sample(
        pd.read_parquet(documents_path),
        read_sentences(sentences_path),
        pd.read_csv(claims_path),
        pd.read_parquet(candidates_path),
        sizes,
        seed,
    )
    write_for_coders(sample, output)
    Path(guide_output).write_text(Path(guide_source).read_text(encoding="utf-8"), encoding="utf-8")
    return {"items": len(sample), "strata": sample["stratum"].value_counts().sort_index().to_dict()}


def run_score(sample_path, coded_paths, n_boot, seed, supervised, outputs):
    sample = read_from_coders(sample_path)
    for column in ("sent_id", "auto_claim", "auto_anti_western"):
        sample[column] = pd.to_numeric(sample[column])
    sample["inclusion_probability"] = sample["inclusion_probability"].astype(float)
    table, agreement = score_coded(sample, list(coded_paths), n_boot, seed, supervised)
    table.to_csv(outputs["precision_recall"], index=False, float_format="%.4f")
    agreement.to_csv(outputs["agreement"], index=False, float_format="%.4f")
    return {
        "measures": table[["measure", "weighting", "precision", "recall"]].to_dict("records"),
        "alpha": agreement["krippendorff_alpha"].tolist(),
    }
