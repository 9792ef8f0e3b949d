import codecs
import gzip
import json
import os
import tarfile

import pandas as pd
import pytest
from conftest import ROOT
from schemes.configtools import load_config
from schemes.ingest import (
    CorpusError,
    CorpusTooSmall,
    IngestSettings,
    ingest,
    quarantine_reasons,
    read_records,
    run_ingest,
)


def corpus_config(path, fmt="jsonl", **extra):
    config = {
        "name": "fixture",
        "path": str(path),
        "format": fmt,
        "columns": {"id": "id", "date": "date", "text": "text", "title": "title"},
    }
    config.update(extra)
    return config


def ingest_settings(corpus, language="auto", min_chars=10, min_documents=0):
    """run_ingest's settings: the shipped config with this corpus and these values."""
    return IngestSettings.from_config(
        load_config(ROOT / "config" / "config.yaml"),
        corpus=corpus,
        language=language,
        min_chars=min_chars,
        min_documents=min_documents,
    )


def write_jsonl_gz(path, rows):
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows]
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


GOOD = "Президент выступил с обращением к нации и рассказал о планах."


@pytest.fixture
def messy_jsonl(tmp_path):
    rows = [
        {"id": "a", "date": "2004-11-22", "title": "T", "text": GOOD},
        {"id": "b", "date": "2004-13-01", "title": "T", "text": GOOD + " Иначе."},
        {"id": "c", "date": "2004-11-23", "title": "T", "text": "   "},
        {"id": "d", "date": "2004-11-23", "title": "T", "text": GOOD.upper()},
        '{"id": "e", "date": "2004-11-24", "text": "broken',
        {"id": "f", "date": "2004", "title": "", "text": "The West is mentioned here in English."},
        {"id": "g", "date": "2004-11-25", "text": GOOD.encode("utf-8").decode("latin-1")},
        {"id": "a", "date": "2004-11-26", "text": "Совсем другой текст с тем же номером."},
    ]
    path = tmp_path / "corpus.jsonl.gz"
    write_jsonl_gz(path, rows)
    return path


def test_every_row_is_kept_quarantined_or_marked_duplicate(messy_jsonl):
    config = corpus_config(messy_jsonl)
    result = ingest(read_records(config), config, language="auto")
    s = result.summary
    assert (s["read"], s["kept"], s["quarantined"], s["duplicates"]) == (8, 3, 4, 1)
    assert s["ids_made_unique"] == 1
    assert s["read"] == s["kept"] + s["quarantined"] + s["duplicates"]
    reasons = dict(zip(result.quarantine["line"], result.quarantine["reason"], strict=True))
    assert "invalid date" in reasons[2]
    assert "empty" in reasons[3]
    assert "invalid JSON" in reasons[5]
    assert "broken encoding" in reasons[7]
    assert "a~2" in set(result.documents["doc_id"])
    assert result.duplicates.iloc[0]["duplicate_of"] == "a"
    assert set(result.quarantine["file"]) == {str(messy_jsonl)}


def test_kept_documents_carry_language_and_date_precision(messy_jsonl):
    config = corpus_config(messy_jsonl)
    docs = ingest(read_records(config), config, language="auto").documents.set_index("doc_id")
    assert docs.loc["a", "lang"] == "ru" and docs.loc["a", "date_precision"] == "day"
    assert docs.loc["f", "lang"] == "en" and docs.loc["f", "date_precision"] == "year"
    assert str(docs.loc["f", "date_end"].date()) == "2004-12-31"


def test_configured_language_overrides_detection(messy_jsonl):
    config = corpus_config(messy_jsonl)
    docs = ingest(read_records(config), config, language="ru").documents
    assert set(docs["lang"]) == {"ru"}


def test_missing_column_names_file_line_and_fields(tmp_path):
    path = tmp_path / "c.jsonl.gz"
    write_jsonl_gz(path, [{"id": "a", "day": "2004-01-01", "text": GOOD}])
    config = corpus_config(path)
    with pytest.raises(CorpusError, match=r"line 1: corpus.columns maps date -> 'date'"):
        ingest(read_records(config), config, language="auto")


