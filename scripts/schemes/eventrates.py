"""Per-event rates from the hand codes, and the measurement error of a 0/1 decision.

:func:`event_rates` sets each event window's gold rate (Horvitz-Thompson
over the coded items in it) beside every measure's mean over all corpus
items in the window, and their rank agreement across events.
:func:`measurement_error` gives a decision's sensitivity and false-positive
rate on the locked test part, with stratified bootstrap draws the event
stage pairs with its own replicates (``events.correction: acc``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from schemes.coding import TARGETS, gold_overlap, load_gold
from schemes.measures import event_measure_column
from schemes.settings import Settings, key
from schemes.stats import stratified_bootstrap


def _gold_rates(items: pd.DataFrame, sampled: np.ndarray, weights: np.ndarray) -> dict:
    """Coded positives and the Horvitz-Thompson rate of each target among ``sampled`` items."""
    row = {}
    for target in TARGETS:
        y = items[target].to_numpy(float)
        row[f"gold_{target}_positives"] = int(y[sampled].sum())
        row[f"gold_{target}_rate"] = (
            float((weights[sampled] * y[sampled]).sum() / weights[sampled].sum())
            if sampled.any()
            else np.nan
        )
    return row


def event_rates(
    items: pd.DataFrame,
    corpus: pd.DataFrame,
    windows: pd.DataFrame,
    *,
    measures: list[str],
    min_items: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-event rates from the gold codes and from each measure, and their rank agreement.

    The gold rate of an event is the Horvitz-Thompson estimate (weighted mean
    of the gold code over the coded items in its window); a measure's rate is
    its mean over **every** corpus item in the window, as the event stage
    sees it. Spearman's rho is taken over events with at least
    ``min_items`` coded items (:func:`rate_agreement`).
    """
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
            **_gold_rates(items, sampled, weights),
        }
        for column in measures:
            row[column] = float(corpus.loc[in_corpus, column].mean())
        rows.append(row)
    rates = pd.DataFrame(rows)
    return rates, rate_agreement(rates, measures, min_items)


def rate_agreement(rates: pd.DataFrame, measures: list[str], min_items: int) -> pd.DataFrame:
    """Spearman's rho between gold and measure rates over events with ``min_items`` coded items."""
    summary = []
    enough = rates[rates["n_items"] >= min_items] if len(rates) else rates
    for target in TARGETS:
        gold = f"gold_{target}_rate"
        for column in measures:
            usable = enough.dropna(subset=[gold, column]) if len(enough) else enough
            rho = (
                spearmanr(usable[gold], usable[column]).statistic
                if len(usable) >= 3 and usable[gold].nunique() > 1 and usable[column].nunique() > 1
                else np.nan
            )
            summary.append(
                {
                    "measure": column,
                    "target": target,
                    "n_events": len(usable),
                    "min_items": min_items,
                    "spearman": rho,
                }
            )
    return pd.DataFrame(summary)


def _tpr_fpr(index, *, truth, flagged, weights) -> np.ndarray:
    y, f, w = truth[index], flagged[index], weights[index]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.array(
            [(w * y * f).sum() / (w * y).sum(), (w * (1 - y) * f).sum() / (w * (1 - y)).sum()]
        )


def measurement_error(
    items: pd.DataFrame, decision: str, target: str, *, n_boot: int, seed: int
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
    statistic = partial(_tpr_fpr, truth=truth, flagged=flagged, weights=weights)
    draws = np.vstack(
        [
            statistic(np.arange(len(items))),
            stratified_bootstrap(statistic, items["stratum"].to_numpy(), n_boot=n_boot, seed=seed),
        ]
    )
    return pd.DataFrame(
        {"replicate": np.arange(len(draws)), "tpr": draws[:, 0], "fpr": draws[:, 1]}
    )


@dataclass(frozen=True)
class MeasurementErrorSettings(Settings):
    """The decision whose errors are measured, and the bootstrap of its error rates."""

    doc_measure: str = key("events.doc_measure")
    bootstrap: int = key("events.bootstrap")
    seed: int = key("validation.seed")


def run_measurement_error(settings: MeasurementErrorSettings, inputs: dict, outputs: dict) -> dict:
    """Error rates of the event stage's 0/1 decision on the locked test part (``correction: acc``).

    Inputs: ``design``, ``labels`` (the gold standard), ``measures`` (the
    item table). Output: ``table`` (replicate 0 = point, then ``bootstrap``
    draws). Settings: ``doc_measure`` (its decision column), ``bootstrap``,
    ``seed``. The target is the anti-Western claim, the event stage's.
    """
    gold = load_gold(inputs["design"], inputs["labels"])
    decision = event_measure_column(settings.doc_measure, "acc")
    scores = pd.read_parquet(inputs["measures"], columns=["doc_id", decision])
    gold_overlap(gold, set(scores["doc_id"]), design=inputs["design"])
    gold = gold[gold["split"] == "test"]  # the decisions were built on the dev part
    items = gold.merge(scores, left_on="item_id", right_on="doc_id")
    table = measurement_error(
        items, decision, "anti_western", n_boot=settings.bootstrap, seed=settings.seed
    )
    table.to_csv(outputs["table"], index=False, float_format="%.6f")
    point = table.iloc[0]
    low = table.iloc[1:][["tpr", "fpr"]].quantile(0.025)
    high = table.iloc[1:][["tpr", "fpr"]].quantile(0.975)
    return {
        "decision": decision,
        "coded_items": len(items),
        "tpr": [round(point.tpr, 4), round(low.tpr, 4), round(high.tpr, 4)],
        "fpr": [round(point.fpr, 6), round(low.fpr, 6), round(high.fpr, 6)],
    }
