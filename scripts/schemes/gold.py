"""Item-level gold standard: sampling, coding files, agreement and scoring.

The unit is the **item** (a news item's title and lead, or a document): the
primary rule of coding guide v2.0 (``config/validation/item_coding_guide.md``).

1. :func:`filter_strata` sorts every item into a stratum with a broad recall
   filter that is written independently of the detector's lexicons
   (``config/validation/broad_filter.yaml``): ``both`` (a foreign/Western
   actor stem and a suspicion stem), ``either`` (one of the two) and
   ``rest``.
2. :func:`draw_item_sample` draws a simple random sample within each stratum
   (claims are rare, so the filter strata are enriched), records each
   stratum's population and inclusion probability, and splits the sample,
   stratum by stratum and with a fixed seed, into a ``dev`` part (for
   building measures) and a locked ``test`` part (for quoting results).
"""

from __future__ import annotations

import logging
import re
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from schemes.textnorm import from_spreadsheet, read_from_coders, write_for_coders
from schemes.validation import CodedFileError, _binary, krippendorff_alpha_nominal

log = logging.getLogger(__name__)

STRATA = ("both", "either", "rest")


def load_filter(path: str | Path) -> dict:
    spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    for key in ("actor_stems", "suspicion_stems"):
        if not spec.get(key):
            raise ValueError(f"{path}: {key!r} must list at least one stem")
    return spec


def _stem_pattern(stems: list[str]) -> re.Pattern:
    alternatives = sorted({s.lower().replace("ё", "е") for s in stems}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, alternatives)) + ")")


def filter_strata(
    texts: pd.Series, actor_stems: list[str], suspicion_stems: list[str]
) -> np.ndarray:
    """Stratum of every text: ``both``, ``either`` or ``rest`` (see module docstring)."""
    lowered = texts.fillna("").str.lower().str.replace("ё", "е", regex=False)
    actor = lowered.str.contains(_stem_pattern(actor_stems)).to_numpy()
    suspicion = lowered.str.contains(_stem_pattern(suspicion_stems)).to_numpy()
    return np.where(actor & suspicion, "both", np.where(actor | suspicion, "either", "rest"))


