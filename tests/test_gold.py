"""Item-level gold standard: sampling design, coding files, statistics, report."""

import numpy as np
import pandas as pd
import pytest
from conftest import within
from schemes import measures as registry
from schemes.coding import (
    CodedFileError,
    build_gold,
    check_adjudication,
    export_for_coding,
    load_gold,
    read_item_codes,
    reliability,
)
from schemes.eventrates import event_rates
from schemes.goldsample import GoldSampleSettings, draw_item_sample, filter_strata, run_gold_sample
from schemes.measures import Measure, item_measures, lexicon_measures
from schemes.scoring import choose_measure, score_measures
from schemes.stats import best_threshold, weighted_auc, weighted_prf


def documents(n):
    return pd.DataFrame(
        {
            "doc_id": [f"d{i:04d}" for i in range(n)],
            "date": pd.date_range("2004-01-01", periods=n, freq="D"),
            "text": [f"text {i}" for i in range(n)],
        }
    )


def test_filter_strata_match_word_beginnings_only():
    texts = pd.Series(
        [
            "Госдеп профинансировал оппозицию",  # actor; "финансир" is inside a word
            "США и Россия подписали договор",  # actor only
            "Полиция раскрыла заговор",  # suspicion only
            "Масштабная выставка цветов",  # "сша" and "цвет" inside words: no match
            "Ещё один фонд",  # actor
            None,
        ]
    )
    strata = filter_strata(texts, ["сша", "госдеп", "фонд"], ["финансир", "заговор", "цветн"])
    assert strata.tolist() == ["either", "either", "either", "rest", "either", "rest"]
    strata = filter_strata(texts, ["сша", "госдеп"], ["профинансир"])
    assert strata[0] == "both"


def test_item_sample_design_probabilities_split_and_second_coding():
    docs = documents(1000)
    strata = np.array(["both"] * 100 + ["either"] * 300 + ["rest"] * 600)
    sizes = {"both": 40, "either": 30, "rest": 700}
    sample = draw_item_sample(
        docs, strata, sizes, test_fraction=0.45, double_coded={"both": 10, "rest": 5}, seed=3
    )
    again = draw_item_sample(
        docs, strata, sizes, test_fraction=0.45, double_coded={"both": 10, "rest": 5}, seed=3
    )
    pd.testing.assert_frame_equal(sample, again)
    assert sample["item_id"].is_unique
    by = sample.groupby("stratum")
    assert by.size().to_dict() == {"both": 40, "either": 30, "rest": 600}  # rest capped
    probability = by["inclusion_probability"].first()
    assert probability["both"] == pytest.approx(0.4) and probability["rest"] == 1.0
    assert by["stratum_population"].first().to_dict() == {"both": 100, "either": 300, "rest": 600}
    tested = sample[sample["split"] == "test"].groupby("stratum").size()
    assert tested.to_dict() == {"both": 18, "either": 14, "rest": 270}  # ceil(0.45 n)
    assert sample.groupby("stratum")["double_coded"].sum().to_dict() == {
        "both": 10,
        "either": 0,
        "rest": 5,
    }
    other = draw_item_sample(
        docs, strata, sizes, test_fraction=0.45, double_coded={"both": 10}, seed=4
    )
    assert set(other["item_id"]) != set(sample["item_id"])


def test_export_for_coding_hides_the_design_and_flags_cut_texts():
    docs = documents(20)
    docs.loc[3, "text"] = "x" * 500
    sample = draw_item_sample(
        docs, np.array(["both"] * 20), {"both": 10}, test_fraction=0.5, double_coded={}, seed=1
    )
    sample = pd.concat([sample, sample.iloc[:0]])
    exported = export_for_coding(docs, sample, seed=2, max_chars=100)
    assert set(exported["item_id"]) == set(sample["item_id"])
    assert not {"stratum", "split", "inclusion_probability"} & set(exported.columns)
    assert exported["text"].str.len().max() <= 100
    assert exported["truncated"].sum() == int("d0003" in set(sample["item_id"]))
    assert (exported[["claim", "anti_western", "reason"]] == "").all().all()


