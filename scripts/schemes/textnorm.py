"""Text normalisation, language identification and date parsing for ingest."""

from __future__ import annotations

import calendar
import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

# Control characters except tab and newline; also zero-width and BOM marks.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff]")
# Typical signs of UTF-8 text decoded as Latin-1/CP1252 ("mojibake"): Cyrillic
# letters become 'Ð'/'Ñ' followed by a Latin-1 continuation character, and
# punctuation becomes 'â€'.
_MOJIBAKE = re.compile(r"[ÐÑ][\u0080-\u00bf\u2018-\u203a\u0152-\u0178]|â€|Ã[\u0080-\u00bf]")
_HYPHEN_BREAK = re.compile(r"(\w)[-\u00ad]\n(?=[a-zа-яё])")
_SOFT_BREAK = re.compile(r"(?<!\n)\n(?!\n)")
_SPACES = re.compile(r"[ \t\u00a0]+")
_CYRILLIC = re.compile(r"[а-яёА-ЯЁ]")
_LATIN = re.compile(r"[a-zA-Z]")


def clean_text(text: str, join_hard_breaks: bool = True) -> str:
    """NFC-normalise, strip BOM/control characters and join PDF-style hard line breaks.

    Paragraphs (blank-line separated) are kept as ``\\n\\n``; a single newline
    inside a paragraph is a hard line break from PDF conversion and becomes a
    space, and a word hyphenated across a line break is joined.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    if join_hard_breaks:
        text = _HYPHEN_BREAK.sub(r"\1", text)
        text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
        text = re.sub(r"\n{3,}", "\n\n", text)
        text = _SOFT_BREAK.sub(" ", text)
    text = _SPACES.sub(" ", text)
    return text.strip()


def dedup_key(text: str) -> str:
    """Key for exact-duplicate detection: case-folded text with whitespace collapsed."""
    return " ".join(text.casefold().split())


def encoding_problem(text: str, max_share: float = 0.002) -> str | None:
    """Describe broken encoding in ``text`` or return None.

    Counts U+FFFD replacement characters and mojibake sequences; a handful in
    a long text (mis-decoded punctuation) is tolerated, more is quarantined.
    """
    n_bad = text.count("\ufffd") + len(_MOJIBAKE.findall(text))
    if n_bad >= 3 and n_bad / max(len(text), 1) > max_share:
        return f"broken encoding: {n_bad} replacement/mojibake sequences in {len(text)} characters"
    return None


# Letters of Ukrainian that Russian lacks, and letters of Russian that Ukrainian lacks.
_UKRAINIAN = re.compile(r"[іїєґІЇЄҐ]")
_RUSSIAN_ONLY = re.compile(r"[ыэъЫЭЪ]")
_WORD = re.compile(r"[^\W\d_]+")
# Frequent function words. The English list leaves out words just as frequent in
# another language (in, an, on, as, was, will, also, is); each other list leaves
# out words frequent in English, so names such as "de Gaulle" or "Le Monde" in an
# English text add a hit or two against dozens of English ones.
_ENGLISH_WORDS = frozenset(
    "the of and to that for with were are be been by this which from have has had it its "
    "not but or they he she his her their said would who after about than into more over".split()
)
_OTHER_WORDS = {
    "de": "der die das und ist nicht mit von sich den dem des auf ein eine einen einer zu "
    "für wird werden sind auch über nach bei aus wie oder wir ich hat haben wurde noch nur "
    "dass im zum zur vom gegen",
    "fr": "le la les des et est une du dans que qui pour pas sur au aux avec ce sont par "
    "plus cette ont été nous vous il elle mais ou leur",
    "es": "el los las y es una del que por para con se su al lo como más pero sus fue ha "
    "han este esta",
    "it": "il di che è per della delle degli non sono con si gli nel nella alla anche questo",
    "pt": "os em não uma com para da do dos das ao foi são pelo pela",
    "nl": "het een en van dat niet op zijn met voor ook wordt werd naar bij",
    "pl": "nie się jest że na do od przez jak dla oraz czy jego już tak",
}
_OTHER_WORDS = {lang: frozenset(words.split()) for lang, words in _OTHER_WORDS.items()}


def latin_language(text: str) -> str:
    """``en``, or another language whose function words clearly outnumber English ones.

    Another language wins with at least 3 of its function words and more than
    twice as many as English ones; short or ambiguous texts stay ``en``.
    """
    words = [w.lower() for w in _WORD.findall(text)]
    english = sum(w in _ENGLISH_WORDS for w in words)
    hits = {lang: sum(w in vocabulary for w in words) for lang, vocabulary in _OTHER_WORDS.items()}
    best = max(hits, key=hits.get)
    return best if hits[best] >= 3 and hits[best] > 2 * english else "en"


def detect_language(text: str) -> str:
    """Language guess from the script, for the Russian/English case.

    Counts Cyrillic and Latin letters; the majority script decides. A
    Cyrillic text with at least three Ukrainian-only letters (і ї є ґ) and
    more than three times as many as Russian-only ones (ы э ъ) is ``uk`` (a
    Ukrainian place name in a Russian text is not); a Latin-script text whose
    function words are another language's (:func:`latin_language`) gets
    that language. Returns ``"und"`` when the text has no letters of either
    script.
    """
    n_cyr = len(_CYRILLIC.findall(text))
    n_lat = len(_LATIN.findall(text))
    if n_cyr == 0 and n_lat == 0:
        return "und"
    if n_cyr >= n_lat:
        n_uk = len(_UKRAINIAN.findall(text))
        return "uk" if n_uk >= 3 and n_uk > 3 * len(_RUSSIAN_ONLY.findall(text)) else "ru"
    return latin_language(text)


@dataclass(frozen=True)
class ParsedDate:
    """A date with the precision the source gave: day, month or year.

    ``start``/``end`` bound the period the date stands for (a year-only date
    covers the whole year), which is how event windows treat coarse dates.
    """

    start: date
    end: date
    precision: str


_DAY_PATTERNS = [
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$"), ("y", "m", "d")),
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), ("y", "m", "d")),
]
_MONTH_PATTERNS = [re.compile(r"^(\d{4})-(\d{1,2})$"), re.compile(r"^(\d{4})/(\d{1,2})$")]
_YEAR_PATTERN = re.compile(r"^(\d{4})$")
MIN_YEAR, MAX_YEAR = 1800, 2100


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_date(value: object) -> ParsedDate:
    """Parse a date string keeping its precision; raise ValueError with the reason."""
    if value is None:
        raise ValueError("missing date")
    text = str(value).strip()
    if not text or text.lower() in {"nan", "nat", "none", "null"}:
        raise ValueError("missing date")
    for pattern, order in _DAY_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            _check_year(parts["y"], text)
            try:
                day = date(parts["y"], parts["m"], parts["d"])
            except ValueError as err:
                raise ValueError(f"invalid date {text!r}: {err}") from None
            return ParsedDate(day, day, "day")
    for pattern in _MONTH_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            _check_year(year, text)
            if not 1 <= month <= 12:
                raise ValueError(f"invalid date {text!r}: month {month} out of range")
            return ParsedDate(date(year, month, 1), _last_day(year, month), "month")
    match = _YEAR_PATTERN.match(text)
    if match:
        year = int(match.group(1))
        _check_year(year, text)
        return ParsedDate(date(year, 1, 1), date(year, 12, 31), "year")
    raise ValueError(
        f"unparseable date {text!r} (expected YYYY-MM-DD, DD.MM.YYYY, YYYY-MM or YYYY)"
    )


def _check_year(year: int, text: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"implausible year in date {text!r}")


# --- files that coders open in spreadsheets ---------------------------------

# A cell starting with one of these is a formula to Excel, LibreOffice and
# Google Sheets ("=HYPERLINK(...)" in an id or a text runs when opened).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def to_spreadsheet(value):
    """Prefix an apostrophe to a text cell a spreadsheet would run as a formula.

    Spreadsheets show and save such a cell as the plain text; the apostrophe is
    removed again by :func:`from_spreadsheet` when a file is read back.
    """
    # a leading apostrophe is doubled too, so that the round trip is exact
    if isinstance(value, str) and value.startswith((*_FORMULA_START, "'")):
        return "'" + value
    return value


def from_spreadsheet(value):
    """Undo :func:`to_spreadsheet` (a file read back without a spreadsheet round trip)."""
    if isinstance(value, str) and value[:1] == "'" and value[1:].startswith((*_FORMULA_START, "'")):
        return value[1:]
    return value


def write_for_coders(frame, path, **to_csv) -> None:
    """Write a CSV that coders open in a spreadsheet: formula-like cells neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or str(safe[column].dtype) in ("str", "string"):
            safe[column] = safe[column].map(to_spreadsheet)
    safe.to_csv(path, index=False, **to_csv)