def draw_item_sample(
    documents: pd.DataFrame,
    strata: np.ndarray,
    sizes: dict[str, int],
    test_fraction: float,
    double_coded: dict[str, int],
    seed: int,
) -> pd.DataFrame:
    """Stratified random sample of items with inclusion probabilities, split and second coding.

    Within each stratum ``sizes[stratum]`` items are drawn without
    replacement; then, again within each stratum, a ``test_fraction`` share
    (rounded up) is put in the locked ``test`` part. ``double_coded[stratum]``
    sampled items of each stratum (drawn with ``seed + 1``) are marked for an
    independent second coding.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for name in STRATA:
        members = np.flatnonzero(strata == name)
        n = min(int(sizes.get(name, 0)), len(members))
        if n == 0:
            continue
        chosen = np.sort(rng.choice(members, size=n, replace=False))
        split = np.array(["dev"] * n, dtype=object)
        split[rng.permutation(n)[: int(np.ceil(test_fraction * n))]] = "test"
        for index, part in zip(chosen, split, strict=True):
            rows.append(
                {
                    "item_id": documents["doc_id"].iat[index],
                    "date": documents["date"].iat[index].date().isoformat(),
                    "stratum": name,
                    "stratum_population": len(members),
                    "stratum_sample": n,
                    "inclusion_probability": n / len(members),
                    "split": part,
                }
            )
    sample = pd.DataFrame(rows)
    second = np.random.default_rng(seed + 1)
    chosen_twice: set = set()
    for name in STRATA:
        ids = sample.loc[sample["stratum"] == name, "item_id"].to_numpy() if len(sample) else []
        n = min(int(double_coded.get(name, 0)), len(ids))
        if n:
            chosen_twice.update(second.choice(ids, size=n, replace=False))
    sample["double_coded"] = sample["item_id"].isin(chosen_twice).astype(int) if len(sample) else []
    return sample


# --------------------------------------------------------------------------
# Coding files
# --------------------------------------------------------------------------

CODE_FIELDS = [
    "claim",
    "anti_western",
    "accused",
    "accused_detail",
    "accuser",
    "stance",
    "doubt",
    "reason",
    "coder",
]
STANCES = {"", "asserted", "reported", "reported_with_denial", "dismissed"}
ACCUSED = {
    "",
    "usa",
    "uk",
    "nato",
    "eu",
    "west",
    "western_intel",
    "western_ngo",
    "foreign_unnamed",
    "russia",
    "ukraine",
    "georgia",
    "other_state",
    "domestic_opposition",
    "oligarch",
    "terrorists",
    "other",
}


# One error type for every coded file, sentence- or item-level.
GoldFileError = CodedFileError


def export_for_coding(
    documents: pd.DataFrame, sample: pd.DataFrame, seed: int, max_chars: int
) -> pd.DataFrame:
    """The items of ``sample`` with their text and empty code columns, in shuffled order.

    No stratum, split or machine code is shown: coders see only the item. A
    text longer than ``max_chars`` is cut there and flagged in ``truncated``.
    """
    docs = documents.set_index("doc_id")
    text = docs.loc[sample["item_id"], "text"].fillna("").to_numpy()
    out = pd.DataFrame(
        {
            "item_id": sample["item_id"].to_numpy(),
            "date": sample["date"].to_numpy(),
            "text": [t[:max_chars] for t in text],
            "truncated": [int(len(t) > max_chars) for t in text],
        }
    )
    out = out.iloc[np.random.default_rng(seed).permutation(len(out))].reset_index(drop=True)
    for field in CODE_FIELDS:
        out[field] = ""
    return out


def read_item_codes(path: str | Path) -> pd.DataFrame:
    """One coder's (or the adjudicated) item codes, checked cell by cell.

    Errors name the file, the line and the problem. ``claim`` is required on
    every row; ``anti_western`` may only be 1 when ``claim`` is 1; ``stance``
    and ``accused`` must come from the guide's lists; ``reason`` is required
    for every positive and every doubt.
    """
    coded = read_from_coders(path)
    missing = [c for c in ("item_id", "claim", "anti_western") if c not in coded.columns]
    if missing:
        raise GoldFileError(f"{path}: missing column(s) {', '.join(missing)}")
    for column in CODE_FIELDS:
        if column not in coded.columns:
            coded[column] = ""
    repeated = coded["item_id"].duplicated()
    if repeated.any():
        line = int(np.flatnonzero(repeated)[0]) + 2
        raise GoldFileError(
            f"{path}, line {line}: item_id {coded['item_id'][repeated].iloc[0]!r} repeated"
        )
    rows = []
    for line, row in enumerate(coded.to_dict("records"), start=2):
        where = f"{path}, line {line}"
        claim = _binary(row["claim"], where)
        if claim != claim:
            raise GoldFileError(f"{where}: claim is empty (code every item 1 or 0)")
        anti = _binary(row["anti_western"], where)
        anti = 0.0 if anti != anti else anti
        if anti and not claim:
            raise GoldFileError(f"{where}: anti_western is 1 but claim is 0")
        doubt = _binary(row["doubt"], where)
        stance = row["stance"].strip().lower()
        if stance not in STANCES:
            raise GoldFileError(
                f"{where}: stance {row['stance']!r} is not one of {sorted(STANCES - {''})}"
            )
        if stance == "dismissed" and claim:
            raise GoldFileError(f"{where}: a claim dismissed by the outlet is coded claim = 0")
        accused = row["accused"].strip().lower()
        if accused not in ACCUSED:
            raise GoldFileError(
                f"{where}: accused {row['accused']!r} is not one of the guide's categories"
            )
        if (claim or doubt == 1 or stance == "dismissed") and not row["reason"].strip():
            raise GoldFileError(f"{where}: a positive, doubtful or dismissed item needs a reason")
        rows.append(
            {
                **{k: row[k] for k in CODE_FIELDS},
                "item_id": row["item_id"],
                "claim": int(claim),
                "anti_western": int(anti),
                "doubt": int(doubt == 1),
                "stance": stance,
                "accused": accused,
            }
        )
    return pd.DataFrame(rows, columns=["item_id", *CODE_FIELDS])


# --------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------


def stratified_bootstrap(statistic, strata: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """``statistic(index)`` on ``n_boot`` resamples drawn with replacement within each stratum.

    ``statistic`` returns a 1-d array; the result is (n_boot, len(statistic)).
    """
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(strata == s) for s in sorted(set(strata))]
    draws = []
    for _ in range(n_boot):
        index = np.concatenate(
            [rng.choice(g, size=len(g)) for g in groups if len(g)] or [np.arange(0)]
        )
        draws.append(statistic(index))
    return np.array(draws, dtype=float).reshape(n_boot, -1)


def percentile_ci(draws: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval per column, ignoring undefined (NaN) replicates."""
    tail = (1 - level) / 2
    low, high = [], []
    for column in draws.T:
        finite = column[np.isfinite(column)]
        low.append(np.quantile(finite, tail) if len(finite) else np.nan)
        high.append(np.quantile(finite, 1 - tail) if len(finite) else np.nan)
    return np.array(low), np.array(high)


