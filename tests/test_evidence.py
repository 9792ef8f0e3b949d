"""Evidence: the detected and coded items of each event window, capped and drawn reproducibly.

Synthetic documents written by the test (ids, dates, made-up titles); no corpus text.
"""

import pandas as pd
import pytest
from conftest import ROOT
from schemes.configtools import load_config
from schemes.evidence import (
    COLUMNS,
    EvidenceSettings,
    codes_from,
    event_page,
    evidence_table,
    item_table,
    page_name,
    run_evidence,
)

DAYS = pd.date_range("2004-01-01", "2004-03-31", freq="D")


def documents() -> pd.DataFrame:
    ids = [f"d{i:03d}" for i in range(len(DAYS))]
    return pd.DataFrame(
        {
            "doc_id": ids,
            "date": DAYS,
            "date_end": DAYS,
            "title": [f"Title {i} <b>&</b>" for i in range(len(DAYS))],
            "source": "Gazette",
            "url": [f"https://news.example/{i}" for i in range(len(DAYS))],
        }
    )


def ranking() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "event_id": ["jan", "mar"],
            "label": ["January event", "March <event>"],
            "type": ["nato_summit", "color_revolution"],
            "window_start": ["2004-01-05", "2004-03-01"],
            "window_end": ["2004-01-20", "2004-03-20"],
            "score": [3.5, float("nan")],
            "ci_low": [1.0, float("nan")],
            "ci_high": [6.0, float("nan")],
            "rank": [1.0, float("nan")],
        }
    )


def items(codes=None) -> pd.DataFrame:
    docs = documents()
    detected = docs["doc_id"].str[1:].astype(int) % 2 == 0  # every other day
    values = pd.DataFrame({"doc_id": docs["doc_id"], "measure_value": detected * 0.9})
    decisions = pd.DataFrame({"doc_id": docs["doc_id"], "detected": detected.astype(int)})
    attribution = pd.DataFrame(
        {
            "doc_id": docs["doc_id"][detected],
            "accused": "usa",
            "accuser": "outlet",
            "stance": "asserted",
            "attributed_by": "item rules",
        }
    )
    codes = codes if codes is not None else codes_from({"gold": gold()})
    return item_table(docs, values, decisions, codes=codes, attribution=attribution)


def gold() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "item_id": ["d007", "d010", "d065"],
            "claim": [1, 0, 1],
            "anti_western": [1, 0, 0],
            "accused": ["nato", "", "georgia"],
            "accuser": ["Foreign Ministry", "", "Kremlin"],
            "stance": ["reported", "", "asserted"],
            "reason": ["coder's own words", "", "coder's own words"],
        }
    )


def test_only_items_of_the_window_detected_or_coded_with_codes_over_the_detector():
    table, counts = evidence_table(items(), ranking(), limit=100, seed=1)
    january = table[table["event_id"] == "jan"]
    dates = pd.to_datetime(january["date"])
    assert dates.min() >= pd.Timestamp("2004-01-05") and dates.max() <= pd.Timestamp("2004-01-20")
    assert ((january["detected"] == 1) | (january["coded"] == 1)).all()
    assert counts["jan"]["in_window"] == 16 and counts["jan"]["coded"] == 2
    coded = january.set_index("item_id").loc["d007"]  # coded, not detected (odd day)
    assert (coded["detected"], coded["coded"], coded["claim"]) == (0, 1, 1)
    assert (coded["accused"], coded["attributed_by"]) == ("nato", "coders")
    detector = january.set_index("item_id").loc["d006"]
    assert (detector["accused"], detector["attributed_by"]) == ("usa", "item rules")
    assert list(table.columns) == COLUMNS


def test_caps_draw_at_random_reproducibly_and_per_event():
    first, _ = evidence_table(items(), ranking(), limit=3, seed=5)
    again, _ = evidence_table(items(), ranking(), limit=3, seed=5)
    other, _ = evidence_table(items(), ranking(), limit=3, seed=6)
    pd.testing.assert_frame_equal(first, again)
    drawn = first[first["coded"] == 0]  # coded items come on top of the detected draw
    assert (drawn.groupby("event_id")["detected"].sum() <= 3).all()
    assert not first["item_id"].equals(other["item_id"])
    # adding an event leaves the other events' draws as they were
    more = pd.concat([ranking(), ranking().iloc[[0]].assign(event_id="feb")], ignore_index=True)
    grown, _ = evidence_table(items(), more, limit=3, seed=5)
    for event in ("jan", "mar"):
        assert list(grown[grown["event_id"] == event]["item_id"]) == list(
            first[first["event_id"] == event]["item_id"]
        )


