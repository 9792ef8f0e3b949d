"""Ingest: read a corpus through a format adapter into one clean documents table.

Every input row ends in exactly one of three places: the documents table
(kept), the quarantine table (with a reason naming file, line and problem) or
the duplicates table (with the id of the copy that was kept). The summary
counts obey ``read == kept + quarantined + duplicates``.

Adapters yield :class:`RawRecord` objects: the source file, the line (or row,
or archive member) and a dict of raw fields. The corpus config's ``columns``
mapping then names which raw field holds the id, date, text and the optional
title, source and lang; ``metadata`` lists further raw fields to keep.

Reading is defensive; a problem either quarantines one record or stops with a
:class:`CorpusError` that names the file (and line, where there is one):

* Encoding (:func:`choose_encoding`). A UTF-8/16/32 byte-order mark decides
  the encoding whenever ``corpus.encoding`` is a Unicode encoding. Without a
  mark and with ``corpus.encoding`` UTF-8 (the default), a file that is valid
  UTF-8 is read as UTF-8; one that is mostly valid UTF-8 with a few broken
  bytes is read as UTF-8 too (the broken bytes become U+FFFD and rows with
  many of them are quarantined); otherwise ``charset_normalizer`` detects
  the encoding among the Cyrillic and Western single-byte encodings (or
  UTF-16/32 without a byte-order mark), the file is read with it and the
  summary's ``encodings`` lists it; if nothing fits, the file is refused with
  a hint to set ``corpus.encoding``. Any other configured encoding is used as
  given, without detection.
* CSV/TSV (:func:`read_delimited`): fields may be of any length. A quoted
  field that spans line breaks and then either never closes or closes with
  a quote followed by something other than the delimiter or a line end is a
  runaway quote (an unclosed quote that swallowed the following rows): the
  record is quarantined with a reason naming the line where the quote
  opened, and the lines after that line are read again as rows, so no row is
  lost. An unclosed quote on the last line is quarantined too.
* JSONL: a mapped field whose value is a JSON object or array is quarantined.
* Every mapped optional column (title, source, lang, metadata) must exist in
  at least one record of each file.
* Dates outside ``date_range`` of :func:`ingest` are quarantined.
* textdir: ``filename_regex`` must match a member's whole base name.
"""

from __future__ import annotations

import bisect
import codecs
import csv
import glob
import gzip
import hashlib
import io
import itertools
import json
import os
import re
import sys
import tarfile
import zipfile
import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import ClassVar

import charset_normalizer
import numpy as np
import pandas as pd

from schemes.settings import Settings, key
from schemes.textnorm import clean_text, dedup_key, detect_language, encoding_problem, parse_date

