"""Sensitivity of the event ranking to the window, the measure and the number of topics.

Every event is re-ranked under a grid of windows x measures (the event
stage's measures, the registry's sensitivity measures and the seeded
topic's share at every K of the topic stage's selection grid); Kendall's tau
between every pair of settings says how much the ranking depends on them,
and the events whose rank moves most are flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
from scipy.stats import kendalltau

from schemes.catalogue import documents_in_study, event_windows, load_events
from schemes.events import EventStudy, rank_descending
from schemes.measures import sensitivity_measures
from schemes.settings import Settings
from schemes.tables import TABLE_FLOAT, booktabs
from schemes.timebins import auto_time_bin


def share_excess(shares: np.ndarray, study: EventStudy) -> np.ndarray:
    """Mean share in each window minus its baseline's, in percentage points."""
    with np.errstate(invalid="ignore", divide="ignore"):
        window = (shares @ study.in_window) / study.in_window.sum(axis=0)
        base = (shares @ study.in_base) / study.in_base.sum(axis=0)
    return 100 * (window - base)


def setting_ranks(point: dict, events: pd.DataFrame, *, before: int, after: int, measures) -> list:
    """Long rows (setting, event, score, rank) of one window setting's measures."""
    rows = []
    for measure in measures:
        setting = f"-{before}/+{after} d, {measure}"
        ranks = rank_descending(point[measure]).to_numpy(dtype=float, na_value=np.nan)
        for event_id, score, rank in zip(events["event_id"], point[measure], ranks, strict=True):
            rows.append(
                {
                    "setting": setting,
                    "days_before": before,
                    "days_after": after,
                    "measure": measure,
                    "event_id": event_id,
                    "score": score,
                    "rank": rank,
                }
            )
    return rows


def tau_matrix(wide: pd.DataFrame, settings: list[str]) -> pd.DataFrame:
    """Kendall's tau between the ranks of every pair of settings (NaN with under 3 events)."""
    tau = pd.DataFrame(index=settings, columns=settings, dtype=float)
    for a in settings:
        for b in settings:
            both = wide[[a, b]].dropna()
            tau.loc[a, b] = kendalltau(both[a], both[b]).statistic if len(both) > 2 else np.nan
    tau.index.name = "setting"
    return tau.reset_index()


def rank_spread(wide: pd.DataFrame) -> pd.DataFrame:
    """Each event's lowest and highest rank; the top quarter of rank ranges is flagged."""
    spread = wide.agg(["min", "max"], axis=1).rename(columns={"min": "rank_min", "max": "rank_max"})
    spread["rank_range"] = spread["rank_max"] - spread["rank_min"]
    threshold = spread["rank_range"].quantile(0.75) if len(spread) else 0
    spread["moves_most"] = spread["rank_range"] >= max(threshold, 1)
    return spread.reset_index().sort_values(["rank_range", "event_id"], ascending=[False, True])


