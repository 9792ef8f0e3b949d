import gzip
import hashlib
import json

import pandas as pd
import pytest
from schemes.demo import DemoCorpusSettings, run_demo_corpus
from schemes.ingest import ingest, read_records


def make(tmp_path, root, tag, seed=5):
    paths = {k: tmp_path / f"{tag}_{k}" for k in ("corpus.jsonl.gz", "truth.csv", "claims.csv")}
    settings = DemoCorpusSettings(
        seed=seed, docs_per_day=0.08, burst_docs=40, days_before=7, days_after=30
    )
    run_demo_corpus(
        settings,
        {"events": str(root / "config" / "events.tsv")},
        {
            "corpus": str(paths["corpus.jsonl.gz"]),
            "ground_truth": str(paths["truth.csv"]),
            "claims_truth": str(paths["claims.csv"]),
        },
    )
    return paths


def digest(paths):
    return {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in paths.items()}


def test_demo_is_byte_identical_for_a_seed_and_differs_across_seeds(tmp_path, root):
    a, b = make(tmp_path, root, "a"), make(tmp_path, root, "b")
    assert digest(a) == digest(b)
    c = make(tmp_path, root, "c", seed=6)
    assert digest(c)["corpus.jsonl.gz"] != digest(a)["corpus.jsonl.gz"]


def test_demo_has_languages_outlets_bad_rows_and_truth(tmp_path, root):
    paths = make(tmp_path, root, "a")
    with gzip.open(paths["corpus.jsonl.gz"], "rt", encoding="utf-8") as handle:
        lines = handle.read().rstrip("\n").split("\n")
    config = {
        "name": "demo",
        "path": str(paths["corpus.jsonl.gz"]),
        "format": "jsonl",
        "columns": {"id": "id", "date": "date", "text": "text", "source": "source"},
    }
    result = ingest(read_records(config), config, language="auto")
    s = result.summary
    bad = s["quarantined"] + s["duplicates"]
    assert 0.005 <= bad / s["read"] <= 0.02
    assert s["duplicates"] > 0 and s["quarantined"] > 0
    assert set(s["languages"]) == {"ru", "en"}
    assert result.documents["source"].nunique() == 5
    words = result.documents["text"].str.split().str.len()
    assert words.min() >= 50 and words.max() <= 700
    truth = pd.read_csv(paths["truth.csv"])
    events = pd.read_csv(root / "config" / "events.tsv", sep="\t")
    # the demo plants the catalogue's events of its own days, 1995-2014
    in_span = events[events["start"].between("1995-01-01", "2014-12-31")]
    assert list(truth["event_id"]) == list(in_span["event_id"]) and len(in_span) < len(events)
    assert truth["intensity_parameter"].nunique() == len(truth)
    # with no overlapping window the expected rate equals the drawn parameter
    alone = truth.set_index("event_id").loc["nato_madrid_1997"]
    assert alone["planted_intensity"] == pytest.approx(alone["intensity_parameter"], abs=0.01)
    assert (truth["docs_in_window"] > 0).all()
    claims = pd.read_csv(paths["claims.csv"])
    assert {"planted", "negated", "neutral_west", "non_western", "near_miss"} <= set(claims["kind"])
    # planted sentences are worded in many ways, not one template
    planted = claims.loc[claims["kind"] == "planted", "sentence"]
    assert planted.nunique() > 0.9 * len(planted)
    assert len(lines) == s["read"]
    assert all(json.loads(line)["id"] for line in lines[:10])