def weighted_prf(truth: np.ndarray, predicted: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Precision, recall and F1, each item counted ``weight`` times (Horvitz-Thompson)."""
    tp = float((weights * truth * predicted).sum())
    flagged = float((weights * predicted).sum())
    positive = float((weights * truth).sum())
    precision = tp / flagged if flagged else np.nan
    recall = tp / positive if positive else np.nan
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else np.nan
    if tp == 0 and flagged and positive:
        f1 = 0.0
    return np.array([precision, recall, f1])


def weighted_auc(truth: np.ndarray, score: np.ndarray, weights: np.ndarray) -> float:
    """Weighted area under the ROC curve: P(score of a positive > score of a negative), ties 1/2."""
    pos, neg = truth == 1, truth == 0
    if not pos.any() or not neg.any():
        return np.nan
    order = np.argsort(score[neg], kind="stable")
    neg_scores, neg_weights = score[neg][order], weights[neg][order]
    cumulative = np.concatenate([[0.0], np.cumsum(neg_weights)])
    below = cumulative[np.searchsorted(neg_scores, score[pos], side="left")]
    tied = cumulative[np.searchsorted(neg_scores, score[pos], side="right")] - below
    wins = (weights[pos] * (below + 0.5 * tied)).sum()
    return float(wins / (weights[pos].sum() * neg_weights.sum()))


def best_threshold(truth: np.ndarray, score: np.ndarray, weights: np.ndarray) -> float:
    """Cut-off (flag ``score >= t``) with the highest weighted F1.

    Among the observed scores, the lowest one that reaches the best F1 is
    found; the cut-off is placed half-way between it and the next lower
    observed score, so that new items are not judged by the exact edge of
    the development sample.
    """
    values = np.unique(score)
    f1 = np.array([weighted_prf(truth, (score >= t).astype(float), weights)[2] for t in values])
    if not np.isfinite(f1).any():
        return np.inf
    best = int(np.flatnonzero(f1 >= np.nanmax(f1) - 1e-12)[0])
    return float(values[best] if best == 0 else (values[best] + values[best - 1]) / 2)


def krippendorff_alpha_ci(codes: np.ndarray, n_boot: int, seed: int) -> tuple[float, float, float]:
    """Nominal alpha of an (items x coders) array (NaN = not coded), with a bootstrap CI over items."""
    units = codes.tolist()
    point = krippendorff_alpha_nominal(units)
    draws = stratified_bootstrap(
        lambda index: np.array([krippendorff_alpha_nominal([units[i] for i in index])]),
        np.zeros(len(units)),
        n_boot,
        seed,
    )
    low, high = percentile_ci(draws)
    return point, float(low[0]), float(high[0])


# --------------------------------------------------------------------------
# Reliability and adjudication
# --------------------------------------------------------------------------

TARGETS = {"claim": "any conspiracy claim", "anti_western": "anti-Western claim"}


def reliability(
    first: pd.DataFrame, second: pd.DataFrame, n_boot: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(alpha table, disagreements) between two independent codings of the same items."""
    both = first.merge(second, on="item_id", suffixes=("_first", "_second"))
    rows, disagreements = [], []
    for field in TARGETS:
        codes = both[[f"{field}_first", f"{field}_second"]].to_numpy(float)
        alpha, low, high = krippendorff_alpha_ci(codes, n_boot, seed)
        differ = codes[:, 0] != codes[:, 1]
        rows.append(
            {
                "field": field,
                "items": len(both),
                "positives_first": int(codes[:, 0].sum()),
                "positives_second": int(codes[:, 1].sum()),
                "disagreements": int(differ.sum()),
                "percent_agreement": float(1 - differ.mean()) if len(both) else np.nan,
                "krippendorff_alpha": alpha,
                "alpha_ci_low": low,
                "alpha_ci_high": high,
            }
        )
        for _, row in both[differ].iterrows():
            disagreements.append(
                {
                    "item_id": row["item_id"],
                    "field": field,
                    "first": int(row[f"{field}_first"]),
                    "second": int(row[f"{field}_second"]),
                }
            )
    return pd.DataFrame(rows), pd.DataFrame(
        disagreements, columns=["item_id", "field", "first", "second"]
    )


def check_adjudication(
    disagreements: pd.DataFrame, adjudication: pd.DataFrame, gold: pd.DataFrame, path: str
):
    """Every disagreement must be adjudicated, with a reason, and the gold label must follow it."""
    decided = adjudication.set_index(["item_id", "field"])
    final = gold.set_index("item_id")
    for row in disagreements.itertuples(index=False):
        key = (row.item_id, row.field)
        if key not in decided.index:
            raise GoldFileError(
                f"{path}: disagreement on {row.item_id} ({row.field}) is not adjudicated"
            )
        entry = decided.loc[key]
        if not str(entry["reason"]).strip():
            raise GoldFileError(
                f"{path}: adjudication of {row.item_id} ({row.field}) has no reason"
            )
        if int(entry["final"]) != int(final.at[row.item_id, row.field]):
            raise GoldFileError(
                f"{path}: adjudication of {row.item_id} ({row.field}) says {int(entry['final'])} "
                f"but the gold file says {int(final.at[row.item_id, row.field])}"
            )


# --------------------------------------------------------------------------
# Measures against the gold labels
# --------------------------------------------------------------------------


def item_measures(
    doc_claims: pd.DataFrame,
    candidates: pd.DataFrame,
    framing_share: pd.DataFrame | None,
    lss: pd.DataFrame | None = None,
    rules: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every item-level measure the pipeline offers today, one column each.

    ``lexicon_anti_western``: the sentence-window detector found an
    anti-Western claim in the item; ``lexicon_any``: a claim with any
    accused; ``lexicon_two_parts``: a claim, or a Western actor with one more
    of the three parts in one window (the detector's near misses);
    ``seeded_topic_share``: the item's share of the lexicon-seeded
    conspiracy topic; ``lss_score``: the item's Latent Semantic Scaling
    score (z-score; items without a model term get the lowest score);
    ``rule_*``: the item-level rule detector v3 (``schemes.itemrules``):
    its decisions, its scores and its parts (marker-category counts, syntax
    link, NER actor), the parts kept as classifier features.
    """
    out = doc_claims[["doc_id", "date", "date_end"]].copy()
    out["lexicon_anti_western"] = (doc_claims["n_claims"] > 0).astype(int).to_numpy()
    out["lexicon_any"] = (doc_claims["n_claims_any"] > 0).astype(int).to_numpy()
    western_near = set(
        candidates.loc[
            candidates["anti_western"].astype(bool)
            & candidates["parts"].fillna("").str.contains("actor")
            & (candidates["parts"].fillna("").str.count(",") >= 1),
            "doc_id",
        ]
    )
    out["lexicon_two_parts"] = (
        out["lexicon_anti_western"].astype(bool) | out["doc_id"].isin(western_near)
    ).astype(int)
    if framing_share is not None and "topic_share_conspiracy" in framing_share.columns:
        share = framing_share.set_index("doc_id")["topic_share_conspiracy"]
        out["seeded_topic_share"] = out["doc_id"].map(share).fillna(0.0).to_numpy(float)
    if lss is not None:
        lss = lss.set_index("doc_id")
        score = out["doc_id"].map(lss["lss_score"]).to_numpy(float)
        # items of a scaled language without any model term get the lowest
        # score; items of a language LSS could not scale stay NaN
        scored = (
            out["doc_id"].map(lss["lss_scored"]).fillna(False).to_numpy(bool)
            if "lss_scored" in lss.columns
            else np.ones(len(out), dtype=bool)
        )
        lowest = np.nanmin(np.where(scored, score, np.nan), initial=np.inf)
        lowest = lowest if np.isfinite(lowest) else 0.0
        out["lss_score"] = np.where(np.isfinite(score), score, np.where(scored, lowest, np.nan))
    if rules is not None:
        numeric = rules.set_index("doc_id").select_dtypes("number")
        for column in numeric.columns:
            out[column] = out["doc_id"].map(numeric[column]).fillna(0).to_numpy()
    return out


MEASURES = {
    "lexicon_anti_western": ("lexicon, sentence window: anti-Western claim", "binary"),
    "lexicon_any": ("lexicon, sentence window: any claim", "binary"),
    "lexicon_two_parts": ("lexicon: claim or Western actor + one more part", "binary"),
    "seeded_topic_share": ("seeded conspiracy topic share", "score"),
    "lss_score": ("Latent Semantic Scaling score", "score"),
    "rule_anti_western": ("item rules v3: anti-Western claim", "binary"),
    "rule_claim": ("item rules v3: any claim", "binary"),
    "rule_score": ("item rules v3: anti-Western score", "score"),
    "rule_score_any": ("item rules v3: any-claim score", "score"),
    "classifier_claim": ("supervised classifier (trained on dev): decision", "binary"),
    "classifier_probability": ("supervised classifier (trained on dev): probability", "score"),
}


def _prf_auc(truth, predicted, score, weights, index) -> np.ndarray:
    """Precision, recall, F1 and (for a score, else NaN) AUC of the items at ``index``."""
    prf = weighted_prf(truth[index], predicted[index], weights[index])
    auc = np.nan if score is None else weighted_auc(truth[index], score[index], weights[index])
    return np.append(prf, auc)


def score_measures(
    items: pd.DataFrame, measures: list[str], n_boot: int, seed: int
) -> pd.DataFrame:
    """Item-level P/R/F1 (and AUC for scores) of every measure, per target, split and weighting.

    ``items`` holds the gold ``claim`` and ``anti_western`` codes, the design
    columns (``stratum``, ``inclusion_probability``, ``split``) and one column
    per measure. A score measure is turned into a decision at the cut-off
    with the best weighted F1 on the **dev** part; that cut-off is then
    applied unchanged to the test part. CIs: percentile bootstrap with items
    resampled within strata.
    """
    rows = []
    for target in TARGETS:
        thresholds = {}
        dev = items[items["split"] == "dev"]
        for measure in measures:
            if MEASURES.get(measure, ("", "binary"))[1] == "score":
                finite = np.isfinite(dev[measure].to_numpy(float))
                thresholds[measure] = best_threshold(
                    dev[target].to_numpy(float)[finite],
                    dev[measure].to_numpy(float)[finite],
                    1 / dev["inclusion_probability"].to_numpy(float)[finite],
                )
        for split in ("dev", "test"):
            data = items[items["split"] == split]
            truth = data[target].to_numpy(float)
            strata = data["stratum"].to_numpy()
            for weighted in (True, False):
                weights = (
                    1 / data["inclusion_probability"].to_numpy(float)
                    if weighted
                    else np.ones(len(data))
                )
                for measure in measures:
                    label, kind = MEASURES.get(measure, (measure, "binary"))
                    # items a measure could not score (NaN) are left out of its row
                    valid = np.isfinite(data[measure].to_numpy(float))
                    value = data[measure].to_numpy(float)[valid]
                    threshold = thresholds.get(measure, 0.5)
                    predicted = (value >= threshold).astype(float)
                    statistic = partial(
                        _prf_auc,
                        truth[valid],
                        predicted,
                        value if kind == "score" else None,
                        weights[valid],
                    )
                    point = statistic(np.arange(int(valid.sum())))
                    low, high = percentile_ci(
                        stratified_bootstrap(statistic, strata[valid], n_boot, seed)
                    )
                    row = {
                        "measure": measure,
                        "label": label,
                        "target": target,
                        "split": split,
                        "weighting": "inverse inclusion probability" if weighted else "unweighted",
                        "threshold": threshold if kind == "score" else np.nan,
                        "n_items": int(valid.sum()),
                        "n_positive": int(truth[valid].sum()),
                        "n_flagged": int(predicted.sum()),
                    }
                    for k, name in enumerate(("precision", "recall", "f1", "auc")):
                        row[name] = point[k]
                        row[f"{name}_ci_low"] = low[k]
                        row[f"{name}_ci_high"] = high[k]
                    rows.append(row)
    return pd.DataFrame(rows)


def event_rates(
    items: pd.DataFrame,
    corpus: pd.DataFrame,
    windows: pd.DataFrame,
    measures: list[str],
    min_items: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-event rates from the gold codes and from each measure, and their rank agreement.

    The gold rate of an event is the Horvitz-Thompson estimate (weighted mean
    of the gold code over the coded items in its window); a measure's rate is
    its mean over **every** corpus item in the window, as the event stage
    sees it. Spearman's rho is taken over events with at least
    ``min_items`` coded items.
    """
    from scipy.stats import spearmanr

    item_dates = pd.to_datetime(items["date"]).to_numpy("datetime64[D]")
    doc_start = corpus["date"].to_numpy("datetime64[D]")
    doc_end = corpus["date_end"].to_numpy("datetime64[D]")
    weights = 1 / items["inclusion_probability"].to_numpy(float)
    rows = []
    for event in windows.itertuples(index=False):
        start = np.datetime64(event.window_start, "D")
        end = np.datetime64(event.window_end, "D")
        sampled = (item_dates >= start) & (item_dates <= end)
        in_corpus = (doc_start <= end) & (doc_end >= start)
        if not in_corpus.any():
            continue
        row = {
            "event_id": event.event_id,
            "type": event.type,
            "n_docs": int(in_corpus.sum()),
            "n_items": int(sampled.sum()),
        }
        for target in TARGETS:
            y = items[target].to_numpy(float)
            row[f"gold_{target}_positives"] = int(y[sampled].sum())
            row[f"gold_{target}_rate"] = (
                float((weights[sampled] * y[sampled]).sum() / weights[sampled].sum())
                if sampled.any()
                else np.nan
            )
        for measure in measures:
            row[measure] = float(corpus.loc[in_corpus, measure].mean())
        rows.append(row)
    rates = pd.DataFrame(rows)
    summary = []
    enough = rates[rates["n_items"] >= min_items] if len(rates) else rates
    for target in TARGETS:
        for measure in measures:
            usable = (
                enough.dropna(subset=[f"gold_{target}_rate", measure]) if len(enough) else enough
            )
            rho = (
                spearmanr(usable[f"gold_{target}_rate"], usable[measure]).statistic
                if len(usable) >= 3
                and usable[f"gold_{target}_rate"].nunique() > 1
                and usable[measure].nunique() > 1
                else np.nan
            )
            summary.append(
                {
                    "measure": measure,
                    "target": target,
                    "n_events": len(usable),
                    "min_items": min_items,
                    "spearman": rho,
                }
            )
    return rates, pd.DataFrame(summary)


# --------------------------------------------------------------------------
# Rule entry points
# --------------------------------------------------------------------------


DECISIONS = {
    "lexicon": "lexicon_anti_western",
    "rule": "rule_anti_western",
    "classifier": "classifier_claim",
}


def _tpr_fpr(truth, flagged, weights, index) -> np.ndarray:
    y, f, w = truth[index], flagged[index], weights[index]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.array(
            [(w * y * f).sum() / (w * y).sum(), (w * (1 - y) * f).sum() / (w * (1 - y)).sum()]
        )


def measurement_error(
    items: pd.DataFrame, decision: str, target: str, n_boot: int, seed: int
) -> pd.DataFrame:
    """Sensitivity (tpr) and false-positive rate (fpr) of a decision on the coded items.

    Weighted by inverse inclusion probability, so they describe the corpus,
    not the enriched sample; replicate 0 is the point estimate, 1..n_boot
    are stratified bootstrap draws (items resampled within strata), which
    the event stage pairs with its own replicates to carry the measurement
    uncertainty into the event CIs. Pass the **test** part only: on the dev
    part the decisions were built and their thresholds chosen, so their
    error rates there are optimistic.
    """
    truth = items[target].to_numpy(float)
    flagged = items[decision].to_numpy(float)
    weights = 1 / items["inclusion_probability"].to_numpy(float)
    statistic = partial(_tpr_fpr, truth, flagged, weights)
    draws = np.vstack(
        [
            statistic(np.arange(len(items))),
            stratified_bootstrap(statistic, items["stratum"].to_numpy(), n_boot, seed),
        ]
    )
    return pd.DataFrame(
        {"replicate": np.arange(len(draws)), "tpr": draws[:, 0], "fpr": draws[:, 1]}
    )


def run_measurement_error(
    design_path: str,
    labels_path: str,
    measures_path: str,
    classifier_path: str,
    doc_measure: str,
    target: str,
    n_boot: int,
    seed: int,
    output: str,
) -> dict:
    gold = load_gold(design_path, labels_path)
    gold = gold[gold["split"] == "test"]  # the decisions were built on the dev part
    scores = pd.read_parquet(measures_path).merge(pd.read_parquet(classifier_path), on="doc_id")
    decision = DECISIONS[doc_measure]
    items = gold.merge(scores[["doc_id", decision]], left_on="item_id", right_on="doc_id")
    table = measurement_error(items, decision, target, n_boot, seed)
    table.to_csv(output, index=False, float_format="%.6f")
    point = table.iloc[0]
    low = table.iloc[1:][["tpr", "fpr"]].quantile(0.025)
    high = table.iloc[1:][["tpr", "fpr"]].quantile(0.975)
    return {
        "decision": decision,
        "coded_items": len(items),
        "tpr": [round(point.tpr, 4), round(low.tpr, 4), round(high.tpr, 4)],
        "fpr": [round(point.fpr, 6), round(low.fpr, 6), round(high.fpr, 6)],
    }


def corpus_strata(documents: pd.DataFrame, filter_paths: dict[str, str]) -> np.ndarray:
    """Stratum of every document, each language with its own broad filter."""
    strata = np.full(len(documents), "rest", dtype=object)
    for lang in sorted(documents["lang"].unique()):
        if lang not in filter_paths:
            raise GoldFileError(
                f"documents in language {lang!r} but validation.items.filter has no entry "
                f"for it (it has: {', '.join(sorted(filter_paths)) or 'none'})"
            )
        spec = load_filter(filter_paths[lang])
        rows = (documents["lang"] == lang).to_numpy()
        strata[rows] = filter_strata(
            documents.loc[rows, "text"], spec["actor_stems"], spec["suspicion_stems"]
        )
    return strata.astype(str)


def run_gold_sample(
    documents_path: str,
    filter_paths: dict[str, str],
    sizes: dict[str, int],
    test_fraction: float,
    double_coded: dict[str, int],
    seed: int,
    max_chars: int,
    guide: str,
    outputs: dict,
) -> dict:
    documents = pd.read_parquet(documents_path)
    strata = corpus_strata(documents, filter_paths)
    sample = draw_item_sample(documents, strata, sizes, test_fraction, double_coded, seed)
    write_for_coders(sample, outputs["sample"])
    write_for_coders(export_for_coding(documents, sample, seed, max_chars), outputs["to_code"])
    second = sample[sample["double_coded"] == 1]
    write_for_coders(
        export_for_coding(documents, second, seed + 2, max_chars), outputs["to_code_second"]
    )
    Path(outputs["guide"]).write_text(Path(guide).read_text(encoding="utf-8"), encoding="utf-8")
    return {
        "population": pd.Series(strata).value_counts().sort_index().to_dict(),
        "sample": {
            "/".join(key): int(n) for key, n in sample.groupby(["stratum", "split"]).size().items()
        },
        "double_coded": int(sample["double_coded"].sum()) if len(sample) else 0,
    }


SCORE_TEX_COLUMNS = {
    "label": "Measure",
    "target": "Target",
    "n_positive": "Pos.",
    "precision": "P",
    "recall": "R",
    "f1": "F1",
    "f1_ci_low": "F1 low",
    "f1_ci_high": "F1 high",
    "auc": "AUC",
}


def load_gold(design_path: str, labels_path: str) -> pd.DataFrame:
    """The design (strata, probabilities, split) joined to the final gold codes; checked."""
    design = pd.read_csv(design_path, dtype={"item_id": str})
    for column in ("item_id", "stratum", "inclusion_probability", "split"):
        if column not in design.columns:
            raise GoldFileError(f"{design_path}: missing column {column!r}")
    design["item_id"] = design["item_id"].map(from_spreadsheet)
    bad_split = ~design["split"].isin(["dev", "test"])
    if bad_split.any():
        line = int(np.flatnonzero(bad_split)[0]) + 2
        raise GoldFileError(f"{design_path}, line {line}: split must be dev or test")
    gold = read_item_codes(labels_path)
    unknown = sorted(set(gold["item_id"]) - set(design["item_id"]))
    if unknown:
        raise GoldFileError(f"{labels_path}: items not in the design {design_path}: {unknown[:5]}")
    uncoded = sorted(set(design["item_id"]) - set(gold["item_id"]))
    if uncoded:
        raise GoldFileError(
            f"{labels_path}: {len(uncoded)} sampled items have no code, e.g. {uncoded[:5]}"
        )
    return design.merge(gold, on="item_id", validate="one_to_one")


# item-level decisions the event stage can rank on (events.doc_measure)
EVENT_MEASURES = {
    "lexicon_anti_western": "lexicon",
    "rule_anti_western": "rule",
    "classifier_claim": "classifier",
    "classifier_probability": "classifier",
}


def choose_measure(
    scores: pd.DataFrame, rate_agreement: pd.DataFrame, target: str = "anti_western"
) -> pd.DataFrame:
    """Rank the measures by the evidence: the default is the best on the locked test part.

    Per measure: weighted F1 (with CI) on the **test** part for ``target``,
    and the Spearman correlation of its per-event rates with the gold ones.
    Eligible: a measure the event stage can rank on (``EVENT_MEASURES``)
    whose per-event rates correlate positively with the gold rates. The
    chosen one has the highest test F1 among the eligible (ties: higher
    Spearman). Nothing here looks at event ranks or event types.
    """
    test = scores[
        (scores["split"] == "test")
        & (scores["target"] == target)
        & scores["weighting"].str.startswith("inverse")
    ]
    rho = rate_agreement[rate_agreement["target"] == target].set_index("measure")["spearman"]
    table = pd.DataFrame(
        {
            "measure": test["measure"].to_numpy(),
            "target": target,
            "test_f1": test["f1"].to_numpy(),
            "test_f1_ci_low": test["f1_ci_low"].to_numpy(),
            "test_f1_ci_high": test["f1_ci_high"].to_numpy(),
            "test_auc": test["auc"].to_numpy(),
            "event_spearman": test["measure"].map(rho).to_numpy(),
        }
    )
    table["doc_measure"] = table["measure"].map(EVENT_MEASURES).fillna("")
    table["eligible"] = (
        (table["doc_measure"] != "") & (table["event_spearman"] > 0) & table["test_f1"].notna()
    ).astype(int)
    table = table.sort_values(
        ["eligible", "test_f1", "event_spearman"], ascending=False, na_position="last"
    ).reset_index(drop=True)
    table["chosen"] = 0
    if table["eligible"].any():
        table.loc[0, "chosen"] = 1
    return table


def run_validation_report(
    design_path: str,
    labels_path: str,
    coder_paths: list[str],
    adjudication_path: str | None,
    measures_path: str,
    classifier_path: str | None,
    events_path: str,
    days_before: int,
    days_after: int,
    min_event_items: int,
    n_boot: int,
    seed: int,
    outputs: dict,
) -> dict:
    from schemes.events import event_windows, load_events
    from schemes.tables import booktabs

    items = load_gold(design_path, labels_path)
    corpus = pd.read_parquet(measures_path)
    if classifier_path:
        corpus = corpus.merge(pd.read_parquet(classifier_path), on="doc_id", how="left")
    measures = [m for m in MEASURES if m in corpus.columns]
    missing = sorted(set(items["item_id"]) - set(corpus["doc_id"]))
    if len(missing) == len(items):
        raise GoldFileError(
            f"{design_path}: none of its {len(items)} coded items is a document of this "
            f"corpus, e.g. {missing[:5]} (is the design for another corpus?)"
        )
    if missing:
        # a corpus covering part of the sampled population (other years, other
        # fields of the same items): the estimates describe that part
        log.warning(
            "%s: %d of %d coded items are not documents of this corpus (e.g. %s); "
            "the report covers the others",
            design_path,
            len(missing),
            len(items),
            missing[:5],
        )
    items = items.merge(
        corpus[["doc_id", *measures]].rename(columns={"doc_id": "item_id"}), on="item_id"
    )
    scores = score_measures(items, measures, n_boot, seed)
    scores.to_csv(outputs["scores"], index=False, float_format="%.4f")
    quoted = scores[(scores["split"] == "test") & scores["weighting"].str.startswith("inverse")]
    Path(outputs["scores_tex"]).write_text(
        booktabs(
            quoted[list(SCORE_TEX_COLUMNS)].rename(columns=SCORE_TEX_COLUMNS),
            "Item-level agreement of each measure with the hand-coded gold standard, locked "
            "test part, weighted by inverse inclusion probability (95\\% stratified bootstrap CIs).",
            "tab:validation",
        ),
        encoding="utf-8",
    )
    if len(coder_paths) >= 2:
        first, second = (read_item_codes(p) for p in coder_paths[:2])
        agreement, disagreements = reliability(first, second, n_boot, seed)
        if adjudication_path:
            check_adjudication(
                disagreements,
                read_from_coders(adjudication_path),
                items,
                adjudication_path,
            )
    else:
        agreement = pd.DataFrame(columns=["field", "items", "krippendorff_alpha"])
    agreement.to_csv(outputs["reliability"], index=False, float_format="%.4f")
    windows = event_windows(load_events(events_path), days_before, days_after, 0)
    rates, rate_agreement = event_rates(items, corpus, windows, measures, min_event_items)
    rates.to_csv(outputs["event_rates"], index=False, float_format="%.5f")
    rate_agreement.to_csv(outputs["event_agreement"], index=False, float_format="%.4f")
    choice = choose_measure(scores, rate_agreement)
    choice.to_csv(outputs["choice"], index=False, float_format="%.4f")
    positives = items.groupby(["split", "stratum"])[["claim", "anti_western"]].sum()
    return {
        "items": len(items),
        "coded_items_not_in_corpus": len(missing),
        "default_measure_by_evidence": choice.loc[choice["chosen"] == 1, "measure"].tolist(),
        "positives": {"/".join(k): v for k, v in positives.to_dict("index").items()},
        "alpha": agreement.set_index("field")["krippendorff_alpha"].to_dict()
        if len(agreement)
        else {},
        "test_f1": {
            f"{row.measure}/{row.target}": round(float(row.f1), 3)
            for row in quoted.itertuples(index=False)
        },
    }


def run_item_measures(
    doc_claims_path: str,
    candidates_path: str,
    framing_share_path: str | None,
    lss_path: str | None,
    rules_path: str | None,
    output: str,
) -> dict:
    """The item-measure table; a measure whose input path is None is left out."""

    def optional(path):
        return pd.read_parquet(path) if path else None

    table = item_measures(
        pd.read_parquet(doc_claims_path),
        pd.read_parquet(candidates_path),
        optional(framing_share_path),
        optional(lss_path),
        optional(rules_path),
    )
    table.to_parquet(output, index=False)
    return {
        column: round(float(table[column].mean()), 5)
        for column in table.columns
        if column in MEASURES
    }


def build_gold(
    first: pd.DataFrame, second: pd.DataFrame, adjudication: pd.DataFrame
) -> pd.DataFrame:
    """Final codes: the first coding, with every double-coded disagreement settled by adjudication.

    ``first`` codes every sampled item, ``second`` the double-coded subset,
    ``adjudication`` has one row per (item_id, field) disagreement with the
    ``final`` code and a ``reason``. Where the adjudicated claim code is the
    second coder's, that coder's accused, accuser and stance are taken too.
    An optional ``stance`` column of the adjudication overrides the stance.
    A disagreement without an adjudication row is an error.
    """
    _, disagreements = reliability(first, second, n_boot=1, seed=0)
    decided = adjudication.assign(final=adjudication["final"].astype(int)).set_index(
        ["item_id", "field"]
    )
    missing = [
        (row.item_id, row.field)
        for row in disagreements.itertuples(index=False)
        if (row.item_id, row.field) not in decided.index
    ]
    if missing:
        raise GoldFileError(f"{len(missing)} disagreements are not adjudicated, e.g. {missing[:3]}")
    gold = first.set_index("item_id").copy()
    others = second.set_index("item_id")
    gold["source"] = "first coder"
    gold.loc[gold.index.isin(others.index), "source"] = "agreed"
    for (item, field), row in decided.iterrows():
        gold.at[item, field] = row["final"]
        gold.at[item, "source"] = "adjudicated"
        if (
            field == "claim"
            and row["final"]
            == others.at[item, "claim"]
            != first.set_index("item_id").at[item, "claim"]
        ):
            for column in ("accused", "accused_detail", "accuser", "stance", "reason"):
                gold.at[item, column] = others.at[item, column]
        if str(row.get("stance", "")).strip():
            gold.at[item, "stance"] = str(row["stance"]).strip()
    gold.loc[gold["claim"] == 0, "anti_western"] = 0
    return gold.reset_index()