def write_codes(tmp_path, rows, name="codes.csv"):
    columns = ["item_id", "claim", "anti_western", "accused", "stance", "doubt", "reason"]
    path = tmp_path / name
    pd.DataFrame(rows, columns=columns).to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    "row, words",
    [
        (["b", "0", "1", "", "", "0", ""], ["line 3", "anti_western is 1 but claim is 0"]),
        (["b", "1", "1", "usa", "dismissed", "0", "r"], ["line 3", "dismissed", "claim = 0"]),
        (["b", "1", "1", "usa", "reported", "0", ""], ["line 3", "needs a reason"]),
        (["b", "0", "0", "", "", "1", ""], ["line 3", "needs a reason"]),
        (["b", "0", "0", "", "rumour", "0", ""], ["line 3", "stance 'rumour'"]),
        (["b", "1", "0", "martians", "asserted", "0", "r"], ["line 3", "accused 'martians'"]),
        (["b", "", "0", "", "", "0", ""], ["line 3", "claim is empty"]),
        (["b", "maybe", "0", "", "", "0", ""], ["line 3", "maybe"]),
        (["a", "0", "0", "", "", "0", ""], ["line 3", "'a' repeated"]),
    ],
)
def test_read_item_codes_names_file_line_and_problem(tmp_path, row, words):
    path = write_codes(tmp_path, [["a", "1", "1", "usa", "reported", "0", "US behind unrest"], row])
    with pytest.raises(CodedFileError) as err:
        read_item_codes(path)
    assert str(path) in str(err.value)
    for word in words:
        assert word in str(err.value)


def test_read_item_codes_accepts_yes_no_and_dismissed_allegations(tmp_path):
    path = write_codes(
        tmp_path,
        [
            ["a", "yes", "да", "usa", "reported_with_denial", "0", "US accused, denies"],
            ["b", "no", "", "russia", "dismissed", "0", "outlet mocks the charge"],
            ["c", "0", "0", "", "", "", ""],
        ],
    )
    codes = read_item_codes(path).set_index("item_id")
    assert codes["claim"].tolist() == [1, 0, 0] and codes["anti_western"].tolist() == [1, 0, 0]
    assert codes.at["b", "stance"] == "dismissed"


def test_weighted_prf_auc_and_threshold_by_hand():
    truth = np.array([1, 1, 0, 0, 0])
    predicted = np.array([1, 0, 1, 0, 0])
    weights = np.array([1.0, 3.0, 2.0, 1.0, 1.0])
    precision, recall, f1 = weighted_prf(truth, predicted, weights)
    # TP weight 1; flagged weight 1 + 2 = 3; positive weight 1 + 3 = 4
    assert precision == pytest.approx(1 / 3) and recall == pytest.approx(1 / 4)
    assert f1 == pytest.approx(2 * (1 / 3) * (1 / 4) / (1 / 3 + 1 / 4))
    assert (
        weighted_prf(truth, np.zeros(5), weights)[0] != weighted_prf(truth, np.zeros(5), weights)[0]
    )
    assert weighted_prf(np.array([1, 0]), np.array([0, 1]), np.ones(2))[2] == 0.0
    from sklearn.metrics import roc_auc_score

    score = np.array([0.9, 0.2, 0.5, 0.2, 0.1])
    assert weighted_auc(truth, score, weights) == pytest.approx(
        roc_auc_score(truth, score, sample_weight=weights)
    )
    assert weighted_auc(np.zeros(3), score[:3], np.ones(3)) != weighted_auc(
        np.zeros(3), score[:3], np.ones(3)
    )  # undefined: NaN
    assert best_threshold(
        np.array([1, 1, 0, 0]), np.array([0.9, 0.7, 0.6, 0.1]), np.ones(4)
    ) == pytest.approx(0.65)


