"""Active learning: which un-coded items a human should hand-code next.

The supervised item classifier (:mod:`schemes.classifier`) gives every item a
calibrated probability and flags it when the probability reaches the decision
threshold. Items the classifier is least sure about are the ones whose codes
teach it most, so :func:`select_for_coding` combines two criteria:

1. **Uncertainty.** An item's uncertainty is how close its probability lies to
   the decision threshold on the logit scale, ``|logit(p) - logit(t)|`` (small
   = uncertain). On the logit scale the distance is symmetric around the
   threshold whatever the threshold is: p = 0.1 and p = 0.9 are equally far
   from t = 0.5, and so are logit(t) - 1 and logit(t) + 1 for any t. The
   ``n * pool_factor`` most uncertain items that are not coded yet form the
   pool; ties are broken by ``doc_id``.
2. **Diversity.** Many of the most uncertain items are near-copies of each
   other (the same story in several bulletins), and coding all of them teaches
   the model one thing several times. From the pool, ``n`` items are chosen by
   greedy farthest-first traversal (the k-center heuristic; Sener and Savarese
   2018): start from the most uncertain item, then repeatedly take the pool
   item farthest from everything chosen so far. Distance is the cosine
   distance between L2-normalised TF-IDF vectors of the items' lemmas; ties
   go to the more uncertain item (then to the smaller ``doc_id``). Items
   without any lemma are all identical to each other and at distance 1 from
   every other item, so at most one of them is taken before the others
   are exhausted.

There is no random step: the same inputs always give the same selection.

**Actively chosen items are not a probability sample.** They are chosen
*because* the current classifier finds them hard, so their inclusion
probabilities are unknown (and, for most of the corpus, zero). They may be
used to **train** a model (their ``split`` is ``train`` and their ``stratum``
``active``), but never to estimate precision, recall, F1 or the prevalence of
claims: those come only from the stratified random sample of
:mod:`schemes.goldsample` (its locked ``test`` part), weighted by inverse inclusion
probability. :func:`schemes.coding.load_gold` accepts only ``dev`` and ``test``
splits, so an active selection cannot be mixed into the design by mistake.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from schemes.coding import (
    CodedFileError,
    check_active_in_corpus,
    export_for_coding,
    read_active_labels,
)
from schemes.preprocess import item_lemmas, read_sentences
from schemes.settings import Settings
from schemes.textnorm import from_spreadsheet, write_for_coders

log = logging.getLogger(__name__)

COLUMNS = ["item_id", "probability", "uncertainty_rank", "selection_order", "min_distance"]
SELECTION_COLUMNS = [
    "item_id",
    "date",
    "probability",
    "uncertainty_rank",
    "selection_order",
    "min_distance",
    "stratum",
    "split",
]
_EPS = 1e-9  # probabilities are clipped to [eps, 1 - eps] before the logit


def _logit(p):
    p = np.clip(np.asarray(p, dtype=float), _EPS, 1 - _EPS)
    return np.log(p) - np.log1p(-p)


def uncertainty(probability: np.ndarray, threshold: float) -> np.ndarray:
    """``|logit(p) - logit(threshold)|``: 0 at the threshold, larger = more certain."""
    return np.abs(_logit(probability) - _logit(threshold))


def _unit_vectors(lemmas: pd.Series):
    """L2-normalised TF-IDF rows of ``lemmas`` plus an indicator column for empty items.

    An item without lemmas has a zero TF-IDF row; the indicator gives it the
    unit vector of its own axis instead, so two empty items are identical
    (distance 0) and an empty item is at distance 1 from every other item.
    """
    texts = lemmas.fillna("").astype(str).tolist()
    if any(t.split() for t in texts):
        vectorizer = TfidfVectorizer(
            analyzer=str.split, lowercase=False, sublinear_tf=True, token_pattern=None
        )
        tfidf = normalize(vectorizer.fit_transform(texts), norm="l2")
    else:
        log.warning("no pool item has any lemma: the selection falls back to uncertainty order")
        tfidf = csr_matrix((len(texts), 0))
    empty = np.asarray(tfidf.getnnz(axis=1) == 0, dtype=float)[:, None]
    return hstack([tfidf, csr_matrix(empty)]).tocsr()


def farthest_first(vectors, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Greedy k-center traversal of unit-vector rows, starting from row 0.

    Returns (rows in selection order, each row's cosine distance to the
    nearest row chosen before it; NaN for the first). Ties go to the lower row
    index, so callers order rows by priority.
    """
    size = vectors.shape[0]
    n = min(n, size)
    if n == 0:
        return np.arange(0), np.arange(0, dtype=float)
    chosen = [0]
    at_choice = [np.nan]
    nearest = np.full(size, np.inf)
    available = np.ones(size, dtype=bool)
    available[0] = False
    for _ in range(1, n):
        last = vectors[chosen[-1]]
        distance = 1.0 - np.asarray((vectors @ last.T).todense()).ravel()
        # rounding makes exact ties (duplicates, orthogonal items) robust to float noise
        nearest = np.minimum(nearest, np.clip(np.round(distance, 12), 0.0, 1.0))
        candidates = np.where(available, nearest, -np.inf)
        pick = int(np.argmax(candidates))  # first maximum: the highest-priority row
        chosen.append(pick)
        at_choice.append(float(nearest[pick]))
        available[pick] = False
    return np.array(chosen), np.array(at_choice)


