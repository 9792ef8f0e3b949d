"""Inputs checked before any job runs (issue 18): every configured path, every coded
file, the event comparisons, and the corpus columns a user config leaves out."""

import copy
import os
import shutil

import pandas as pd
import pytest
from conftest import ROOT, link_workflow, run_snakemake
from schemes.catalogue import load_events
from schemes.configtools import (
    coded_file_problems,
    contrast_problems,
    leave_out_unmapped_columns,
    load_config,
    path_problems,
)

LEADS = ROOT / "data" / "validation" / "1tv-leads"
LEADS_GOLD = {
    "design": str(LEADS / "sample.csv"),
    "labels": str(LEADS / "gold.csv"),
    "coders": [str(LEADS / "coder_a.csv"), str(LEADS / "coder_b.csv")],
    "adjudication": str(LEADS / "adjudication.csv"),
    "active": [str(LEADS / "active_round1.csv"), str(LEADS / "active_round2.csv")],
}


def shipped(gold=None) -> dict:
    """config/config.yaml as a run sees it, with the given gold standard files."""
    config = load_config(ROOT / "config" / "config.yaml")
    if gold:
        config["validation"]["items"]["gold"].update(copy.deepcopy(gold))
    return config


def set_key(config: dict, dotted: str, value) -> None:
    """Set ``a.b.c`` or ``a.b[1]`` in a nested config."""
    *parents, last = dotted.split(".")
    node = config
    for part in parents:
        node = node[part]
    if last.endswith("]"):
        name, index = last[:-1].split("[")
        node[name][int(index)] = value
    else:
        node[last] = value


# --- case 1: every configured path exists before the DAG is built -------------------


@pytest.mark.parametrize(
    "key",
    [
        "events.catalogue",
        "preprocess.stopwords.ru",
        "framing.lexicons.en",
        "framing.lss.seeds.ru",
        "framing.item_rules.markers.en",
        "validation.items.filter.ru",
        "validation.items.guide",
        "validation.items.gold.design",
        "validation.items.gold.labels",
        "validation.items.gold.coders[1]",
        "validation.items.gold.adjudication",
        "validation.items.gold.active[0]",
    ],
)
def test_every_configured_path_must_exist_and_the_message_names_its_key(tmp_path, key):
    config = shipped(LEADS_GOLD)
    assert path_problems(config) == []
    missing = str(tmp_path / "typo.csv")
    set_key(config, key, missing)
    problems = path_problems(config)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"config {key}: ") and missing in problems[0]


def test_corpus_paths_globs_folders_and_wave_files_must_match_a_file(tmp_path):
    config = shipped()
    for path in (tmp_path / "nope.csv", tmp_path / "*.csv", tmp_path):
        config["corpus"].update(name="mine", path=str(path), format="csv")
        problems = path_problems(config)
        assert len(problems) == 1 and problems[0].startswith("config corpus.path: "), problems
    (tmp_path / "a.csv").write_text("id,date,text\n")
    assert path_problems(config) == []
    config["corpus"]["path"] = str(tmp_path / "*.csv")
    assert path_problems(config) == []
    config["design"]["waves"] = [{"design": str(tmp_path / "wave1.csv.gz"), "labels": ""}]
    (problem,) = path_problems(config)
    assert problem.startswith("config design.waves[0].design: ")


def test_labels_without_a_design_are_refused():
    config = shipped(dict(LEADS_GOLD, design=""))
    (problem,) = path_problems(config)
    assert "validation.items.gold.labels" in problem and "validation.items.gold.design" in problem


@pytest.mark.parametrize(
    "override, words",
    [
        ("corpus={path: data/nope.csv}", ["config corpus.path", "data/nope.csv"]),
        (
            "validation={items: {gold: {design: data/validation/1tv-leads/sample.csv, "
            "labels: data/validation/1tv-leads/gold_typo.csv}}}",
            ["config validation.items.gold.labels", "gold_typo.csv"],
        ),
        (
            "validation={items: {gold: {labels: data/validation/1tv-leads/gold.csv}}}",
            ["validation.items.gold.design"],
        ),
    ],
)
def test_a_wrong_path_stops_snakemake_before_the_dag(override, words):
    proc = run_snakemake("-n", "--config", override, check=False, timeout=120)
    message = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "Building DAG" not in message
    for word in words:
        assert word in message


