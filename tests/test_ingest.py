import gzip
import json
import tarfile

import pandas as pd
import pytest
from schemes.ingest import CorpusError, ingest, read_records, run_ingest


def corpus_config(path, fmt="jsonl", **extra):
    config = {
        "name": "fixture",
        "path": str(path),
        "format": fmt,
        "columns": {"id": "id", "date": "date", "text": "text", "title": "title"},
    }
    config.update(extra)
    return config


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
    config = corpus_config(tmp_path / "part_*.tsv", "tsv")
    result = ingest(read_records(config), config, language="en")
    assert list(result.documents["doc_id"]) == ["2001", "2002"]
    parquet = tmp_path / "c.parquet"
    result.documents[["doc_id", "date", "text"]].rename(columns={"doc_id": "id"}).to_parquet(
        parquet
    )
    config = corpus_config(parquet, "parquet")
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
    run_ingest(corpus_config(messy_jsonl), "auto", 10, outputs)
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
