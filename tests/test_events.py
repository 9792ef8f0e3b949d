import numpy as np
import pandas as pd
import pytest
from conftest import within
from schemes.catalogue import (
    EventCatalogueError,
    EventCatalogueSettings,
    documents_in_study,
    event_windows,
    in_period,
    load_events,
    run_event_catalogue,
)
from schemes.events import (
    Calibration,
    CountModel,
    ErrorRates,
    EventStudy,
    acc_correct,
    event_topic_profile,
    load_correction,
    rank_events,
    type_contrast,
)
from schemes.sensitivity import sensitivity
from schemes.tables import booktabs


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
        ([("a", "A", "t", "22.11.2004", "2004-12-01")], "line 2: start '22.11.2004'"),
        (
            [
                ("a", "A", "t", "2004-12-01", "2004-12-01"),
                ("B c", "B", "t", "2004-12-01", "2004-12-01"),
            ],
            "line 3: event_id 'B c'",
        ),
        ([("a", "A", "Colour Rev", "2004-12-01", "2004-12-01")], "line 2: type 'Colour Rev'"),
        ([], "no events"),
    ],
)
def test_catalogue_errors_name_the_line(tmp_path, rows, message):
    with pytest.raises(EventCatalogueError, match=message):
        load_events(catalogue(tmp_path, rows))


def doc_claims_for(days_and_counts):
    dates = pd.to_datetime([d for d, _ in days_and_counts])
    return pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(len(dates))],
            "date": dates,
            "date_end": dates,
            "date_precision": "day",
            "n_claims": [c for _, c in days_and_counts],
        }
    )


STUDY = dict(min_baseline_docs=50, unit="document", model_bin="month", model_degree=1)


def study_for(doc_claims, events, before=0, after=0, baseline=60, min_base=50, unit="document"):
    return EventStudy(
        doc_claims,
        event_windows(events, before, after, baseline_days=baseline),
        min_baseline_docs=min_base,
        unit=unit,
        model_bin="month",
        model_degree=1,
    )


@pytest.fixture
def two_events(tmp_path):
    days = pd.date_range("2004-01-01", "2004-12-31")
    rows = []
    for day in days:
        in_a = pd.Timestamp("2004-06-01") <= day <= pd.Timestamp("2004-06-10")
        in_b = pd.Timestamp("2004-10-01") <= day <= pd.Timestamp("2004-10-10")
        # 10 documents a day; event A: 3 claims/day, B: 1 claim/day, else 1 per 10 days
        for k in range(10):
            claim = (k < 3) if in_a else (k < 1) if in_b else (k == 0 and day.day % 10 == 0)
            rows.append((day, int(claim)))
    events = load_events(
        catalogue(
            tmp_path,
            [
                ("a", "A", "x", "2004-06-01", "2004-06-10"),
                ("b", "B", "y", "2004-10-01", "2004-10-10"),
            ],
        )
    )
    return doc_claims_for(rows), events


def test_rates_baselines_score_and_rank_on_a_constructed_corpus(two_events):
    doc_claims, events = two_events
    table, replicates = rank_events(study_for(doc_claims, events), "excess_pre", n_boot=500, seed=1)
    table = table.set_index("event_id")
    assert table.loc["a", "n_docs"] == 100 and table.loc["a", "n_claims"] == 30
    assert table.loc["a", "rate_per_1000"] == pytest.approx(300)
    baseline = table.loc["a", "baseline_rate"]
    assert 5 < baseline < 15 and table.loc["a", "baseline_kind"] == "pre-event"
    assert table.loc["a", "score"] == pytest.approx(300 - baseline)
    # the count model (outside windows: 1 claim per 100 documents) expects ~10 per 1,000
    assert table.loc["a", "expected_rate"] == pytest.approx(10, abs=3)
    assert table.loc["a", "ci_low"] < table.loc["a", "score"] < table.loc["a", "ci_high"]
    assert (table.loc["a", "rank"], table.loc["b", "rank"]) == (1, 2)
    assert (table.loc["a", "rank_ci_low"], table.loc["a", "rank_ci_high"]) == (1, 1)
    assert replicates.shape == (500, 2)


@pytest.mark.parametrize("unit", ["document", "day"])
def test_bootstrap_is_seeded_and_unit_configurable(two_events, unit):
    doc_claims, events = two_events
    first = study_for(doc_claims, events, unit=unit).bootstrap(300, 3)["excess_pre"]
    second = study_for(doc_claims, events, unit=unit).bootstrap(300, 3)["excess_pre"]
    assert np.array_equal(first, second)
    assert first.std(axis=0).min() > 0


