"""The pipeline on the real corpora in ../shared/corpora (skipped when absent).

Each corpus runs in its own temporary working directory through its shipped
config, with the corpus path pointed at ../shared by --config, exactly as a
user would. These runs read but never copy the corpora.
"""

import json

import pandas as pd
import pytest
from conftest import ROOT, SHARED, link_workflow, run_snakemake

pytestmark = [pytest.mark.real, pytest.mark.e2e]

CORPORA = {
    "1tv-leads": SHARED / "1tv-leads" / "*.jsonl.gz",
    "1tv-headlines": SHARED / "1tv-headlines" / "*.jsonl.gz",
    "ungdc": SHARED / "ungdc" / "ungdc_1991-2015.tar.gz",
}


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_pipeline_runs_on_real_corpus(name, tmp_path):
    path = CORPORA[name]
    if not list(path.parent.glob(path.name)):
        pytest.skip(f"{path} not present")
    run_snakemake(
        "--configfile",
        f"config/corpora/{name}.yaml",
        "--config",
        f"corpus={{path: '{path}'}}",
        # two K instead of the shipped grid keep the suite short; the checks
        # below do not depend on K (the classifier does not use topics)
        "topics={selection: {grid: [10, 20]}}",
        cwd=link_workflow(tmp_path),
    )
    results = tmp_path / "results" / name
    summary = json.loads((results / "ingest" / "summary.json").read_text())
    assert summary["read"] == summary["kept"] + summary["quarantined"] + summary["duplicates"]
    assert summary["kept"] > 0.9 * summary["read"]
    ranking = pd.read_csv(results / "tables" / "event_ranking.csv")
    catalogue = pd.read_csv(results / "events" / "catalogue.tsv", sep="\t")
    assert len(ranking) == len(catalogue) <= len(pd.read_csv(ROOT / "config/events.tsv", sep="\t"))
    if name.startswith("1tv"):  # leads: events of 2000-2024 they cover; headlines: 2000-2010
        last = "2024-12-31" if name == "1tv-leads" else "2010-12-31"
        assert catalogue["start"].between("2000-01-01", last).all()
        assert {"rose_2003", "orange_2004", "tulip_2005", "nato_istanbul_2004"} <= set(
            catalogue["event_id"]
        )
        # a real ranking: events with documents do not all tie
        assert ranking["score"].dropna().nunique() > 5
    assert (results / "figures" / "event_ranking.pdf").stat().st_size > 0
    selection = pd.read_csv(results / "topics" / "model_selection.csv")
    assert selection["chosen"].sum() == 1 and (results / "figures" / "model_selection.pdf").exists()

    if name.startswith("1tv"):  # the shipped gold standard (ids and codes) on the real texts
        check_validation_report(results / "validation")
        # the shipped config ranks on the measure the evidence chose
        import yaml

        shipped = yaml.safe_load((ROOT / "config" / "corpora" / f"{name}.yaml").read_text())
        choice = pd.read_csv(results / "validation" / "measure_choice.csv")
        chosen = choice.loc[choice["chosen"] == 1, "doc_measure"]
        assert len(chosen) == 1 and chosen.iloc[0] == shipped["events"]["doc_measure"]


def check_validation_report(folder):
    scores = pd.read_csv(folder / "item_scores.csv")
    test = scores[(scores["split"] == "test") & scores["weighting"].str.startswith("inverse")]
    assert test["n_items"].min() >= 0.4 * 1300 and (test["n_positive"] > 0).all()
    assert {"lexicon_anti_western", "lss_score", "classifier_probability"} <= set(test["measure"])
    reliability = pd.read_csv(folder / "gold_reliability.csv").set_index("field")
    assert reliability.at["claim", "items"] >= 300
    alpha = reliability.at["claim", "krippendorff_alpha"]
    assert (
        reliability.at["claim", "alpha_ci_low"] <= alpha <= reliability.at["claim", "alpha_ci_high"]
    )
    assert (folder.parent / "figures" / "validation.pdf").stat().st_size > 0
    choice = pd.read_csv(folder / "measure_choice.csv")
    assert choice["chosen"].sum() <= 1 and "rule_anti_western" in set(choice["measure"])
