"""Calendar periods of document dates (topic prevalence, framing series, count model)."""

from __future__ import annotations

import pandas as pd

FREQUENCIES = {"year": "Y", "quarter": "Q", "month": "M"}


def time_bins(dates: pd.Series, bin_: str) -> pd.Series:
    """Label each date with its period: ``year``, ``quarter`` or ``month``."""
    return dates.dt.to_period(FREQUENCIES[bin_]).astype(str)


def auto_time_bin(doc_claims: pd.DataFrame, requested: str) -> str:
    """``auto`` gives months for day/month-dated corpora and years for year-dated ones."""
    if requested != "auto":
        return requested
    coarse = (doc_claims["date_precision"] == "year").mean() if len(doc_claims) else 0
    return "year" if coarse > 0.5 else "month"
