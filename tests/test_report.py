"""The report's front page: ingest counts and quarantine reasons, valid rST, Jinja-safe."""

from pathlib import Path

import jinja2
import pandas as pd
import pytest
from docutils.core import publish_parts
from schemes.ingest import reason_category
from schemes.report import front_page

SUMMARY = {
    "read": 1200,
    "kept": 1000,
    "quarantined": 150,
    "duplicates": 50,
    "ids_made_unique": 2,
    "languages": {"en": 400, "ru": 600},
    "first_date": "2000-01-01",
    "last_date": "2010-12-31",
    "encodings": {"a.csv": "cp1251"},
}


def quarantine(reasons):
    return pd.DataFrame({"file": "a.csv", "line": range(len(reasons)), "reason": reasons})


def render(page):
    """As Snakemake does: Jinja2 first, then docutils; rST problems raise."""
    text = jinja2.Environment().from_string(page).render(snakemake=None)
    return publish_parts(
        text, writer="html", settings_overrides={"halt_level": 2, "report_level": 5}
    )["html_body"]


def test_counts_reasons_and_the_quarantine_file_are_on_the_page():
    reasons = ["bad date: '1899-01-01'"] * 100 + ["empty or too short text (3 chars)"] * 50
    page = front_page(
        "Intro.",
        SUMMARY,
        quarantine(reasons),
        corpus_name="leads",
        quarantine_path="results/leads/q.csv",
    )
    assert page.startswith("Intro.\n")
    assert "**1,200** records read: **1,000** kept (dated 2000-01-01 to 2010-12-31" in page
    assert "**150** quarantined, **50** dropped" in page
    html = render(page)
    assert "<td>bad date</td>" in html and "<td>100</td>" in html
    assert "<td>empty or too short text</td>" in html
    assert html.index("bad date") < html.index("empty or too short")
    assert "results/leads/q.csv" in html and "cp1251" in html


def test_many_reasons_are_cut_to_the_top_ones_and_the_rest_summed():
    letters = "abcdefghijkl"
    reasons = [f"kind {letters[i]}: x" for i in range(12) for _ in range(12 - i)]
    page = front_page(
        "", SUMMARY, quarantine(reasons), corpus_name="c", quarantine_path="q.csv", top=10
    )
    assert "kind j" in page and "kind k" not in page
    assert "2 other reasons" in page and "  3\n" in page  # 2 + 1 rows


@pytest.mark.parametrize(
    "hostile",
    [
        "{{ 7 * 7 }}",
        "{% if true %}x",
        "{# open comment",
        "{{ cycler.__init__.__globals__.os.getcwd() }}",
        "*bold* `code` |sub| target_ \\ end",
    ],
)
def test_hostile_reasons_and_file_names_are_neither_markup_nor_template(hostile):
    summary = {**SUMMARY, "encodings": {f"/data/{hostile}.txt": "cp1251"}}
    page = front_page(
        "Intro {{ 6 * 7 }}.",
        summary,
        quarantine([hostile + ": x"]),
        corpus_name="c",
        quarantine_path="q.csv",
    )
    html = render(page).replace("&quot;", '"').replace("&#x27;", "'").replace("&amp;", "&")
    assert "Intro 42." in html  # the description's own template still works
    assert f"/data/{hostile}.txt" in html  # the file name, verbatim
    assert f"<td>{reason_category(hostile)}</td>" in html  # the reason's kind, verbatim
    assert "49" not in html and "/tmp" not in html and str(Path.cwd()) not in html


def test_reason_kinds_group_variants_of_one_problem():
    reasons = [
        "expected 3 fields, found 5",
        "expected 3 fields, found 2",
        "unsupported language 'de'",
    ]
    reasons += ["unsupported language 'fr'"]
    page = front_page("", SUMMARY, quarantine(reasons), corpus_name="c", quarantine_path="q.csv")
    assert "expected N fields, found N" in page and "unsupported language '…'" in page
    assert page.count("  2\n") == 2


def test_clean_corpus_says_nothing_was_quarantined():
    summary = {**SUMMARY, "quarantined": 0, "encodings": {}, "ids_made_unique": 0}
    html = render(front_page("", summary, quarantine([]), corpus_name="c", quarantine_path="q.csv"))
    assert "No record was quarantined." in html and "encoding" not in html


def run_tables(with_gold: bool):
    from schemes.report import RunTables

    topics = pd.DataFrame({"topic": range(4), "seeded": ["conspiracy", "", "", ""]})
    selection = pd.DataFrame(
        {"k": [4, 8], "npmi": [0.5, 0.4], "diversity": [0.9, 0.8], "stability": [0.7, 0.6]}
    ).assign(chosen=[True, False])
    ranking = pd.DataFrame({"score": [1.0, 2.0, float("nan")]})
    choice = pd.DataFrame(
        {
            "measure": ["lexicon_anti_western"],
            "target": ["anti_western"],
            "test_f1": [0.81],
            "test_f1_ci_low": [0.7],
            "test_f1_ci_high": [0.9],
            "test_auc": [float("nan")],
            "event_spearman": [0.66],
        }
    )
    reliability = pd.DataFrame(
        {"field": ["claim", "anti_western"], "krippendorff_alpha": [0.876, 0.905]}
    )
    return RunTables(
        topics=topics,
        selection=selection,
        ranking=ranking,
        choice=choice if with_gold else None,
        reliability=reliability if with_gold else None,
        corpus={"sha256": "ab" * 32, "n_files": 2, "bytes": 1234},
    )