class CodedFileError(ValueError):
    """A coder, gold, design or adjudication file with a problem (the message names file and line)."""


# A one-column header holding one of these is a whole row of another separator.
_OTHER_SEPARATORS = ((";", "';'"), ("\t", "a tab"), ("|", "'|'"))
_SAVE_UTF8 = (
    "save it as CSV in UTF-8 (Excel: 'CSV UTF-8'; LibreOffice: Text CSV, character set "
    "'Unicode (UTF-8)')"
)


def _coder_text(path) -> str:
    """The file's text; a file that is not UTF-8 names its first bad line and the fix."""
    raw = Path(path).read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise CodedFileError(
            f"{path}, line {line}: not UTF-8 (byte 0x{raw[err.start]:02x}); {_SAVE_UTF8}"
        ) from None


def check_coder_header(path, text: str, separator: str = ",") -> None:
    """Refuse a header with a repeated column or one that is a row of another separator."""
    header = next(csv.reader(io.StringIO(text), delimiter=separator), [])
    if len(header) == 1:
        for other, name in _OTHER_SEPARATORS:
            if other != separator and other in header[0]:
                raise CodedFileError(
                    f"{path}, line 1: the columns seem to be separated by {name}, not "
                    f"{separator!r} (a spreadsheet set to a language with decimal commas?); "
                    f"save the file with {separator!r} between the cells"
                )
    seen: dict[str, int] = {}
    for number, name in enumerate(header, start=1):
        if name in seen:
            raise CodedFileError(
                f"{path}, line 1: column {name!r} appears twice (columns {seen[name]} and "
                f"{number}); rename or delete one of them"
            )
        seen[name] = number


