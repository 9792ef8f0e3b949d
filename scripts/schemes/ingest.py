"""Ingest: read a corpus through a format adapter into one clean documents table.

Every input row ends in exactly one of three places: the documents table
(kept), the quarantine table (with a reason naming file, line and problem) or
the duplicates table (with the id of the copy that was kept). The summary
counts obey ``read == kept + quarantined + duplicates``.

Adapters yield :class:`RawRecord` objects: the source file, the line (or row,
or archive member) and a dict of raw fields. The corpus config's ``columns``
mapping then names which raw field holds the id, date, text and the optional
title, source and lang; ``metadata`` lists further raw fields to keep.
"""

from __future__ import annotations

import csv
import glob
import gzip
import io
import json
import os
import re
import tarfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from schemes.textnorm import clean_text, dedup_key, detect_language, encoding_problem, parse_date

FORMATS = ("csv", "tsv", "jsonl", "parquet", "textdir")
CANONICAL = ("id", "date", "text", "title", "source", "lang")


class CorpusError(ValueError):
    """A corpus cannot be read at all (missing file, wrong format, missing column)."""


@dataclass
class RawRecord:
    file: str
    line: int | str
    fields: dict = field(default_factory=dict)
    error: str | None = None


def _open_text(path: str, encoding: str) -> io.TextIOBase:
    if path.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding=encoding, errors="replace")
    return open(path, encoding=encoding, errors="replace", newline="")


def resolve_paths(path: str, fmt: str) -> list[str]:
    """Expand a path, a glob or a directory into a sorted list of input files."""
    if fmt == "textdir":
        if not os.path.exists(path):
            raise CorpusError(f"corpus path {path!r} does not exist (format textdir)")
        return [path]
    matches = sorted(glob.glob(path)) if glob.has_magic(path) else [path]
    if os.path.isdir(path):
        matches = sorted(
            str(p) for p in Path(path).iterdir() if p.is_file() and not p.name.startswith(".")
        )
    matches = [m for m in matches if os.path.isfile(m)]
    if not matches:
        raise CorpusError(f"corpus path {path!r} matches no file (format {fmt})")
    return matches


def read_jsonl(path: str, encoding: str = "utf-8") -> Iterator[RawRecord]:
    with _open_text(path, encoding) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                yield RawRecord(
                    path, number, error=f"invalid JSON: {err.msg} at column {err.colno}"
                )
                continue
            if not isinstance(obj, dict):
                yield RawRecord(path, number, error="JSON line is not an object")
                continue
            yield RawRecord(path, number, obj)


def read_delimited(path: str, delimiter: str, encoding: str = "utf-8") -> Iterator[RawRecord]:
    with _open_text(path, encoding) as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            return
        header = [h.strip().lstrip("\ufeff") for h in header]
        start = reader.line_num + 1
        for row in reader:
            if not any(cell.strip() for cell in row):
                start = reader.line_num + 1
                continue
            if len(row) != len(header):
                yield RawRecord(
                    path,
                    start,
                    error=f"expected {len(header)} fields, found {len(row)}",
                )
            else:
                yield RawRecord(path, start, dict(zip(header, row, strict=True)))
            start = reader.line_num + 1


def read_parquet(path: str) -> Iterator[RawRecord]:
    frame = pd.read_parquet(path)
    for number, row in enumerate(frame.to_dict(orient="records"), start=1):
        yield RawRecord(path, f"row {number}", row)


