"""Scoring every measure against the hand codes, and choosing the measure by the evidence.

:func:`score_measures` gives item-level precision, recall, F1 (and AUC for
scores) of every measure of the registry (:mod:`schemes.measures`), on the
dev and the locked test part, weighted by inverse inclusion probability and
unweighted, with stratified bootstrap CIs. :func:`choose_measure` ranks the
measures the event stage can use by test-part F1 among those whose
per-event rates follow the gold rates. :func:`run_validation_report` writes
these tables, the coders' agreement and the per-event rates.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from schemes import measures as registry
from schemes.catalogue import event_windows, load_events
from schemes.coding import (
    TARGETS,
    check_adjudication,
    check_coder_files,
    gold_overlap,
    load_gold,
    reliability,
)
from schemes.eventrates import event_rates
from schemes.settings import Settings, key
from schemes.stats import (
    best_threshold,
    percentile_ci,
    stratified_bootstrap,
    weighted_auc,
    weighted_prf,
)
from schemes.tables import booktabs
from schemes.textnorm import read_from_coders

log = logging.getLogger(__name__)


def _prf_auc(index, *, truth, predicted, score, weights) -> np.ndarray:
    """Precision, recall, F1 and (for a score, else NaN) AUC of the items at ``index``."""
    prf = weighted_prf(truth[index], predicted[index], weights[index])
    auc = np.nan if score is None else weighted_auc(truth[index], score[index], weights[index])
    return np.append(prf, auc)


def _is_score(column: str) -> bool:
    return registry.measure(column).kind != "binary"


def dev_thresholds(items: pd.DataFrame, measures: list[str], target: str) -> dict[str, float]:
    """Each score's cut-off with the best weighted F1 for ``target`` on the **dev** part."""
    dev = items[items["split"] == "dev"]
    thresholds = {}
    for column in (c for c in measures if _is_score(c)):
        finite = np.isfinite(dev[column].to_numpy(float))
        thresholds[column] = best_threshold(
            dev[target].to_numpy(float)[finite],
            dev[column].to_numpy(float)[finite],
            1 / dev["inclusion_probability"].to_numpy(float)[finite],
        )
    return thresholds


def score_row(
    data: pd.DataFrame, column: str, target: str, *, weights, threshold, n_boot, seed
) -> dict:
    """P/R/F1 (and AUC for a score) of one measure on one part, with bootstrap CIs."""
    truth = data[target].to_numpy(float)
    # items a measure could not score (NaN) are left out of its row
    valid = np.isfinite(data[column].to_numpy(float))
    value = data[column].to_numpy(float)[valid]
    predicted = (value >= threshold).astype(float)
    score = _is_score(column)
    statistic = partial(
        _prf_auc,
        truth=truth[valid],
        predicted=predicted,
        score=value if score else None,
        weights=weights[valid],
    )
    point = statistic(np.arange(int(valid.sum())))
    strata = data["stratum"].to_numpy()[valid]
    low, high = percentile_ci(stratified_bootstrap(statistic, strata, n_boot=n_boot, seed=seed))
    row = {
        "measure": column,
        "label": registry.measure(column).label,
        "target": target,
        "threshold": threshold if score else np.nan,
        "n_items": int(valid.sum()),
        "n_positive": int(truth[valid].sum()),
        "n_flagged": int(predicted.sum()),
    }
    for k, name in enumerate(("precision", "recall", "f1", "auc")):
        row[name], row[f"{name}_ci_low"], row[f"{name}_ci_high"] = point[k], low[k], high[k]
    return row