def test_day_resampling_widens_intervals_when_claims_cluster_by_day(tmp_path):
    # claims come in whole days (all 10 documents of a day or none): day-level
    # resampling must see more variance than document-level resampling
    rows = []
    for i, day in enumerate(pd.date_range("2004-03-01", "2004-05-31")):
        rows += [(day, int(i % 5 == 0))] * 10
    events = load_events(catalogue(tmp_path, [("a", "A", "x", "2004-05-01", "2004-05-31")]))
    sd = {
        unit: study_for(doc_claims_for(rows), events, unit=unit)
        .bootstrap(2000, 1)["rate_per_1000"]
        .std()
        for unit in ("document", "day")
    }
    assert sd["day"] > 2 * sd["document"]


def test_thin_baseline_falls_back_to_all_non_event_documents(tmp_path):
    rows = [(d, 0) for d in pd.date_range("2004-01-01", "2004-03-31")]
    rows += [(pd.Timestamp("2004-02-15"), 1)] * 5
    events = load_events(catalogue(tmp_path, [("a", "A", "x", "2004-02-15", "2004-02-15")]))
    table = study_for(doc_claims_for(rows), events, baseline=10).summary()
    assert table.loc[0, "baseline_kind"] == "all non-event"
    assert table.loc[0, "baseline_docs"] == len(rows) - 6


def test_overlapping_windows_are_listed_and_share_documents(tmp_path):
    rows = [(d, 1) for d in pd.date_range("2004-01-01", "2004-03-31")]
    events = load_events(
        catalogue(
            tmp_path,
            [
                ("a", "A", "x", "2004-02-01", "2004-02-20"),
                ("b", "B", "x", "2004-02-10", "2004-02-28"),
            ],
        )
    )
    table = study_for(doc_claims_for(rows), events, min_base=1).summary().set_index("event_id")
    assert table.loc["a", "overlaps"] == "b" and table.loc["b", "overlaps"] == "a"
    assert table.loc["a", "n_docs"] == 20 and table.loc["b", "n_docs"] == 19


def test_year_dated_documents_count_in_every_window_of_their_year(tmp_path):
    doc_claims = pd.DataFrame(
        {
            "doc_id": ["y2003", "y2004"],
            "date": pd.to_datetime(["2003-01-01", "2004-01-01"]),
            "date_end": pd.to_datetime(["2003-12-31", "2004-12-31"]),
            "date_precision": "year",
            "n_claims": [1, 0],
        }
    )
    events = load_events(catalogue(tmp_path, [("rose", "R", "x", "2003-11-02", "2003-11-23")]))
    table = study_for(doc_claims, events, 7, 30, 90, 1).summary()
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
    table, _ = rank_events(
        study_for(doc_claims_for(rows), events, min_base=5), "excess_pre", n_boot=200, seed=1
    )
    late = table.set_index("event_id").loc["z"]
    assert late["n_docs"] == 0 and np.isnan(late["score"]) and pd.isna(late["rank"])


def test_count_model_recovers_a_trend_with_offset():
    years = np.arange(1995, 2015) + 0.5
    docs = np.full(len(years), 1000.0)
    true_rate = 0.002 * np.exp(0.1 * (years - years[0]))
    claims = np.round(docs * true_rate)
    model = CountModel(degree=1).fit(years, docs, claims)
    expected, se = model.expected_rate(np.array([2000.5, 2010.5]))
    assert expected == pytest.approx(0.002 * np.exp(0.1 * np.array([5, 15])), rel=0.15)
    assert (se > 0).all()
    flat = CountModel(degree=2).fit(years, docs, np.zeros(len(years)))
    assert flat.expected_rate(np.array([2000.0]))[0][0] == 0


def contrast_table(scores, types):
    return pd.DataFrame({"score": scores, "type": types})


def test_type_contrast_exact_permutation_p_value():
    # A = {10, 11, 12} vs B = {1, 2, 3}: the observed split is the most extreme
    # of C(6, 3) = 20 relabellings, and so is its mirror: p = 2/20.
    table = contrast_table([10, 11, 12, 1, 2, 3], ["a"] * 3 + ["b"] * 3)
    reps = np.tile(table["score"].to_numpy(), (200, 1)) + np.random.default_rng(0).normal(
        0, 0.5, (200, 6)
    )
    result = type_contrast(table, reps, ("a", "b"), n_permutations=1000, seed=1)
    assert result["difference"] == pytest.approx(9) and result["exact"]
    assert result["permutations"] == 20 and result["p_permutation"] == pytest.approx(0.1)
    assert result["ci_low"] < 9 < result["ci_high"]