def _check_request(probability: pd.Series, threshold: float, *, n, pool_factor) -> None:
    if int(n) != n or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    if int(pool_factor) != pool_factor or pool_factor < 1:
        raise ValueError(f"pool_factor must be an integer >= 1, got {pool_factor!r}")
    if not np.isfinite(threshold) or not 0 <= threshold <= 1:
        raise ValueError(f"threshold must be a probability in [0, 1], got {threshold!r}")
    if probability.index.has_duplicates:
        repeated = probability.index[probability.index.duplicated()][:5].tolist()
        raise ValueError(f"probability has repeated doc_ids, e.g. {repeated}")


def uncertainty_order(probability: pd.Series, threshold: float, exclude: set[str]) -> pd.DataFrame:
    """The un-coded items, most uncertain first (ties by doc_id), with ``uncertainty_rank``."""
    items = pd.DataFrame(
        {"item_id": probability.index.astype(str), "probability": probability.to_numpy(float)}
    )
    unscored = items["probability"].isna()
    if unscored.any():
        log.warning("%d items without a probability are left out", int(unscored.sum()))
        items = items[~unscored]
    out_of_range = ~items["probability"].between(0, 1)
    if out_of_range.any():
        raise ValueError(
            f"probabilities must lie in [0, 1]; e.g. {items.loc[out_of_range].iloc[0].to_dict()}"
        )
    items = items[~items["item_id"].isin({str(i) for i in exclude})]
    # rounding makes symmetric pairs exact ties, so they are broken by doc_id, not float noise
    items = items.assign(
        uncertainty=np.round(uncertainty(items["probability"].to_numpy(), threshold), 12)
    )
    items = items.sort_values(["uncertainty", "item_id"], kind="stable").reset_index(drop=True)
    items["uncertainty_rank"] = np.arange(1, len(items) + 1)
    return items


def select_for_coding(
    probability: pd.Series,
    threshold: float,
    lemmas: pd.Series,
    *,
    exclude: set[str],
    n: int,
    pool_factor: int,
) -> pd.DataFrame:
    """The ``n`` items to hand-code next: uncertain, diverse, not coded yet.

    ``probability`` and ``lemmas`` are indexed by doc_id (items missing from
    ``lemmas`` count as empty); ``exclude`` holds the ids of coded items,
    which are never returned. See the module docstring for the method: it
    has no random step, so the selection needs no seed.

    Returns one row per chosen item in selection order with ``item_id``,
    ``probability``, ``uncertainty_rank`` (1 = closest to the threshold among
    all un-coded items), ``selection_order`` (1, 2, ...) and
    ``min_distance`` (cosine distance to the nearest item chosen before it;
    NaN for the first). With fewer un-coded items than ``n``, all of them are
    returned and a warning is logged.
    """
    _check_request(probability, threshold, n=n, pool_factor=pool_factor)
    n, pool_factor = int(n), int(pool_factor)
    items = uncertainty_order(probability, threshold, exclude)
    if n > len(items):
        log.warning(
            "asked for %d items but only %d un-coded items are left: all of them are returned",
            n,
            len(items),
        )
    if n == 0 or items.empty:
        return pd.DataFrame(
            {
                "item_id": pd.Series(dtype=str),
                "probability": pd.Series(dtype=float),
                "uncertainty_rank": pd.Series(dtype=int),
                "selection_order": pd.Series(dtype=int),
                "min_distance": pd.Series(dtype=float),
            }
        )
    pool = items.iloc[: n * pool_factor]
    rows, distance = farthest_first(_unit_vectors(lemmas.reindex(pool["item_id"])), n)
    chosen = pool.iloc[rows].reset_index(drop=True)
    return pd.DataFrame(
        {
            "item_id": chosen["item_id"],
            "probability": chosen["probability"],
            "uncertainty_rank": chosen["uncertainty_rank"],
            "selection_order": np.arange(1, len(chosen) + 1),
            "min_distance": distance,
        }
    )[COLUMNS]


def decision_threshold(scores: pd.DataFrame) -> float:
    """The classifier's threshold: the lowest probability it flags (0.5 if it flags none)."""
    flagged = scores.loc[scores["classifier_claim"] == 1, "classifier_probability"]
    return float(flagged.min()) if len(flagged) else 0.5


@dataclass(frozen=True)
class ActiveSettings(Settings):
    """``validation.items.active``: items to propose, and the uncertain pool's size (x n)."""

    n: int
    pool_factor: int