def front_page_settings(**changes):
    from conftest import ROOT
    from schemes.configtools import load_config
    from schemes.report import FrontPageSettings

    return FrontPageSettings.from_config(load_config(ROOT / "config" / "config.yaml"), **changes)


def test_method_section_names_measure_validation_estimator_and_k():
    from schemes.report import method_lines

    text = "\n".join(method_lines(front_page_settings(), run_tables(with_gold=True)))
    assert "*lexicon, sentence window: anti-Western claim*" in text
    assert "F1 0.81 [95% CI 0.70, 0.90], ROC AUC n/a" in text and "rates 0.66" in text
    assert "Krippendorff's alpha): claim 0.88; anti\\_western 0.91" in text
    assert "2 events are ranked" in text and "2,000 replicates, seed 7" in text
    assert "**K = 4** topics (1 seeded" in text and "grid 4, 8" in text
    html = render(
        front_page(
            "",
            SUMMARY,
            quarantine([]),
            corpus_name="c",
            quarantine_path="q",
            sections=(method_lines(front_page_settings(), run_tables(True)),),
        )
    )
    assert "<h" in html and "Method" in html


def test_without_a_gold_standard_the_page_says_the_measure_is_not_validated():
    from schemes.report import method_lines

    text = "\n".join(method_lines(front_page_settings(), run_tables(with_gold=False)))
    assert "Not validated on this corpus" in text and "95% CI" not in text.split("Estimator")[0]
    assert "No design-based coding wave" in text and "**unvalidated** ranking" in text
    waves = front_page_settings(waves=[{"design": "d.csv", "labels": "l.csv"}])
    assert "from 1 coded wave(s)" in "\n".join(method_lines(waves, run_tables(False)))


def test_software_section_lists_versions_commit_and_corpus_hash_and_renders():
    from schemes.report import software_lines

    lines = software_lines(
        {"python": "3.11.7", "matplotlib": "3.11.2"},
        {"git_commit": "f" * 40, "git_dirty": True},
        {"sha256": "ab" * 32, "n_files": 2, "bytes": 1234},
    )
    html = render(
        front_page(
            "", SUMMARY, quarantine([]), corpus_name="c", quarantine_path="q", sections=(lines,)
        )
    )
    assert "<td>matplotlib</td>" in html and "<td>3.11.2</td>" in html
    assert "f" * 40 in html and "uncommitted changes" in html and "ab" * 32 in html
    assert "provenance.json" in html and "CITATION.cff" in html
    no_git = "\n".join(software_lines({}, {"git_commit": None}, {}))
    assert "no git commit" in no_git and "not computed" in no_git


def test_citation_file_names_the_software_version_the_book_and_the_data():
    import tomllib

    import yaml
    from conftest import ROOT

    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    for key in ("cff-version", "message", "title", "authors", "version", "type", "license"):
        assert citation.get(key), key
    assert citation["cff-version"] == "1.2.0" and citation["type"] == "software"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert str(citation["version"]) == project["version"]
    assert citation["license"] == project["license"]
    book = next(r for r in citation["references"] if r["type"] == "book")
    assert "Revealing Schemes" in book["title"] and book["year"] == 2021
    assert book["authors"][0]["family-names"] == "Radnitz"
    assert book["publisher"]["name"] == "Oxford University Press"
    assert any(r["type"] == "data" and r.get("doi") for r in citation["references"])
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## How to cite" in readme and "CITATION.cff" in readme


def test_with_coded_waves_the_page_gives_the_design_estimates_and_coder_agreement():
    from dataclasses import replace

    from schemes.report import method_lines

    tables = replace(
        run_tables(with_gold=True),
        estimates=pd.DataFrame(
            {"n_coded": [100, 200], "rank": [2, 1], "label": ["Second *event*", "First event"]}
        ),
        wave_reliability=pd.DataFrame(
            {"wave": [1, 1], "field": ["claim", "anti_western"], "krippendorff_alpha": [0.94, 0.92]}
        ),
    )
    settings = front_page_settings(waves=[{"design": "d.csv", "labels": "l.csv"}])
    text = "\n".join(method_lines(settings, tables))
    assert "from 1 coded wave(s)" in text and "150 coded items per event window" in text
    assert "the default ranking" in text and "excess: First event; Second \\*event\\*" in text
    assert "wave 1 (Krippendorff's alpha): claim 0.94; anti\\_western 0.92" in text
