import numpy as np
import pandas as pd
import pytest
from schemes.events import (
    EventCatalogueError,
    bootstrap_sums,
    event_windows,
    load_events,
    rank_events,
)


def catalogue(tmp_path, rows):
    path = tmp_path / "events.tsv"
    header = "event_id\tlabel\ttype\tstart\tend\n"
    path.write_text(header + "".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_shipped_catalogue_has_the_seed_events(root):
    events = load_events(root / "config" / "events.tsv").set_index("event_id")
    expected = {
        "rose_2003": ("2003-11-02", "2003-11-23", "color_revolution"),
        "orange_2004": ("2004-11-21", "2005-01-23", "color_revolution"),
        "tulip_2005": ("2005-02-27", "2005-03-24", "color_revolution"),
        "nato_madrid_1997": ("1997-07-08", "1997-07-09", "nato_summit"),
        "nato_washington_1999": ("1999-04-23", "1999-04-25", "nato_summit"),
        "nato_prague_2002": ("2002-11-21", "2002-11-22", "nato_summit"),
        "nato_istanbul_2004": ("2004-06-28", "2004-06-29", "nato_summit"),
        "nato_bucharest_2008": ("2008-04-02", "2008-04-04", "nato_summit"),
    }
    for event_id, (start, end, kind) in expected.items():
        row = events.loc[event_id]
        assert (str(row.start.date()), str(row.end.date()), row.type) == (start, end, kind)


@pytest.mark.parametrize(
    "rows, message",
    [
        ([("a", "A", "t", "2004-13-01", "2004-12-01")], "line 2: start '2004-13-01'"),
        ([("a", "A", "t", "2004-12-02", "2004-12-01")], "line 2: end is before start"),
        ([("a", "A", "t", "2004-12-01", "2004-12-01")] * 2, "line 3: event_id repeated"),
    ],
)
def test_catalogue_errors_name_the_line(tmp_path, rows, message):
    with pytest.raises(EventCatalogueError, match=message):
        load_events(catalogue(tmp_path, rows))


def test_bootstrap_sums_match_direct_resampling_in_distribution():
    counts = np.array([0] * 90 + [1] * 8 + [2] * 2)
    sums = bootstrap_sums(counts, 20000, np.random.default_rng(1))
    assert sums.mean() == pytest.approx(counts.sum(), rel=0.02)
    direct = np.random.default_rng(2).choice(counts, size=(20000, counts.size)).sum(axis=1)
    assert sums.std() == pytest.approx(direct.std(), rel=0.05)


def doc_claims_for(days_and_counts):
    dates = pd.to_datetime([d for d, _ in days_and_counts])
    return pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(len(dates))],
            "date": dates,
            "date_end": dates,
            "n_claims": [c for _, c in days_and_counts],
        }
    )


def test_rates_baseline_score_and_rank_on_a_constructed_corpus(tmp_path):
    days = pd.date_range("2004-01-01", "2004-12-31")
    rows = []
    for day in days:
        in_a = pd.Timestamp("2004-06-01") <= day <= pd.Timestamp("2004-06-10")
        in_b = pd.Timestamp("2004-10-01") <= day <= pd.Timestamp("2004-10-10")
        # 10 documents a day; event A: 3 claims/day, B: 1 claim/day, else 1 per 10 days
        for k in range(10):
            claim = (k < 3) if in_a else (k < 1) if in_b else (k == 0 and day.day % 10 == 0)
            rows.append((day, int(claim)))
    doc_claims = doc_claims_for(rows)
    events = load_events(
        catalogue(
            tmp_path,
            [
                ("a", "A", "x", "2004-06-01", "2004-06-10"),
                ("b", "B", "y", "2004-10-01", "2004-10-10"),
            ],
        )
    )
    table = rank_events(doc_claims, event_windows(events, 0, 0, 60), 500, 1, 50).set_index(
        "event_id"
    )
    assert table.loc["a", "n_docs"] == 100 and table.loc["a", "n_claims"] == 30
    assert table.loc["a", "rate_per_1000"] == pytest.approx(300)
    baseline = table.loc["a", "baseline_rate"]
    assert 5 < baseline < 15 and table.loc["a", "baseline_kind"] == "pre-event"
    assert table.loc["a", "score"] == pytest.approx(300 - baseline)
    assert table.loc["a", "ci_low"] < table.loc["a", "score"] < table.loc["a", "ci_high"]
    assert (table.loc["a", "rank"], table.loc["b", "rank"]) == (1, 2)


def test_thin_baseline_falls_back_to_all_non_event_documents(tmp_path):
    rows = [(d, 0) for d in pd.date_range("2004-01-01", "2004-03-31")]
    rows += [(pd.Timestamp("2004-02-15"), 1)] * 5
    events = load_events(catalogue(tmp_path, [("a", "A", "x", "2004-02-15", "2004-02-15")]))
    table = rank_events(doc_claims_for(rows), event_windows(events, 0, 0, 10), 200, 1, 50)
    assert table.loc[0, "baseline_kind"] == "all non-event"
    assert table.loc[0, "baseline_docs"] == len(rows) - 6


def test_year_dated_documents_count_in_every_window_of_their_year(tmp_path):
    doc_claims = pd.DataFrame(
        {
            "doc_id": ["y2003", "y2004"],
            "date": pd.to_datetime(["2003-01-01", "2004-01-01"]),
            "date_end": pd.to_datetime(["2003-12-31", "2004-12-31"]),
            "n_claims": [1, 0],
        }
    )
    events = load_events(catalogue(tmp_path, [("rose", "R", "x", "2003-11-02", "2003-11-23")]))
    table = rank_events(doc_claims, event_windows(events, 7, 30, 90), 200, 1, 1)
    assert table.loc[0, "n_docs"] == 1 and table.loc[0, "n_claims"] == 1
    assert table.loc[0, "baseline_kind"] == "all non-event"


def test_event_without_documents_gets_no_score_and_no_rank(tmp_path):
    rows = [(d, 0) for d in pd.date_range("2004-01-01", "2004-03-31")]
    events = load_events(
        catalogue(
            tmp_path,
            [
                ("a", "A", "x", "2004-02-15", "2004-02-15"),
                ("z", "Z", "x", "1990-01-01", "1990-01-02"),
            ],
        )
    )
    table = rank_events(doc_claims_for(rows), event_windows(events, 0, 0, 10), 200, 1, 5)
    late = table.set_index("event_id").loc["z"]
    assert late["n_docs"] == 0 and np.isnan(late["score"]) and pd.isna(late["rank"])
