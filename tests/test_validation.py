import numpy as np
import pandas as pd
import pytest
from schemes.validation import (
    CodedFileError,
    export_sample,
    krippendorff_alpha_nominal,
    precision_recall,
    read_coded,
    score_coded,
)

NAN = float("nan")


def test_krippendorff_alpha_matches_the_published_example():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": four
    # coders, twelve units, missing values; nominal alpha = 0.743.
    coders = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ]
    units = [list(u) for u in zip(*coders, strict=True)]
    assert krippendorff_alpha_nominal(units) == pytest.approx(0.743, abs=0.001)
    assert krippendorff_alpha_nominal([[1, 1], [0, 0], [1, 1]]) == pytest.approx(1.0)


def test_weighted_precision_recall_undo_oversampling():
    # 10 sampled claims stand for 10 corpus sentences (p = 1); 10 random
    # sentences stand for 1,000 (p = 0.01). One random sentence is a missed claim.
    items = pd.DataFrame(
        {
            "stratum": ["claim"] * 10 + ["random"] * 10,
            "inclusion_probability": [1.0] * 10 + [0.01] * 10,
            "truth": [1] * 9 + [0] + [1] + [0] * 9,
            "auto": [1] * 10 + [0] * 10,
        }
    )
    unweighted = precision_recall(items, "truth", "auto", 200, 1, weighted=False)
    weighted = precision_recall(items, "truth", "auto", 200, 1, weighted=True)
    assert unweighted["precision"] == pytest.approx(0.9) and unweighted["recall"] == pytest.approx(
        0.9
    )
    # weighted: 9 true positives vs 100 missed claims in the corpus
    assert weighted["recall"] == pytest.approx(9 / 109)
    assert weighted["precision_ci_low"] <= weighted["precision"] <= weighted["precision_ci_high"]


def test_read_coded_accepts_yes_no_and_names_bad_cells(tmp_path):
    good = tmp_path / "anna.csv"
    good.write_text("item_id,is_claim,anti_western,coder\nitem-0001,yes,да,\nitem-0002,0,,\n")
    long = read_coded([str(good)])
    assert list(long["is_claim"]) == [1.0, 0.0] and set(long["coder"]) == {"anna"}
    assert long["anti_western"].tolist() == [1.0, 0.0]
    bad = tmp_path / "bad.csv"
    bad.write_text("item_id,is_claim\nitem-0001,maybe\n")
    with pytest.raises(CodedFileError, match=r"bad.csv, line 2: expected 1/0"):
        read_coded([str(bad)])


def fixture_corpus():
    texts = [f"Sentence one of {i}. Sentence two of {i}. Sentence three of {i}." for i in range(30)]
    documents = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(30)],
            "date": pd.to_datetime(["2004-01-01"] * 30),
            "source": "s",
            "lang": "en",
            "text": texts,
        }
    )
    rows = []
    for i in range(len(texts)):
        for s, (a, b) in enumerate(
            [(0, 19 + len(str(i))), (20 + len(str(i)), 40 + 2 * len(str(i)))]
        ):
            rows.append({"doc_id": f"d{i}", "sent_id": s, "start": a, "end": b})
    sentences = pd.DataFrame(rows)
    claims = pd.DataFrame(
        {"doc_id": [f"d{i}" for i in range(10)], "sent_id": 0, "anti_western": True}
    )
    candidates = pd.DataFrame(
        {"doc_id": [f"d{i}" for i in range(10, 20)], "sent_id": 1, "status": "negated"}
    )
    return documents, sentences, claims, candidates


def test_export_sample_has_disjoint_strata_probabilities_and_empty_codes():
    documents, sentences, claims, candidates = fixture_corpus()
    sample = export_sample(
        documents, sentences, claims, candidates, {"claim": 5, "near_miss": 4, "random": 6}, 3
    )
    assert sample["stratum"].value_counts().to_dict() == {"random": 6, "claim": 5, "near_miss": 4}
    probs = sample.groupby("stratum")["inclusion_probability"].first()
    assert probs["claim"] == pytest.approx(0.5) and probs["near_miss"] == pytest.approx(0.4)
    assert probs["random"] == pytest.approx(6 / 40)
    assert (sample["is_claim"] == "").all() and sample["item_id"].is_unique
    assert (sample.loc[sample["stratum"] == "claim", "auto_claim"] == 1).all()
    again = export_sample(
        documents, sentences, claims, candidates, {"claim": 5, "near_miss": 4, "random": 6}, 3
    )
    pd.testing.assert_frame_equal(sample, again)