def test_codes_from_several_sources_keep_the_first_and_name_the_source():
    wave = gold().assign(claim=0).iloc[:2]
    extra = pd.DataFrame({"item_id": ["d012"], "claim": [1], "anti_western": [1]})
    codes = codes_from({"gold": gold(), "wave 1": pd.concat([wave, extra])})
    assert codes.set_index("item_id").loc["d007", "code_source"] == "gold"
    assert codes.set_index("item_id").loc["d012", "code_source"] == "wave 1"
    table, _ = evidence_table(items(codes), ranking(), limit=100, seed=1)
    assert "wave 1" in set(table["code_source"])


def test_event_page_escapes_text_links_only_web_urls_and_lists_every_row():
    table, counts = evidence_table(items(), ranking(), limit=100, seed=1)
    event = next(ranking().itertuples(index=False))
    rows = table[table["event_id"] == "jan"].copy()
    rows.loc[rows.index[0], "url"] = "javascript:alert(1)"
    page = event_page(event, rows, counts["jan"], limit=100, measure_text="a measure")
    assert "<b>&</b>" not in page and "&lt;b&gt;&amp;&lt;/b&gt;" in page
    assert 'href="javascript' not in page and 'href="https://news.example/' in page
    assert page.count("<tr>") == len(rows) + 1
    assert 'class="evidence"' in page and "rank 1" in page


def test_page_names_are_shell_safe_and_sort_by_rank():
    events = list(ranking().itertuples(index=False))
    assert page_name(events[0]) == "01_January_event.html"
    assert page_name(events[1]) == "xx_March_event.html"


def test_run_evidence_writes_the_csv_and_one_page_per_event(tmp_path):
    docs = documents()
    docs.to_parquet(tmp_path / "documents.parquet")
    detected = (docs["doc_id"].str[1:].astype(int) % 3 == 0).astype(int)
    pd.DataFrame({"doc_id": docs["doc_id"], "n_claims": detected}).to_parquet(
        tmp_path / "doc_claims.parquet"
    )
    pd.DataFrame({"doc_id": docs["doc_id"], "lexicon_anti_western": detected}).to_parquet(
        tmp_path / "measures.parquet"
    )
    rules = pd.DataFrame(
        {"doc_id": docs["doc_id"], "rule_accused": "", "rule_accuser": "", "rule_stance": ""}
    )
    rules.to_parquet(tmp_path / "rules.parquet")
    claims = pd.DataFrame(
        {"doc_id": ["d006"], "accused_category": ["usa"], "accuser": ["the outlet"]}
    )
    claims.to_csv(tmp_path / "claims.csv", index=False)
    ranking().to_csv(tmp_path / "ranking.csv", index=False)
    gold_codes = gold().assign(doubt=0, accused_detail="", coder="A")
    gold_codes.loc[gold_codes["claim"] == 0, ["accused", "accuser", "stance", "reason"]] = ""
    gold_codes.to_csv(tmp_path / "gold.csv", index=False)
    wave = gold_codes[gold_codes["item_id"] == "d007"].assign(coder="W")
    wave = pd.concat([wave, wave.assign(item_id="d008")])  # d007 is in gold too
    wave.to_csv(tmp_path / "wave1.csv", index=False)
    settings = EvidenceSettings.from_config(load_config(ROOT / "config" / "config.yaml"))
    outputs = {"table": str(tmp_path / "evidence.csv"), "pages": str(tmp_path / "events")}
    inputs = {
        "documents": tmp_path / "documents.parquet",
        "doc_measure": tmp_path / "doc_claims.parquet",
        "measures": tmp_path / "measures.parquet",
        "ranking": tmp_path / "ranking.csv",
        "item_rules": tmp_path / "rules.parquet",
        "claims": tmp_path / "claims.csv",
        "gold": tmp_path / "gold.csv",
        "waves": [tmp_path / "wave1.csv"],
    }
    summary = run_evidence(settings, inputs, outputs)
    table = pd.read_csv(tmp_path / "evidence.csv", keep_default_na=False)
    assert summary["events"] == 2 and summary["coded_rows"] == 4
    sources = table.set_index("item_id")["code_source"]
    assert sources["d007"] == sources["d008"] == "wave 1" and sources["d065"] == "gold"
    row = table.set_index("item_id").loc["d006"]
    assert (row["accused"], row["attributed_by"]) == ("usa", "lexicon detector")
    pages = sorted(p.name for p in (tmp_path / "events").iterdir())
    assert pages == ["01_January_event.html", "xx_March_event.html"]
    assert "text" not in table.columns


@pytest.mark.parametrize("measure", ["lexicon", "rule", "classifier"])
def test_every_ranking_measure_has_a_decision_column(measure):
    from schemes.measures import event_measure_column
    from schemes.measures import measure as registry_row

    assert registry_row(event_measure_column(measure, "acc")).kind == "binary"
