"""Two-phase sampling design: domains, strata, Neyman rates, frozen waves and their checks."""

import gzip

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT
from schemes.catalogue import load_events
from schemes.coding import CODE_FIELDS
from schemes.configtools import load_config
from schemes.design import (
    CodingWaveSettings,
    DesignFileError,
    DesignSettings,
    read_design,
    run_coding_plan,
    run_coding_wave,
    score_bands,
    stratum_rates,
    study_domains,
    take_all_shares,
)

CATALOGUE = (
    "event_id\tlabel\ttype\tstart\tend\n"
    "a\tEvent A\tcolor_revolution\t2004-03-01\t2004-03-05\n"
    "b\tEvent B\tnato_summit\t2004-06-01\t2004-06-02\n"
    "late\tNo items\tnato_summit\t2009-01-01\t2009-01-02\n"
)


@pytest.fixture
def study(tmp_path):
    """Items every day of 2004 with a surrogate probability; two events, one without items."""
    rng = np.random.default_rng(0)
    days = pd.date_range("2004-01-01", "2004-08-31").repeat(6)
    ids = [f"i{k:05d}" for k in range(len(days))]
    score = rng.beta(0.4, 15, len(days))
    pd.DataFrame(
        {"doc_id": ids, "date": days, "date_end": days, "classifier_probability": score}
    ).to_parquet(tmp_path / "measures.parquet")
    pd.DataFrame({"doc_id": ids, "date": days, "text": [f"text of {i}" for i in ids]}).to_parquet(
        tmp_path / "documents.parquet"
    )
    (tmp_path / "events.tsv").write_text(CATALOGUE)
    return tmp_path, score


def settings(**changes):
    config = load_config(ROOT / "config" / "config.yaml")
    return CodingWaveSettings.from_config(config, **changes)


def inputs_of(path):
    return {
        "measures": path / "measures.parquet",
        "catalogue": path / "events.tsv",
        "documents": path / "documents.parquet",
    }


def test_domains_are_windows_and_baselines_and_events_without_items_have_none(study):
    path, _ = study
    items = pd.read_parquet(path / "measures.parquet")
    domains = study_domains(
        items,
        load_events(path / "events.tsv"),
        days_before=7,
        days_after=30,
        baseline_days=90,
        min_baseline_docs=50,
    )
    assert list(domains.table["domain"]) == ["a:window", "a:baseline", "b:window", "b:baseline"]
    window_a = domains.members[:, 0]
    dates = domains.items["date"]
    assert dates[window_a].min() == pd.Timestamp("2004-02-23") and dates[
        window_a
    ].max() == pd.Timestamp("2004-04-04")
    assert not (domains.members[:, 1] & domains.members[:, 0]).any()  # a baseline excludes windows
    assert domains.members.any(axis=1).all()  # items outside every domain are dropped


def test_strata_take_all_in_windows_only_and_equal_score_bands(study):
    path, score = study
    items = pd.read_parquet(path / "measures.parquet")
    domains = study_domains(
        items,
        load_events(path / "events.tsv"),
        days_before=7,
        days_after=30,
        baseline_days=90,
        min_baseline_docs=50,
    )
    scores = domains.items["classifier_probability"].to_numpy()
    strata = score_bands(
        scores, domains.members, take_all=take_all_shares(domains.table, 0.1), bands=3
    )
    for d, kind in enumerate(domains.table["kind"]):
        groups = np.flatnonzero(strata.domain == d)
        sizes = strata.sizes[groups]
        size = domains.members[:, d].sum()
        if kind == "window":
            assert strata.stratum[groups][0] == 0 and sizes[0] == int(np.ceil(0.1 * size))
            top = strata.items[strata.starts[groups[0]] : strata.starts[groups[0]] + sizes[0]]
            rest = np.setdiff1d(np.flatnonzero(domains.members[:, d]), top)
            assert scores[top].min() >= scores[rest].max()
        else:
            assert 0 not in strata.stratum[groups]
        bands = sizes[strata.stratum[groups] > 0]
        assert bands.max() - bands.min() <= 1


def test_neyman_rates_meet_the_budget_and_follow_the_spread(study):
    path, _ = study
    items = pd.read_parquet(path / "measures.parquet")
    domains = study_domains(
        items,
        load_events(path / "events.tsv"),
        days_before=7,
        days_after=30,
        baseline_days=90,
        min_baseline_docs=50,
    )
    scores = domains.items["classifier_probability"].to_numpy()
    strata = score_bands(
        scores, domains.members, take_all=take_all_shares(domains.table, 0.05), bands=4
    )
    spread = np.sqrt(strata.sums(scores * (1 - scores)) / strata.sizes)
    sizes = domains.table["n_items"].to_numpy(float)
    rates = stratum_rates(
        strata,
        strata.sizes,
        spread,
        domain_sizes=sizes,
        weights=np.ones(len(sizes)),
        budget=300,
        min_rate=0.01,
        min_draws=10,
    )
    assert (rates[strata.stratum == 0] == 1).all()
    assert (strata.sizes * rates).sum() == pytest.approx(300, rel=1e-6)
    free = (strata.stratum > 0) & (rates > 0.01) & (rates < 1)
    ratio = rates[free] / (spread[free] / sizes[strata.domain[free]])
    assert np.allclose(ratio, ratio[0])  # rate proportional to spread / N_d