def sensitivity(
    doc_claims: pd.DataFrame,
    events: pd.DataFrame,
    *,
    window_grid: list[tuple[int, int]],
    measures: list[str],
    baseline_days: int,
    min_baseline_docs: int,
    model_bin: str,
    model_degree: int,
    topic_share: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Re-rank under every window x measure; return (long ranks, Kendall tau, per-event spread).

    With ``topic_share`` (one column per per-document share or item measure:
    the seeded topics at each K of the topic stage's selection grid, and the
    registry's sensitivity measures) each column adds a measure: its mean in
    the window minus its baseline mean, x100 — so the grid also shows how
    much the number of topics and the choice of measure matter.
    """
    share_columns = [] if topic_share is None else [c for c in topic_share.columns if c != "doc_id"]
    shares = (
        None
        if topic_share is None
        else topic_share.set_index("doc_id").reindex(doc_claims["doc_id"]).fillna(0).to_numpy()
    )
    rows = []
    for before, after in window_grid:
        study = EventStudy(
            doc_claims,
            event_windows(events, before, after, baseline_days=baseline_days),
            min_baseline_docs=min_baseline_docs,
            unit="document",
            model_bin=model_bin,
            model_degree=model_degree,
        )
        point = study.point()
        for c, column in enumerate(share_columns):
            point[f"excess_{column}"] = share_excess(shares[:, c], study)
        all_measures = [*measures, *(f"excess_{c}" for c in share_columns)]
        rows += setting_ranks(point, events, before=before, after=after, measures=all_measures)
    long = pd.DataFrame(rows)
    wide = long.pivot(index="event_id", columns="setting", values="rank").astype(float)
    tau = tau_matrix(wide, list(dict.fromkeys(long["setting"])))
    return long, tau, rank_spread(wide)


@dataclass(frozen=True)
class SensitivityGrid(Settings):
    """``events.sensitivity``: the window settings and the event measures re-ranked."""

    windows: list
    measures: list


@dataclass(frozen=True)
class SensitivitySettings(Settings):
    """Rule ``sensitivity``: the grid, and the baseline and count model of every setting."""

    SECTION: ClassVar[str] = "events"
    sensitivity: SensitivityGrid
    baseline_days: int
    min_baseline_docs: int
    count_model_degree: int
    time_bin: str
    period: dict


def grid_measures(inputs: dict) -> pd.DataFrame | None:
    """Per-document columns the grid adds: seeded-topic shares and the registry's measures."""
    topic_share = pd.read_parquet(inputs["framing_share"]) if inputs.get("framing_share") else None
    if inputs.get("item_measures"):
        # the other item-level measures become columns of the grid too (mean
        # value in the window minus the baseline's, x100)
        items = pd.read_parquet(inputs["item_measures"])
        items = items[["doc_id", *[c for c in sensitivity_measures() if c in items.columns]]]
        topic_share = items if topic_share is None else topic_share.merge(items, on="doc_id")
    return topic_share


def write_sensitivity(long, tau, spread, *, outputs: dict) -> None:
    """The long ranks, the tau matrix and the per-event spread (CSV and LaTeX)."""
    long.to_csv(outputs["sensitivity"], index=False, float_format=TABLE_FLOAT)
    tau.to_csv(outputs["tau"], index=False, float_format=TABLE_FLOAT)
    spread.to_csv(outputs["spread"], index=False)
    with open(outputs["spread_tex"], "w", encoding="utf-8") as handle:
        handle.write(
            booktabs(
                spread,
                "Rank of each event across all window and measure settings; events in the top "
                "quarter of rank range are flagged.",
                "tab:sensitivity",
                float_format="{:.0f}",
            )
        )


def run_sensitivity(settings: SensitivitySettings, inputs: dict, outputs: dict) -> dict:
    """Re-rank the events under every window x measure setting of ``events.sensitivity``.

    Inputs: ``doc_claims``, ``catalogue``, optional ``framing_share`` (seeded
    topic shares per K) and ``item_measures``. Outputs: ``sensitivity``
    (long ranks), ``tau``, ``spread`` (+ ``spread_tex``). Settings:
    ``sensitivity`` (``windows``, ``measures``), ``baseline_days``,
    ``min_baseline_docs``, ``count_model_degree``, ``time_bin``, ``period``.
    """
    grid = [tuple(w) for w in settings.sensitivity.windows]
    doc_claims = pd.read_parquet(inputs["doc_claims"])
    events = load_events(inputs["catalogue"])
    if any(settings.period.values()):  # the widest window setting of the grid
        doc_claims = documents_in_study(
            doc_claims,
            events,
            days_before=max(w[0] for w in grid),
            days_after=max(w[1] for w in grid),
            baseline_days=settings.baseline_days,
        )
    long, tau, spread = sensitivity(
        doc_claims,
        events,
        window_grid=grid,
        measures=settings.sensitivity.measures,
        baseline_days=settings.baseline_days,
        min_baseline_docs=settings.min_baseline_docs,
        model_bin=auto_time_bin(doc_claims, settings.time_bin),
        model_degree=settings.count_model_degree,
        topic_share=grid_measures(inputs),
    )
    write_sensitivity(long, tau, spread, outputs=outputs)
    off_diagonal = tau.set_index("setting").to_numpy(dtype=float)
    off_diagonal = off_diagonal[~np.eye(len(off_diagonal), dtype=bool)]
    return {
        "settings": int(long["setting"].nunique()),
        "min_tau": float(np.nanmin(off_diagonal)) if off_diagonal.size else None,
        "moves_most": spread.loc[spread["moves_most"], "event_id"].tolist(),
    }