def test_csv_with_ragged_row_and_title_prepended(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        'id,date,title,text\n1,2001-09-11,Headline,"Body text that is long enough"\n'
        "2,2001-09-12,only three\n"
        '3,12.09.2001,Other,"Second body, also long enough"\n',
        encoding="utf-8",
    )
    config = corpus_config(path, "csv", include_title_in_text=True)
    result = ingest(read_records(config), config, language="en")
    assert result.summary["kept"] == 2
    assert result.quarantine.iloc[0]["line"] == 3
    assert "expected 4 fields, found 3" in result.quarantine.iloc[0]["reason"]
    assert result.documents.iloc[0]["text"].startswith("Headline.\n\nBody text")


def test_tsv_glob_and_parquet(tmp_path):
    for year in (2001, 2002):
        (tmp_path / f"part_{year}.tsv").write_text(
            f"id\tdate\ttext\n{year}\t{year}-05-01\tSome text from {year} here\n", encoding="utf-8"
        )
    columns = {"id": "id", "date": "date", "text": "text"}
    config = corpus_config(tmp_path / "part_*.tsv", "tsv", columns=columns)
    result = ingest(read_records(config), config, language="en")
    assert list(result.documents["doc_id"]) == ["2001", "2002"]
    parquet = tmp_path / "c.parquet"
    result.documents[["doc_id", "date", "text"]].rename(columns={"doc_id": "id"}).to_parquet(
        parquet
    )
    config = corpus_config(parquet, "parquet", columns=columns)
    assert ingest(read_records(config), config, language="en").summary["kept"] == 2


def test_textdir_directory_and_tar_archive(tmp_path):
    folder = tmp_path / "ungdc" / "Session 58 - 2003"
    folder.mkdir(parents=True)
    (folder / "GEO_58_2003.txt").write_bytes(
        "\ufeffMr. President,\nwe meet in\ndifficult times.\n\nThank you.".encode()
    )
    (folder / "UKR_58_2003.txt").write_text("Ukraine speaks to the Assembly today.", "utf-8")
    (folder / "notes.md").write_text("not a speech", "utf-8")
    regex = r"(?P<country>[A-Z]{3})_(?P<session>\d+)_(?P<year>\d{4})\.txt$"
    columns = {"id": "stem", "date": "year", "text": "text", "source": "country"}
    archive = tmp_path / "ungdc.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "ungdc", arcname=".")
    for path in (tmp_path / "ungdc", archive):
        config = corpus_config(
            path, "textdir", filename_regex=regex, columns=columns, metadata=["country"]
        )
        docs = ingest(read_records(config), config, language="en").documents
        assert list(docs["doc_id"]) == ["GEO_58_2003", "UKR_58_2003"]
        assert docs.iloc[0]["text"] == "Mr. President, we meet in difficult times.\n\nThank you."
        assert docs.iloc[0]["source"] == "GEO" and docs.iloc[0]["country"] == "GEO"
        assert set(docs["date_precision"]) == {"year"}


def test_unreadable_path_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="matches no file"):
        list(read_records(corpus_config(tmp_path / "nope*.jsonl", "jsonl")))
    with pytest.raises(CorpusError, match="does not exist"):
        list(read_records(corpus_config(tmp_path / "nope", "textdir", filename_regex="x")))


def test_run_ingest_writes_summary_and_quarantine(messy_jsonl, tmp_path):
    outputs = {
        k: tmp_path / f"{k}.out" for k in ("documents", "quarantine", "duplicates", "summary")
    }
    run_ingest(ingest_settings(corpus_config(messy_jsonl)), {}, outputs)
    summary = json.loads(outputs["summary"].read_text())
    assert {k: summary[k] for k in ("read", "kept", "quarantined", "duplicates")} == {
        "read": 8,
        "kept": 3,
        "quarantined": 4,
        "duplicates": 1,
    }
    quarantine = pd.read_csv(outputs["quarantine"])
    assert list(quarantine.columns) == ["file", "line", "doc_id", "reason"]
    assert len(pd.read_parquet(outputs["documents"])) == 3


# --- hostile inputs (issue "[reliability]") ---------------------------------

CSV_COLUMNS = {"id": "id", "date": "date", "text": "text"}


def csv_rows(n, quoted=False):
    body = '"Row {i} has a body that is long enough"' if quoted else "Row {i} has a long body"
    return [f"{i},2004-01-01,{body.format(i=i)}" for i in range(1, n + 1)]


