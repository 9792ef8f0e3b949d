"""An independent coding compared with the shipped design-based estimates."""

import numpy as np
import pandas as pd
import pytest
from schemes.coding import refuse_items_outside
from schemes.design import Domains
from schemes.external import (
    compare,
    external_shares,
    outside_windows,
    read_external_codes,
    window_share,
)
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


def shipped_table(ids, rates, lows, highs, n_items=500, n_coded=150):
    """The columns of tables/event_estimates.csv the comparison reads."""
    return pd.DataFrame(
        {
            "event_id": ids,
            "label": [i.upper() for i in ids],
            "type": "t",
            "n_items": n_items,
            "n_coded": n_coded,
            "rate_per_1000": rates,
            "rate_low": lows,
            "rate_high": highs,
        }
    )


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
    shipped = shipped_table(["a", "b", "c"], [10.0] * 3, [4.0] * 3, [20.0] * 3)
    external = pd.DataFrame(
        {
            "event_id": ["a", "b", "c"],
            "external_rate": [12.0, 35.0, 18.0],
            "external_low": [5.0, 26.0, 11.0],
            "external_high": [30.0, 45.0, 30.0],
            "external_design": ["srs"] * 3,
        }
    )
    table = compare(shipped, external).set_index("event_id")
    assert table["agree"].tolist() == [True, False, False]
    assert table["external_inside_shipped"].tolist() == [True, False, True]
    assert table["shipped_inside_external"].tolist() == [True, False, False]
    # the difference's MOVER interval: b's 25 more per 1,000 is beyond both errors, c's 8 not
    assert table["consistent"].tolist() == [True, False, True]
    assert table.loc["b", "difference_low"] > 0 > table.loc["c", "difference_low"]


def test_the_chance_of_agreeing_falls_as_the_two_precisions_part():
    """Both estimates right: equally precise, they agree 83% of the time (|Z| < 1.96 / sqrt 2);
    an outside interval three times as wide, 46.5% (|Z| < 1.96 / sqrt 10)."""
    shipped = shipped_table(["a", "b"], [10.0, 10.0], [6.0, 6.0], [14.0, 14.0])
    external = shipped[["event_id"]].assign(
        external_rate=[10.0, 10.0],
        external_low=[6.0, -2.0],
        external_high=[14.0, 22.0],
        external_design="srs",
    )
    expected = compare(shipped, external)["agree_expected"]
    assert expected.tolist() == pytest.approx([0.834, 0.465], abs=1e-3)


def test_a_window_coded_in_full_checks_the_shipped_interval_only(tmp_path):
    """A census has its share exactly: the shipped point (read back from its 4-decimal
    CSV) cannot be asked to equal it, only its interval to hold it."""
    d = domains((600, 3))
    truth = np.zeros(603)
    truth[[5, 600]] = 1  # 1/600 and 1/3 of the two windows
    external = external_shares(d, coded(d.items["doc_id"][:603], truth), "wilson")
    assert external["external_design"].tolist() == ["census", "census"]
    shipped = shipped_table(
        ["e0", "e1"], [3.0, 1000 / 3], [0.5, 1000 / 3], [1.5, 1000 / 3], [600, 3], [150, 3]
    )
    path = tmp_path / "event_estimates.csv"
    shipped.to_csv(path, index=False, float_format="%.4f")
    table = compare(pd.read_csv(path), external).set_index("event_id")
    assert table["shipped_inside_external"].isna().all()
    assert table["external_inside_shipped"].tolist() == [False, True]
    assert table["agree"].tolist() == [False, True]
    assert table.loc["e0", "agree_expected"] == pytest.approx(0.95)


def test_take_all_items_do_not_narrow_the_interval_of_the_sampled_rest():
    """A window of 400: 200 items taken with certainty hold no claim, the other 200 are
    drawn with probability 0.05 and hold every claim; most samples code no positive."""
    d = domains((400,))
    pi = np.r_[np.ones(200), np.full(200, 0.05), np.full(100, 0.5)]
    rng = np.random.default_rng(1)
    truth = np.zeros(500)
    truth[200:230] = 1
    covered = []
    for _ in range(500):
        drawn = np.flatnonzero(rng.random(500) < pi)
        row = external_shares(d, coded(d.items["doc_id"][drawn], truth[drawn], pi[drawn]), "wilson")
        covered.append(row["external_low"][0] - 1e-9 <= 75 <= row["external_high"][0] + 1e-9)
    assert np.mean(covered) >= 0.93


def test_certain_items_that_are_not_all_of_a_window_are_refused():
    d = domains()
    sample = coded(d.items["doc_id"][:100], np.zeros(100), np.ones(100))
    with pytest.raises(CodedFileError, match=r"codes.csv: every coded item of window 'e0'.*100 of"):
        external_shares(d, sample, "wilson", path="codes.csv")


def test_items_only_in_baselines_are_counted_not_lost():
    d = domains()
    sample = coded(list(d.items["doc_id"][:5]) + list(d.items["doc_id"][1000:1040]), np.zeros(45))
    assert outside_windows(d, sample) == 40


HEADER = "item_id,claim,anti_western,reason,inclusion_probability\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "i1,0,0,,0.5\ni2,1,1,covert plot,0.5\nzz,0,0,,0.5\n",
            "line 4: item_id 'zz' is not an item",
        ),
        ("i1,0,0,,0.5\ni2,1,1,covert plot,1.5\n", "line 3: inclusion_probability '1.5' must be"),
        ("i1,0,0,,0.5\ni2,1,1,,0.5\n", "line 3: a positive.*needs a reason"),
        # a reason over two lines and a blank line: the line named is the file's own
        (
            'i1,1,1,"covert plot\nover two lines",0.5\n\ni2,0,0,,abc\n',
            "line 5: inclusion_probability 'abc'",
        ),
        ('i1,1,1,"covert plot\nover two lines",0.5\nzz,0,0,,0.5\n', "line 4: item_id 'zz'"),
    ],
)
def test_bad_external_codes_name_the_file_and_line(tmp_path, body, message):
    path = tmp_path / "external.csv"
    path.write_text(HEADER + body)
    with pytest.raises(CodedFileError, match=r"external.csv, " + message):
        read_external_codes(path, ["i1", "i2"])


def test_a_design_path_with_braces_stays_part_of_the_message():
    with pytest.raises(CodedFileError, match=r"not in the design designs/\{wave\}.csv \(1 such"):
        refuse_items_outside(
            pd.DataFrame({"item_id": ["zz"]}),
            {"a"},
            path="c.csv",
            design="designs/{wave}.csv",
            what="codes",
        )


def test_external_codes_without_probabilities_are_a_simple_random_sample(tmp_path):
    path = tmp_path / "external.csv"
    path.write_text("item_id,claim,anti_western,reason\ni1,0,0,\ni2,1,1,covert plot\n")
    codes = read_external_codes(path, ["i1", "i2"])
    assert codes["inclusion_probability"].isna().all() and codes["anti_western"].sum() == 1
