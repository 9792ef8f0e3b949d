"""The measure registry: one row per measure, every list of measures derived from it."""

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ROOT
from schemes import measures as registry
from schemes.measures import Measure, event_measure_column, run_item_measures
from schemes.scoring import ValidationReportSettings, run_validation_report
from schemes.sensitivity import SensitivityGrid, SensitivitySettings, run_sensitivity

SCHEMA = yaml.safe_load((ROOT / "workflow" / "schemas" / "config.schema.yaml").read_text())


def _schema(*path):
    node = SCHEMA
    for part in path:
        node = node["properties"][part]
    return node


def test_the_schema_enums_are_the_registry():
    assert _schema("events", "doc_measure")["enum"] == registry.event_measures()
    features = _schema("validation", "items", "classifier", "measures")["items"]["enum"]
    assert features == registry.feature_measures()


def test_each_event_measure_ranks_on_its_probability_unless_counts_are_corrected():
    assert event_measure_column("classifier", "calibration") == "classifier_probability"
    assert event_measure_column("classifier", "none") == "classifier_probability"
    assert event_measure_column("classifier", "acc") == "classifier_claim"
    assert event_measure_column("rule", "none") == "rule_anti_western"
    with pytest.raises(KeyError, match="doc_measure"):
        event_measure_column("nothing", "none")


def test_sources_leave_out_the_classifier_without_a_gold_standard():
    every = registry.columns()
    assert "framing/classifier_scores.parquet" not in registry.sources(every, with_gold=False)
    assert "framing/classifier_scores.parquet" in registry.sources(every, with_gold=True)
    assert registry.sources(["lexicon_any", "lexicon_two_parts"], with_gold=True) == [
        "framing/lexicon_measures.parquet"
    ]


N_DOCS = 400


@pytest.fixture
def toy_measure(monkeypatch):
    """A new measure added by one registry row only (its rule would write toy_scores.parquet)."""
    row = Measure(
        "toy_score", "toy measure", "score", "framing/toy_scores.parquet", "toy", sensitivity=True
    )
    monkeypatch.setattr(registry, "MEASURES", (*registry.MEASURES, row))
    return row


def _corpus(tmp_path):
    """Documents in two event windows, the toy measure's file and a coded sample."""
    rng = np.random.default_rng(0)
    dates = pd.to_datetime("2004-01-01") + pd.to_timedelta(np.arange(N_DOCS) // 2, unit="D")
    ids = [f"d{i:04d}" for i in range(N_DOCS)]
    claim = (rng.random(N_DOCS) < 0.2).astype(int)
    doc_claims = pd.DataFrame(
        {
            "doc_id": ids,
            "date": dates,
            "date_end": dates,
            "date_precision": "day",
            "n_claims": claim,
        }
    )
    doc_claims.to_parquet(tmp_path / "doc_claims.parquet")
    toy = pd.DataFrame({"doc_id": ids, "toy_score": claim + rng.random(N_DOCS)})
    toy.to_parquet(tmp_path / "toy_scores.parquet")
    sample = pd.DataFrame(
        {
            "item_id": ids[::2],
            "date": dates[::2].strftime("%Y-%m-%d"),
            "stratum": "rest",
            "inclusion_probability": 0.5,
            "split": np.where(np.arange(N_DOCS // 2) % 2, "test", "dev"),
        }
    )
    sample.to_csv(tmp_path / "design.csv", index=False)
    codes = claim[::2]
    reason = np.where(codes == 1, "toy claim", "")
    pd.DataFrame(
        {"item_id": ids[::2], "claim": codes, "anti_western": codes, "reason": reason}
    ).to_csv(tmp_path / "labels.csv", index=False)
    catalogue = tmp_path / "events.tsv"
    catalogue.write_text(
        "event_id\tlabel\ttype\tstart\tend\n"
        "a\tA\tx\t2004-03-01\t2004-03-10\n"
        "b\tB\ty\t2004-05-01\t2004-05-10\n"
        "c\tC\tx\t2004-06-01\t2004-06-05\n"
    )
    return catalogue


def test_a_registry_row_alone_adds_a_measure_to_the_item_table_report_and_grid(
    tmp_path, toy_measure
):
    catalogue = _corpus(tmp_path)
    # the item-measure rule's inputs come from the registry (common.smk does the same)
    sources = registry.sources(registry.columns(), with_gold=False)
    assert toy_measure.source in sources
    inputs = {
        "doc_claims": tmp_path / "doc_claims.parquet",
        "toy_scores": tmp_path / "toy_scores.parquet",
    }
    run_item_measures(inputs, {"measures": tmp_path / "item_measures.parquet"})
    table = pd.read_parquet(tmp_path / "item_measures.parquet")
    assert list(table.columns) == ["doc_id", "date", "date_end", "toy_score"]

    outputs = {
        name: tmp_path / f"{name}.csv"
        for name in (
            "scores",
            "scores_tex",
            "reliability",
            "event_rates",
            "event_agreement",
            "choice",
        )
    }
    run_validation_report(
        ValidationReportSettings(
            days_before=3, days_after=10, min_event_items=1, bootstrap=20, seed=0
        ),
        {
            "design": tmp_path / "design.csv",
            "labels": tmp_path / "labels.csv",
            "coders": [],
            "measures": tmp_path / "item_measures.parquet",
            "catalogue": catalogue,
        },
        outputs,
    )
    scores = pd.read_csv(outputs["scores"])
    toy = scores[scores["measure"] == "toy_score"]
    assert set(toy["label"]) == {"toy measure"} and len(toy) == 8  # targets x splits x weights
    assert (toy["auc"] > 0.9).all()  # a score: thresholded on dev, with an AUC
    assert "toy_score" in pd.read_csv(outputs["event_rates"]).columns

    grid = {name: tmp_path / f"{name}.csv" for name in ("sensitivity", "tau", "spread")}
    grid["spread_tex"] = tmp_path / "spread.tex"
    run_sensitivity(
        SensitivitySettings(
            sensitivity=SensitivityGrid(windows=[[3, 10]], measures=["rate_per_1000"]),
            baseline_days=30,
            min_baseline_docs=5,
            count_model_degree=1,
            time_bin="month",
            period={"from": "", "to": ""},
        ),
        {
            "doc_claims": tmp_path / "doc_claims.parquet",
            "catalogue": catalogue,
            "item_measures": tmp_path / "item_measures.parquet",
        },
        grid,
    )
    assert "excess_toy_score" in set(pd.read_csv(grid["sensitivity"])["measure"])