def score_measures(
    items: pd.DataFrame, measures: list[str], *, n_boot: int, seed: int
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
        thresholds = dev_thresholds(items, measures, target)
        for split in ("dev", "test"):
            data = items[items["split"] == split]
            for weighted in (True, False):
                weights = (
                    1 / data["inclusion_probability"].to_numpy(float)
                    if weighted
                    else np.ones(len(data))
                )
                weighting = "inverse inclusion probability" if weighted else "unweighted"
                for column in measures:
                    row = score_row(
                        data,
                        column,
                        target,
                        weights=weights,
                        threshold=thresholds.get(column, 0.5),
                        n_boot=n_boot,
                        seed=seed,
                    )
                    rows.append({**row, "split": split, "weighting": weighting})
    return pd.DataFrame(rows)[SCORE_COLUMNS]


SCORE_COLUMNS = [
    "measure",
    "label",
    "target",
    "split",
    "weighting",
    "threshold",
    "n_items",
    "n_positive",
    "n_flagged",
    *(f"{m}{s}" for m in ("precision", "recall", "f1", "auc") for s in ("", "_ci_low", "_ci_high")),
]
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


def choose_measure(
    scores: pd.DataFrame, rate_agreement: pd.DataFrame, target: str = "anti_western"
) -> pd.DataFrame:
    """Rank the measures by the evidence: the default is the best on the locked test part.

    Per measure: weighted F1 (with CI) on the **test** part for ``target``,
    and the Spearman correlation of its per-event rates with the gold ones.
    Eligible: a measure the event stage can rank on (its registry row's
    ``ranks_as``) whose per-event rates correlate positively with the gold
    rates. The chosen one has the highest test F1 among the eligible (ties:
    higher Spearman). Nothing here looks at event ranks or event types.
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
    table["doc_measure"] = [registry.measure(m).ranks_as for m in table["measure"]]
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


@dataclass(frozen=True)
class ValidationReportSettings(Settings):
    """Event windows for the per-event rates, and the bootstrap of every CI."""

    days_before: int = key("events.days_before")
    days_after: int = key("events.days_after")
    min_event_items: int = key("validation.items.min_event_items")
    bootstrap: int = key("validation.bootstrap")
    seed: int = key("validation.seed")


def coded_items_with_measures(inputs: dict) -> tuple[pd.DataFrame, pd.DataFrame, list[str], int]:
    """(gold items joined to their measures, the corpus's item table, the measures present,
    the number of coded items that are not items of this corpus)."""
    items = load_gold(inputs["design"], inputs["labels"])
    corpus = pd.read_parquet(inputs["measures"])
    measures = [c for c in registry.columns() if c in corpus.columns]
    gold_overlap(items, set(corpus["doc_id"]), design=inputs["design"])
    missing = sorted(set(items["item_id"]) - set(corpus["doc_id"]))
    if missing:
        # a corpus covering part of the sampled population (other years, other
        # fields of the same items): the estimates describe that part
        log.warning(
            "%s: %d of %d coded items are not documents of this corpus (e.g. %s); "
            "the report covers the others",
            inputs["design"],
            len(missing),
            len(items),
            missing[:5],
        )
    items = items.merge(
        corpus[["doc_id", *measures]].rename(columns={"doc_id": "item_id"}), on="item_id"
    )
    return items, corpus, measures, len(missing)


def write_scores(scores: pd.DataFrame, outputs: dict) -> pd.DataFrame:
    """The scores table and its LaTeX version (locked test part, weighted); returns the latter's rows."""
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
    return quoted


def coder_agreement(inputs: dict, items: pd.DataFrame, *, bootstrap: int, seed: int):
    """Krippendorff's alpha of the first two coders; every disagreement must be adjudicated."""
    coders = inputs["coders"]
    if len(coders) < 2:
        return pd.DataFrame(columns=["field", "items", "krippendorff_alpha"])
    design = inputs["design"]  # the coders' items are the design's, in the corpus or not
    sampled = set(read_from_coders(design)["item_id"])
    first, second = check_coder_files(coders[:2], sampled, design=design)
    agreement, disagreements = reliability(first, second, n_boot=bootstrap, seed=seed)
    if inputs.get("adjudication"):
        path = inputs["adjudication"]
        check_adjudication(disagreements, read_from_coders(path), items, path=path)
    return agreement


def run_validation_report(settings: ValidationReportSettings, inputs: dict, outputs: dict) -> dict:
    """Every measure against the hand codes: item scores, coder agreement, event rates, choice.

    Inputs: ``design``, ``labels``, ``coders`` (a list), optional
    ``adjudication`` (the gold standard's files), ``measures`` (the item
    table) and ``catalogue``. Outputs: ``scores`` (+ ``scores_tex``),
    ``reliability``, ``event_rates``, ``event_agreement``, ``choice``.
    Settings: the event window (``days_before``, ``days_after``),
    ``min_event_items``, ``bootstrap``, ``seed``.
    """
    items, corpus, measures, not_in_corpus = coded_items_with_measures(inputs)
    scores = score_measures(items, measures, n_boot=settings.bootstrap, seed=settings.seed)
    quoted = write_scores(scores, outputs)
    agreement = coder_agreement(inputs, items, bootstrap=settings.bootstrap, seed=settings.seed)
    agreement.to_csv(outputs["reliability"], index=False, float_format="%.4f")
    windows = event_windows(
        load_events(inputs["catalogue"]), settings.days_before, settings.days_after, baseline_days=0
    )
    rates, rate_agreement = event_rates(
        items, corpus, windows, measures=measures, min_items=settings.min_event_items
    )
    rates.to_csv(outputs["event_rates"], index=False, float_format="%.5f")
    rate_agreement.to_csv(outputs["event_agreement"], index=False, float_format="%.4f")
    choice = choose_measure(scores, rate_agreement)
    choice.to_csv(outputs["choice"], index=False, float_format="%.4f")
    positives = items.groupby(["split", "stratum"])[["claim", "anti_western"]].sum()
    return {
        "items": len(items),
        "coded_items_not_in_corpus": not_in_corpus,
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
