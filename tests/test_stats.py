"""Statistics shared by the validation stages: alpha, weighted P/R/F1, coder cells."""

import numpy as np
import pytest
from conftest import within
from schemes.coding import CodedFileError, parse_binary, read_item_codes
from schemes.stats import (
    krippendorff_alpha_nominal,
    percentile_ci,
    stratified_bootstrap,
    weighted_prf,
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
    # 10 sampled claims stand for 10 corpus items (p = 1); 10 random items
    # stand for 1,000 (p = 0.01). One random item is a missed claim.
    truth = np.array([1] * 9 + [0] + [1] + [0] * 9, dtype=float)
    flagged = np.array([1] * 10 + [0] * 10, dtype=float)
    weights = 1 / np.array([1.0] * 10 + [0.01] * 10)
    precision, recall, _ = weighted_prf(truth, flagged, np.ones(20))
    assert precision == pytest.approx(0.9) and recall == pytest.approx(0.9)
    precision, recall, _ = weighted_prf(truth, flagged, weights)
    assert precision == pytest.approx(0.9)
    assert recall == pytest.approx(9 / 109)  # 9 true positives vs 100 missed claims
    strata = np.array(["claim"] * 10 + ["random"] * 10)
    draws = stratified_bootstrap(
        lambda i: weighted_prf(truth[i], flagged[i], weights[i]), strata, n_boot=200, seed=1
    )
    low, high = percentile_ci(draws)
    assert within(low[1], recall, high[1])


def test_binary_cells_accept_yes_no_and_name_bad_cells(tmp_path):
    assert [parse_binary(v, "x") for v in ("yes", "да", "0", "no")] == [1.0, 1.0, 0.0, 0.0]
    assert np.isnan(parse_binary("", "x"))
    with pytest.raises(CodedFileError, match=r"here: expected 1/0"):
        parse_binary("maybe", "here")
    bad = tmp_path / "bad.csv"
    bad.write_text("item_id,claim,anti_western\nitem-0001,maybe,0\n")
    with pytest.raises(CodedFileError, match=r"bad.csv, line 2: expected 1/0"):
        read_item_codes(bad)
