"""Active learning: uncertain, diverse, never already coded; not a probability sample."""

import logging

import numpy as np
import pandas as pd
import pytest
from schemes.active import (
    COLUMNS,
    SELECTION_COLUMNS,
    ActiveLearningSettings,
    ActiveSettings,
    decision_threshold,
    run_active_learning,
    select_for_coding,
    uncertainty,
)
from schemes.coding import CODE_FIELDS, CodedFileError


def logistic(x):
    return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))


def distinct_lemmas(ids):
    """Every item its own words: all pairwise distances are 1, so diversity cannot decide."""
    return pd.Series([f"word{i} other{i} more{i}" for i in range(len(ids))], index=ids)


def test_uncertainty_is_symmetric_on_the_logit_scale():
    t = 0.2
    low, high = logistic(np.log(t / (1 - t)) + np.array([-0.7, 0.7]))
    assert uncertainty(np.array([low, high]), t) == pytest.approx([0.7, 0.7])
    # on the probability scale 0.15 and 0.25 are equally close to 0.2; on the logit scale
    # 0.25 is closer (|logit 0.25 - logit 0.2| = 0.288 < |logit 0.15 - logit 0.2| = 0.348)
    u = uncertainty(np.array([0.15, 0.25]), t)
    assert u[1] < u[0]
    assert (
        uncertainty(np.array([0.0, 1.0, t]), t)[2] == 0
        and np.isfinite(uncertainty(np.array([0.0, 1.0]), t)).all()
    )