def test_type_contrast_monte_carlo_and_missing_type():
    rng = np.random.default_rng(1)
    scores = np.concatenate([rng.normal(0, 1, 15), rng.normal(0, 1, 15)])
    table = contrast_table(scores, ["a"] * 15 + ["b"] * 15)
    result = type_contrast(table, np.tile(scores, (50, 1)), ("a", "b"), n_permutations=2000, seed=1)
    assert not result["exact"] and result["permutations"] == 2000
    assert result["p_permutation"] > 0.05
    assert np.isnan(
        type_contrast(table, np.tile(scores, (5, 1)), ("a", "zzz"), n_permutations=100, seed=1)[
            "difference"
        ]
    )


def grid(windows, measures, baseline=(60, 50)):
    """The sensitivity grid's keyword arguments (monthly count model of degree 1)."""
    return dict(
        window_grid=windows,
        measures=measures,
        baseline_days=baseline[0],
        min_baseline_docs=baseline[1],
        model_bin="month",
        model_degree=1,
    )


def test_sensitivity_grid_gives_tau_and_flags_movers(two_events):
    doc_claims, events = two_events
    long, tau, spread = sensitivity(
        doc_claims, events, **grid([(0, 0), (5, 5)], ["n_claims", "excess_pre"])
    )
    assert long["setting"].nunique() == 4
    assert tau.shape == (4, 5)
    share = pd.DataFrame(
        {"doc_id": doc_claims["doc_id"], "topic_share_x": doc_claims["n_claims"] / 2}
    )
    long, tau, _ = sensitivity(
        doc_claims, events, **grid([(0, 0)], ["n_claims"]), topic_share=share
    )
    assert set(long["measure"]) == {"n_claims", "excess_topic_share_x"}
    top = long[long["measure"] == "excess_topic_share_x"].set_index("event_id")
    assert top.loc["a", "rank"] == 1
    assert set(spread.columns) >= {"event_id", "rank_min", "rank_max", "rank_range", "moves_most"}


def test_booktabs_escapes_and_marks_missing():
    tex = booktabs(
        pd.DataFrame({"event_id": ["rose_2003"], "score": [float("nan")]}), "Cap 5%", "tab:x"
    )
    assert r"rose\_2003" in tex and "--" in tex and r"\toprule" in tex


def test_sensitivity_tolerates_events_without_documents(tmp_path):
    rows = [(d, int(d.day == 15)) for d in pd.date_range("2004-01-01", "2004-03-31")]
    events = load_events(
        catalogue(
            tmp_path,
            [
                ("a", "A", "x", "2004-02-15", "2004-02-15"),
                ("b", "B", "x", "2004-03-10", "2004-03-12"),
                ("c", "C", "x", "2004-01-10", "2004-01-20"),
                ("z", "Z", "x", "1990-01-01", "1990-01-02"),
            ],
        )
    )
    long, tau, spread = sensitivity(
        doc_claims_for(rows), events, **grid([(0, 0), (1, 1)], ["n_claims"], baseline=(10, 5))
    )
    assert long.loc[long["event_id"] == "z", "rank"].isna().all()
    assert spread.set_index("event_id").loc["z"].isna()["rank_min"]


def test_event_topic_profile_difference_and_ci(tmp_path):
    days = list(pd.date_range("2004-01-01", "2004-03-31"))
    doc_claims = doc_claims_for([(d, 0) for d in days])
    in_event = (doc_claims["date"] >= "2004-03-01").to_numpy()
    doc_topics = pd.DataFrame(
        {"doc_id": doc_claims["doc_id"], "topic_0": np.where(in_event, 0.8, 0.2)}
    )
    doc_topics["topic_1"] = 1 - doc_topics["topic_0"]
    events = load_events(catalogue(tmp_path, [("a", "A", "x", "2004-03-01", "2004-03-31")]))
    profile = event_topic_profile(
        doc_topics,
        doc_claims,
        event_windows(events, 0, 0, baseline_days=59),
        min_baseline_docs=10,
        topics=pd.DataFrame({"topic": [0, 1], "label": ["T0", "T1"]}),
    ).set_index("topic")
    assert profile.loc[0, "difference"] == pytest.approx(0.6)
    # the bounds are 0.8 - 0.2 computed in floats (0.6000000000000001 on some machines)
    assert within(profile.loc[0, "ci_low"], 0.6, profile.loc[0, "ci_high"])
    assert profile.loc[1, "difference"] == pytest.approx(-0.6)


def test_ci_bounds_are_compared_with_a_tolerance():
    bound = 0.8 - 0.2  # 0.6000000000000001, the bound the failing machine computed
    assert not bound <= 0.6  # an exact comparison fails on it
    assert within(bound, 0.6, 0.7) and within(0.5, 0.6, bound)
    assert not within(0.61, 0.6, 0.7) and not within(0.5, 0.6, 0.59)


