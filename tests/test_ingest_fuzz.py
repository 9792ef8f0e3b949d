"""Property-based fuzzing of the ingest adapters (jsonl, csv, tsv, textdir).

For random records, quoting, line ends, encodings, compression and broken
input, ingest must either finish or stop with a CorpusError naming the file;
``read == kept + quarantined + duplicates``; every quarantine row has a file,
a line and a reason; and for well-formed input ``read`` is the true number
of records. The budget is small (``EXAMPLES`` per test) so the file runs in
well under a minute; raise it locally with HYPOTHESIS_EXAMPLES=1000.
"""

import csv
import gzip
import io
import json
import os
import re
import tarfile
import tempfile
import zipfile
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemes.ingest import CorpusError, ingest, read_records  # noqa: E402

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
COLUMNS = {"id": "id", "date": "date", "text": "text"}

# Text that every encoding under test can hold: ASCII (no NUL), Cyrillic,
# typographic punctuation, and the characters csv and JSON treat specially.
SAFE = (
    "abcxyzABCXYZ0123456789 .-:/"
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВЕЁЖЯ"
    "«»—–…№"
    ",;\t\"'\\{}[]\n\r\x01\x0b\x1f"
)
safe_text = st.text(alphabet=SAFE, max_size=60)
SENTENCES = [
    "Президент выступил с обращением к нации.",
    "Запад снова вмешивается во внутренние дела страны.",
    "The minister met his colleagues in Brussels today.",
    'Protesters gathered in the square, "peacefully", on Monday.',
]
# Mostly plausible documents (kept, duplicated), sometimes noise.
prose = st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=3).map("\n".join)
doc_text = st.one_of(prose, safe_text)
any_text = st.text(max_size=40)  # any code point but lone surrogates
dates = st.one_of(
    st.sampled_from(
        ["2004-11-22", "2004", "2004-13", "1899-01-01", "2099-01-01", "22.11.2004", "", "x"]
    ),
    st.dates().map(str),
    safe_text,
)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1251"]


def check(run, path, expected_read=None):
    """Run ingest; a CorpusError must name the file; check the accounting."""
    try:
        result = run()
    except CorpusError as err:
        assert Path(path).name in str(err), err
        assert "\n" not in str(err), err
        return None
    s = result.summary
    assert s["read"] == s["kept"] + s["quarantined"] + s["duplicates"]
    if expected_read is not None:
        assert s["read"] == expected_read, (s, result.quarantine.to_dict("records"))
    quarantine = result.quarantine
    assert quarantine["file"].map(lambda f: isinstance(f, str) and f != "").all()
    assert quarantine["line"].notna().all() and (quarantine["line"].astype(str) != "").all()
    assert quarantine["reason"].map(lambda r: isinstance(r, str) and r != "").all()
    assert result.documents["text"].map(lambda t: len(t) >= 10).all()
    return result


def ingest_path(path, fmt, **extra):
    config = {"name": "fuzz", "path": str(path), "format": fmt, "columns": COLUMNS, **extra}
    return lambda: ingest(read_records(config), config, language="auto")


def encode(text, encoding):
    return text.encode(encoding)


def _has_surrogate(text):
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def write(path, payload, compress):
    if compress:
        path = path.with_name(path.name + ".gz")
        payload = gzip.compress(payload, mtime=0)
    path.write_bytes(payload)
    return path


# --------------------------------------------------------------------------
# JSONL

json_value = st.one_of(
    doc_text,
    any_text,
    st.integers(),
    st.none(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from(["\ud800 lone surrogate text here", "x" * 300]),
)
json_record = st.fixed_dictionaries(
    {"id": st.one_of(st.text(max_size=5), st.integers(0, 20)), "date": dates, "text": json_value},
    optional={"extra": json_value},
)
junk_line = st.text(alphabet='{}[]":,0123456789abc \t', min_size=1, max_size=20)
json_line = st.one_of(
    json_record.map(lambda r: ("record", r)),
    junk_line.map(lambda j: ("junk", j)),
    st.just(("blank", "   ")),
)


@FUZZ
@given(
    lines=st.lists(json_line, max_size=25),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
    ascii_only=st.booleans(),
    compress=st.booleans(),
    line_end=st.sampled_from(["\n", "\r\n"]),
)
def test_jsonl_fuzz(lines, encoding, ascii_only, compress, line_end):
    texts, expected = [], 0
    for kind, value in lines:
        if kind == "record":
            dumped = json.dumps(value, ensure_ascii=ascii_only)
            # a lone surrogate can only be written as a \u escape
            value = json.dumps(value) if _has_surrogate(dumped) else dumped
        texts.append(value)
        expected += bool(value.strip())
    with tempfile.TemporaryDirectory() as folder:
        path = write(
            Path(folder) / "corpus.jsonl",
            encode(line_end.join(texts) + line_end, encoding),
            compress,
        )
        check(ingest_path(path, "jsonl"), path, expected)


@FUZZ
@given(
    payload=st.binary(max_size=400),
    compress=st.booleans(),
    fmt=st.sampled_from(["jsonl", "csv", "tsv"]),
)
def test_random_bytes_fuzz(payload, compress, fmt):
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / f"corpus.{fmt}", payload, compress)
        check(ingest_path(path, fmt), path)