def test_the_most_uncertain_uncoded_items_are_chosen_and_coded_ones_never():
    t = 0.3
    ids = [f"d{i:03d}" for i in range(60)]
    # logit distance to the threshold grows with i; items d000..d009 are the closest
    offsets = np.array([(i // 2 + 1) * 0.25 * (1 if i % 2 else -1) for i in range(60)])
    probability = pd.Series(logistic(np.log(t / (1 - t)) + offsets), index=ids)
    coded = {"d000", "d003", "d004"}  # among the very closest: must still be skipped
    # a coded item sitting exactly on the threshold
    probability["d999"] = t
    coded.add("d999")
    lemmas = distinct_lemmas(probability.index)

    chosen = select_for_coding(probability, t, lemmas, exclude=coded, n=7, pool_factor=1)
    assert list(chosen.columns) == COLUMNS
    assert not set(chosen["item_id"]) & coded
    expected = [i for i in ids if i not in coded][:7]
    assert chosen["item_id"].tolist() == expected  # distinct texts: uncertainty order
    assert chosen["uncertainty_rank"].tolist() == list(range(1, 8))
    assert chosen["selection_order"].tolist() == list(range(1, 8))
    assert np.isnan(chosen["min_distance"].iat[0])
    assert chosen["min_distance"].iloc[1:].to_numpy() == pytest.approx(1.0)
    assert chosen["probability"].tolist() == probability[expected].tolist()

    # with a large pool the chosen items still come from the most uncertain 7 * 3
    wide = select_for_coding(probability, t, lemmas, exclude=coded, n=7, pool_factor=3)
    assert wide["uncertainty_rank"].max() <= 21
    assert not set(wide["item_id"]) & coded


def test_farthest_first_spreads_over_groups_of_near_duplicates():
    t = 0.5
    groups = {
        "a": "kremlin accuse west plot spy fund revolution protest street leader",
        "b": "harvest grain farmer weather rain field tractor price export wheat",
        "c": "football match goal team cup final league coach player score",
    }
    ids, texts, offsets = [], [], []
    for g, (name, words) in enumerate(groups.items()):
        for k in range(10):
            ids.append(f"{name}{k}")
            # group a: exact duplicates; b and c: one extra word each
            texts.append(words if name == "a" else f"{words} extra{name}{k}")
            offsets.append(0.01 * (10 * g + k + 1))  # every a more uncertain than any b, c
    probability = pd.Series(logistic(offsets), index=ids)
    lemmas = pd.Series(texts, index=ids)

    only_uncertain = select_for_coding(probability, t, lemmas, exclude=set(), n=3, pool_factor=1)
    assert only_uncertain["item_id"].tolist() == ["a0", "a1", "a2"]  # duplicates

    chosen = select_for_coding(probability, t, lemmas, exclude=set(), n=3, pool_factor=10)
    assert chosen["item_id"].iat[0] == "a0"  # starts from the most uncertain item
    assert {i[0] for i in chosen["item_id"]} == {"a", "b", "c"}
    # the next ones are the most uncertain of their groups (ties go to uncertainty)
    assert chosen["item_id"].tolist() == ["a0", "b0", "c0"]
    assert chosen["min_distance"].iloc[1:].to_numpy() == pytest.approx(1.0)

    # with a fourth pick every candidate is a near-duplicate of something chosen
    four = select_for_coding(probability, t, lemmas, exclude=set(), n=4, pool_factor=10)
    assert four["min_distance"].iat[3] < 0.5
    # and an exact duplicate of a chosen item is the last resort
    assert four["item_id"].iat[3] != "a1"


def test_items_without_lemmas_are_not_all_taken_as_maximally_diverse():
    ids = ["e0", "e1", "e2", "e3", "e4", "t0", "t1", "t2"]
    probability = pd.Series(logistic(np.arange(1, 9) * 0.1), index=ids)
    lemmas = pd.Series(["", "", "", "", "", "one two", "three four", "five six"], index=ids)
    chosen = select_for_coding(
        probability, 0.5, lemmas.drop("e4"), exclude=set(), n=4, pool_factor=2
    )
    assert chosen["item_id"].tolist() == ["e0", "t0", "t1", "t2"]

    # no lemmas at all: uncertainty order
    nothing = select_for_coding(
        probability, 0.5, pd.Series(dtype=str), exclude=set(), n=3, pool_factor=3
    )
    assert nothing["item_id"].tolist() == ["e0", "e1", "e2"]


def test_selection_is_deterministic_and_independent_of_input_order():
    rng = np.random.default_rng(5)
    ids = [f"d{i:04d}" for i in range(400)]
    vocabulary = [f"w{i}" for i in range(40)]
    lemmas = pd.Series([" ".join(rng.choice(vocabulary, size=6)) for _ in ids], index=ids)
    # rounded probabilities make many exact ties in uncertainty
    probability = pd.Series(np.round(rng.random(400), 2), index=ids)
    coded = set(rng.choice(ids, size=50, replace=False))

    first = select_for_coding(probability, 0.37, lemmas, exclude=coded, n=25, pool_factor=4)
    again = select_for_coding(probability, 0.37, lemmas, exclude=coded, n=25, pool_factor=4)
    pd.testing.assert_frame_equal(first, again)
    order = rng.permutation(400)
    shuffled = select_for_coding(
        probability.iloc[order], 0.37, lemmas.iloc[order[::-1]], exclude=coded, n=25, pool_factor=4
    )
    pd.testing.assert_frame_equal(first, shuffled)
    assert first["item_id"].is_unique and not set(first["item_id"]) & coded
    assert first["uncertainty_rank"].max() <= 100


def test_more_items_asked_than_left_zero_and_bad_arguments(caplog):
    ids = [f"d{i}" for i in range(10)]
    probability = pd.Series(np.linspace(0.05, 0.95, 10), index=ids)
    lemmas = distinct_lemmas(ids)
    coded = {"d0", "d1", "d2", "d3"}
    with caplog.at_level(logging.WARNING, logger="schemes.active"):
        chosen = select_for_coding(probability, 0.5, lemmas, exclude=coded, n=20, pool_factor=5)
    assert sorted(chosen["item_id"]) == ["d4", "d5", "d6", "d7", "d8", "d9"]
    assert "only 6 un-coded items" in caplog.text

    none = select_for_coding(probability, 0.5, lemmas, exclude=coded, n=0, pool_factor=5)
    assert none.empty and list(none.columns) == COLUMNS
    everything_coded = select_for_coding(
        probability, 0.5, lemmas, exclude=set(ids), n=5, pool_factor=5
    )
    assert everything_coded.empty and list(everything_coded.columns) == COLUMNS

    for bad in (
        {"n": -1},
        {"n": 2.5},
        {"pool_factor": 0},
        {"threshold": 1.5},
        {"threshold": float("inf")},
    ):
        arguments = {"threshold": 0.5, "n": 3, "pool_factor": 2, **bad}
        with pytest.raises(ValueError):
            select_for_coding(probability, lemmas=lemmas, exclude=set(), **arguments)
    with pytest.raises(ValueError, match="repeated"):
        select_for_coding(
            pd.concat([probability, probability.iloc[:1]]),
            0.5,
            lemmas,
            exclude=set(),
            n=3,
            pool_factor=2,
        )


def test_decision_threshold_is_the_lowest_flagged_probability():
    scores = pd.DataFrame(
        {"classifier_probability": [0.1, 0.42, 0.9, 0.3], "classifier_claim": [0, 1, 1, 0]}
    )
    assert decision_threshold(scores) == 0.42
    assert decision_threshold(scores.assign(classifier_claim=0)) == 0.5


def write_fixture(tmp_path, n_docs=40):
    """Documents, two sentence shards, classifier scores and a design of 10 coded items."""
    ids = [f"doc{i:03d}" for i in range(n_docs)]
    topics = ["spy plot west", "grain harvest rain", "cup final goal", "oil price gas"]
    documents = pd.DataFrame(
        {
            "doc_id": ids,
            "date": pd.date_range("2014-03-01", periods=n_docs, freq="D"),
            "text": [f"Text of item {i}. " + topics[i % 4] for i in range(n_docs)],
            "lang": "en",
        }
    )
    documents.to_parquet(tmp_path / "documents.parquet", index=False)
    sentences = pd.DataFrame(
        {
            "doc_id": [d for d in ids for _ in range(2)],
            "lemmas": [s for i in range(n_docs) for s in (f"item n{i}", topics[i % 4])],
        }
    )
    shards = [tmp_path / "shard_0.parquet", tmp_path / "shard_1.parquet"]
    sentences.iloc[:n_docs].to_parquet(shards[0], index=False)
    sentences.iloc[n_docs:].to_parquet(shards[1], index=False)
    probability = np.linspace(0.01, 0.99, n_docs)
    threshold = probability[25]
    pd.DataFrame(
        {
            "doc_id": ids,
            "classifier_probability": probability,
            "classifier_claim": (probability >= threshold).astype(int),
        }
    ).to_parquet(tmp_path / "scores.parquet", index=False)
    coded = ids[20:30]  # the items around the threshold are already coded
    pd.DataFrame(
        {
            "item_id": coded,
            "date": "2014-03-01",
            "stratum": "both",
            "inclusion_probability": 0.5,
            "split": "dev",
        }
    ).to_csv(tmp_path / "design.csv", index=False)
    return documents, shards, threshold, set(coded)


def _arguments(tmp_path, shards, *, n, pool_factor, seed, max_chars, active=()):
    """run_active_learning's settings and inputs for the files of write_fixture."""
    settings = ActiveLearningSettings(
        active=ActiveSettings(n=n, pool_factor=pool_factor), seed=seed, max_chars=max_chars
    )
    inputs = {
        "documents": tmp_path / "documents.parquet",
        "sentences": shards,
        "scores": tmp_path / "scores.parquet",
        "design": tmp_path / "design.csv",
        "active": list(active),
    }
    return settings, inputs


def test_run_active_learning_writes_selection_and_coder_file(tmp_path):
    documents, shards, threshold, coded = write_fixture(tmp_path)
    outputs = {
        "selection": tmp_path / "active_selection.csv",
        "to_code": tmp_path / "active_to_code.csv",
    }
    arguments = _arguments(tmp_path, shards, n=8, pool_factor=2, seed=4, max_chars=12)
    summary = run_active_learning(*arguments, outputs)

    selection = pd.read_csv(outputs["selection"], dtype={"item_id": str})
    assert list(selection.columns) == SELECTION_COLUMNS
    assert len(selection) == 8 and selection["item_id"].is_unique
    assert not set(selection["item_id"]) & coded
    assert (selection["stratum"] == "active").all() and (selection["split"] == "train").all()
    assert selection["selection_order"].tolist() == list(range(1, 9))
    # pool = the 16 un-coded items closest to the threshold (p = 0.64) on the logit scale:
    # ten below it (doc010..doc019) but only six above (doc030..doc035), where the logit
    # grows faster with the probability
    pool = {f"doc{i:03d}" for i in [*range(10, 20), *range(30, 36)]}
    assert set(selection["item_id"]) <= pool
    assert selection["item_id"].iat[0] == "doc030"  # the most uncertain un-coded item
    dates = documents.set_index("doc_id")["date"].dt.strftime("%Y-%m-%d")
    assert selection["date"].tolist() == dates[selection["item_id"]].tolist()
    # four topics in the pool: the first four picks cover all of them
    topic = selection["item_id"].str[-3:].astype(int) % 4
    assert set(topic.iloc[:4]) == {0, 1, 2, 3}

    to_code = pd.read_csv(outputs["to_code"], dtype={"item_id": str}, keep_default_na=False)
    assert list(to_code.columns) == ["item_id", "date", "text", "truncated", *CODE_FIELDS]
    assert sorted(to_code["item_id"]) == sorted(selection["item_id"])
    assert to_code["item_id"].tolist() != selection["item_id"].tolist()  # shuffled
    assert (to_code["truncated"] == 1).all() and to_code["text"].str.len().max() == 12
    assert (to_code[CODE_FIELDS] == "").all().all()

    assert summary["threshold"] == pytest.approx(threshold, abs=1e-4)
    assert summary["coded_items_excluded"] == 10 and summary["uncoded_items"] == 30
    assert summary["chosen"] == 8 and summary["pool"] == 16
    low, high = summary["chosen_probability_range"]
    assert low == pytest.approx(selection["probability"].min(), abs=1e-4)
    assert high == pytest.approx(selection["probability"].max(), abs=1e-4)

    # same inputs, same files
    again = {k: tmp_path / f"again_{v.name}" for k, v in outputs.items()}
    run_active_learning(*arguments, again)
    for key in outputs:
        assert outputs[key].read_text() == again[key].read_text()


def test_run_active_learning_rejects_a_design_of_another_corpus(tmp_path):
    _, shards, _, _ = write_fixture(tmp_path)
    pd.DataFrame({"item_id": ["other1", "other2"], "split": "dev"}).to_csv(
        tmp_path / "other.csv", index=False
    )
    with pytest.raises(CodedFileError, match="another corpus"):
        settings, inputs = _arguments(tmp_path, shards, n=5, pool_factor=2, seed=0, max_chars=100)
        run_active_learning(
            settings,
            {**inputs, "design": tmp_path / "other.csv"},
            {"selection": tmp_path / "s.csv", "to_code": tmp_path / "t.csv"},
        )


def test_items_coded_in_earlier_rounds_are_never_proposed_again(tmp_path):
    documents, shards, _, coded = write_fixture(tmp_path)
    arguments = _arguments(tmp_path, shards, n=8, pool_factor=1, seed=4, max_chars=100)
    first = {k: tmp_path / f"first_{k}.csv" for k in ("selection", "to_code")}
    run_active_learning(*arguments, first)
    round_one = pd.read_csv(first["to_code"], dtype=str, keep_default_na=False)
    round_one["claim"] = "0"
    round_one["anti_western"] = "0"
    round_one["doubt"] = "0"
    round_one["coder"] = "C9"
    round_one.drop(columns=["text", "truncated"]).to_csv(tmp_path / "round1.csv", index=False)
    second = {k: tmp_path / f"second_{k}.csv" for k in ("selection", "to_code")}
    settings, inputs = _arguments(
        tmp_path,
        shards,
        n=8,
        pool_factor=1,
        seed=4,
        max_chars=100,
        active=[tmp_path / "round1.csv"],
    )
    summary = run_active_learning(settings, inputs, second)
    chosen = set(pd.read_csv(second["selection"], dtype=str)["item_id"])
    assert summary["earlier_rounds_excluded"] == 8
    assert not chosen & set(round_one["item_id"]) and not chosen & coded
    assert len(chosen) == 8
