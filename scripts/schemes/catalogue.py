"""The event catalogue: reading and checking it, the study period, event windows.

``config/events.tsv`` lists one event a row (``event_id``, ``label``,
``type``, ``start``, ``end``; optional ``country``, ``note``, ``source``).
:func:`load_events` checks every row, naming file and line;
:func:`event_windows` gives each event its window (``days_before`` the start
to ``days_after`` the end) and the baseline before it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from schemes.settings import Settings

log = logging.getLogger(__name__)

EVENT_COLUMNS = ["event_id", "label", "type", "start", "end"]


class EventCatalogueError(ValueError):
    pass


def load_events(path) -> pd.DataFrame:
    """Read the event catalogue (TSV); errors name the file, line and problem."""
    try:
        events = pd.read_csv(path, sep="\t", dtype=str).fillna("")
    except pd.errors.EmptyDataError:
        raise EventCatalogueError(f"{path}: the file is empty (expected a header line)") from None
    except pd.errors.ParserError as err:
        raise EventCatalogueError(f"{path}: not a tab-separated table ({err})") from None
    missing = [c for c in EVENT_COLUMNS if c not in events.columns]
    if missing:
        raise EventCatalogueError(f"{path}: missing column(s) {', '.join(missing)}")
    if events.empty:
        raise EventCatalogueError(f"{path}: no events (a header line only)")
    for column, pattern, what in (
        ("event_id", r"^[a-z0-9_]+$", "lower-case letters, digits and underscores"),
        ("type", r"^[a-z_]+$", "lower-case letters and underscores"),
    ):
        bad = ~events[column].str.fullmatch(pattern)
        if bad.any():
            line = int(np.flatnonzero(bad)[0]) + 2
            raise EventCatalogueError(
                f"{path}, line {line}: {column} {events.loc[bad, column].iloc[0]!r} must be {what}"
            )
    for column in ("start", "end"):
        parsed = pd.to_datetime(events[column], format="%Y-%m-%d", errors="coerce")
        bad = parsed.isna()
        if bad.any():
            line = int(np.flatnonzero(bad)[0]) + 2
            raise EventCatalogueError(
                f"{path}, line {line}: {column} {events.loc[bad, column].iloc[0]!r} "
                "is not a YYYY-MM-DD date"
            )
        events[column] = parsed
    backwards = events["end"] < events["start"]
    if backwards.any():
        line = int(np.flatnonzero(backwards)[0]) + 2
        raise EventCatalogueError(f"{path}, line {line}: end is before start")
    duplicated = events["event_id"].duplicated()
    if duplicated.any():
        line = int(np.flatnonzero(duplicated)[0]) + 2
        raise EventCatalogueError(f"{path}, line {line}: event_id repeated")
    for column in ("country", "note"):
        if column not in events.columns:
            events[column] = ""
    return events


def in_period(events: pd.DataFrame, period: dict | None) -> pd.DataFrame:
    """Events starting within ``period`` ({"from": "YYYY-MM-DD", "to": ...}; empty = open)."""
    keep = np.ones(len(events), dtype=bool)
    for key, compare in (("from", np.greater_equal), ("to", np.less_equal)):
        bound = (period or {}).get(key) or ""
        if bound:
            try:
                keep &= compare(events["start"], pd.Timestamp(bound)).to_numpy()
            except ValueError as err:
                raise EventCatalogueError(
                    f"config events.period.{key}: {bound!r} ({err})"
                ) from None
    return events[keep].reset_index(drop=True)


def empty_contrasts(events: pd.DataFrame, contrasts) -> list[tuple[str, str, str]]:
    """``(side a, side b, the empty side)`` of each contrast with a side no event of ``events`` is of.

    A side is a type or several joined by ``+``; a comparison with an empty
    side would give NaN tables and blank figures.
    """
    types = set(events["type"])
    return [
        (a, b, side) for a, b in contrasts for side in (a, b) if not set(side.split("+")) & types
    ]


def documents_in_study(
    doc_claims: pd.DataFrame,
    events: pd.DataFrame,
    *,
    days_before: int,
    days_after: int,
    baseline_days: int,
) -> pd.DataFrame:
    """The documents from the earliest baseline to the latest window of the ranked events.

    With ``events.period`` the study is those years: documents far outside
    them (later decades of the corpus) must not feed the fallback baseline
    or the count model of the events inside.
    """
    windows = event_windows(events, days_before, days_after, baseline_days=baseline_days)
    start, end = windows["baseline_start"].min(), windows["window_end"].max()
    keep = (doc_claims["date_end"] >= start) & (doc_claims["date"] <= end)
    return doc_claims.loc[keep].reset_index(drop=True)


@dataclass(frozen=True)
class EventCatalogueSettings(Settings):
    """Rule ``event_catalogue``: the study period and the window around each event."""

    SECTION: ClassVar[str] = "events"
    period: dict  # {"from": "YYYY-MM-DD", "to": ...}; empty = open
    days_before: int
    days_after: int
    contrasts: list  # each side needs an event the corpus covers


def covered(events: pd.DataFrame, documents: pd.DataFrame, *, days_before: int, days_after: int):
    """Whether each event's window holds at least one document of the corpus."""
    windows = event_windows(events, days_before, days_after, baseline_days=0)
    start = documents["date"].to_numpy("datetime64[D]")
    end = documents["date_end"].to_numpy("datetime64[D]")
    hits = (start[:, None] <= windows["window_end"].to_numpy("datetime64[D]")[None, :]) & (
        end[:, None] >= windows["window_start"].to_numpy("datetime64[D]")[None, :]
    )
    return hits.any(axis=0)