# --------------------------------------------------------------------------
# CSV / TSV

cell = st.one_of(doc_text, st.sampled_from(['"', '""', '"quoted"', "a,b", "a\tb", "\n", " "]))
csv_row = st.tuples(st.one_of(st.integers(0, 30).map(str), safe_text), dates, cell)


@FUZZ
@given(
    rows=st.lists(csv_row, max_size=25),
    delimiter=st.sampled_from([",", "\t"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    line_end=st.sampled_from(["\n", "\r\n"]),
    encoding=st.sampled_from(ENCODINGS),
    compress=st.booleans(),
)
def test_delimited_fuzz(rows, delimiter, quoting, line_end, encoding, compress):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=line_end)
    writer.writerow(["id", "date", "text"])
    writer.writerows(rows)
    # The truth is what the csv module itself reads back: its writer leaves a
    # lone "\r" unquoted when the line end is "\n", which splits that row.
    parsed = list(csv.reader(io.StringIO(buffer.getvalue(), newline=""), delimiter=delimiter))
    expected = sum(any(c.strip() for c in row) for row in parsed[1:])
    fmt = "csv" if delimiter == "," else "tsv"
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / f"corpus.{fmt}", encode(buffer.getvalue(), encoding), compress)
        result = check(ingest_path(path, fmt), path, expected)
        if result is not None and encoding != "cp1251":
            # well-formed quoting is never taken for a runaway quote
            assert not result.quarantine["reason"].str.contains("quote").any()


broken_piece = st.sampled_from(['"', '""', ",", "\t", "\n", "\r\n", "text", "1", "2004", " "])


@FUZZ
@given(
    pieces=st.lists(broken_piece, max_size=60),
    delimiter=st.sampled_from([",", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-16"]),
)
def test_broken_delimited_fuzz(pieces, delimiter, encoding):
    """Unbalanced quotes anywhere: every physical data line is accounted for."""
    body = "".join(pieces)
    text = f"id{delimiter}date{delimiter}text\n{body}"
    fmt = "csv" if delimiter == "," else "tsv"
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / f"corpus.{fmt}", encode(text, encoding), False)
        result = check(ingest_path(path, fmt), path)
        if result is not None:
            n_lines = len(io.StringIO(text, newline="").readlines())
            lines = set(result.quarantine["line"]) | {
                int(o.rsplit(":", 1)[1]) for o in result.documents["origin"]
            }
            assert all(2 <= line <= n_lines for line in lines)


# --------------------------------------------------------------------------
# textdir

REGEX = r"doc_(?P<year>\d{4})_\d+\.txt"
member_name = st.one_of(
    st.tuples(st.integers(1850, 2100), st.integers(0, 99)).map(lambda t: f"doc_{t[0]}_{t[1]}.txt"),
    st.sampled_from(["doc_2004_1.txt.bak", "xdoc_2004_1.txt", "doc_2004.txt", "notes.md"]),
)
member_body = st.one_of(
    st.tuples(doc_text, st.sampled_from(ENCODINGS)).map(lambda t: encode(*t)),
    st.binary(max_size=200),
)
member = st.tuples(st.sampled_from(["", "a/", "a/b c/"]), member_name, member_body)


@FUZZ
@given(
    members=st.lists(member, max_size=12, unique_by=lambda m: m[0] + m[1]),
    container=st.sampled_from(["dir", "tar.gz", "zip"]),
)
def test_textdir_fuzz(members, container):
    expected = sum(bool(re.fullmatch(REGEX, name)) for _, name, _ in members)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "texts"
        root.mkdir()
        for prefix, name, payload in members:
            (root / prefix).mkdir(parents=True, exist_ok=True)
            (root / prefix / name).write_bytes(payload)
        path = root
        if container == "tar.gz":
            path = Path(folder) / "texts.tar.gz"
            with tarfile.open(path, "w:gz") as tar:
                tar.add(root, arcname=".")
        elif container == "zip":
            path = Path(folder) / "texts.zip"
            with zipfile.ZipFile(path, "w") as archive:
                for prefix, name, payload in members:
                    archive.writestr(prefix + name, payload)
        columns = {"id": "stem", "date": "year", "text": "text"}
        run = ingest_path(path, "textdir", filename_regex=REGEX, columns=columns)
        check(run, path, expected if expected else None)
