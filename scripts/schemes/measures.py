"""The measure registry, the item-measure table and the event stage's per-item values.

A *measure* gives every item (a news item, or a document) one number saying
how much conspiratorial anti-Western framing it carries: a 0/1 decision, a
score, or a probability. Each measure has **one row** in :data:`MEASURES`,
and every list of measures derives from it:

* the item-measure table (rule ``item_measures``): one column per measure,
  read from the file the measure's rule writes;
* the validation report (every measure scored against the hand codes, in
  registry order, with the registry's label);
* the names ``events.doc_measure`` accepts (``ranks_as``; the config schema's
  enum is checked against them by a test) and the column each name ranks on;
* the classifier's possible features (``feature``; the schema's enum of
  ``validation.items.classifier.measures`` is checked too);
* the extra measures of the sensitivity grid (``sensitivity``).

Adding a measure: a module that computes it, a rule that writes a parquet
file with ``doc_id`` and the measure's column, and one row here
(CONTRIBUTING.md, "Adding a measure").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd

from schemes.settings import Settings, key


def lss_values(source: pd.DataFrame, doc_ids: pd.Series) -> np.ndarray:
    """LSS scores; an item of a scaled language without any model term gets the lowest score.

    Items of a language LSS could not scale (``lss_scored`` false) stay NaN,
    so the validation report leaves them out of the LSS row.
    """
    lss = source.set_index("doc_id")
    score = doc_ids.map(lss["lss_score"]).to_numpy(float)
    scored = (
        doc_ids.map(lss["lss_scored"]).fillna(False).to_numpy(bool)
        if "lss_scored" in lss.columns
        else np.ones(len(doc_ids), dtype=bool)
    )
    lowest = np.nanmin(np.where(scored, score, np.nan), initial=np.inf)
    lowest = lowest if np.isfinite(lowest) else 0.0
    return np.where(np.isfinite(score), score, np.where(scored, lowest, np.nan))


@dataclass(frozen=True)
class Measure:
    """One row of the registry.

    ``column``: the measure's column in the item-measure table; ``label``:
    its name in reports; ``kind``: ``binary`` (a 0/1 decision), ``score``
    (higher = more framing; turned into a decision at the F1-best dev
    cut-off when scored) or ``probability``; ``source``: the file under
    ``results/<corpus>/`` that holds it, written by rule ``rule``;
    ``source_column``: its column there (default: ``column``); items the
    file lacks get ``missing``; ``read``, when given, reads the values
    instead (``read(source_table, doc_ids)``); ``ranks_as``: its name
    under ``events.doc_measure`` when the event stage can rank on it;
    ``feature``: may be a classifier feature; ``sensitivity``: an extra
    measure of the sensitivity grid; ``needs_gold``: its rule needs a coded
    gold standard (it is left out of runs without one).
    """

    column: str
    label: str
    kind: str
    source: str
    rule: str
    source_column: str = ""
    missing: float = 0.0
    read: Callable | None = None
    ranks_as: str = ""
    feature: bool = False
    sensitivity: bool = False
    needs_gold: bool = False

    def values(self, source: pd.DataFrame, doc_ids: pd.Series) -> np.ndarray:
        """The measure for ``doc_ids`` from its source table."""
        if self.read is not None:
            return self.read(source, doc_ids)
        values = source.set_index("doc_id")[self.source_column or self.column]
        return doc_ids.map(values).fillna(self.missing).to_numpy()

    def available(self, source: pd.DataFrame) -> bool:
        """Whether ``source`` holds this measure (a config may leave a seeded topic out)."""
        return self.read is not None or (self.source_column or self.column) in source.columns

    @property
    def source_name(self) -> str:
        """The name of its source among a rule's inputs (the file's stem)."""
        return Path(self.source).stem


LEXICON = "framing/lexicon_measures.parquet"
TOPIC_SHARE = "topics/framing_topic_share.parquet"
RULES = "framing/item_rules.parquet"
LSS = "framing/lss_scores.parquet"
CLASSIFIER = "framing/classifier_scores.parquet"

# The order is the order of the validation report's rows and of the
# sensitivity grid's extra measures.
MEASURES: tuple[Measure, ...] = (
    Measure(
        "lexicon_anti_western",
        "lexicon, sentence window: anti-Western claim",
        "binary",
        LEXICON,
        "lexicon_measures",
        ranks_as="lexicon",
        feature=True,
    ),
    Measure(
        "lexicon_any",
        "lexicon, sentence window: any claim",
        "binary",
        LEXICON,
        "lexicon_measures",
        feature=True,
    ),
    Measure(
        "lexicon_two_parts",
        "lexicon: claim or Western actor + one more part",
        "binary",
        LEXICON,
        "lexicon_measures",
        feature=True,
    ),
    Measure(
        "seeded_topic_share",
        "seeded conspiracy topic share",
        "score",
        TOPIC_SHARE,
        "topics",
        source_column="topic_share_conspiracy",
        feature=True,
    ),
    Measure(
        "rule_anti_western",
        "item rules v3: anti-Western claim",
        "binary",
        RULES,
        "item_rules",
        ranks_as="rule",
        sensitivity=True,
    ),
    Measure("rule_claim", "item rules v3: any claim", "binary", RULES, "item_rules"),
    Measure(
        "rule_score",
        "item rules v3: anti-Western score",
        "score",
        RULES,
        "item_rules",
        sensitivity=True,
    ),
    Measure("rule_score_any", "item rules v3: any-claim score", "score", RULES, "item_rules"),
    Measure(
        "lss_score",
        "Latent Semantic Scaling score",
        "score",
        LSS,
        "lss",
        read=lss_values,
        feature=True,
        sensitivity=True,
    ),
    Measure(
        "classifier_claim",
        "supervised classifier (trained on dev): decision",
        "binary",
        CLASSIFIER,
        "item_classifier",
        ranks_as="classifier",
        needs_gold=True,
    ),
    Measure(
        "classifier_probability",
        "supervised classifier (trained on dev): probability",
        "probability",
        CLASSIFIER,
        "item_classifier",
        ranks_as="classifier",
        needs_gold=True,
    ),
)


def columns() -> list[str]:
    """Every measure's column, in registry order."""
    return [m.column for m in MEASURES]