def ingest_csv(path, **extra):
    config = corpus_config(path, "csv", columns=CSV_COLUMNS, **extra)
    return ingest(read_records(config), config, language="en")


@pytest.mark.parametrize("quoted", [False, True])
def test_csv_unclosed_quote_is_quarantined_and_the_rows_it_swallowed_are_read(tmp_path, quoted):
    rows = csv_rows(300, quoted)
    rows[49] = '50,2004-01-01,"Row 50 opens a quote that never closes'
    path = tmp_path / "c.csv"
    path.write_text("id,date,text\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = ingest_csv(path)
    s = result.summary
    assert (s["read"], s["kept"], s["quarantined"]) == (300, 299, 1)
    row = result.quarantine.iloc[0]
    assert row["file"] == str(path) and row["line"] == 51
    assert "unclosed quote" in row["reason"] and "opened on line 51" in row["reason"]
    assert "50" not in set(result.documents["doc_id"])
    assert result.documents["text"].str.len().max() < 60  # nothing swallowed


def test_csv_unclosed_quote_on_the_last_line_is_quarantined(tmp_path):
    path = tmp_path / "c.csv"
    rows = csv_rows(3)
    path.write_text("id,date,text\n" + "\n".join(rows) + '\n4,2004-01-01,"open', "utf-8")
    result = ingest_csv(path)
    assert (result.summary["read"], result.summary["kept"]) == (4, 3)
    assert "runs to the end of the file" in result.quarantine.iloc[0]["reason"]


def test_csv_well_formed_multiline_fields_are_kept(tmp_path):
    path = tmp_path / "c.csv"
    text = 'First paragraph, with "quotes".\n\n2,2004-01-01,not a row\r\nlast line'
    frame = pd.DataFrame({"id": ["1", "2"], "date": ["2004-01-01"] * 2, "text": [text, GOOD]})
    frame.to_csv(path, index=False)
    result = ingest_csv(path)
    assert (result.summary["read"], result.summary["kept"]) == (2, 2)
    assert "not a row" in result.documents.set_index("doc_id").loc["1", "text"]


def test_csv_unclosed_quote_in_the_header_is_an_error(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text('id,date,"text\n1,2004-01-01,body text here\n', "utf-8")
    with pytest.raises(CorpusError, match=r"c\.csv, line 1 \(header\): unclosed quote"):
        ingest_csv(path)


def test_csv_field_longer_than_the_default_csv_limit_is_read(tmp_path):
    path = tmp_path / "c.csv"
    long_text = "word " * 40_000  # 200,000 characters > csv's default 131,072
    path.write_text(f'id,date,text\n1,2004-01-01,"{long_text}"\n2,2004-01-02,{GOOD}\n', "utf-8")
    result = ingest_csv(path)
    assert result.summary["kept"] == 2
    assert result.documents["text"].str.len().max() > 190_000


def test_jsonl_object_or_array_in_a_mapped_field_is_quarantined(tmp_path):
    path = tmp_path / "c.jsonl.gz"
    rows = [
        {"id": "a", "date": "2004-11-22", "title": "T", "text": GOOD},
        {"id": "b", "date": "2004-11-22", "title": "T", "text": {"body": GOOD}},
        {"id": "c", "date": "2004-11-22", "title": ["T", "U"], "text": GOOD + " Ещё."},
        {"id": "d", "date": "2004-11-22", "title": "T", "text": GOOD + " Да.", "meta": [1]},
    ]
    write_jsonl_gz(path, rows)
    config = corpus_config(path, metadata=["meta"])
    result = ingest(read_records(config), config, language="ru")
    assert (result.summary["kept"], result.summary["quarantined"]) == (1, 3)
    reasons = result.quarantine.set_index("doc_id")["reason"]
    assert "field 'text' (corpus.columns.text) is a JSON object" in reasons["b"]
    assert "field 'title' (corpus.columns.title) is a JSON array" in reasons["c"]
    assert "field 'meta' (corpus.metadata) is a JSON array" in reasons["d"]


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"columns": dict(CSV_COLUMNS, title="headline")}, r"corpus\.columns\.title -> 'headline'"),
        ({"columns": dict(CSV_COLUMNS, source="outlet")}, r"corpus\.columns\.source -> 'outlet'"),
        ({"columns": dict(CSV_COLUMNS, lang="language")}, r"corpus\.columns\.lang -> 'language'"),
        ({"metadata": ["url"]}, r"corpus\.metadata lists 'url'"),
    ],
)
def test_optional_mapping_of_a_missing_column_is_an_error(tmp_path, extra, message):
    path = tmp_path / "c.csv"
    path.write_text("id,date,text\n" + "\n".join(csv_rows(2)) + "\n", "utf-8")
    config = corpus_config(path, "csv", **{"columns": CSV_COLUMNS, **extra})
    with pytest.raises(CorpusError, match=rf"c\.csv, line 2: {message}.*\['date', 'id', 'text'\]"):
        ingest(read_records(config), config, language="en")


