"""Human-readable names for what the tables call by id: measures, windows, event types.

Figures, the evidence tables and the report's front page show these names;
the CSV files keep the ids. Measure names come from the measure registry
(:data:`schemes.measures.MEASURES`), event labels from the catalogue.
"""

from __future__ import annotations

import re

from schemes.measures import event_measure_column, measure

# the event stage's scores (schemes.events.MEASURES): short, and as an axis label
EVENT_MEASURES = {
    "n_claims": ("claims in the window", "claims in the event window (count)"),
    "rate_per_1000": ("claims per 1,000 documents", "claims per 1,000 documents in the window"),
    "excess_pre": (
        "excess over the pre-event baseline",
        "claims per 1,000 documents: window minus pre-event baseline",
    ),
    "excess_model": (
        "excess over the count model",
        "claims per 1,000 documents: window minus count-model expectation",
    ),
}
_TOPIC_SHARE = re.compile(r"^topic_share_(?P<name>.+?)(?:_k(?P<k>\d+))?$")
MINUS = "\u2212"  # a real minus sign, not a hyphen


def event_measure(name: str, *, long: bool = False) -> str:
    """The name of an event score (``events.measure``: ``excess_pre``, ...)."""
    short, full = EVENT_MEASURES.get(name, (name.replace("_", " "), name.replace("_", " ")))
    return full if long else short


def item_measure(column: str) -> str:
    """The registry label of an item measure, or the seeded topic share it names."""
    topic = _TOPIC_SHARE.match(column)
    if topic:
        k = f", K\u00a0=\u00a0{topic['k']}" if topic["k"] else ""  # no break inside
        return f"seeded topic \u2018{topic['name']}\u2019 share{k}"
    try:
        return measure(column).label
    except KeyError:
        return column.replace("_", " ")


# the measurement-error models of the event stage (``events.correction``)
CORRECTIONS = {
    "acc": "adjusted classify-and-count",
    "calibration": "summed calibrated probabilities",
}


def doc_measure(name: str, correction: str, *, corrected: bool = True) -> str:
    """What the event stage counts per document (``events.doc_measure`` with its correction).

    ``corrected=False`` names a series drawn from the per-document decisions
    before the correction (the time series under ``correction: acc``).
    """
    label = item_measure(event_measure_column(name, correction))
    if correction == "none":
        return label
    model = CORRECTIONS.get(correction, correction)
    if corrected:
        return f"{label}; corrected by {model}"
    return f"{label}; detections as made (the event scores are corrected by {model})"


def sensitivity_measure(name: str) -> str:
    """A measure of the sensitivity grid: an event score, or ``excess_<item measure>``."""
    if name in EVENT_MEASURES:
        return event_measure(name)
    if name.startswith("excess_"):
        return item_measure(name.removeprefix("excess_"))
    return name.replace("_", " ")


def window(before: int, after: int) -> str:
    """An event window relative to the event's start and end days."""
    start = f"{MINUS}{before}" if before else "0"
    return f"{start} to +{after} days"


def event_type(name: str) -> str:
    """An event type id (``nato_summit``, ``color_revolution+protest``) as words."""
    words = name.replace("+", " + ").replace("_", " ")
    return re.sub(r"\bnato\b", "NATO", words)