def test_reliability_lists_disagreements_and_adjudication_is_checked():
    first = pd.DataFrame(
        {
            "item_id": list("abcdefgh"),
            "claim": [1, 1, 0, 0, 0, 0, 1, 0],
            "anti_western": [1, 0, 0, 0, 0, 0, 1, 0],
        }
    )
    second = first.copy()
    second.loc[1, "claim"] = 0  # item b
    second.loc[3, ["claim", "anti_western"]] = 1  # item d
    table, disagreements = reliability(first, second, n_boot=200, seed=1)
    table = table.set_index("field")
    assert (
        table.at["claim", "disagreements"] == 2 and table.at["anti_western", "disagreements"] == 1
    )
    assert table.at["claim", "items"] == 8
    alpha = table.at["claim", "krippendorff_alpha"]
    assert within(table.at["claim", "alpha_ci_low"], alpha, table.at["claim", "alpha_ci_high"])
    perfect, none = reliability(first, first, n_boot=50, seed=1)
    assert (perfect["krippendorff_alpha"] == 1).all() and none.empty
    gold = first.copy()
    gold.loc[3, ["claim", "anti_western"]] = 1
    adjudication = pd.DataFrame(
        {
            "item_id": ["b", "d", "d"],
            "field": ["claim", "claim", "anti_western"],
            "final": ["1", "1", "1"],
            "reason": ["covert funding to topple", "hidden sponsor named", "sponsor is the US"],
        }
    )
    check_adjudication(disagreements, adjudication, gold, path="adj.csv")
    with pytest.raises(CodedFileError, match="adj.csv: disagreement on b"):
        check_adjudication(disagreements, adjudication.iloc[1:], gold, path="adj.csv")
    wrong = adjudication.assign(final=["0", "1", "1"])
    with pytest.raises(CodedFileError, match="says 0 but the gold file says 1"):
        check_adjudication(disagreements, wrong, gold, path="adj.csv")


def gold_items(n_per_stratum=200, seed=0):
    """A population of 10,000 'both' and 90,000 'rest' items; claims only in 'both'."""
    rng = np.random.default_rng(seed)
    rows = []
    for stratum, population, rate in (("both", 10_000, 0.3), ("rest", 90_000, 0.0)):
        for i in range(n_per_stratum):
            claim = int(rng.random() < rate)
            rows.append(
                {
                    "item_id": f"{stratum}{i}",
                    "stratum": stratum,
                    "inclusion_probability": n_per_stratum / population,
                    "split": "test" if i % 2 else "dev",
                    "claim": claim,
                    "anti_western": claim,
                    "perfect": claim,
                    "flag_rest": int(stratum == "rest"),
                    "score": claim + rng.random() * 0.5,
                }
            )
    return pd.DataFrame(rows)


def test_score_measures_weights_undo_oversampling_and_thresholds_come_from_dev(monkeypatch):
    items = gold_items()
    for column, kind in (("perfect", "binary"), ("flag_rest", "binary"), ("score", "score")):
        row = Measure(column, column, kind, "x.parquet", "x")
        monkeypatch.setattr(registry, "MEASURES", (*registry.MEASURES, row))
    table = score_measures(items, ["perfect", "flag_rest", "score"], n_boot=100, seed=1)
    assert len(table) == 2 * 2 * 2 * 3  # targets x splits x weightings x measures
    perfect = table[table["measure"] == "perfect"]
    assert (perfect[["precision", "recall", "f1"]] == 1).all().all()
    rest = table[
        (table["measure"] == "flag_rest")
        & (table["split"] == "test")
        & (table["target"] == "claim")
    ].set_index("weighting")
    assert rest.loc["unweighted", "precision"] == 0 and rest.loc["unweighted", "f1"] == 0
    score = table[(table["measure"] == "score") & (table["split"] == "test")]
    assert score["threshold"].nunique() == 1  # one dev cut-off per target, reused on test
    assert (score["auc"] == 1).all() and (score["f1"] == 1).all()
    row = perfect.iloc[0]
    assert within(row["f1_ci_low"], row["f1"], row["f1_ci_high"])