@dataclass(frozen=True)
class ActiveLearningSettings(Settings):
    """Rule ``active_learning``: how many items, the pool, and the coder file."""

    SECTION: ClassVar[str] = "validation.items"
    active: ActiveSettings
    seed: int
    max_chars: int


def read_scores(path) -> pd.DataFrame:
    """The classifier's scores, checked."""
    scores = pd.read_parquet(path)
    missing = {"doc_id", "classifier_probability", "classifier_claim"} - set(scores.columns)
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    scores["doc_id"] = scores["doc_id"].astype(str)
    return scores


def coded_items(design_path, scores: pd.DataFrame) -> set[str]:
    """The ids of the gold sample's design; a design of another corpus is an error."""
    design = pd.read_csv(design_path, dtype={"item_id": str})
    if "item_id" not in design.columns:
        raise CodedFileError(f"{design_path}: missing column 'item_id'")
    coded = set(design["item_id"].map(from_spreadsheet).dropna())
    unknown = coded - set(scores["doc_id"])
    if coded and unknown == coded:
        raise CodedFileError(
            f"{design_path}: none of its {len(coded)} items is an item of this corpus "
            "(is the design for another corpus?)"
        )
    if unknown:
        log.warning(
            "%d design items are not in the classifier scores, e.g. %s",
            len(unknown),
            sorted(unknown)[:5],
        )
    return coded


def run_active_learning(settings: ActiveLearningSettings, inputs: dict, outputs: dict) -> dict:
    """Write the active selection (``outputs["selection"]``) and its coder file (``["to_code"]``).

    Inputs: ``documents``, ``sentences`` (lemmas), ``scores`` (the
    classifier's), ``design`` (the gold sample's) and ``active`` (earlier
    rounds' coded files, a list). Settings: ``active`` (``n``,
    ``pool_factor``), ``seed`` (shuffles the coder file), ``max_chars``.
    Items in the coded sample's design, and items coded in earlier active
    rounds, are never proposed. The selection file marks every row
    ``stratum = active``, ``split = train``: these items may train a model
    but never enter a precision, recall or prevalence estimate (see the
    module docstring). The coder file shows only item_id, date and text
    (shuffled with ``seed``), like the gold sample's.
    """
    documents = pd.read_parquet(inputs["documents"], columns=["doc_id", "date", "text"])
    documents["doc_id"] = documents["doc_id"].astype(str)
    scores = read_scores(inputs["scores"])
    threshold = decision_threshold(scores)
    coded = coded_items(inputs["design"], scores)
    check_active_in_corpus(inputs.get("active", []), set(scores["doc_id"]))
    earlier = set(read_active_labels(inputs.get("active", []), "claim", sample=coded)["item_id"])
    not_documents = set(scores["doc_id"]) - set(documents["doc_id"])
    if not_documents:
        raise ValueError(
            f"{inputs['scores']}: {len(not_documents)} scored items are not documents, "
            f"e.g. {sorted(not_documents)[:5]} (scores from another run?)"
        )
    lemmas = item_lemmas(read_sentences(inputs["sentences"], columns=["doc_id", "lemmas"]))
    lemmas.index = lemmas.index.astype(str)
    chosen = select_for_coding(
        scores.set_index("doc_id")["classifier_probability"],
        threshold,
        lemmas,
        exclude=coded | earlier,
        n=settings.active.n,
        pool_factor=settings.active.pool_factor,
    )
    selection = write_selection(chosen, documents, settings, outputs=outputs)
    uncoded = int((~scores["doc_id"].isin(coded)).sum())
    return {
        "threshold": round(threshold, 4),
        "corpus_items": len(scores),
        "coded_items_excluded": len(coded & set(scores["doc_id"])),
        "earlier_rounds_excluded": len(earlier & set(scores["doc_id"])),
        "uncoded_items": uncoded,
        "pool": min(int(settings.active.n) * int(settings.active.pool_factor), uncoded),
        "chosen": len(selection),
        "chosen_flagged": int((selection["probability"] >= threshold).sum()),
        "chosen_probability_range": [
            round(float(selection["probability"].min()), 4),
            round(float(selection["probability"].max()), 4),
        ]
        if len(selection)
        else None,
    }


def write_selection(chosen, documents, settings: ActiveLearningSettings, *, outputs: dict):
    """The selection table and the coders' file; returns the selection."""
    dates = pd.to_datetime(documents.set_index("doc_id")["date"]).dt.strftime("%Y-%m-%d")
    selection = chosen.assign(
        date=chosen["item_id"].map(dates).to_numpy(), stratum="active", split="train"
    )[SELECTION_COLUMNS]
    selection.to_csv(outputs["selection"], index=False, float_format="%.6f")
    write_for_coders(
        export_for_coding(
            documents, selection[["item_id", "date"]], settings.seed, max_chars=settings.max_chars
        ),
        outputs["to_code"],
    )
    return selection