def measure(column: str) -> Measure:
    """The registry row of ``column``; an unknown name lists the known ones."""
    for row in MEASURES:
        if row.column == column:
            return row
    raise KeyError(f"unknown measure {column!r} (measures: {', '.join(columns())})")


def event_measures() -> list[str]:
    """The names ``events.doc_measure`` accepts."""
    return list(dict.fromkeys(m.ranks_as for m in MEASURES if m.ranks_as))


def feature_measures() -> list[str]:
    """The measures ``validation.items.classifier.measures`` may list."""
    return [m.column for m in MEASURES if m.feature]


def sensitivity_measures() -> list[str]:
    """The item measures added to the sensitivity grid."""
    return [m.column for m in MEASURES if m.sensitivity]


def event_measure_column(name: str, correction: str) -> str:
    """The column an ``events.doc_measure`` name ranks on.

    Its probability when it has one (sums of probabilities estimate counts),
    unless ``events.correction`` is ``acc``, which corrects counts of a 0/1
    decision: then, as without a probability, its decision.
    """
    rows = [m for m in MEASURES if m.ranks_as == name]
    if not rows:
        raise KeyError(f"events.doc_measure {name!r} is not one of {event_measures()}")
    probability = [m for m in rows if m.kind == "probability"]
    if probability and correction != "acc":
        return probability[0].column
    return next(m.column for m in rows if m.kind == "binary")


def sources(names, with_gold: bool) -> list[str]:
    """The source files (relative to ``results/<corpus>/``) of the given measures, once each."""
    rows = [measure(c) for c in names]
    return list(dict.fromkeys(m.source for m in rows if with_gold or not m.needs_gold))


# --------------------------------------------------------------------------
# The lexicon detector's item-level measures
# --------------------------------------------------------------------------


def lexicon_measures(doc_claims: pd.DataFrame, candidates: pd.DataFrame) -> pd.DataFrame:
    """The sentence-window lexicon detector's three item-level measures.

    ``lexicon_anti_western``: the detector found an anti-Western claim in
    the item; ``lexicon_any``: a claim with any accused;
    ``lexicon_two_parts``: a claim, or a Western actor with one more of the
    three parts in one window (the detector's near misses).
    """
    out = pd.DataFrame({"doc_id": doc_claims["doc_id"]})
    out["lexicon_anti_western"] = (doc_claims["n_claims"] > 0).astype(int).to_numpy()
    out["lexicon_any"] = (doc_claims["n_claims_any"] > 0).astype(int).to_numpy()
    parts = candidates["parts"].fillna("")
    western_near = set(
        candidates.loc[
            candidates["anti_western"].astype(bool)
            & parts.str.contains("actor")
            & (parts.str.count(",") >= 1),
            "doc_id",
        ]
    )
    out["lexicon_two_parts"] = (
        out["lexicon_anti_western"].astype(bool) | out["doc_id"].isin(western_near)
    ).astype(int)
    return out


def run_lexicon_measures(inputs: dict, outputs: dict) -> dict:
    """Write the lexicon detector's item-level measures.

    Inputs: ``doc_claims`` and ``candidates`` (rule ``claims``). Output:
    ``measures`` (``framing/lexicon_measures.parquet``).
    """
    table = lexicon_measures(
        pd.read_parquet(inputs["doc_claims"]), pd.read_parquet(inputs["candidates"])
    )
    table.to_parquet(outputs["measures"], index=False)
    return {column: int(table[column].sum()) for column in table.columns if column != "doc_id"}


