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