def test_optional_jsonl_field_may_be_absent_from_some_records(messy_jsonl):
    # record g has no title; the mapping is fine because other records have one
    config = corpus_config(messy_jsonl, columns={**corpus_config("")["columns"], "title": ""})
    assert ingest(read_records(config), config, language="auto").summary["kept"] == 3
    config = corpus_config(messy_jsonl)
    assert ingest(read_records(config), config, language="auto").summary["kept"] == 3


def test_implausible_dates_are_quarantined_and_the_range_is_a_parameter(tmp_path):
    path = tmp_path / "c.csv"
    dates = ["1899-01-01", "2099-01-01", "1900-01-01", "2035", "2004-05-06", "1850"]
    rows = [f"{i},{d},Body text number {i} here" for i, d in enumerate(dates)]
    path.write_text("id,date,text\n" + "\n".join(rows) + "\n", "utf-8")
    result = ingest_csv(path)
    assert sorted(result.documents["doc_id"]) == ["2", "3", "4"]
    reasons = result.quarantine.set_index("doc_id")["reason"]
    assert "implausible date '1899-01-01'" in reasons["0"]
    assert "1900-01-01 .. 2035-12-31 (ingest date_range)" in reasons["1"]
    config = corpus_config(path, "csv", columns=CSV_COLUMNS)
    narrow = ingest(read_records(config), config, "en", date_range=("2000-01-01", "2010-12-31"))
    assert list(narrow.documents["doc_id"]) == ["4"]
    anything = ingest(read_records(config), config, "en", date_range=None)
    assert len(anything.documents) == 6


