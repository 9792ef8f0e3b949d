from datetime import date

import pytest
from schemes.textnorm import clean_text, dedup_key, detect_language, encoding_problem, parse_date


def test_clean_text_strips_bom_controls_and_normalises_nfc():
    raw = "\ufeffCafe\u0301\x00 news\x07 here"
    assert clean_text(raw) == "Café news here"


def test_clean_text_joins_pdf_hard_line_breaks_and_keeps_paragraphs():
    raw = "The General Assembly has\nmet today for the inter-\nnational debate.\n\nSecond paragraph\nhere."
    assert clean_text(raw) == (
        "The General Assembly has met today for the international debate.\n\nSecond paragraph here."
    )


def test_clean_text_can_keep_line_breaks():
    assert clean_text("a\nb", join_hard_breaks=False) == "a\nb"


def test_dedup_key_ignores_case_and_whitespace():
    assert dedup_key("Hello  World\n") == dedup_key("hello world")


@pytest.mark.parametrize(
    "value, start, end, precision",
    [
        ("2004-11-21", date(2004, 11, 21), date(2004, 11, 21), "day"),
        ("2004-11-21T10:00:00", date(2004, 11, 21), date(2004, 11, 21), "day"),
        ("21.11.2004", date(2004, 11, 21), date(2004, 11, 21), "day"),
        ("2004-02", date(2004, 2, 1), date(2004, 2, 29), "month"),
        ("1999", date(1999, 1, 1), date(1999, 12, 31), "year"),
    ],
)
def test_parse_date_keeps_precision(value, start, end, precision):
    parsed = parse_date(value)
    assert (parsed.start, parsed.end, parsed.precision) == (start, end, precision)


@pytest.mark.parametrize(
    "value, message",
    [
        ("2003-02-30", "invalid date"),
        ("unknown", "unparseable"),
        ("", "missing"),
        (None, "missing"),
        ("2004-13", "month 13"),
        ("0203-01-01", "implausible year"),
    ],
)
def test_parse_date_errors_say_why(value, message):
    with pytest.raises(ValueError, match=message):
        parse_date(value)


def test_detect_language_by_script():
    assert detect_language("Вашингтон тайно финансирует оппозицию") == "ru"
    assert detect_language("Washington secretly funds the opposition") == "en"
    assert detect_language("НАТО и NATO: в Брюсселе") == "ru"
    assert detect_language("12345 !!!") == "und"


def test_encoding_problem_flags_mojibake_but_tolerates_a_few_glitches():
    text = "Вашингтон тайно финансирует оппозицию в регионе"
    assert encoding_problem(text.encode("utf-8").decode("latin-1"))
    assert encoding_problem("word \ufffd " * 3) is not None
    sentence = "A long speech with ordinary words that goes on and on for a while. "
    glitch = "a mis-decoded quote \u00e2\u20ac\u2122 here. "
    long_ok = (sentence * 50 + glitch) * 3
    assert encoding_problem(long_ok) is None
    assert encoding_problem(text) is None


@pytest.mark.parametrize(
    "text, language",
    [
        ("Уряд оголосив про нові санкції проти Росії.", "uk"),
        ("Президент України заявив, що західні партнери продовжать підтримку.", "uk"),
        # a Ukrainian place name or slogan in a Russian text stays Russian
        ("Президент провел переговоры в Києві и заявил о тайном плане Запада.", "ru"),
        ("Толпа скандировала «Слава Україні» у здания администрации.", "ru"),
        ("Die Regierung hat am Montag beschlossen, dass die Sanktionen verlängert werden.", "de"),
        ("Le président a annoncé que les sanctions contre la Russie seront prolongées.", "fr"),
        ("El gobierno anunció que las sanciones contra Rusia se mantendrán por seis meses.", "es"),
        # names from other languages, and short headlines, stay English
        ("Le Monde and Die Welt said that the airport of la Paz was closed by the army.", "en"),
        ("Putin meets Bush in Moscow", "en"),
    ],
)
def test_ukrainian_and_other_latin_languages_are_told_apart(text, language):
    assert detect_language(text) == language