# --- case 8: a comparison without events is refused before any job -----------------


def test_a_contrast_side_without_an_event_in_the_period_is_refused():
    events = load_events(ROOT / "config" / "events.tsv")
    config = shipped()
    assert contrast_problems(config, events) == []
    config["events"]["period"] = {"from": "1996-01-01", "to": "1998-12-31"}
    config["events"]["contrasts"] = [
        ["color_revolution", "nato_summit"],
        ["nato_summit", "war+nato_enlargement"],
    ]
    problems = contrast_problems(config, events)
    assert len(problems) == 2, problems
    assert "color_revolution vs nato_summit" in problems[0]
    assert "no color_revolution event" in problems[0] and "1996-01-01" in problems[0]
    assert "nato_summit vs war+nato_enlargement" in problems[1]
    assert "no war+nato_enlargement event" in problems[1]


def test_an_empty_comparison_stops_snakemake_before_the_dag():
    override = "events={period: {from: '1996-01-01', to: '1998-12-31'}}"
    proc = run_snakemake("-n", "--config", override, check=False, timeout=120)
    message = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "Building DAG" not in message
    assert "config events.contrasts: color_revolution vs nato_summit" in message


# --- case 10: every coded file is loaded and cross-checked at config time -----------


def test_the_shipped_gold_standard_passes_every_check():
    assert coded_file_problems(shipped(LEADS_GOLD)) == []


def test_a_coded_wave_is_checked_against_its_frozen_design(tmp_path):
    wave = {
        "design": str(LEADS / "wave1_design.csv.gz"),
        "labels": str(LEADS / "wave1_codes.csv"),
        "coders": [str(LEADS / "wave1_coder_a.csv"), str(LEADS / "wave1_coder_b.csv")],
        "adjudication": str(LEADS / "wave1_adjudication.csv"),
    }
    config = shipped()
    config["design"]["waves"] = [wave]
    assert coded_file_problems(config) == []
    second = pd.read_csv(LEADS / "wave1_coder_b.csv", dtype=str, keep_default_na=False)
    second.loc[2, "item_id"] = "1tv-not-drawn"
    second.to_csv(tmp_path / "coder_b.csv", index=False)
    config["design"]["waves"] = [
        dict(wave, coders=[wave["coders"][0], str(tmp_path / "coder_b.csv")])
    ]
    (problem,) = coded_file_problems(config)
    assert problem.startswith(f"{tmp_path / 'coder_b.csv'}, line 4: item_id '1tv-not-drawn'")


def test_coded_files_are_checked_before_the_dag(tmp_path):
    labels = pd.read_csv(LEADS / "gold.csv", dtype=str, keep_default_na=False)
    labels.loc[4, "item_id"] = "1tv-not-in-the-design"
    labels.to_csv(tmp_path / "gold.csv", index=False)
    override = (
        f"validation={{items: {{gold: {{design: {LEADS / 'sample.csv'}, "
        f"labels: {tmp_path / 'gold.csv'}}}}}}}"
    )
    proc = run_snakemake("-n", "--config", override, check=False, timeout=120)
    message = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "Building DAG" not in message
    assert f"{tmp_path / 'gold.csv'}, line 6: item_id '1tv-not-in-the-design'" in message


# --- case 12: optional columns a user config does not map are left out ---------------


def test_optional_columns_the_user_did_not_map_are_left_out():
    config = shipped()
    user = {"corpus": {"name": "mine", "columns": {"id": "id", "date": "d", "text": "body"}}}
    config["corpus"]["columns"].update(user["corpus"]["columns"])  # as Snakemake merges them
    columns = leave_out_unmapped_columns(config, user)["corpus"]["columns"]
    assert columns == {"id": "id", "date": "d", "text": "body", "title": "", "source": ""}
    # an explicit mapping stays (and ingest refuses it when the field is missing)
    user["corpus"]["columns"]["title"] = "title"
    columns = leave_out_unmapped_columns(config, user)["corpus"]["columns"]
    assert columns["title"] == "title" and columns["source"] == ""
    # no columns of its own (the demo, or only a new path): the mapping is config.yaml's
    for user in ({}, {"corpus": {"path": "data/other.jsonl.gz"}}):
        assert leave_out_unmapped_columns(config, user) == config