def read_from_coders(path, **read_csv):
    """Read a CSV written by :func:`write_for_coders` (or a coder's copy of it) as text.

    A file that is not UTF-8, has another separator, repeats a column or
    has a row with more cells than the header is refused in one line
    naming the file, the line and the fix.
    """
    import pandas as pd  # heavy; this module otherwise needs only the standard library

    text = _coder_text(path)
    check_coder_header(path, text, read_csv.get("sep", ","))
    try:
        # utf-8-sig: spreadsheets save "CSV UTF-8" with a byte-order mark
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8-sig", **read_csv
        )
    except pd.errors.EmptyDataError:
        raise CodedFileError(f"{path}: the file is empty (expected a header line)") from None
    except pd.errors.ParserError as err:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(err))
        if not found:
            raise CodedFileError(f"{path}: not a CSV table ({str(err).strip()})") from None
        expected, line, saw = found.groups()
        raise CodedFileError(
            f"{path}, line {line}: {saw} cells, the header has {expected} (a comma in a cell "
            "that is not quoted?)"
        ) from None
    frame = frame.map(from_spreadsheet)
    lines = record_lines(text, read_csv.get("sep", ","))
    if len(lines) == len(frame):
        frame.attrs["lines"] = lines
    return frame


def record_lines(text: str, separator: str = ",") -> list[int]:
    """The line on which every record after the header starts, blank lines skipped (as
    pandas does): a quoted cell may span lines, so a record's line is not its index + 2."""
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    lines, end = [], 0
    for row in reader:
        if row:
            lines.append(end + 1)
        end = reader.line_num
    return lines[1:]


def line_of(frame, position: int) -> int:
    """The file line of a frame's row (by position): the one :func:`read_from_coders`
    recorded, else the row after the header line."""
    lines = frame.attrs.get("lines")
    return int(lines[position]) if lines is not None else int(position) + 2
