"""An independent coding set against the shipped design-based estimates (issue: estimation).

Coders outside the project code, by the same guide, items of some event
windows: all of a window's items, a simple random sample of them, or items
drawn with inclusion probabilities they record. For every window they cover
this module estimates the share of items carrying an anti-Western claim with
its interval, and says whether that estimate and the shipped one
(``tables/event_estimates.csv``) fall inside each other's intervals.

The share is the Hájek estimate ``sum_s y / pi / sum_s 1 / pi`` with its
linearised variance ``sum_s (1 - pi) (y - p)**2 / pi**2 / (sum_s 1 / pi)**2``
(times ``n / (n - 1)``); without an ``inclusion_probability`` column the
items coded in a window are taken as a simple random sample of it, ``pi =
n / N``, and the variance is the textbook ``(1 - n / N) s**2 / n``. The
interval is the design's (``design.interval``) with Korn & Graubard's
effective size, at most Kish's effective size of the weights (with the
finite-population correction); a window coded in full (every
item, ``pi = 1``) has its share exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from schemes.coding import read_item_codes, refuse_unknown_items
from schemes.design import DesignSettings, study_items
from schemes.estimate import share_interval
from schemes.settings import key
from schemes.textnorm import CodedFileError, read_from_coders


@dataclass(frozen=True)
class ExternalComparisonSettings(DesignSettings):
    """Rule ``external_comparison``: the study's windows (the design keys) and the interval."""

    interval: str = key("design.interval")


def read_external_codes(path, study_ids) -> pd.DataFrame:
    """The independent codes, checked like any coder file, with their inclusion probabilities.

    ``inclusion_probability`` (optional) must be a number in (0, 1]; every
    item must be an item of the study (an event window or baseline of this
    run). Errors name the file and the line.
    """
    codes = read_item_codes(path)
    raw = read_from_coders(path)
    refuse_unknown_items(
        codes,
        study_ids,
        path=path,
        why="is not an item of any event window or baseline of this run (coded from another "
        "corpus or catalogue?)",
    )
    if "inclusion_probability" not in raw.columns:
        return codes.assign(inclusion_probability=np.nan)
    pi = pd.to_numeric(raw["inclusion_probability"], errors="coerce")
    bad = ~((pi > 0) & (pi <= 1))
    if bad.any():
        line = int(np.flatnonzero(bad)[0]) + 2
        cell = raw["inclusion_probability"][bad].iloc[0]
        raise CodedFileError(
            f"{path}, line {line}: inclusion_probability {cell!r} must be a number in (0, 1]"
        )
    return codes.assign(inclusion_probability=pi.to_numpy())


def window_share(y: np.ndarray, pi: np.ndarray | None, n_items: int) -> tuple[float, float, float]:
    """Share, variance and effective size of one window from its coded items.

    ``pi`` None: a simple random sample of the window's ``n_items`` items.
    """
    n = len(y)
    pi = np.full(n, n / n_items) if pi is None else np.asarray(pi, float)
    w = 1 / pi
    share = float(w @ y / w.sum())
    variance = float(((1 - pi) * w**2 * (y - share) ** 2).sum() / w.sum() ** 2)
    variance *= n / (n - 1) if n > 1 else 1.0
    # Kish's effective size of the weights, with the finite-population correction of
    # the share of the window coded: the effective size where the variance says
    # nothing (no positive, or all, coded), and its ceiling elsewhere (Korn &
    # Graubard 1998 truncate theirs at the sample size; without it, unequal
    # weights and a missed low-probability claim make the interval too narrow)
    kish = w.sum() ** 2 / (w**2).sum() / max(1 - n / n_items, 1 / n_items)
    if 0 < share < 1 and variance > 0:
        return share, variance, min(share * (1 - share) / variance, kish)
    return share, variance, kish


def external_shares(domains, codes: pd.DataFrame, method: str) -> pd.DataFrame:
    """Per event window holding independently coded items: the share with its interval."""
    position = pd.Series(np.arange(len(domains.items)), index=domains.items["doc_id"])
    index = position.reindex(codes["item_id"]).to_numpy()
    declared = codes["inclusion_probability"].notna().all()
    rows = []
    for d, domain in enumerate(domains.table.itertuples(index=False)):
        inside = domains.members[index, d]
        if domain.kind != "window" or not inside.any():
            continue
        y = codes["anti_western"].to_numpy(float)[inside]
        pi = codes["inclusion_probability"].to_numpy(float)[inside] if declared else None
        census = inside.sum() == domain.n_items and (pi is None or (pi == 1).all())
        share, variance, n_eff = window_share(y, pi, domain.n_items)
        low, high = (
            (share, share)
            if census
            else share_interval(
                np.array([share]), np.array([variance]), np.array([n_eff]), method=method
            )
        )
        rows.append(
            {
                "event_id": domain.event_id,
                "external_coded": int(inside.sum()),
                "external_positives": int(y.sum()),
                "external_design": "census" if census else ("declared" if declared else "srs"),
                "external_rate": 1000 * share,
                "external_low": 1000 * float(np.squeeze(low)),
                "external_high": 1000 * float(np.squeeze(high)),
            }
        )
    return pd.DataFrame(rows)


def compare(shipped: pd.DataFrame, external: pd.DataFrame) -> pd.DataFrame:
    """Each window's two estimates side by side, and whether each lies in the other's interval."""
    tol = 1e-9
    table = external.merge(
        shipped[["event_id", "label", "type", "n_items", "n_coded"]].rename(
            columns={"n_coded": "shipped_coded"}
        ),
        on="event_id",
    ).merge(
        shipped[["event_id", "rate_per_1000", "rate_low", "rate_high"]].rename(
            columns=lambda c: {"rate_per_1000": "shipped_rate"}.get(
                c, c.replace("rate_", "shipped_")
            )
        ),
        on="event_id",
    )
    table["external_inside_shipped"] = (table["shipped_low"] - tol <= table["external_rate"]) & (
        table["external_rate"] <= table["shipped_high"] + tol
    )
    table["shipped_inside_external"] = (table["external_low"] - tol <= table["shipped_rate"]) & (
        table["shipped_rate"] <= table["external_high"] + tol
    )
    table["agree"] = table["external_inside_shipped"] & table["shipped_inside_external"]
    return table


def run_external_comparison(
    settings: ExternalComparisonSettings, inputs: dict, outputs: dict
) -> dict:
    """The independent coding's per-window estimates beside the shipped ones.

    Inputs: ``measures`` and ``catalogue`` (the study's windows),
    ``estimates`` (tables/event_estimates.csv), ``codes`` (the independent
    coder file, optional column ``inclusion_probability``). Output:
    ``comparison`` (one row per window the independent codes cover).
    Settings: the design keys (windows) and ``interval``.
    """
    domains, _ = study_items(settings, inputs)
    codes = read_external_codes(inputs["codes"], domains.items["doc_id"])
    external = external_shares(domains, codes, settings.interval)
    if external.empty:
        raise CodedFileError(f"{inputs['codes']}: no coded item lies in an event window")
    table = compare(pd.read_csv(inputs["estimates"]), external)
    table.to_csv(outputs["comparison"], index=False, float_format="%.4f")
    return {
        "windows": len(table),
        "agree": int(table["agree"].sum()),
        "disagree": table.loc[~table["agree"], "event_id"].tolist(),
    }