def run_event_catalogue(settings: EventCatalogueSettings, inputs: dict, outputs: dict) -> dict:
    """The catalogue's events within the period whose windows the corpus covers.

    An event whose window holds no document of the corpus (a year the corpus
    lacks) cannot be measured: it is left out, and named in the log and the
    summary; a comparison of ``contrasts`` left with no event on a side is
    an error naming it. Inputs: ``catalogue`` (config/events.tsv),
    ``documents`` (their dates). Outputs: ``catalogue``. Settings:
    ``period``, ``days_before``, ``days_after``, ``contrasts``.
    """
    path = inputs["catalogue"]
    events = in_period(load_events(path), settings.period)
    if events.empty:
        raise EventCatalogueError(f"{path}: no event starts within events.period {settings.period}")
    documents = pd.read_parquet(inputs["documents"], columns=["date", "date_end"])
    inside = covered(
        events, documents, days_before=settings.days_before, days_after=settings.days_after
    )
    if not inside.any():
        raise EventCatalogueError(
            f"{path}: no event of events.period {settings.period} has a document of the corpus "
            f"in its window (documents from {documents['date'].min():%Y-%m-%d} to "
            f"{documents['date_end'].max():%Y-%m-%d})"
        )
    uncovered = events.loc[~inside, "event_id"].tolist()
    if uncovered:
        log.warning(
            "no document in the window of %d events, left out: %s", len(uncovered), uncovered
        )
    events = events[inside]
    empty = empty_contrasts(events, settings.contrasts)
    if empty:
        a, b, side = empty[0]
        raise EventCatalogueError(
            f"config events.contrasts: {a} vs {b}: no {side} event of events.period has a "
            f"document of the corpus in its window (left out: {uncovered}); drop the contrast "
            "or choose another period"
        )
    raw = pd.read_csv(path, sep="\t", dtype=str).fillna("")
    raw[raw["event_id"].isin(events["event_id"])].to_csv(
        outputs["catalogue"], sep="\t", index=False
    )
    return {
        "events": len(events),
        "first": events["event_id"].iloc[0],
        "last": events["event_id"].iloc[-1],
        "without_documents": uncovered,
    }


def event_windows(
    events: pd.DataFrame, days_before: int, days_after: int, *, baseline_days: int
) -> pd.DataFrame:
    """Each event with its window and the baseline period before the window."""
    windows = events.copy()
    windows["window_start"] = windows["start"] - pd.Timedelta(days=days_before)
    windows["window_end"] = windows["end"] + pd.Timedelta(days=days_after)
    windows["baseline_end"] = windows["window_start"] - pd.Timedelta(days=1)
    windows["baseline_start"] = windows["window_start"] - pd.Timedelta(days=baseline_days)
    return windows


def overlapping_events(windows: pd.DataFrame) -> list[str]:
    """For each event, the ids of other events whose windows overlap its own."""
    starts = windows["window_start"].to_numpy()
    ends = windows["window_end"].to_numpy()
    ids = windows["event_id"].to_numpy()
    hits = (starts[:, None] <= ends[None, :]) & (ends[:, None] >= starts[None, :])
    np.fill_diagonal(hits, False)
    return [";".join(ids[row]) for row in hits]