def test_acc_correct_inverts_the_decisions_error_rates():
    # 1,000 items, 100 true claims; tpr 0.6, fpr 0.05 flag 60 + 45 = 105
    assert acc_correct(105.0, 1000.0, tpr=0.6, fpr=0.05) == pytest.approx(100)
    assert acc_correct(10.0, 1000.0, tpr=0.6, fpr=0.05) == 0  # below the false-positive floor
    assert np.isnan(acc_correct(50.0, 1000.0, tpr=0.3, fpr=0.3))  # uninformative decision


def test_correction_changes_counts_and_widens_cis_with_measurement_draws(two_events):
    doc_claims, events = two_events
    plain, _ = rank_events(study_for(doc_claims, events), "rate_per_1000", n_boot=400, seed=1)
    point = np.array([0.8, 0.02])
    exact = ErrorRates(np.r_[0.8, np.full(400, 0.8)], np.r_[0.02, np.full(400, 0.02)])
    rng = np.random.default_rng(0)
    noisy = ErrorRates(
        np.r_[0.8, rng.uniform(0.5, 0.95, 400)], np.r_[0.02, rng.uniform(0.0, 0.04, 400)]
    )
    tables = {}
    for name, correction in (("exact", exact), ("noisy", noisy)):
        study = EventStudy(
            doc_claims,
            event_windows(events, 0, 0, baseline_days=60),
            **STUDY,
            correction=correction,
        )
        tables[name], _ = rank_events(study, "rate_per_1000", n_boot=400, seed=1)
    plain, exact_t, noisy_t = (t.set_index("event_id") for t in (plain, *tables.values()))
    # event a: 30 flagged of 100 -> (30 - 0.02 * 100) / 0.78
    assert exact_t.loc["a", "n_claims"] == pytest.approx((30 - point[1] * 100) / 0.78)
    assert exact_t.loc["a", "score"] == pytest.approx(10 * (30 - 2) / 0.78)
    width = {
        k: t.loc["a", "ci_high"] - t.loc["a", "ci_low"]
        for k, t in (("plain", plain), ("exact", exact_t), ("noisy", noisy_t))
    }
    # a fixed correction rescales the interval; drawing the rates widens it further
    assert width["exact"] == pytest.approx(width["plain"] / 0.78, rel=0.05)
    assert width["noisy"] > 1.3 * width["exact"]


def test_event_period_keeps_events_starting_within_it(tmp_path, root):
    path = tmp_path / "catalogue.tsv"
    events = load_events(root / "config" / "events.tsv")
    kept = in_period(events, {"from": "2000-01-01", "to": "2010-12-31"})
    assert kept["start"].min() >= pd.Timestamp("2000-01-01")
    assert kept["start"].max() <= pd.Timestamp("2010-12-31")
    assert len(in_period(events, {"from": "", "to": ""})) == len(events)
    assert {"rose_2003", "orange_2004", "tulip_2005"} <= set(kept["event_id"])
    assert "crimea_2014" not in set(kept["event_id"])
    # documents to the end of October 2003: the Rose revolution's window is not covered
    days = pd.date_range("2002-10-01", "2003-10-25")
    pd.DataFrame({"date": days, "date_end": days}).to_parquet(tmp_path / "documents.parquet")
    files = (
        {"catalogue": root / "config" / "events.tsv", "documents": tmp_path / "documents.parquet"},
        {"catalogue": path},
    )

    def settings(start, end):
        return EventCatalogueSettings(
            {"from": start, "to": end}, days_before=7, days_after=30, contrasts=[]
        )

    summary = run_event_catalogue(settings("2002-01-01", "2003-12-31"), *files)
    assert summary["events"] == len(load_events(path)) >= 1
    assert "rose_2003" in summary["without_documents"]
    assert "rose_2003" not in set(load_events(path)["event_id"])
    with pytest.raises(EventCatalogueError, match="no event starts within"):
        run_event_catalogue(settings("2030-01-01", ""), *files)
    with pytest.raises(EventCatalogueError, match="no event .* has a document"):
        run_event_catalogue(settings("2005-01-01", "2005-12-31"), *files)


