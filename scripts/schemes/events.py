"""Event stage: claims around political events, normalised, baselined, with CIs and ranks.

For each event of the catalogue:

* the *window* runs from ``start - days_before`` to ``end + days_after``; a
  document belongs to it when the period its date stands for overlaps the
  window (a year-only date covers its year, so coarse corpora are handled
  honestly at their own resolution);
* ``rate_per_1000`` = anti-Western claims per 1,000 documents in the window
  (coverage-normalised; ``n_claims`` is the book's raw count);
* the *baseline* is the pre-event period of ``baseline_days`` before the
  window, minus every document that lies in any event window; when it holds
  fewer than ``min_baseline_docs`` documents the baseline falls back to all
  documents outside every event window (``baseline_kind`` says which);
* ``score`` = ``rate_per_1000 - baseline_rate``: abnormal framing in the
  sense of an event study (MacKinlay 1997), the measure events are ranked on;
* the 95% CI resamples documents with replacement, separately in the window
  and in the baseline (percentile bootstrap, seeded per event).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from schemes.topics import time_bins

EVENT_COLUMNS = ["event_id", "label", "type", "start", "end"]
TABLE_FLOAT = "%.4f"


class EventCatalogueError(ValueError):
    pass


def load_events(path) -> pd.DataFrame:
    """Read the event catalogue (TSV); errors name the file, line and problem."""
    events = pd.read_csv(path, sep="\t", dtype=str, comment=None).fillna("")
    missing = [c for c in EVENT_COLUMNS if c not in events.columns]
    if missing:
        raise EventCatalogueError(f"{path}: missing column(s) {', '.join(missing)}")
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
    return events


def event_windows(
    events: pd.DataFrame, days_before: int, days_after: int, baseline_days: int
) -> pd.DataFrame:
    windows = events.copy()
    windows["window_start"] = windows["start"] - pd.Timedelta(days=days_before)
    windows["window_end"] = windows["end"] + pd.Timedelta(days=days_after)
    windows["baseline_end"] = windows["window_start"] - pd.Timedelta(days=1)
    windows["baseline_start"] = windows["window_start"] - pd.Timedelta(days=baseline_days)
    return windows


def _overlaps(doc_start, doc_end, start, end) -> np.ndarray:
    return (doc_start <= end) & (doc_end >= start)


def bootstrap_sums(counts: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Sums of ``n_boot`` with-replacement resamples of ``counts``.

    Resampling n documents is a multinomial draw over the distinct count
    values, which is exact and needs no (n_boot x n) index matrix.
    """
    if len(counts) == 0:
        return np.zeros(n_boot)
    values, freq = np.unique(counts, return_counts=True)
    draws = rng.multinomial(len(counts), freq / freq.sum(), size=n_boot)
    return draws @ values


def rank_events(
    doc_claims: pd.DataFrame,
    windows: pd.DataFrame,
    n_boot: int,
    seed: int,
    min_baseline_docs: int,
    ci_level: float = 0.95,
) -> pd.DataFrame:
    doc_start = doc_claims["date"].to_numpy()
    doc_end = doc_claims["date_end"].to_numpy()
    counts = doc_claims["n_claims"].to_numpy()
    in_any = np.zeros(len(doc_claims), dtype=bool)
    masks = []
    for w in windows.itertuples(index=False):
        mask = _overlaps(doc_start, doc_end, w.window_start, w.window_end)
        masks.append(mask)
        in_any |= mask
    outside = ~in_any
    alpha = (1 - ci_level) / 2
    rows = []
    for index, (w, mask) in enumerate(zip(windows.itertuples(index=False), masks, strict=True)):
        base = (
            (doc_start >= np.datetime64(w.baseline_start))
            & (doc_end <= np.datetime64(w.baseline_end))
            & outside
        )
        kind = "pre-event"
        if base.sum() < min_baseline_docs:
            base, kind = outside, "all non-event"
        n_docs, n_base = int(mask.sum()), int(base.sum())
        n_claims, base_claims = int(counts[mask].sum()), int(counts[base].sum())
        rate = 1000 * n_claims / n_docs if n_docs else np.nan
        base_rate = 1000 * base_claims / n_base if n_base else np.nan
        rng = np.random.default_rng([seed, index])
        boot = 1000 * (
            bootstrap_sums(counts[mask], n_boot, rng) / max(n_docs, 1)
            - bootstrap_sums(counts[base], n_boot, rng) / max(n_base, 1)
        )
        rows.append(
            {
                "event_id": w.event_id,
                "label": w.label,
                "type": w.type,
                "start": w.start.date().isoformat(),
                "end": w.end.date().isoformat(),
                "window_start": w.window_start.date().isoformat(),
                "window_end": w.window_end.date().isoformat(),
                "n_docs": n_docs,
                "n_claims": n_claims,
                "rate_per_1000": rate,
                "baseline_kind": kind,
                "baseline_docs": n_base,
                "baseline_claims": base_claims,
                "baseline_rate": base_rate,
                "score": rate - base_rate,
                "ci_low": np.quantile(boot, alpha) if n_docs else np.nan,
                "ci_high": np.quantile(boot, 1 - alpha) if n_docs else np.nan,
            }
        )
    table = pd.DataFrame(rows)
    table["rank"] = table["score"].rank(ascending=False, method="min").astype("Int64")
    return table.sort_values(["rank", "event_id"], na_position="last").reset_index(drop=True)


def framing_timeseries(doc_claims: pd.DataFrame, bin_: str) -> pd.DataFrame:
    """Documents, anti-Western claims and claims per 1,000 documents per period."""
    frame = doc_claims.assign(period=time_bins(doc_claims["date"], bin_))
    series = frame.groupby("period", sort=True).agg(
        n_docs=("doc_id", "size"), n_claims=("n_claims", "sum")
    )
    series["rate_per_1000"] = 1000 * series["n_claims"] / series["n_docs"]
    return series.reset_index()


def auto_time_bin(doc_claims: pd.DataFrame, requested: str) -> str:
    """``auto`` gives months for day/month-dated corpora and years for year-dated ones."""
    if requested != "auto":
        return requested
    coarse = (doc_claims["date_precision"] == "year").mean() if len(doc_claims) else 0
    return "year" if coarse > 0.5 else "month"


def run_events(
    doc_claims_path: str,
    events_path: str,
    outputs: dict,
    days_before: int,
    days_after: int,
    baseline_days: int,
    min_baseline_docs: int,
    n_boot: int,
    seed: int,
    time_bin: str,
) -> dict:
    doc_claims = pd.read_parquet(doc_claims_path)
    windows = event_windows(load_events(events_path), days_before, days_after, baseline_days)
    table = rank_events(doc_claims, windows, n_boot, seed, min_baseline_docs)
    table.to_csv(outputs["ranking"], index=False, float_format=TABLE_FLOAT)
    series = framing_timeseries(doc_claims, auto_time_bin(doc_claims, time_bin))
    series.to_csv(outputs["timeseries"], index=False, float_format=TABLE_FLOAT)
    return {"events": len(table), "top": table["event_id"].head(5).tolist()}