def test_event_rates_gold_vs_measure_across_events():
    items = pd.DataFrame(
        {
            "item_id": [f"i{i}" for i in range(12)],
            "date": ["2004-01-05"] * 4 + ["2004-06-05"] * 4 + ["2004-09-05"] * 4,
            "inclusion_probability": [0.5, 0.5, 0.1, 0.1] * 3,
            "claim": [1, 0, 0, 0] + [1, 1, 0, 0] + [0, 0, 0, 0],
            "anti_western": [1, 0, 0, 0] + [1, 1, 0, 0] + [0, 0, 0, 0],
        }
    )
    dates = pd.to_datetime(["2004-01-03", "2004-01-06", "2004-06-04", "2004-09-09", "2005-01-01"])
    corpus = pd.DataFrame(
        {"doc_id": list("abcde"), "date": dates, "date_end": dates, "m": [0.2, 0.2, 0.9, 0.0, 1.0]}
    )
    windows = pd.DataFrame(
        {
            "event_id": ["jan", "jun", "sep", "empty"],
            "type": ["x", "y", "x", "y"],
            "window_start": pd.to_datetime(
                ["2004-01-01", "2004-06-01", "2004-09-01", "2010-01-01"]
            ),
            "window_end": pd.to_datetime(["2004-01-31", "2004-06-30", "2004-09-30", "2010-02-01"]),
        }
    )
    rates, summary = event_rates(items, corpus, windows, measures=["m"], min_items=4)
    rates = rates.set_index("event_id")
    assert "empty" not in rates.index  # no corpus documents in its window
    # January: weights 2, 2, 10, 10; one claim of weight 2 -> 2 / 24
    assert rates.at["jan", "gold_claim_rate"] == pytest.approx(2 / 24)
    assert rates.at["jun", "gold_claim_rate"] == pytest.approx(4 / 24)
    assert rates.at["jan", "m"] == pytest.approx(0.2) and rates.at["jun", "n_docs"] == 1
    row = summary.set_index("target").loc["claim"]
    assert row["n_events"] == 3 and row["spearman"] == pytest.approx(1.0)


def test_item_measures_from_detector_outputs():
    doc_claims = pd.DataFrame(
        {
            "doc_id": list("abcd"),
            "date": pd.to_datetime(["2004-01-01"] * 4),
            "date_end": pd.to_datetime(["2004-01-01"] * 4),
            "n_claims": [1, 0, 0, 0],
            "n_claims_any": [1, 1, 0, 0],
        }
    )
    candidates = pd.DataFrame(
        {
            "doc_id": ["c", "d", "b"],
            "parts": ["actor,covert", "covert,aim", "actor"],
            "anti_western": [True, False, True],
        }
    )
    share = pd.DataFrame({"doc_id": ["a", "c"], "topic_share_conspiracy": [0.7, 0.1]})
    lexicon = lexicon_measures(doc_claims, candidates)
    tables = {"lexicon_measures": lexicon, "framing_topic_share": share}
    columns = ["lexicon_anti_western", "lexicon_any", "lexicon_two_parts", "seeded_topic_share"]
    table = item_measures(doc_claims, tables, columns + ["lss_score"]).set_index("doc_id")
    assert list(table.columns) == ["date", "date_end", *columns]  # no LSS source: left out
    assert table["lexicon_anti_western"].tolist() == [1, 0, 0, 0]
    assert table["lexicon_any"].tolist() == [1, 1, 0, 0]
    assert table["lexicon_two_parts"].tolist() == [1, 0, 1, 0]
    assert table["seeded_topic_share"].tolist() == [0.7, 0.0, 0.1, 0.0]
    # LSS: a scaled item without model terms gets the lowest score; an item of a
    # language LSS could not scale stays NaN (and is left out of its validation row)
    lss = pd.DataFrame(
        {
            "doc_id": list("abcd"),
            "lss_score": [1.5, np.nan, -0.5, np.nan],
            "lss_scored": [True, True, True, False],
        }
    )
    tables["lss_scores"] = lss
    scored = item_measures(doc_claims, tables, ["lss_score"]).set_index("doc_id")["lss_score"]
    assert scored[["a", "b", "c"]].tolist() == [1.5, -0.5, -0.5] and np.isnan(scored["d"])