def test_calibration_draws_give_probability_sums_and_wider_cis(two_events):
    from scipy.special import expit

    doc_claims, events = two_events
    # a classifier score: higher for the claim documents
    score = np.where(doc_claims["n_claims"].to_numpy() > 0, 2.0, -3.0)
    doc_claims = doc_claims.assign(classifier_score=score, n_claims=expit(1.5 * score - 1.0))
    rng = np.random.default_rng(1)
    fixed = Calibration(np.full(401, 1.5), np.full(401, -1.0), score)
    noisy = Calibration(
        np.r_[1.5, rng.normal(1.5, 0.5, 400)], np.r_[-1.0, rng.normal(-1.0, 1.0, 400)], score
    )
    windows = event_windows(events, 0, 0, baseline_days=60)
    plain, _ = rank_events(
        EventStudy(doc_claims, windows, **STUDY), "rate_per_1000", n_boot=400, seed=2
    )
    tables = {
        name: rank_events(
            EventStudy(doc_claims, windows, **STUDY, correction=model),
            "rate_per_1000",
            n_boot=400,
            seed=2,
        )[0].set_index("event_id")
        for name, model in (("fixed", fixed), ("noisy", noisy))
    }
    plain = plain.set_index("event_id")
    # draws equal to the point calibration reproduce the uncorrected study exactly
    assert np.allclose(tables["fixed"]["ci_low"], plain["ci_low"])
    assert np.allclose(tables["fixed"]["ci_high"], plain["ci_high"])
    assert tables["noisy"].loc["a", "score"] == pytest.approx(plain.loc["a", "score"])
    width = {k: t.loc["a", "ci_high"] - t.loc["a", "ci_low"] for k, t in tables.items()}
    assert width["noisy"] > 1.3 * width["fixed"]


def test_load_correction_reads_either_model(tmp_path, two_events):
    doc_claims, _ = two_events
    path = tmp_path / "m.csv"
    pd.DataFrame({"replicate": [1, 0], "tpr": [0.5, 0.6], "fpr": [0.1, 0.0]}).to_csv(path)
    rates = load_correction(path, doc_claims)
    assert isinstance(rates, ErrorRates) and rates.tpr[0] == 0.6 and rates.n_draws == 1
    pd.DataFrame({"replicate": [0], "a": [1.0], "b": [0.0]}).to_csv(path)
    with pytest.raises(ValueError, match="classifier_score"):
        load_correction(path, doc_claims)
    pd.DataFrame({"replicate": [0], "x": [1.0]}).to_csv(path)
    with pytest.raises(ValueError, match="needs columns"):
        load_correction(path, doc_claims)


def test_type_contrast_joins_types_with_plus():
    table = contrast_table([5.0, 4.0, 1.0, 2.0, 0.0], ["a", "a", "b", "c", "c"])
    replicates = np.tile(table["score"].to_numpy(), (50, 1))
    joined = type_contrast(table, replicates, ("a", "b+c"), n_permutations=1000, seed=0)
    assert (joined["n_a"], joined["n_b"]) == (2, 3)
    assert joined["difference"] == pytest.approx(4.5 - 1.0)
    assert type_contrast(table, replicates, ("a", "b"), n_permutations=1000, seed=0)["n_b"] == 1


def test_empty_catalogue_file_is_named(tmp_path):
    path = tmp_path / "events.tsv"
    path.write_text("")
    with pytest.raises(EventCatalogueError, match="events.tsv: the file is empty"):
        load_events(path)


def test_study_period_drops_documents_far_outside_the_ranked_events(two_events):
    doc_claims, events = two_events
    late = doc_claims.assign(
        date=doc_claims["date"] + pd.DateOffset(years=15),
        date_end=doc_claims["date_end"] + pd.DateOffset(years=15),
        doc_id=doc_claims["doc_id"] + "_late",
    )
    kept = documents_in_study(
        pd.concat([doc_claims, late]), events, days_before=0, days_after=0, baseline_days=60
    )
    assert not kept["doc_id"].str.endswith("_late").any()
    assert kept["date"].min() >= pd.Timestamp("2004-04-02")  # 60 days before event a
    assert kept["date"].max() <= pd.Timestamp("2004-10-10")


def test_error_rate_draws_without_a_rate_are_dropped_and_no_draws_use_the_point(
    tmp_path, two_events
):
    doc_claims, events = two_events
    path = tmp_path / "m.csv"
    pd.DataFrame(
        {"replicate": [0, 1, 2], "tpr": [0.8, np.nan, 0.7], "fpr": [0.02, 0.0, 0.03]}
    ).to_csv(path)
    assert load_correction(path, doc_claims).n_draws == 1
    alone = ErrorRates(np.array([0.8]), np.array([0.02]))
    study = EventStudy(
        doc_claims, event_windows(events, 0, 0, baseline_days=60), **STUDY, correction=alone
    )
    assert np.isfinite(study.bootstrap(50, 1)["rate_per_1000"]).all()