def _text_members(path: str, pattern: re.Pattern) -> Iterator[tuple[str, bytes]]:
    """Yield (relative name, bytes) of text files in a directory or an archive."""
    if os.path.isdir(path):
        for file in sorted(Path(path).rglob("*")):
            rel = file.relative_to(path).as_posix()
            if file.is_file() and pattern.search(rel):
                yield rel, file.read_bytes()
    elif tarfile.is_tarfile(path):
        # A compressed tar is read in one pass in stored order (seeking back
        # would decompress from the start again for every member), then sorted.
        found = []
        with tarfile.open(path, mode="r:*") as archive:
            for member in archive:
                if member.isfile() and pattern.search(member.name):
                    found.append((member.name, archive.extractfile(member).read()))
        yield from sorted(found)
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                if not name.endswith("/") and pattern.search(name):
                    yield name, archive.read(name)
    else:
        raise CorpusError(f"textdir path {path!r} is neither a directory nor a tar/zip archive")


def read_textdir(path: str, filename_regex: str, encoding: str = "utf-8") -> Iterator[RawRecord]:
    """One document per text file; metadata from the named groups of ``filename_regex``."""
    pattern = re.compile(filename_regex)
    found = False
    for name, payload in _text_members(path, pattern):
        found = True
        fields = dict(pattern.search(name).groupdict())
        fields["path"] = name
        fields["stem"] = Path(name).stem
        fields["text"] = payload.decode(encoding, errors="replace")
        yield RawRecord(f"{path}:{name}", 1, fields)
    if not found:
        raise CorpusError(f"no file in {path!r} matches filename_regex {filename_regex!r}")


def read_records(corpus: dict) -> Iterator[RawRecord]:
    fmt = corpus["format"]
    if fmt not in FORMATS:
        raise CorpusError(f"corpus.format {fmt!r} is not one of {', '.join(FORMATS)}")
    encoding = corpus.get("encoding", "utf-8")
    for path in resolve_paths(corpus["path"], fmt):
        if fmt == "jsonl":
            yield from read_jsonl(path, encoding)
        elif fmt in ("csv", "tsv"):
            yield from read_delimited(path, "," if fmt == "csv" else "\t", encoding)
        elif fmt == "parquet":
            yield from read_parquet(path)
        else:
            if not corpus.get("filename_regex"):
                raise CorpusError("corpus.filename_regex is required for format textdir")
            yield from read_textdir(path, corpus["filename_regex"], encoding)


def _value(fields: dict, key: str | None) -> str | None:
    if not key:
        return None
    value = fields.get(key)
    if value is None or (isinstance(value, float) and value != value):
        return None
    return str(value)


@dataclass
class IngestResult:
    documents: pd.DataFrame
    quarantine: pd.DataFrame
    duplicates: pd.DataFrame
    summary: dict


DOC_COLUMNS = [
    "doc_id",
    "date",
    "date_end",
    "date_precision",
    "lang",
    "source",
    "title",
    "text",
    "origin",
]