# --------------------------------------------------------------------------
# The item-measure table
# --------------------------------------------------------------------------


def item_measures(doc_claims: pd.DataFrame, tables: dict[str, pd.DataFrame], names) -> pd.DataFrame:
    """One row per item (``doc_id``, ``date``, ``date_end``) and one column per measure.

    ``tables`` maps a source's name (:attr:`Measure.source_name`) to its
    table; a measure whose source is not given, or whose source lacks its
    column, is left out (a run without a coded gold standard has no
    classifier; a config without a seeded ``conspiracy`` topic no share).
    """
    out = doc_claims[["doc_id", "date", "date_end"]].copy()
    for column in names:
        row = measure(column)
        source = tables.get(row.source_name)
        if source is not None and row.available(source):
            out[column] = row.values(source, out["doc_id"])
    return out


def read_sources(inputs: dict, names) -> dict[str, pd.DataFrame]:
    """The source tables among a rule's inputs that hold any of the measures ``names``."""
    wanted = {measure(c).source_name for c in names}
    return {name: pd.read_parquet(path) for name, path in inputs.items() if name in wanted}


def _write_item_table(inputs: dict, output: str, names) -> dict:
    table = item_measures(pd.read_parquet(inputs["doc_claims"]), read_sources(inputs, names), names)
    table.to_parquet(output, index=False)
    return {c: round(float(table[c].mean()), 5) for c in table.columns if c in names}


def run_item_measures(inputs: dict, outputs: dict) -> dict:
    """The item-measure table: every registry measure whose source is an input.

    Inputs: ``doc_claims`` (rule ``claims``: ids and dates) and one input
    per source file, named by its stem (``lexicon_measures``,
    ``framing_topic_share``, ``item_rules``, ``lss_scores``,
    ``classifier_scores``). Output: ``measures``.
    """
    return _write_item_table(inputs, outputs["measures"], columns())


@dataclass(frozen=True)
class ClassifierMeasuresSettings(Settings):
    """The measures the classifier uses as features (validation.items.classifier.measures)."""

    measures: list = key("validation.items.classifier.measures")


def run_classifier_measures(
    settings: ClassifierMeasuresSettings, inputs: dict, outputs: dict
) -> dict:
    """The classifier's feature measures only, so it waits for no other measure's rule.

    Inputs and output as :func:`run_item_measures`; settings: ``measures``.
    """
    return _write_item_table(inputs, outputs["measures"], settings.measures)


# --------------------------------------------------------------------------
# The event stage's per-item values
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class DocMeasureSettings(Settings):
    """How the event stage carries the measure's errors (``events.correction``)."""

    SECTION: ClassVar[str] = "events"
    correction: str


def run_doc_measure(
    settings: DocMeasureSettings, inputs: dict, outputs: dict, *, measure: str
) -> dict:
    """The event stage's per-item table with ``n_claims`` taken from ``measure``.

    ``measure`` is a name ``events.doc_measure`` accepts (the rule's
    wildcard); its column is :func:`event_measure_column`.
    With the classifier's calibrated probability, summing over an event
    window estimates the number of claim-carrying items in it (the mean of
    calibrated probabilities: a prevalence estimator that corrects for the
    classifier's errors rather than counting its decisions; Forman 2008).
    With a 0/1 decision (item rules, classifier decision) the sum counts
    flagged items; ``events.correction: acc`` then corrects that count for
    the decision's measured error rates.

    Inputs: ``doc_claims``, ``measures`` (the item-measure table) and, for
    ``correction: calibration``, ``classifier`` (its raw scores). Output:
    ``doc_measure``. Settings: ``correction``.
    """
    column = event_measure_column(measure, settings.correction)
    per_doc = pd.read_parquet(inputs["doc_claims"])
    values = pd.read_parquet(inputs["measures"], columns=["doc_id", column]).set_index("doc_id")
    per_doc["n_claims"] = per_doc["doc_id"].map(values[column]).fillna(0.0).to_numpy(float)
    per_doc["any_claim"] = per_doc["n_claims"]
    if "classifier" in inputs:
        # for the event stage's calibration draws (events.correction: calibration)
        scores = pd.read_parquet(inputs["classifier"]).set_index("doc_id")["classifier_score"]
        per_doc["classifier_score"] = (
            per_doc["doc_id"].map(scores).fillna(scores.min()).to_numpy(float)
        )
    per_doc.to_parquet(outputs["doc_measure"], index=False)
    return {"column": column, "claims": round(float(per_doc["n_claims"].sum()), 2)}