def test_build_gold_settles_disagreements_by_adjudication_only():
    def codes(claims, anti, stance):
        return pd.DataFrame(
            {
                "item_id": list("abcd")[: len(claims)],
                "claim": claims,
                "anti_western": anti,
                "accused": ["usa" if c else "" for c in claims],
                "accused_detail": "",
                "accuser": "",
                "stance": stance,
                "doubt": 0,
                "reason": ["why" if c else "" for c in claims],
                "coder": "x",
            }
        )

    first = codes([1, 0, 0, 1], [1, 0, 0, 1], ["asserted", "", "", "reported"])
    second = codes([1, 1, 0], [0, 1, 0], ["asserted", "reported", ""])
    adjudication = pd.DataFrame(
        {
            "item_id": ["a", "b", "b"],
            "field": ["anti_western", "claim", "anti_western"],
            "final": ["1", "1", "1"],
            "reason": ["US named", "hidden funding", "US"],
        }
    )
    gold = build_gold(first, second, adjudication).set_index("item_id")
    assert gold["claim"].tolist() == [1, 1, 0, 1] and gold["anti_western"].tolist() == [1, 1, 0, 1]
    assert gold["source"].tolist() == ["adjudicated", "adjudicated", "agreed", "first coder"]
    assert gold.at["b", "stance"] == "reported"  # the second coder's fields came with the code
    with pytest.raises(CodedFileError, match="not adjudicated"):
        build_gold(first, second, adjudication.iloc[:1])


def test_choose_measure_takes_best_test_f1_among_measures_that_rank_events_like_gold():
    rows = []
    for measure, f1_dev, f1_test in (
        ("lexicon_anti_western", 0.9, 0.2),
        ("rule_anti_western", 0.3, 0.5),
        ("classifier_probability", 0.8, 0.6),
        ("lss_score", 0.9, 0.9),  # not an event-stage measure
    ):
        for split, f1 in (("dev", f1_dev), ("test", f1_test)):
            rows.append(
                {
                    "measure": measure,
                    "target": "anti_western",
                    "split": split,
                    "weighting": "inverse inclusion probability",
                    "f1": f1,
                    "f1_ci_low": f1 - 0.1,
                    "f1_ci_high": f1 + 0.1,
                    "auc": np.nan,
                }
            )
    scores = pd.DataFrame(rows)
    rho = pd.DataFrame(
        {
            "measure": ["lexicon_anti_western", "rule_anti_western", "classifier_probability"],
            "target": "anti_western",
            "spearman": [0.5, 0.4, -0.1],
        }
    )
    choice = choose_measure(scores, rho).set_index("measure")
    # the classifier has the best test F1 but ranks events unlike the gold: not eligible
    assert choice["chosen"].sum() == 1 and choice.loc["rule_anti_western", "chosen"] == 1
    assert choice.loc["classifier_probability", "eligible"] == 0
    assert choice.loc["lss_score", "eligible"] == 0  # the event stage cannot rank on it
    # the dev F1 plays no part
    assert choice.loc["rule_anti_western", "test_f1"] == 0.5
    rho["spearman"] = -0.2
    assert choose_measure(scores, rho)["chosen"].sum() == 0


def test_hostile_ids_survive_the_gold_coding_round_trip(tmp_path, root):
    """Corpus ids are the join key of the gold standard: neutralised in every file
    coders open, and the same ids again once read back (design and codes)."""
    docs = documents(40).assign(lang="en", source="s")
    hostile = ['=HYPERLINK("http://x.example")', "+7495", "-x", "@a", "'=y", "'quoted"]
    docs.loc[: len(hostile) - 1, "doc_id"] = hostile
    docs.to_parquet(tmp_path / "documents.parquet")
    outputs = {name: tmp_path / f"{name}.csv" for name in ("sample", "to_code", "to_code_second")}
    outputs["guide"] = tmp_path / "guide.md"
    settings = GoldSampleSettings(
        filter={"en": str(root / "config/validation/broad_filter_en.yaml")},
        sample={"both": 40, "either": 40, "rest": 40},
        test_fraction=0.5,
        double_coded={},
        seed=1,
        max_chars=200,
    )
    inputs = {
        "documents": tmp_path / "documents.parquet",
        "guide": str(root / "config/validation/item_coding_guide.md"),
    }
    run_gold_sample(settings, inputs, outputs)
    to_code = outputs["to_code"].read_text()
    assert "'=HYPERLINK" in to_code and "\n=" not in to_code and ",=" not in to_code
    # a coder fills the codes in the file as handed out (ids untouched)
    coded = pd.read_csv(outputs["to_code"], dtype=str, keep_default_na=False)
    coded["claim"], coded["anti_western"] = "0", "0"
    coded.to_csv(tmp_path / "coded.csv", index=False)
    gold = load_gold(outputs["sample"], tmp_path / "coded.csv")
    assert set(gold["item_id"]) == set(docs["doc_id"])