def ingest(records: Iterable[RawRecord], corpus: dict, language: str, min_chars: int = 10):
    """Normalise raw records into kept documents, quarantine rows and duplicates."""
    columns = corpus["columns"]
    metadata = list(corpus.get("metadata", []))
    include_title = bool(corpus.get("include_title_in_text", False))
    join_breaks = bool(corpus.get("join_hard_line_breaks", True))
    default_source = corpus.get("source_default", corpus["name"])
    kept, quarantined, duplicates = [], [], []
    seen_text: dict[str, str] = {}
    seen_ids: set[str] = set()
    n_read = renamed = 0
    checked_columns = False
    for record in records:
        n_read += 1
        where = {"file": record.file, "line": record.line}
        if record.error:
            quarantined.append({**where, "doc_id": "", "reason": record.error})
            continue
        if not checked_columns:
            missing = [
                f"{key} -> {columns[key]!r}"
                for key in ("id", "date", "text")
                if columns.get(key) and columns[key] not in record.fields
            ]
            if missing:
                raise CorpusError(
                    f"{record.file}, line {record.line}: corpus.columns maps "
                    f"{'; '.join(missing)}, but the record has only {sorted(record.fields)}"
                )
            checked_columns = True
        fields = record.fields
        doc_id = _value(fields, columns.get("id")) or f"{Path(record.file).name}:{record.line}"
        where["doc_id"] = doc_id
        try:
            parsed = parse_date(_value(fields, columns.get("date")))
        except ValueError as err:
            quarantined.append({**where, "reason": f"bad date: {err}"})
            continue
        title = clean_text(_value(fields, columns.get("title")) or "", join_breaks)
        body = clean_text(_value(fields, columns.get("text")) or "", join_breaks)
        if include_title and title and not body.startswith(title):
            body = f"{title}.\n\n{body}" if body else title
        if len(body) < min_chars:
            quarantined.append({**where, "reason": f"empty or too short text ({len(body)} chars)"})
            continue
        problem = encoding_problem(body)
        if problem:
            quarantined.append({**where, "reason": problem})
            continue
        lang = (_value(fields, columns.get("lang")) or "").strip().lower()[:2]
        if not lang:
            lang = language if language != "auto" else detect_language(body)
        if lang not in ("ru", "en"):
            quarantined.append({**where, "reason": f"unsupported language {lang!r}"})
            continue
        key = dedup_key(body)
        if key in seen_text:
            duplicates.append({**where, "duplicate_of": seen_text[key]})
            continue
        if doc_id in seen_ids:
            # Same id, different text: a source error, not a duplicate. Keep
            # the row under a unique id and count it in the summary.
            original, suffix = doc_id, 2
            while f"{original}~{suffix}" in seen_ids:
                suffix += 1
            doc_id = f"{original}~{suffix}"
            renamed += 1
        seen_text[key] = doc_id
        seen_ids.add(doc_id)
        row = {
            "doc_id": doc_id,
            "date": parsed.start,
            "date_end": parsed.end,
            "date_precision": parsed.precision,
            "lang": lang,
            "source": _value(fields, columns.get("source")) or default_source,
            "title": title,
            "text": body,
            "origin": f"{record.file}:{record.line}",
        }
        for meta in metadata:
            row[meta] = _value(fields, meta)
        kept.append(row)
    documents = pd.DataFrame(kept, columns=DOC_COLUMNS + metadata)
    for column in ("date", "date_end"):
        documents[column] = pd.to_datetime(documents[column])
    documents = documents.sort_values(["date", "doc_id"], kind="stable").reset_index(drop=True)
    quarantine = pd.DataFrame(quarantined, columns=["file", "line", "doc_id", "reason"])
    dups = pd.DataFrame(duplicates, columns=["file", "line", "doc_id", "duplicate_of"])
    summary = {
        "read": n_read,
        "kept": len(documents),
        "quarantined": len(quarantine),
        "duplicates": len(dups),
        "ids_made_unique": renamed,
        "languages": {k: int(v) for k, v in documents["lang"].value_counts().sort_index().items()},
        "date_precision": {
            k: int(v) for k, v in documents["date_precision"].value_counts().sort_index().items()
        },
        "first_date": documents["date"].min().date().isoformat() if len(documents) else None,
        "last_date": documents["date_end"].max().date().isoformat() if len(documents) else None,
    }
    assert summary["read"] == summary["kept"] + summary["quarantined"] + summary["duplicates"]
    return IngestResult(documents, quarantine, dups, summary)


def write_ingest(
    result: IngestResult, documents_path, quarantine_path, duplicates_path, summary_path
):
    result.documents.to_parquet(documents_path, index=False)
    result.quarantine.to_csv(quarantine_path, index=False)
    result.duplicates.to_csv(duplicates_path, index=False)
    Path(summary_path).write_text(json.dumps(result.summary, indent=2, ensure_ascii=False) + "\n")


def run_ingest(corpus: dict, language: str, min_chars: int, outputs: dict) -> dict:
    result = ingest(read_records(corpus), corpus, language, min_chars)
    write_ingest(
        result,
        outputs["documents"],
        outputs["quarantine"],
        outputs["duplicates"],
        outputs["summary"],
    )
    return result.summary
