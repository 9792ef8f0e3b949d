"""Text normalisation, language identification and date parsing for ingest."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

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


def detect_language(text: str, supported: tuple[str, ...] = ("ru", "en")) -> str:
    """Script-based language guess for the Russian/English case.

    Counts Cyrillic and Latin letters; the majority script decides. Returns
    ``"und"`` when the text has no letters of either script.
    """
    n_cyr = len(_CYRILLIC.findall(text))
    n_lat = len(_LATIN.findall(text))
    if n_cyr == 0 and n_lat == 0:
        return "und"
    lang = "ru" if n_cyr >= n_lat else "en"
    return lang if lang in supported else "und"


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


def read_from_coders(path, **read_csv):
    """Read a CSV written by :func:`write_for_coders` (or a coder's copy of it) as text."""
    import pandas as pd  # heavy; this module otherwise needs only the standard library

    # utf-8-sig: spreadsheets save "CSV UTF-8" with a byte-order mark
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", **read_csv)
    return frame.map(from_spreadsheet)