def test_a_wave_is_drawn_frozen_and_its_coder_file_has_texts_of_drawn_items_only(study):
    path, _ = study
    outputs = {name: path / f"w1_{name}" for name in ("design", "to_code", "domains")}
    run_coding_wave(settings(budgets=[20, 30]), inputs_of(path), outputs, wave=1)
    design = read_design(outputs["design"])
    assert gzip.open(outputs["design"]).read(20).startswith(b"item_id,date,score")
    assert "text" not in design.columns and design["pi"].between(0, 1).all()
    to_code = pd.read_csv(outputs["to_code"], dtype={"item_id": str}, keep_default_na=False)
    assert sorted(to_code["item_id"]) == sorted(design.loc[design["drawn"] == 1, "item_id"])
    assert list(to_code.columns) == ["item_id", "date", "text", "truncated", *CODE_FIELDS]
    domains = pd.read_csv(outputs["domains"])
    assert set(domains["domain"]) == {"a:window", "a:baseline", "b:window", "b:baseline"}
    # same settings and seed: the same draw
    again = {name: path / f"again_{name}" for name in outputs}
    run_coding_wave(settings(budgets=[20, 30]), inputs_of(path), again, wave=1)
    assert read_design(again["design"]).equals(design)


def code_wave(path, design, *, wave_items, name, bad=None):
    """Final codes for the given items: a claim when the score is high."""
    codes = design.set_index("item_id").loc[wave_items]
    claim = (codes["score"] > 0.05).astype(int).to_numpy()
    frame = pd.DataFrame(
        {
            "item_id": wave_items,
            "claim": claim,
            "anti_western": claim,
            "reason": np.where(claim == 1, "planted claim", ""),
        }
    )
    if bad is not None:
        frame.loc[len(frame)] = [bad, 0, 0, ""]
    frame.to_csv(path / name, index=False)
    return path / name


def test_wave_two_is_drawn_from_wave_one_codes_and_mismatched_codes_are_refused(study):
    path, _ = study
    first = {name: path / f"w1_{name}" for name in ("design", "to_code", "domains")}
    run_coding_wave(settings(budgets=[20, 30]), inputs_of(path), first, wave=1)
    design = read_design(first["design"])
    drawn = design.loc[design["drawn"] == 1, "item_id"].tolist()
    labels = code_wave(path, design, wave_items=drawn, name="w1_codes.csv")
    second = {name: path / f"w2_{name}" for name in ("design", "to_code", "domains")}
    inputs = {**inputs_of(path), "design": first["design"], "labels": labels}
    run_coding_wave(settings(budgets=[20, 30]), inputs, second, wave=2)
    two = read_design(second["design"]).set_index("item_id")
    assert (two.loc[drawn, "pi"] == 1).all() and (two.loc[drawn, "drawn"] == 1).all()
    new = pd.read_csv(second["to_code"], dtype={"item_id": str})["item_id"]
    assert not set(new) & set(drawn) and len(new) > 0

    stranger = code_wave(path, design, wave_items=drawn, name="w1_bad.csv", bad="i00000x")
    with pytest.raises(
        DesignFileError, match=r"w1_bad.csv, line \d+: item_id 'i00000x' was not drawn"
    ):
        run_coding_wave(settings(budgets=[20, 30]), {**inputs, "labels": stranger}, second, wave=2)
    short = code_wave(path, design, wave_items=drawn[1:], name="w1_short.csv")
    with pytest.raises(DesignFileError, match="1 items the wave drew have no code"):
        run_coding_wave(settings(budgets=[20, 30]), {**inputs, "labels": short}, second, wave=2)
    # the windows changed after the draw: the frozen design no longer fits
    with pytest.raises(DesignFileError, match="changed since the draw"):
        run_coding_wave(settings(budgets=[20, 30], days_after=20), inputs, second, wave=2)


def test_a_hand_edited_design_is_refused_with_its_line(study, tmp_path):
    path, _ = study
    outputs = {name: path / f"w1_{name}" for name in ("design", "to_code", "domains")}
    run_coding_wave(settings(budgets=[20, 30]), inputs_of(path), outputs, wave=1)
    design = pd.read_csv(outputs["design"], dtype=str, keep_default_na=False, compression="gzip")
    for column, value, message in (
        ("pi", "0", r"line 5: pi '0' is not valid"),
        ("pi", "1.5", r"line 5: pi '1.5' is not valid"),
        ("pi", "high", r"line 5: pi 'high' is not valid"),
        ("drawn", "2", r"line 5: drawn '2' is not valid"),
    ):
        edited = design.copy()
        edited.loc[3, column] = value
        edited.to_csv(tmp_path / "edited.csv", index=False)
        with pytest.raises(DesignFileError, match=message):
            read_design(tmp_path / "edited.csv")
    pd.concat([design, design.iloc[[2]]]).to_csv(tmp_path / "twice.csv", index=False)
    with pytest.raises(DesignFileError, match="repeated"):
        read_design(tmp_path / "twice.csv")


def test_the_planner_gives_smaller_errors_for_larger_budgets(study):
    path, _ = study
    run_coding_plan(
        DesignSettings.from_config(load_config(ROOT / "config" / "config.yaml")),
        inputs_of(path),
        {"plan": path / "plan.csv"},
    )
    plan = pd.read_csv(path / "plan.csv")
    assert plan["expected_coded"].is_monotonic_increasing
    assert plan["excess_se_median"].is_monotonic_decreasing