FORMATS = ("csv", "tsv", "jsonl", "parquet", "textdir")
CANONICAL = ("id", "date", "text", "title", "source", "lang")
# Plausible document dates, both ends inclusive (ISO dates; None = unbounded).
# Fixed, not derived from today's date, so that a run is reproducible.
DEFAULT_DATE_RANGE = ("1900-01-01", "2035-12-31")
# csv's default field limit (131,072 characters) is too small for long texts;
# 2**31 - 1 is the largest value every platform's C long accepts.
CSV_FIELD_LIMIT = 2**31 - 1
# Encodings charset_normalizer may choose for a file that is not UTF-8: the
# pipeline analyses Russian and English, so Cyrillic and Western ones.
DETECTABLE_ENCODINGS = [
    "cp1251",
    "koi8_r",
    "cp866",
    "mac_cyrillic",
    "iso8859_5",
    "cp1252",
    "latin_1",
    "iso8859_15",
]
WIDE_ENCODINGS = ["utf_16_le", "utf_16_be", "utf_32_le", "utf_32_be"]
_CHUNK = 1 << 20
_BOMS = [  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_UNICODE_CODECS = {
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "utf-32-le",
    "utf-32-be",
}
_ESCAPED = re.compile(r"[\udc80-\udcff]")  # undecodable bytes under surrogateescape
_SURROGATES = re.compile(r"[\ud800-\udfff]")


class CorpusError(ValueError):
    """A corpus cannot be read at all (missing file, wrong format, missing column)."""


class CorpusTooSmall(CorpusError):
    """Too few documents survived ingest for topic models and event rates."""


def reason_category(reason: str) -> str:
    """The kind of a quarantine reason, without its particulars.

    ``"bad date: implausible date '1899-01-01', ..."`` -> ``"bad date"``;
    ``"empty or too short text (3 chars)"`` -> ``"empty or too short text"``;
    ``"expected 3 fields, found 5"`` -> ``"expected N fields, found N"``;
    ``"unsupported language 'de'"`` -> ``"unsupported language '…'"``.
    """
    kind = re.split(r"[:(]", str(reason), maxsplit=1)[0]
    kind = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", kind)
    return re.sub(r"\d+", "N", kind).strip() or "unknown"


def quarantine_reasons(quarantine: pd.DataFrame, top: int | None = None) -> list[tuple[str, int]]:
    """(reason kind, rows) pairs, most frequent first (ties by name)."""
    counts = quarantine["reason"].map(reason_category).value_counts()
    pairs = sorted(((str(k), int(v)) for k, v in counts.items()), key=lambda kv: (-kv[1], kv[0]))
    return pairs[:top] if top else pairs


def check_corpus_size(
    result: IngestResult, min_documents: int, quarantine_copy: str | None = None
) -> None:
    """Stop with a clear message when fewer than ``min_documents`` were kept.

    The message counts what was read, quarantined and dropped as duplicate,
    names the top quarantine reasons and where the quarantined rows are
    (``quarantine_copy``), and points at ``corpus.encoding`` when broken
    encoding is the main reason.
    """
    summary = result.summary
    if summary["kept"] >= min_documents:
        return
    lines = [
        f"the corpus is too small: ingest kept {summary['kept']} of {summary['read']} records, "
        f"and topic models and event rates need at least {min_documents} "
        "(ingest.min_documents)"
    ]
    if summary["read"] == 0:
        lines.append("no record was read: check corpus.path, corpus.format and the file's contents")
    reasons = quarantine_reasons(result.quarantine)
    if reasons:
        listed = "; ".join(f"{kind} ({n})" for kind, n in reasons[:3])
        lines.append(f"{summary['quarantined']} records were quarantined: {listed}")
        if quarantine_copy:
            lines.append(
                f"every quarantined row, with its file, line and reason: {quarantine_copy}"
            )
        if reasons[0][0] == "broken encoding":
            lines.append(
                "most records look mis-decoded: set corpus.encoding in the corpus config "
                "(for example cp1251 or koi8-r for Russian exports)"
            )
    if summary["duplicates"]:
        lines.append(f"{summary['duplicates']} records repeated an earlier text")
    raise CorpusTooSmall("\n  ".join(lines))


@dataclass
class RawRecord:
    file: str
    line: int | str
    fields: dict = field(default_factory=dict)
    error: str | None = None
    # The encoding the file was read with when it is not the configured one
    # (byte-order mark or detection); None otherwise.
    encoding: str | None = None


# --------------------------------------------------------------------------
# Encodings and compressed files


def _codec_name(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise CorpusError(f"corpus.encoding {encoding!r} is not a known text encoding") from None


def _open_binary(path: str):
    return gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")


def _open_text(path: str, encoding: str) -> io.TextIOBase:
    return io.TextIOWrapper(_open_binary(path), encoding=encoding, errors="replace", newline="")


def _read_problem(path: str, err: BaseException) -> CorpusError:
    """A one-line CorpusError for an I/O or decompression failure of ``path``."""
    if isinstance(err, gzip.BadGzipFile) and "Not a gzipped file" in str(err):
        return CorpusError(
            f"{path}: not gzip-compressed although the name ends in .gz ({err}); "
            "compress the file or drop the .gz from its name"
        )
    if isinstance(err, (EOFError, zlib.error, gzip.BadGzipFile)):
        return CorpusError(f"{path}: the gzip data is truncated or corrupt ({err})")
    return CorpusError(f"{path}: cannot read the file ({type(err).__name__}: {err})")


_READ_ERRORS = (OSError, EOFError, zlib.error)


class _Utf8Scan:
    """Counts undecodable bytes and valid non-ASCII characters of UTF-8 input.

    Decodes strictly (fast) until the first undecodable byte, then with
    ``surrogateescape`` to count the undecodable bytes.
    """

    def __init__(self) -> None:
        self._strict = codecs.getincrementaldecoder("utf-8")()
        self._lenient = None
        self.bad = self.non_ascii = self.lines = 0
        self.first_bad_line: int | None = None
        self.sample = b""

    def feed(self, chunk: bytes, final: bool = False) -> None:
        if self._lenient is None:
            pending = self._strict.getstate()[0]
            try:
                text = self._strict.decode(chunk, final)
            except UnicodeDecodeError:
                self._lenient = codecs.getincrementaldecoder("utf-8")("surrogateescape")
                chunk = pending + chunk
            else:
                self._count(text, 0)
                return
        text = self._lenient.decode(chunk, final)
        bad = len(_ESCAPED.findall(text))
        if bad:
            if self.first_bad_line is None:
                first = _ESCAPED.search(text).start()
                self.first_bad_line = self.lines + text.count("\n", 0, first) + 1
            if len(self.sample) < _CHUNK:
                self.sample += chunk
        self._count(text, bad)

    def _count(self, text: str, bad: int) -> None:
        self.bad += bad
        self.non_ascii += len(text) - len(text.encode("ascii", "ignore")) - bad
        self.lines += text.count("\n")


def _bom_encoding(head: bytes) -> str | None:
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return None


def _looks_wide(head: bytes) -> bool:
    """NUL bytes (never in real UTF-8 text): perhaps UTF-16/32 without a mark."""
    return len(head) >= 8 and head.count(0) > 0.01 * len(head)


def _detect(sample: bytes, candidates: list[str]) -> str | None:
    best = charset_normalizer.from_bytes(sample, cp_isolation=candidates).best()
    return None if best is None else best.encoding


def choose_encoding(chunks: Iterable[bytes], configured: str, name: str) -> tuple[str, str | None]:
    """Pick the codec for one file given as byte chunks; see the module docstring.

    Returns ``(codec, deviation)``: ``deviation`` is the codec when it is not
    the configured encoding (byte-order mark or detection), else None. Raises
    CorpusError (naming ``name``) when a file is not UTF-8 and no encoding fits.
    """
    configured_codec = _codec_name(configured)
    if configured_codec not in _UNICODE_CODECS:
        return configured, None
    chunks = iter(chunks)
    head = next(chunks, b"")
    bom = _bom_encoding(head)
    if bom:
        return bom, (None if bom.startswith(configured_codec[:6]) else bom)
    if configured_codec not in ("utf-8", "utf-8-sig"):
        return configured, None
    if _looks_wide(head):
        wide = _detect(head, WIDE_ENCODINGS)
        if wide:
            return wide, wide
    scan = _Utf8Scan()
    scan.feed(head)
    for chunk in chunks:
        scan.feed(chunk)
    scan.feed(b"", final=True)
    if scan.bad == 0 or scan.non_ascii > scan.bad:
        # Valid UTF-8, or UTF-8 with a few broken bytes (they become U+FFFD).
        return "utf-8-sig", None
    detected = _detect(scan.sample, DETECTABLE_ENCODINGS)
    if detected is None:
        raise CorpusError(
            f"{name}: not UTF-8 ({scan.bad} undecodable bytes, the first on line "
            f"{scan.first_bad_line}) and its encoding could not be detected; "
            "set corpus.encoding (e.g. cp1251)"
        )
    return detected, detected


def _file_chunks(path: str) -> Iterator[bytes]:
    with _open_binary(path) as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def _stream_encoding(path: str, configured: str) -> tuple[str, str | None]:
    try:
        return choose_encoding(_file_chunks(path), configured, path)
    except _READ_ERRORS as err:
        raise _read_problem(path, err) from None


def _decode_member(
    payload: bytes, configured: str, name: str
) -> tuple[str | None, str | None, str | None]:
    """Decode one textdir member: ``(text, deviation, error)``."""
    try:
        chunks = (payload[i : i + _CHUNK] for i in range(0, max(len(payload), 1), _CHUNK))
        codec, deviation = choose_encoding(chunks, configured, name)
    except CorpusError as err:
        return None, None, str(err).removeprefix(f"{name}: ")
    return payload.decode(codec, errors="replace"), deviation, None


# --------------------------------------------------------------------------
# Adapters


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
    codec, deviation = _stream_encoding(path, encoding)
    try:
        with _open_text(path, codec) as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as err:
                    error = f"invalid JSON: {err.msg} at column {err.colno}"
                except (ValueError, RecursionError) as err:  # e.g. a 5,000-digit number
                    error = f"invalid JSON: {str(err).splitlines()[0][:200]}"
                else:
                    error = None if isinstance(obj, dict) else "JSON line is not an object"
                if error:
                    yield RawRecord(path, number, error=error, encoding=deviation)
                else:
                    yield RawRecord(path, number, obj, encoding=deviation)
    except _READ_ERRORS as err:
        raise _read_problem(path, err) from None


class _Lines:
    """The physical lines of a text stream, numbered, with push-back.

    ``taken`` collects the ``(number, line)`` pairs handed out since it was
    last reset, i.e. the raw lines of the record the csv reader just parsed.
    """

    def __init__(self, handle: Iterable[str]) -> None:
        self._handle = iter(handle)
        self._pending: deque[tuple[int, str]] = deque()
        self._read = 0
        self.taken: list[tuple[int, str]] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._pending:
            number, line = self._pending.popleft()
        else:
            line = next(self._handle)
            self._read += 1
            number = self._read
        self.taken.append((number, line))
        return line

    def push_back(self, lines: list[tuple[int, str]]) -> None:
        self._pending.extendleft(reversed(lines))


def _quote_problem(lines: list[tuple[int, str]], delimiter: str) -> tuple[int, str] | None:
    """Find a runaway quote in the raw lines of one csv record.

    Follows the quoting rules of Python's (non-strict) csv reader. A quoted
    field is a runaway when it never closes, or when it spans a line break
    and its closing quote is followed by something other than the delimiter
    or a line end (an unclosed quote that was closed only by the opening
    quote of a later row). Returns ``(index of the line where the quote
    opened, description)`` or None. Well-formed multi-line fields, as any csv
    writer produces them, pass.
    """
    if len(lines) == 1 and '"' not in lines[0][1]:
        return None  # fast path: no quote at all
    text = "".join(line for _, line in lines)
    ends = list(itertools.accumulate(len(line) for _, line in lines))

    def index(pos: int) -> int:
        return bisect.bisect_right(ends, pos)

    separator = re.compile(f"[{re.escape(delimiter)}\r\n]")
    pos, n, field_start = 0, len(text), True
    while pos < n:
        char = text[pos]
        if field_start and char == '"':
            opened = pos
            pos += 1
            while True:
                close = text.find('"', pos)
                if close == -1:
                    first = lines[index(opened)][0]
                    swallowed = len(lines) - 1 - index(opened)
                    tail = (
                        f", swallowing lines {first + 1}-{lines[-1][0]}, which are read again"
                        if swallowed
                        else ""
                    )
                    return index(opened), (
                        f"unclosed quote: the quoted field opened on line {first} "
                        f"runs to the end of the file{tail}"
                    )
                if text.startswith('""', close):
                    pos = close + 2
                    continue
                break
            after = text[close + 1 : close + 2]
            if after and after != delimiter and after not in "\r\n":
                if index(close) > index(opened):
                    first, last = lines[index(opened)][0], lines[index(close)][0]
                    return index(opened), (
                        f"unclosed quote: the quoted field opened on line {first} is closed "
                        f"only on line {last} (followed by {after!r}); lines "
                        f"{first + 1}-{lines[-1][0]} are read again"
                    )
            pos, field_start = close + 1, False
        elif char == delimiter or char in "\r\n":
            pos, field_start = pos + 1, True
        else:
            found = separator.search(text, pos)
            pos, field_start = (found.start() if found else n), False
    return None


def read_delimited(path: str, delimiter: str, encoding: str = "utf-8") -> Iterator[RawRecord]:
    """Rows of a CSV/TSV file with a header; see the module docstring on quotes."""
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    codec, deviation = _stream_encoding(path, encoding)
    try:
        with _open_text(path, codec) as handle:
            lines = _Lines(handle)
            reader = csv.reader(lines, delimiter=delimiter)
            try:
                header = next(reader)
            except StopIteration:
                return
            problem = _quote_problem(lines.taken, delimiter)
            if problem:
                raise CorpusError(f"{path}, line {lines.taken[0][0]} (header): {problem[1]}")
            header = [h.strip().lstrip("\ufeff") for h in header]
            check_header(header, f"{path}, line {lines.taken[0][0]} (header)")
            while True:
                lines.taken = []
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as err:
                    where = lines.taken[0][0] if lines.taken else "end"
                    raise CorpusError(f"{path}, line {where}: {err}") from None
                taken = lines.taken
                start = taken[0][0] if taken else "end"
                if not any(cell.strip() for cell in row):
                    continue
                problem = _quote_problem(taken, delimiter)
                if problem:
                    opened, reason = problem
                    yield RawRecord(path, start, error=reason, encoding=deviation)
                    lines.push_back(taken[opened + 1 :])
                elif len(row) != len(header):
                    yield RawRecord(
                        path,
                        start,
                        error=f"expected {len(header)} fields, found {len(row)}",
                        encoding=deviation,
                    )
                else:
                    yield RawRecord(
                        path, start, dict(zip(header, row, strict=True)), encoding=deviation
                    )
    except _READ_ERRORS as err:
        raise _read_problem(path, err) from None


def check_header(header: list[str], where: str) -> None:
    """Refuse a header that names a column twice (a reader would keep only one of them)."""
    seen: dict[str, int] = {}
    for number, name in enumerate(header, start=1):
        if name in seen:
            raise CorpusError(
                f"{where}: column {name!r} appears twice (columns {seen[name]} and {number}); "
                "rename or delete one of them"
            )
        seen[name] = number


def separator_hint(fields) -> str:
    """A hint when a record's only field looks like a whole row of another separator."""
    names = [str(f) for f in fields]
    if len(names) == 1:
        for separator, name in ((";", "';'"), ("\t", "a tab"), ("|", "'|'")):
            if separator in names[0]:
                return (
                    f"; the file seems to be separated by {name}: corpus.format csv reads ',' "
                    "and tsv a tab (save the file with one of them)"
                )
    return ""


def read_parquet(path: str) -> Iterator[RawRecord]:
    try:
        frame = pd.read_parquet(path)
    except (OSError, ValueError) as err:  # pyarrow's errors subclass these
        raise CorpusError(f"{path}: cannot read parquet ({str(err).splitlines()[0]})") from None
    for number, row in enumerate(frame.to_dict(orient="records"), start=1):
        yield RawRecord(path, f"row {number}", row)


def _member_matches(pattern: re.Pattern, name: str) -> re.Match | None:
    """Match ``filename_regex`` against a member's whole base name.

    A regex containing '/' is matched against the whole relative path
    instead (for metadata in folder names).
    """
    name = name.replace("\\", "/").removeprefix("./")
    target = name if "/" in pattern.pattern else PurePosixPath(name).name
    return pattern.fullmatch(target)


def _text_members(path: str, pattern: re.Pattern) -> Iterator[tuple[str, bytes]]:
    """Yield (relative name, bytes) of text files in a directory or an archive."""
    if os.path.isdir(path):
        for file in sorted(Path(path).rglob("*")):
            rel = file.relative_to(path).as_posix()
            if file.is_file() and _member_matches(pattern, rel):
                yield rel, file.read_bytes()
    elif tarfile.is_tarfile(path):
        # A compressed tar is read in one pass in stored order (seeking back
        # would decompress from the start again for every member), then sorted.
        found = []
        with tarfile.open(path, mode="r:*") as archive:
            for member in archive:
                if member.isfile() and _member_matches(pattern, member.name):
                    found.append((member.name, archive.extractfile(member).read()))
        yield from sorted(found)
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                if not name.endswith("/") and _member_matches(pattern, name):
                    yield name, archive.read(name)
    else:
        raise CorpusError(f"textdir path {path!r} is neither a directory nor a tar/zip archive")


def read_textdir(path: str, filename_regex: str, encoding: str = "utf-8") -> Iterator[RawRecord]:
    """One document per text file; metadata from the named groups of ``filename_regex``.

    The regex must match a file's whole base name (``re.fullmatch``), so
    ``GEO_58_2003.txt.bak`` does not match ``..._\\d{4}\\.txt``.
    """
    try:
        pattern = re.compile(filename_regex)
    except re.error as err:
        raise CorpusError(f"corpus.filename_regex {filename_regex!r} is invalid: {err}") from None
    found = False
    try:
        for name, payload in _text_members(path, pattern):
            found = True
            file = f"{path}:{name}"
            text, deviation, error = _decode_member(payload, encoding, file)
            if error:
                yield RawRecord(file, 1, error=error)
                continue
            fields = dict(_member_matches(pattern, name).groupdict())
            fields["path"] = name
            fields["stem"] = Path(name).stem
            fields["text"] = text
            yield RawRecord(file, 1, fields, encoding=deviation)
    except (tarfile.TarError, zipfile.BadZipFile, *_READ_ERRORS) as err:
        problem = _read_problem(path, err)
        raise CorpusError(str(problem).replace("gzip data", "archive")) from None
    if not found:
        raise CorpusError(
            f"no file in {path!r} matches filename_regex {filename_regex!r} "
            "(it must match a file's whole name)"
        )


def read_records(corpus: dict) -> Iterator[RawRecord]:
    fmt = corpus["format"]
    if fmt not in FORMATS:
        raise CorpusError(f"corpus.format {fmt!r} is not one of {', '.join(FORMATS)}")
    encoding = corpus.get("encoding") or "utf-8"
    _codec_name(encoding)
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


# --------------------------------------------------------------------------
# Normalisation


def _value(fields: dict, key: str | None) -> str | None:
    if not key:
        return None
    value = fields.get(key)
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value)
    # Lone surrogates (from JSON "\udc80" escapes) cannot be written as UTF-8.
    return _SURROGATES.sub("\ufffd", text) if _SURROGATES.search(text) else text


def _structured_type(value) -> str | None:
    """The JSON type of a value that is not a scalar (object/array), else None."""
    if isinstance(value, dict):
        return "object"
    if isinstance(value, (list, tuple, np.ndarray)):
        return "array"
    if isinstance(value, (bytes, bytearray)):
        return "binary"
    return None


def _as_date(value, name: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"ingest {name} {value!r} is not an ISO date (YYYY-MM-DD)") from None


def _check_optional_columns(file: str, state: dict) -> None:
    """Raise when a mapped optional column occurs in no record of ``file``."""
    if state["missing"]:
        named = "; ".join(
            f"{k} -> {c!r}" if k.startswith("corpus.columns") else f"{k} lists {c!r}"
            for k, c in state["missing"]
        )
        raise CorpusError(
            f"{file}, line {state['line']}: {named}, but no record of this file has "
            f"that field; the records have {sorted(map(str, state['keys']))} "
            "(map it to one of them, or to '' to leave it out)"
        )


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


@dataclass(frozen=True)
class _Normaliser:
    """How one raw record becomes a document row: the corpus mapping and the checks."""

    columns: dict
    metadata: list
    mapped: list  # (config key, raw field) of every mapped column
    include_title: bool
    join_breaks: bool
    default_source: str
    language: str
    min_chars: int
    first_date: date | None
    last_date: date | None

    @property
    def optional(self) -> list[tuple[str, str]]:
        """The mapped columns a record may lack (all but id, date and text)."""
        return [
            (config_key, column)
            for config_key, column in self.mapped
            if config_key.rsplit(".", 1)[-1] not in ("id", "date", "text")
        ]

    def column_value(self, fields: dict, name: str) -> str | None:
        """The raw value of the canonical column ``name`` (None when unmapped or empty)."""
        return _value(fields, self.columns.get(name))

    def structured(self, fields: dict) -> str | None:
        """Why a mapped field is not a scalar (a JSON object or array), else None."""
        structured = [
            f"field {column!r} ({config_key}) is a JSON {kind}, not a string or number"
            for config_key, column in self.mapped
            if (kind := _structured_type(fields.get(column)))
        ]
        return "; ".join(structured) if structured else None

    def dated(self, fields: dict):
        """``(parsed date, None)``, or ``(None, reason)`` for a bad or implausible date."""
        raw_date = self.column_value(fields, "date")
        try:
            parsed = parse_date(raw_date)
        except ValueError as err:
            return None, f"bad date: {err}"
        first, last = self.first_date, self.last_date
        if (first and parsed.start < first) or (last and parsed.end > last):
            return None, (
                f"bad date: implausible date {raw_date!r}, outside "
                f"{first or '-inf'} .. {last or '+inf'} (ingest date_range)"
            )
        return parsed, None

    def texts(self, fields: dict) -> tuple[str, str, str | None]:
        """``(title, body, reason)``: cleaned texts, and why the body is unusable (or None)."""
        title = clean_text(self.column_value(fields, "title") or "", self.join_breaks)
        body = clean_text(self.column_value(fields, "text") or "", self.join_breaks)
        if self.include_title and title and not body.startswith(title):
            body = f"{title}.\n\n{body}" if body else title
        if len(body) < self.min_chars:
            return title, body, f"empty or too short text ({len(body)} chars)"
        return title, body, encoding_problem(body) or None

    def lang(self, fields: dict, body: str) -> tuple[str, str | None]:
        """``(language, reason)``: the record's or the configured (or detected) language.

        A text detected as another language (Ukrainian, or Latin-script text
        that is not English) is quarantined, not analysed as Russian or
        English: its claims would be missed by the Russian and English
        lexicons while it still counted in every denominator (documents per
        window, per period), biasing the rates down. The quarantine names
        the language, and run_ingest says on the console when many are.
        """
        lang = (self.column_value(fields, "lang") or "").strip().lower()[:2]
        detected = not lang and self.language == "auto"
        if not lang:
            lang = self.language if self.language != "auto" else detect_language(body)
        if lang not in ("ru", "en"):
            if detected and lang != "und":
                return lang, (
                    f"unsupported language {lang!r} (detected, language: auto; only ru and "
                    "en are analysed)"
                )
            return lang, f"unsupported language {lang!r}"
        return lang, None

    def row(self, record: RawRecord) -> tuple[dict | None, str | None]:
        """``(document row without doc_id, None)``, or ``(None, reason to quarantine it)``."""
        fields = record.fields
        reason = self.structured(fields)
        if reason:
            return None, reason
        parsed, reason = self.dated(fields)
        if reason:
            return None, reason
        title, body, reason = self.texts(fields)
        if reason:
            return None, reason
        lang, reason = self.lang(fields, body)
        if reason:
            return None, reason
        row = {
            "date": parsed.start,
            "date_end": parsed.end,
            "date_precision": parsed.precision,
            "lang": lang,
            "source": self.column_value(fields, "source") or self.default_source,
            "title": title,
            "text": body,
            "origin": f"{record.file}:{record.line}",
        }
        for meta in self.metadata:
            row[meta] = _value(fields, meta)
        return row, None


def _date_bounds(date_range: tuple | None) -> tuple[date | None, date | None]:
    """``date_range`` as two dates (either may be None); an empty range is an error."""
    first_date, last_date = date_range if date_range is not None else (None, None)
    first_date = _as_date(first_date, "date_range start")
    last_date = _as_date(last_date, "date_range end")
    if first_date and last_date and first_date > last_date:
        raise ValueError(f"ingest date_range {first_date} .. {last_date} is empty")
    return first_date, last_date


def _normaliser(
    corpus: dict, language: str, *, min_chars: int, date_range: tuple | None
) -> _Normaliser:
    """The record normaliser of a corpus config (checks ``date_range``)."""
    columns = corpus["columns"]
    metadata = list(corpus.get("metadata", []))
    include_title = bool(corpus.get("include_title_in_text", False))
    join_breaks = bool(corpus.get("join_hard_line_breaks", True))
    default_source = corpus.get("source_default", corpus["name"])
    first_date, last_date = _date_bounds(date_range)
    mapped = [
        (f"corpus.columns.{key}", columns[key])
        for key in ("id", "date", "text", "title", "source", "lang")
        if columns.get(key)
    ] + [("corpus.metadata", meta) for meta in metadata]
    return _Normaliser(
        columns=columns,
        metadata=metadata,
        mapped=mapped,
        include_title=include_title,
        join_breaks=join_breaks,
        default_source=default_source,
        language=language,
        min_chars=min_chars,
        first_date=first_date,
        last_date=last_date,
    )


def _check_required_columns(record: RawRecord, columns: dict) -> None:
    """Raise when the first readable record lacks the field mapped to id, date or text."""
    missing = [
        f"{key} -> {columns[key]!r}"
        for key in ("id", "date", "text")
        if columns.get(key) and columns[key] not in record.fields
    ]
    if missing:
        raise CorpusError(
            f"{record.file}, line {record.line}: corpus.columns maps "
            f"{'; '.join(missing)}, but the record has only "
            f"{sorted(map(str, record.fields))}{separator_hint(record.fields)}"
        )


@dataclass
class _Tally:
    """The records sorted so far: kept rows, quarantine and duplicate rows, per-file state."""

    kept: list = field(default_factory=list)
    quarantined: list = field(default_factory=list)
    duplicates: list = field(default_factory=list)
    seen_text: dict = field(default_factory=dict)  # dedup key -> doc_id kept
    seen_ids: set = field(default_factory=set)
    encodings: dict = field(default_factory=dict)
    # Per file: first line, keys seen so far and optional mappings not yet seen.
    files: dict = field(default_factory=dict)
    read: int = 0
    renamed: int = 0

    def note_columns(self, record: RawRecord, optional: list) -> None:
        """Record which optional mapped columns this file's records have shown so far."""
        state = self.files.get(record.file)
        if state is None:
            state = self.files[record.file] = {
                "line": record.line,
                "keys": set(),
                "missing": optional,
            }
        if state["missing"]:
            state["keys"].update(record.fields)
            state["missing"] = [(k, c) for k, c in state["missing"] if c not in record.fields]

    def keep(self, where: dict, row: dict) -> None:
        """Keep a normalised row, or mark it a duplicate of an earlier text."""
        doc_id = where["doc_id"]
        key = dedup_key(row["text"])
        if key in self.seen_text:
            self.duplicates.append({**where, "duplicate_of": self.seen_text[key]})
            return
        if doc_id in self.seen_ids:
            # Same id, different text: a source error, not a duplicate. Keep
            # the row under a unique id and count it in the summary.
            original, suffix = doc_id, 2
            while f"{original}~{suffix}" in self.seen_ids:
                suffix += 1
            doc_id = f"{original}~{suffix}"
            self.renamed += 1
        self.seen_text[key] = doc_id
        self.seen_ids.add(doc_id)
        self.kept.append({"doc_id": doc_id, **row})


def _sort_records(records: Iterable[RawRecord], normaliser: _Normaliser) -> _Tally:
    """Read every record into kept, quarantined or duplicate rows (in input order)."""
    tally = _Tally()
    columns = normaliser.columns
    optional = normaliser.optional
    checked_columns = False
    for record in records:
        tally.read += 1
        if tally.files and record.file not in tally.files:  # the previous file is complete
            _check_optional_columns(*next(reversed(tally.files.items())))
        if record.encoding:
            tally.encodings[record.file] = record.encoding
        where = {"file": record.file, "line": record.line}
        if record.error:
            tally.quarantined.append({**where, "doc_id": "", "reason": record.error})
            continue
        if not checked_columns:
            _check_required_columns(record, columns)
            checked_columns = True
        tally.note_columns(record, optional)
        fallback_id = f"{Path(record.file).name}:{record.line}"
        where["doc_id"] = _value(record.fields, columns.get("id")) or fallback_id
        row, reason = normaliser.row(record)
        if reason:
            tally.quarantined.append({**where, "reason": reason})
        else:
            tally.keep(where, row)
    for file, state in tally.files.items():
        _check_optional_columns(file, state)
    return tally


def _counts(column: pd.Series) -> dict:
    return {k: int(v) for k, v in column.value_counts().sort_index().items()}


def _result(tally: _Tally, metadata: list) -> IngestResult:
    """The documents (by date and id), quarantine and duplicates tables and the summary."""
    documents = pd.DataFrame(tally.kept, columns=DOC_COLUMNS + metadata)
    for column in ("date", "date_end"):
        documents[column] = pd.to_datetime(documents[column])
    documents = documents.sort_values(["date", "doc_id"], kind="stable").reset_index(drop=True)
    quarantine = pd.DataFrame(tally.quarantined, columns=["file", "line", "doc_id", "reason"])
    dups = pd.DataFrame(tally.duplicates, columns=["file", "line", "doc_id", "duplicate_of"])
    summary = {
        "read": tally.read,
        "kept": len(documents),
        "quarantined": len(quarantine),
        "duplicates": len(dups),
        "ids_made_unique": tally.renamed,
        "languages": _counts(documents["lang"]),
        "date_precision": _counts(documents["date_precision"]),
        "first_date": documents["date"].min().date().isoformat() if len(documents) else None,
        "last_date": documents["date_end"].max().date().isoformat() if len(documents) else None,
        # Files read with an encoding other than corpus.encoding (byte-order
        # mark or detection), with that encoding.
        "encodings": tally.encodings,
    }
    assert summary["read"] == summary["kept"] + summary["quarantined"] + summary["duplicates"]
    return IngestResult(documents, quarantine, dups, summary)


def ingest(
    records: Iterable[RawRecord],
    corpus: dict,
    language: str,
    *,
    min_chars: int = 10,
    date_range: tuple | None = DEFAULT_DATE_RANGE,
) -> IngestResult:
    """Normalise raw records into kept documents, quarantine rows and duplicates.

    ``date_range`` is ``(first, last)``, ISO dates or ``datetime.date``, both
    inclusive, either may be None (unbounded); None disables the check. A
    record whose date (the whole period of a month or year date) is not
    inside it is quarantined as implausible. The default
    :data:`DEFAULT_DATE_RANGE` is fixed (1900-01-01 .. 2035-12-31), not
    derived from today's date, so results do not depend on the day of the run.

    Mapped optional columns (``columns.title/source/lang`` and ``metadata``)
    must occur in at least one record of every file, else CorpusError; map a
    column to ``''`` to leave it unmapped.

    Steps: :func:`_normaliser` (the corpus mapping and checks),
    :func:`_sort_records` (each record kept, quarantined or a duplicate, in
    input order), :func:`_result` (tables and summary).
    """
    normaliser = _normaliser(corpus, language, min_chars=min_chars, date_range=date_range)
    return _result(_sort_records(records, normaliser), normaliser.metadata)


def write_ingest(result: IngestResult, outputs: dict) -> None:
    """Write the documents, quarantine, duplicates and summary files named in ``outputs``."""
    result.documents.to_parquet(outputs["documents"], index=False)
    result.quarantine.to_csv(outputs["quarantine"], index=False)
    result.duplicates.to_csv(outputs["duplicates"], index=False)
    Path(outputs["summary"]).write_text(
        json.dumps(result.summary, indent=2, ensure_ascii=False) + "\n"
    )


FINGERPRINT_BYTES = 1 << 20  # the first and the last MB of every file


def _file_fingerprint(path: Path, digest) -> None:
    stat = path.stat()
    digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    with open(path, "rb") as handle:
        digest.update(handle.read(FINGERPRINT_BYTES))
        if stat.st_size > 2 * FINGERPRINT_BYTES:
            handle.seek(-FINGERPRINT_BYTES, os.SEEK_END)
            digest.update(handle.read(FINGERPRINT_BYTES))


def corpus_fingerprint(paths) -> str:
    """A short hash of the corpus files: names, sizes, times and their first and last MB.

    The ingest rule's param: a corpus replaced by another file re-runs
    ingest even when the new file is older than the outputs (``cp -p``),
    which Snakemake's time stamps alone miss. A folder (``textdir``) counts
    every file in it. Cheap: two reads of at most 1 MB a file.
    """
    digest = hashlib.sha256()
    for path in map(Path, paths):
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.exists():
                _file_fingerprint(file, digest)
    return digest.hexdigest()[:16]


# A run that quarantines this share of the records says so on the console.
QUARANTINE_WARNING = 0.05


def quarantine_warning(result: IngestResult, where: str) -> str | None:
    """One line for the console when at least QUARANTINE_WARNING of the records were quarantined."""
    read, quarantined = result.summary["read"], result.summary["quarantined"]
    if not read or quarantined / read < QUARANTINE_WARNING:
        return None
    listed = "; ".join(f"{kind} ({n})" for kind, n in quarantine_reasons(result.quarantine, 3))
    return (
        f"[ingest] warning: {quarantined} of {read} records ({quarantined / read:.0%}) were "
        f"quarantined: {listed}; every row with its file, line and reason: {where}"
    )


@dataclass(frozen=True)
class IngestSettings(Settings):
    SECTION: ClassVar[str] = "ingest"
    corpus: dict = key("corpus")  # the whole corpus block (path, format, columns, ...)
    language: str = key("language")
    min_chars: int
    plausible_dates: list  # [first, last], ISO dates, both inclusive
    min_documents: int


def run_ingest(
    settings: IngestSettings, inputs: dict, outputs: dict, *, quarantine_copy: str | None = None
) -> dict:
    """Read the corpus, normalise it and write the ingest tables; stop on a too small corpus.

    Inputs: ``files`` (the corpus files; they are read from ``corpus.path`` again,
    globs and folders expanded). Outputs: ``documents``, ``quarantine``,
    ``duplicates``, ``summary``. Settings: ``corpus``, ``language``,
    ``ingest.min_chars``, ``ingest.plausible_dates``, ``ingest.min_documents``.

    On a too small corpus (:class:`CorpusTooSmall`) Snakemake removes the
    rule's outputs, so the quarantine table is also written to
    ``quarantine_copy`` (a log file, which is kept).
    """
    dates = settings.plausible_dates
    result = ingest(
        read_records(settings.corpus),
        settings.corpus,
        settings.language,
        min_chars=settings.min_chars,
        date_range=tuple(dates) if dates else None,
    )
    if result.summary["kept"] < settings.min_documents and quarantine_copy:
        result.quarantine.to_csv(quarantine_copy, index=False)
    check_corpus_size(result, settings.min_documents, quarantine_copy)
    write_ingest(result, outputs)
    warning = quarantine_warning(result, outputs["quarantine"])
    if warning:
        print(warning, file=sys.stderr)
    return result.summary
