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
n / N``, and the variance is the textbook ``(1 - n / N) s**2 / n``: that
holds for the windows the coders sampled, not for a window that merely
overlaps one of them (its coded items are then the overlap's, not a random
sample of it), so read only the rows of the windows sampled, or declare the
probabilities. The
interval is the design's (``design.interval``) with Korn & Graubard's
effective size (:func:`schemes.estimate.effective_n`), at most Kish's
effective size of the weights with the finite-population correction of the
items not taken with certainty; a window coded in full (every item, ``pi =
1``) has its share exactly, and is a check of the shipped interval only.
Beside the two one-way checks, the MOVER interval of the difference
(independent codings) says whether the two estimates are consistent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from schemes.coding import read_item_codes, refuse_unknown_items
from schemes.design import DesignSettings, study_items
from schemes.estimate import effective_n, mover, share_interval
from schemes.settings import key
from schemes.textnorm import CodedFileError, line_of, read_from_coders


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
        line = line_of(raw, np.flatnonzero(bad)[0])
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
    # Kish's effective size of the weights is the effective size where the variance
    # says nothing (no positive, or all, coded) and its ceiling elsewhere (Korn &
    # Graubard 1998 truncate theirs at the sample size; without it, unequal weights and
    # a missed low-probability claim make the interval too narrow). It is corrected
    # for the share coded of the items not taken with certainty: those taken with
    # certainty are known, and a correction by all coded items would count them as
    # evidence about the rest.
    sampled = pi < 1
    fraction = sampled.sum() / w[sampled].sum() if sampled.any() else 1.0
    kish = w.sum() ** 2 / (w**2).sum() / max(1 - fraction, 1 / n_items)
    n_eff = effective_n(
        np.array([share]),
        np.array([variance]),
        kish_n=np.array([kish]),
        cap=np.array([kish]),
        positives=np.array([y.sum()]),
    )
    return share, variance, float(n_eff[0])


def external_shares(domains, codes: pd.DataFrame, method: str, *, path="") -> pd.DataFrame:
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
        if pi is not None and (pi == 1).all() and not census:
            raise CodedFileError(
                f"{path}: every coded item of window {domain.event_id!r} has "
                f"inclusion_probability 1, but {inside.sum()} of its {domain.n_items} items are "
                "coded: code them all, or record the probabilities they were drawn with"
            )
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
    """Each window's two estimates side by side, whether each lies in the other's interval,
    and the MOVER interval of their difference.

    A window coded in full has its share exactly: the shipped estimate, with its
    sampling error, cannot be expected inside a point, so there only the outside
    share inside the shipped interval is checked (``shipped_inside_external`` empty).
    ``agree_expected`` is the chance of ``agree`` were both estimates right: 0.83
    when the two are equally precise, less the more they differ (an outside
    sample much smaller than the shipped one's effective size lands outside the
    narrower interval by chance), 0.95 for a census. ``consistent`` is the test.
    """
    # the shipped table is read back from a CSV written to 4 decimals
    tol = 1e-4
    shipped = shipped.rename(
        columns={
            "n_coded": "shipped_coded",
            "rate_per_1000": "shipped_rate",
            "rate_low": "shipped_low",
            "rate_high": "shipped_high",
        }
    )
    columns = ["event_id", "label", "type", "n_items", "shipped_coded"]
    columns += ["shipped_rate", "shipped_low", "shipped_high"]
    table = external.merge(shipped[columns], on="event_id", how="left", validate="one_to_one")
    missing = table["shipped_rate"].isna()
    if missing.any():
        raise ValueError(
            f"the shipped estimates have no row for window(s) {table['event_id'][missing].tolist()}"
        )
    table["external_inside_shipped"] = (table["shipped_low"] - tol <= table["external_rate"]) & (
        table["external_rate"] <= table["shipped_high"] + tol
    )
    inside = (table["external_low"] - tol <= table["shipped_rate"]) & (
        table["shipped_rate"] <= table["external_high"] + tol
    )
    census = (table["external_design"] == "census").to_numpy()
    table["shipped_inside_external"] = inside.astype(object).where(~census, None)
    table["agree"] = table["external_inside_shipped"] & (inside | census)
    low, high = mover(
        table[["external_rate", "shipped_rate"]].to_numpy(),
        table[["external_low", "shipped_low"]].to_numpy(),
        table[["external_high", "shipped_high"]].to_numpy(),
        coefficients=[1, -1],
    )
    # the chance of `agree` if both estimates are right (normal approximation): both
    # conditions bound the same difference, by the smaller of the two half-widths
    z = norm.ppf(0.975)
    se_external = (table["external_high"] - table["external_low"]) / (2 * z)
    se_shipped = (table["shipped_high"] - table["shipped_low"]) / (2 * z)
    bound = np.where(census, se_shipped, np.minimum(se_external, se_shipped))
    spread = np.hypot(se_external, se_shipped)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["agree_expected"] = np.where(spread > 0, 2 * norm.cdf(z * bound / spread) - 1, 1.0)
    table["difference"] = table["external_rate"] - table["shipped_rate"]
    table["difference_low"], table["difference_high"] = low, high
    table["consistent"] = (low - tol <= 0) & (0 <= high + tol)
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
    external = external_shares(domains, codes, settings.interval, path=inputs["codes"])
    if external.empty:
        raise CodedFileError(f"{inputs['codes']}: no coded item lies in an event window")
    table = compare(pd.read_csv(inputs["estimates"]), external)
    table.to_csv(outputs["comparison"], index=False, float_format="%.4f")
    return {
        "windows": len(table),
        "agree": int(table["agree"].sum()),
        "disagree": table.loc[~table["agree"], "event_id"].tolist(),
        "inconsistent": table.loc[~table["consistent"], "event_id"].tolist(),
        # items of baselines only: read and checked, but only windows are compared
        "items_outside_windows": outside_windows(domains, codes),
    }


def outside_windows(domains, codes: pd.DataFrame) -> int:
    """How many coded items lie in no event window (only in baselines)."""
    position = pd.Series(np.arange(len(domains.items)), index=domains.items["doc_id"])
    windows = (domains.table["kind"] == "window").to_numpy()
    index = position.reindex(codes["item_id"]).to_numpy()
    return int((~domains.members[index][:, windows].any(axis=1)).sum())
