"""An independent coding compared with the shipped design-based estimates."""

import numpy as np
import pandas as pd
import pytest
from schemes.design import Domains
from schemes.external import compare, external_shares, read_external_codes, window_share
from schemes.textnorm import CodedFileError


def domains(sizes=(600, 400)):
    """Two event windows (and one baseline) over distinct items."""
    n = sum(sizes) + 100
    members = np.zeros((n, len(sizes) + 1), bool)
    start = 0
    for d, size in enumerate(sizes):
        members[start : start + size, d] = True
        start += size
    members[start:, -1] = True
    table = pd.DataFrame(
        {
            "event_id": [f"e{d}" for d in range(len(sizes))] + ["e0"],
            "kind": ["window"] * len(sizes) + ["baseline"],
            "n_items": [*sizes, 100],
        }
    )
    items = pd.DataFrame({"doc_id": [f"i{k}" for k in range(n)]})
    return Domains(items=items, table=table, members=members)


def coded(ids, y, pi=None):
    frame = pd.DataFrame({"item_id": ids, "anti_western": np.asarray(y, float)})
    return frame.assign(inclusion_probability=np.nan if pi is None else pi)


def test_a_simple_random_sample_has_the_textbook_variance_and_a_census_is_exact():
    y = np.r_[np.ones(6), np.zeros(94)]
    share, variance, n_eff = window_share(y, None, 600)
    assert share == pytest.approx(0.06)
    assert variance == pytest.approx((1 - 100 / 600) * y.var(ddof=1) / 100)
    assert n_eff == pytest.approx(0.06 * 0.94 / variance)
    # no positive: the effective size is the sample's, corrected for the share coded
    assert window_share(np.zeros(100), None, 600)[2] == pytest.approx(100 / (1 - 100 / 600))
    d = domains()
    truth = np.zeros(600)
    truth[:9] = 1
    census = external_shares(d, coded(d.items["doc_id"][:600], truth), "wilson").iloc[0]
    assert census["external_design"] == "census"
    assert census["external_low"] == census["external_rate"] == census["external_high"] == 15.0


@pytest.mark.parametrize("declared", [False, True])
def test_the_independent_estimate_covers_the_window_share(declared):
    """Simple random samples, and unequal-probability (Poisson) draws with declared pi."""
    d = domains()
    rng = np.random.default_rng(4)
    truth = (rng.random(len(d.items)) < 0.02).astype(float)
    rates = 1000 * (truth @ d.members)[:2] / np.array([600, 400])
    # a third of the items drawn with probability 0.5, the rest 0.12 (weights 2 and 8.3)
    pi = np.where(np.arange(len(truth)) % 3 == 0, 0.5, 0.12)
    covered = []
    for _ in range(400):
        if declared:
            drawn = np.flatnonzero(rng.random(len(truth)) < pi)
            sample = coded(d.items["doc_id"][drawn], truth[drawn], pi[drawn])
        else:
            drawn = np.r_[rng.choice(600, 80, replace=False), 600 + rng.choice(400, 60, False)]
            sample = coded(d.items["doc_id"][drawn], truth[drawn])
        table = external_shares(d, sample, "wilson").set_index("event_id")
        assert list(table.index) == ["e0", "e1"]  # the baseline is not compared
        covered.append(
            (table["external_low"] <= rates + 1e-9) & (rates - 1e-9 <= table["external_high"])
        )
    assert 0.92 <= np.mean(covered) <= 0.995


def test_each_estimate_must_lie_inside_the_others_interval():
    shipped = pd.DataFrame(
        {
            "event_id": ["a", "b", "c"],
            "label": ["A", "B", "C"],
            "type": ["t"] * 3,
            "n_items": [500] * 3,
            "n_coded": [150] * 3,
            "rate_per_1000": [10.0, 10.0, 10.0],
            "rate_low": [4.0, 4.0, 4.0],
            "rate_high": [20.0, 20.0, 20.0],
        }
    )
    external = pd.DataFrame(
        {
            "event_id": ["a", "b", "c"],
            "external_rate": [12.0, 25.0, 18.0],
            "external_low": [5.0, 12.0, 11.0],
            "external_high": [30.0, 40.0, 30.0],
        }
    )
    table = compare(shipped, external).set_index("event_id")
    assert table["agree"].tolist() == [True, False, False]
    assert table["external_inside_shipped"].tolist() == [True, False, True]
    assert table["shipped_inside_external"].tolist() == [True, False, False]


def test_codes_of_items_outside_the_study_or_with_a_bad_probability_name_the_line(tmp_path):
    path = tmp_path / "external.csv"
    rows = "item_id,claim,anti_western,reason,inclusion_probability\n"
    path.write_text(rows + "i1,0,0,,0.5\ni2,1,1,covert plot,0.5\nzz,0,0,,0.5\n")
    with pytest.raises(CodedFileError, match=r"external.csv, line 4: item_id 'zz' is not an item"):
        read_external_codes(path, ["i1", "i2"])
    path.write_text(rows + "i1,0,0,,0.5\ni2,1,1,covert plot,1.5\n")
    with pytest.raises(CodedFileError, match=r"line 3: inclusion_probability '1.5' must be"):
        read_external_codes(path, ["i1", "i2"])
    path.write_text(rows + "i1,0,0,,0.5\ni2,1,1,,0.5\n")
    with pytest.raises(CodedFileError, match=r"line 3: a positive.*needs a reason"):
        read_external_codes(path, ["i1", "i2"])
    path.write_text("item_id,claim,anti_western,reason\ni1,0,0,\ni2,1,1,covert plot\n")
    codes = read_external_codes(path, ["i1", "i2"])
    assert codes["inclusion_probability"].isna().all() and codes["anti_western"].sum() == 1