def test_score_coded_end_to_end_with_two_coders(tmp_path):
    documents, sentences, claims, candidates = fixture_corpus()
    sample = export_sample(
        documents, sentences, claims, candidates, {"claim": 10, "near_miss": 10, "random": 10}, 1
    )
    truth = sample["auto_claim"].to_numpy().copy()
    truth[np.flatnonzero(sample["stratum"] == "near_miss")[:2]] = 1  # two missed claims
    for coder, flips in (("a", []), ("b", [0, 1, 2])):
        codes = truth.copy()
        codes[flips] = 1 - codes[flips]
        coded = sample.assign(is_claim=codes, anti_western=codes, coder="")
        coded.to_csv(tmp_path / f"{coder}.csv", index=False)
    table, agreement = score_coded(
        sample, [str(tmp_path / "a.csv"), str(tmp_path / "b.csv")], 200, 1, True
    )
    alpha = agreement.set_index("field").loc["is_claim", "krippendorff_alpha"]
    assert 0.5 < alpha < 1
    lexicon = table[
        (table["measure"] == "lexicon: any claim") & (table["weighting"] == "unweighted")
    ].iloc[0]
    assert lexicon["n_items"] == 30
    assert set(table["measure"]) >= {"lexicon: any claim", "lexicon: anti-Western claim"}
    with pytest.raises(CodedFileError, match="not in the sample"):
        pd.DataFrame({"item_id": ["nope"], "is_claim": [1]}).to_csv(tmp_path / "c.csv", index=False)
        score_coded(sample, [str(tmp_path / "c.csv")], 10, 1, False)


def test_exports_for_coders_neutralise_spreadsheet_formulas_and_read_back(tmp_path):
    from schemes.validation import run_export

    documents, sentences, claims, candidates = fixture_corpus()
    hostile = {"d0": '=HYPERLINK("http://x.example","click")', "d1": "+7 495", "d2": "@SUM(A1)"}
    for frame in (documents, sentences, claims):
        frame["doc_id"] = frame["doc_id"].replace(hostile)
    documents.to_parquet(tmp_path / "documents.parquet")
    sentences.assign(lemmas="x").to_parquet(tmp_path / "sentences.parquet")
    claims.to_csv(tmp_path / "claims.csv", index=False)
    candidates.to_parquet(tmp_path / "candidates.parquet")
    (tmp_path / "guide.md").write_text("guide")
    run_export(
        tmp_path / "documents.parquet",
        [tmp_path / "sentences.parquet"],
        tmp_path / "claims.csv",
        tmp_path / "candidates.parquet",
        {"claim": 10, "near_miss": 0, "random": 0},
        1,
        tmp_path / "sample.csv",
        tmp_path / "guide.md",
        tmp_path / "guide_out.md",
    )
    raw = (tmp_path / "sample.csv").read_text()
    assert "'=HYPERLINK(" in raw and "'+7 495" in raw and "'@SUM(A1)" in raw
    # read back (directly, or after a spreadsheet saved it without the apostrophes)
    from schemes.textnorm import read_from_coders

    back = read_from_coders(tmp_path / "sample.csv")
    assert set(hostile.values()) <= set(back["doc_id"])
    resaved = tmp_path / "resaved.csv"
    resaved.write_text(raw.replace("'=HYPERLINK", "=HYPERLINK"))
    assert hostile["d0"] in set(read_from_coders(resaved)["doc_id"])


def test_coded_file_ids_with_an_apostrophe_prefix_match_the_sample(tmp_path):
    coded = tmp_path / "anna.csv"
    coded.write_text("item_id,is_claim\n'=1+1,1\n'-x,0\nplain,1\n")
    assert read_coded([str(coded)])["item_id"].tolist() == ["=1+1", "-x", "plain"]