def test_textdir_regex_must_match_the_whole_file_name(tmp_path):
    folder = tmp_path / "speeches"
    folder.mkdir()
    (folder / "GEO_58_2003.txt").write_text("Georgia speaks to the Assembly today.", "utf-8")
    (folder / "GEO_58_2003.txt.bak").write_text("An old backup copy of the speech.", "utf-8")
    (folder / "xGEO_58_2003.txt").write_text("Not a speech file at all, really.", "utf-8")
    regex = r"(?P<country>[A-Z]{3})_(?P<session>\d+)_(?P<year>\d{4})\.txt"
    columns = {"id": "stem", "date": "year", "text": "text"}
    config = corpus_config(folder, "textdir", filename_regex=regex, columns=columns)
    result = ingest(read_records(config), config, language="en")
    assert result.summary["read"] == 1 and list(result.documents["doc_id"]) == ["GEO_58_2003"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_files_with_a_byte_order_mark_are_decoded(tmp_path, encoding):
    bom_free = {"utf-16-be": codecs.BOM_UTF16_BE}
    text = f"id,date,text\n1,2004-01-01,{GOOD}\n"
    payload = bom_free.get(encoding, b"") + text.encode(encoding)
    (tmp_path / "c.csv").write_bytes(payload)
    with gzip.open(tmp_path / "c.jsonl.gz", "wb") as handle:
        line = json.dumps({"id": "1", "date": "2004-01-01", "text": GOOD})
        handle.write(bom_free.get(encoding, b"") + line.encode(encoding))
    folder = tmp_path / "txt"
    folder.mkdir()
    (folder / "a_2004.txt").write_bytes(bom_free.get(encoding, b"") + GOOD.encode(encoding))
    configs = [
        corpus_config(tmp_path / "c.csv", "csv", columns=CSV_COLUMNS),
        corpus_config(tmp_path / "c.jsonl.gz", columns=CSV_COLUMNS),
        corpus_config(
            folder,
            "textdir",
            filename_regex=r"a_(?P<year>\d{4})\.txt",
            columns={"id": "stem", "date": "year", "text": "text"},
        ),
    ]
    for config in configs:
        result = ingest(read_records(config), config, language="ru")
        assert result.documents["text"].tolist() == [GOOD], config["format"]
        assert set(result.summary["encodings"].values()) <= {"utf-16", "utf-32"}


def test_truncated_or_fake_gzip_is_a_one_line_error_naming_the_file(tmp_path):
    truncated = tmp_path / "truncated.jsonl.gz"
    data = gzip.compress(
        "\n".join(json.dumps({"id": i, "date": "2004", "text": GOOD}) for i in range(500)).encode()
    )
    truncated.write_bytes(data[: len(data) // 2])
    fake = tmp_path / "fake.csv.gz"
    fake.write_text("id,date,text\n1,2004,some text\n", "utf-8")
    cases = [
        (corpus_config(truncated, columns=CSV_COLUMNS), r"truncated\.jsonl\.gz: .*truncated"),
        (corpus_config(fake, "csv", columns=CSV_COLUMNS), r"fake\.csv\.gz: not gzip-compressed"),
        (corpus_config(fake, "csv", columns=CSV_COLUMNS, encoding="latin-1"), "not gzip"),
    ]
    for config, message in cases:
        with pytest.raises(CorpusError, match=message) as caught:
            ingest(read_records(config), config, language="ru")
        assert "\n" not in str(caught.value)
    archive = tmp_path / "speeches.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for i in range(50):
            member = tmp_path / f"S{i:02d}_2004.txt"
            member.write_bytes(os.urandom(4000).hex().encode())
            tar.add(member, arcname=member.name)
    archive.write_bytes(archive.read_bytes()[:-3000])
    config = corpus_config(archive, "textdir", filename_regex=r".*\.txt", columns=CSV_COLUMNS)
    with pytest.raises(CorpusError, match=r"speeches\.tar\.gz: "):
        list(read_records(config))


RUSSIAN = [
    "Президент выступил с обращением к нации и рассказал о планах правительства.",
    "Министр иностранных дел встретился с коллегами из соседних государств.",
    "Эксперты обсудили итоги выборов и возможные последствия для экономики.",
]


def test_cp1251_file_is_detected_decoded_and_recorded(tmp_path):
    path = tmp_path / "c.csv"
    rows = [f"{i},2004-01-0{i + 1},{text}" for i, text in enumerate(RUSSIAN)]
    path.write_bytes(("id,date,text\n" + "\n".join(rows) + "\n").encode("cp1251"))
    result = ingest_csv(path)
    assert result.summary["kept"] == 3
    assert result.documents["text"].tolist() == RUSSIAN
    assert result.summary["encodings"] == {str(path): "cp1251"}
    # an explicitly configured encoding wins (no detection)
    result = ingest_csv(path, encoding="cp1251")
    assert result.documents["text"].tolist() == RUSSIAN and result.summary["encodings"] == {}
    result = ingest_csv(path, encoding="koi8-r")
    assert result.documents["text"].tolist() != RUSSIAN and result.summary["encodings"] == {}


def test_mostly_utf8_file_with_a_broken_byte_stays_utf8(tmp_path):
    path = tmp_path / "c.csv"
    rows = [f"{i},2004-01-0{i + 1},{text}" for i, text in enumerate(RUSSIAN)]
    payload = ("id,date,text\n" + "\n".join(rows) + "\n").encode("utf-8")
    path.write_bytes(payload.replace("выборов".encode(), b"\xff\xfe"))
    result = ingest_csv(path)
    assert result.summary["kept"] == 3 and result.summary["encodings"] == {}
    assert RUSSIAN[0] in result.documents["text"].tolist()


def test_undetectable_encoding_is_a_one_line_error_with_a_hint(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(b'{"id": 1, "date": "2004", "text": "' + bytes(range(128, 256)) * 20 + b'"}\n')
    config = corpus_config(path, columns=CSV_COLUMNS)
    with pytest.raises(CorpusError, match=r"c\.jsonl: not UTF-8 .*set corpus\.encoding"):
        ingest(read_records(config), config, language="ru")


def test_utf16_without_byte_order_mark_is_detected(tmp_path):
    path = tmp_path / "c.csv"
    rows = [f"{i},2004-01-0{i + 1},{text}" for i, text in enumerate(RUSSIAN)]
    path.write_bytes(("id,date,text\n" + "\n".join(rows) + "\n").encode("utf-16-le"))
    result = ingest_csv(path)
    assert result.documents["text"].tolist() == RUSSIAN
    assert result.summary["encodings"] == {str(path): "utf_16_le"}


def test_csv_quote_opened_after_a_literal_quote_on_the_last_line_is_quarantined(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        'id,date,text\n1,2004-01-01,A 5" screen\n2,2004,"A body never closed\n', "utf-8"
    )
    result = ingest_csv(path)
    assert (result.summary["read"], result.summary["kept"]) == (2, 1)
    assert result.quarantine.iloc[0]["line"] == 3


def test_jsonl_lone_surrogate_escape_does_not_crash(tmp_path):
    path = tmp_path / "c.jsonl.gz"
    write_jsonl_gz(path, ['{"id": "a\\ud800", "date": "2004", "text": "Text \\udc80 long enough"}'])
    config = corpus_config(path, columns=CSV_COLUMNS)
    result = ingest(read_records(config), config, language="en")
    assert result.documents["text"].tolist() == ["Text \ufffd long enough"]
    assert result.documents["doc_id"].tolist() == ["a\ufffd"]


# --- too small a corpus stops after ingest, saying why -----------------------


def test_too_small_corpus_stops_naming_counts_reasons_and_the_quarantine_copy(
    messy_jsonl, tmp_path
):
    outputs = {k: tmp_path / k for k in ("documents", "quarantine", "duplicates", "summary")}
    copy = tmp_path / "logs_quarantine.csv"
    with pytest.raises(CorpusTooSmall) as err:
        run_ingest(
            ingest_settings(corpus_config(messy_jsonl), min_documents=4),
            {},
            outputs,
            quarantine_copy=str(copy),
        )
    message = str(err.value)
    assert "kept 3 of 8 records" in message and "at least 4" in message
    assert "ingest.min_documents" in message
    assert "4 records were quarantined" in message and str(copy) in message
    assert "1 records repeated an earlier text" in message
    assert len(pd.read_csv(copy)) == 4
    # enough documents: no stop and no copy
    copy.unlink()
    run_ingest(
        ingest_settings(corpus_config(messy_jsonl), min_documents=3),
        {},
        outputs,
        quarantine_copy=str(copy),
    )
    assert not copy.exists()


def test_mojibake_dominated_corpus_points_at_corpus_encoding(tmp_path):
    broken = (GOOD * 3).encode("utf-8").decode("latin-1")
    rows = [
        {"id": f"m{i}", "date": "2004-11-22", "title": "", "text": broken + str(i)}
        for i in range(5)
    ]
    rows.append({"id": "ok", "date": "2004-11-22", "title": "", "text": GOOD})
    write_jsonl_gz(tmp_path / "c.jsonl.gz", rows)
    outputs = {k: tmp_path / k for k in ("documents", "quarantine", "duplicates", "summary")}
    with pytest.raises(CorpusTooSmall) as err:
        settings = ingest_settings(corpus_config(tmp_path / "c.jsonl.gz"), min_documents=50)
        run_ingest(settings, {}, outputs)
    message = str(err.value)
    assert "broken encoding (5)" in message
    assert "corpus.encoding" in message


def test_empty_file_says_no_record_was_read(tmp_path):
    (tmp_path / "empty.jsonl").write_text("")
    outputs = {k: tmp_path / k for k in ("documents", "quarantine", "duplicates", "summary")}
    with pytest.raises(CorpusTooSmall, match="no record was read"):
        settings = ingest_settings(corpus_config(tmp_path / "empty.jsonl"), min_documents=1)
        run_ingest(settings, {}, outputs)


def test_quarantine_reasons_group_by_kind_most_frequent_first():
    quarantine = pd.DataFrame(
        {
            "reason": [
                "bad date: implausible date '1899-01-01'",
                "empty or too short text (3 chars)",
                "bad date: invalid date '2004-13-01'",
                "empty or too short text (0 chars)",
                "bad date: x",
            ]
        }
    )
    assert quarantine_reasons(quarantine) == [("bad date", 3), ("empty or too short text", 2)]
    assert quarantine_reasons(quarantine, top=1) == [("bad date", 3)]


# --- issue 18 -------------------------------------------------------------------------


def test_ukrainian_and_german_texts_are_quarantined_under_language_auto(tmp_path):
    rows = [
        {"id": "ru", "date": "2004-01-01", "text": GOOD},
        {"id": "uk", "date": "2004-01-01", "text": "Уряд оголосив про нові санкції проти Росії."},
        {
            "id": "de",
            "date": "2004-01-01",
            "text": "Die Regierung hat beschlossen, dass die Sanktionen verlängert werden.",
        },
        {"id": "en", "date": "2004-01-01", "text": "The government said that talks went well."},
    ]
    path = tmp_path / "c.jsonl.gz"
    write_jsonl_gz(path, rows)
    config = corpus_config(path, columns={"id": "id", "date": "date", "text": "text"})
    result = ingest(read_records(config), config, language="auto")
    assert result.documents["doc_id"].tolist() == ["en", "ru"]
    reasons = result.quarantine.set_index("doc_id")["reason"]
    assert reasons["uk"].startswith("unsupported language 'uk' (detected")
    assert reasons["de"].startswith("unsupported language 'de' (detected")
    # a configured language is not second-guessed
    assert ingest(read_records(config), config, language="ru").summary["kept"] == 4


def test_a_duplicated_csv_header_is_refused_naming_the_column(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("id,date,title,text,text\n1,2004-01-01,T,Body one is long,Body two\n")
    config = corpus_config(path, "csv", columns=CSV_COLUMNS)
    with pytest.raises(
        CorpusError, match=r"c\.csv, line 1 \(header\): column 'text' appears twice"
    ):
        ingest(read_records(config), config, language="en")


def test_a_semicolon_separated_corpus_gets_a_hint(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("id;date;text\n1;2004-01-01;A body that is long enough\n")
    config = corpus_config(path, "csv", columns=CSV_COLUMNS)
    with pytest.raises(CorpusError, match=r"separated by ';'"):
        ingest(read_records(config), config, language="en")


def test_a_large_quarantine_is_said_on_the_console(tmp_path, capsys):
    path = tmp_path / "c.csv"
    rows = csv_rows(20) + [f"b{i},sometime,A row with a bad date in it" for i in range(10)]
    path.write_text("id,date,text\n" + "\n".join(rows) + "\n", "utf-8")
    config = corpus_config(path, "csv", columns=CSV_COLUMNS)
    outputs = {
        name: tmp_path / f"{name}.{ext}"
        for name, ext in (
            ("documents", "parquet"),
            ("quarantine", "csv"),
            ("duplicates", "csv"),
            ("summary", "json"),
        )
    }
    run_ingest(ingest_settings(config, language="en"), {"files": [path]}, outputs)
    err = capsys.readouterr().err
    assert "10 of 30 records (33%) were quarantined: bad date (10)" in err
    assert str(outputs["quarantine"]) in err and len(err.strip().splitlines()) == 1
    path.write_text("id,date,text\n" + "\n".join(csv_rows(20)) + "\n", "utf-8")
    run_ingest(ingest_settings(config, language="en"), {"files": [path]}, outputs)
    assert capsys.readouterr().err == ""


def test_the_corpus_fingerprint_follows_the_content_not_the_time_order(tmp_path):
    from schemes.ingest import corpus_fingerprint

    path = tmp_path / "c.csv"
    path.write_text("id,date,text\n1,2004-01-01,one\n")
    before = corpus_fingerprint([path])
    assert corpus_fingerprint([path]) == before
    stat = path.stat()
    path.write_text("id,date,text\n1,2004-01-01,two\n")  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same time
    assert corpus_fingerprint([path]) != before
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_text("a")
    first = corpus_fingerprint([folder])
    (folder / "b.txt").write_text("b")
    assert corpus_fingerprint([folder]) != first