# --- cases 2 and 12 in the workflow: a swapped corpus, a corpus without title ----------


def write_corpus(path, n, word):
    rows = [
        f"d{i},2004-01-{1 + i % 28:02d},Document {i} is about the {word} of the day."
        for i in range(n)
    ]
    path.write_text("id,date,text\n" + "\n".join(rows) + "\n", encoding="utf-8")


def ingest_workdir(tmp_path, columns):
    """A working directory, a 60-document CSV corpus and its config; returns (work, config)."""
    (tmp_path / "work").mkdir()
    work = link_workflow(tmp_path / "work")
    write_corpus(tmp_path / "corpus.csv", 60, "weather")
    config = tmp_path / "mine.yaml"
    config.write_text(
        f"corpus:\n  name: mine\n  path: {tmp_path / 'corpus.csv'}\n  format: csv\n"
        f"  columns: {columns}\nlanguage: en\n"
    )
    return work, str(config)


INGESTED = "results/mine/ingest/summary.json"


def test_a_user_config_without_title_and_source_mappings_runs(tmp_path):
    # the file has neither title nor source, and the config does not map them
    work, config = ingest_workdir(tmp_path, "{id: id, date: date, text: text}")
    run_snakemake("-c1", INGESTED, "--configfile", config, cwd=work, timeout=300)
    assert '"kept": 60' in (work / INGESTED).read_text()


def test_a_corpus_swapped_for_an_older_file_re_runs_ingest(tmp_path):
    work, config = ingest_workdir(
        tmp_path, "{id: id, date: date, text: text, title: '', source: ''}"
    )
    run_snakemake("-c1", INGESTED, "--configfile", config, cwd=work, timeout=300)
    dry = run_snakemake("-n", INGESTED, "--configfile", config, cwd=work, timeout=120)
    assert "Nothing to be done" in dry.stdout + dry.stderr
    other = tmp_path / "other.csv"
    write_corpus(other, 70, "harvest")
    os.utime(other, (946684800, 946684800))  # 2000-01-01: older than every output
    shutil.copy2(other, tmp_path / "corpus.csv")  # cp -p
    dry = run_snakemake("-n", INGESTED, "--configfile", config, cwd=work, timeout=120)
    message = dry.stdout + dry.stderr
    assert "Nothing to be done" not in message and "rule ingest" in message
    # the provenance of every table names the new corpus's hash, not the old one's
    assert "rule corpus_hash" in message


def test_the_readme_says_how_to_recover_after_ctrl_c():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("**A run that was killed**")
    paragraph = readme[start : readme.index("\n\n", readme.index("rerun-incomplete", start))]
    for words in ("Ctrl-C", "snakemake --unlock", "snakemake --rerun-incomplete"):
        assert words in paragraph, words


def test_a_contrast_left_without_covered_events_stops_the_catalogue(tmp_path):
    from schemes.catalogue import EventCatalogueError, EventCatalogueSettings, run_event_catalogue

    # documents to the end of October 2003: the Rose revolution's window is not covered,
    # and no other colour revolution starts in 2002-2003
    days = pd.date_range("2002-10-01", "2003-10-25")
    pd.DataFrame({"date": days, "date_end": days}).to_parquet(tmp_path / "documents.parquet")
    files = (
        {"catalogue": ROOT / "config" / "events.tsv", "documents": tmp_path / "documents.parquet"},
        {"catalogue": tmp_path / "catalogue.tsv"},
    )
    settings = EventCatalogueSettings(
        {"from": "2002-01-01", "to": "2003-12-31"},
        days_before=7,
        days_after=30,
        contrasts=[["color_revolution", "nato_summit"]],
    )
    with pytest.raises(EventCatalogueError) as caught:
        run_event_catalogue(settings, *files)
    message = str(caught.value)
    assert "color_revolution vs nato_summit: no color_revolution event" in message
    assert "rose_2003" in message
    run_event_catalogue(settings.replace(contrasts=[["nato_summit", "terrorist_attack"]]), *files)
