"""Tokenisation, lemmatisation and sentence segmentation for Russian and English.

Russian words go through pymorphy3 and English (Latin-script) words through
simplemma, each behind a per-word-form cache: a corpus repeats its forms so
often that the cache serves nearly every token (see bench/). Latin-script
names inside Russian text (``NATO``, ``Soros``) are lemmatised as English.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property

import razdel

# Dotted acronyms first (they would otherwise split or lowercase into common
# words: "U.S." -> "u", "s"; "US" -> "us"), then letters with inner hyphens or
# apostrophes kept whole ("северо-западный", "Al-Qaeda", "O'Neill"); digits
# and underscores are not word characters here.
TOKEN = re.compile(r"U\.S\.(?:A\.)?|U\.K\.|E\.U\.|[^\W\d_]+(?:[-\u2010\u2011'\u2019][^\W\d_]+)*")
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_ACRONYMS = {"U.S.": "USA", "U.S.A.": "USA", "US": "USA", "U.K.": "UK", "E.U.": "EU"}
_POSSESSIVE = re.compile(r"['\u2019]s$")
_CONTRACTED_NOT = re.compile(r"(?<=\w)n['\u2019]t$", re.IGNORECASE)


def token_spans(text: str) -> list[tuple[str, int, int]]:
    """Word tokens with their character spans in ``text``.

    Acronyms are normalised (``U.S.``/``US`` -> ``USA``) and a contracted
    negation is split off ("didn't" -> "did", "not"), so every negation and
    actor survives lower-casing; numbers and punctuation are dropped.
    """
    out = []
    for match in TOKEN.finditer(text):
        token, start, end = match.group(), match.start(), match.end()
        contracted = _CONTRACTED_NOT.search(token)
        if contracted:
            cut = start + contracted.start()
            out += [(token[: contracted.start()], start, cut), ("not", cut, end)]
            continue
        out.append((_ACRONYMS.get(token, token), start, end))
    return out


def tokenize(text: str) -> list[str]:
    """Word tokens in original case; the same tokens as :func:`token_spans`, faster."""
    tokens = TOKEN.findall(text)
    if "'" in text or "\u2019" in text or "." in text or "US" in text:
        return [token for token, _, _ in token_spans(text)]
    return tokens


class Lemmatizer:
    """Lemmatise tokens of either language with per-form caches.

    The cache key is the lower-cased form; Cyrillic forms go to pymorphy3,
    all others to simplemma's English model. ``ё`` is folded to ``е`` so that
    lexicon terms match however a text spells them.
    """

    def __init__(self) -> None:
        self._cache: dict[str, str] = {}  # lower-cased form -> lemma
        self._surface: dict[str, str] = {}  # token as written -> lemma (skips lower())

    @cached_property
    def _morph(self):
        import pymorphy3  # heavy; only Cyrillic forms need it

        return pymorphy3.MorphAnalyzer()

    def lemma(self, token: str) -> str:
        cached = self._surface.get(token)
        if cached is not None:
            return cached
        form = token.lower()
        lemma = self._cache.get(form)
        if lemma is None:
            if _CYRILLIC.search(form):
                lemma = self._morph.parse(form)[0].normal_form
            else:
                import simplemma  # loaded on first use: only Latin-script tokens need it

                lemma = simplemma.lemmatize(_POSSESSIVE.sub("", form), lang="en").lower()
            if "ё" in lemma:
                lemma = lemma.replace("ё", "е")
            self._cache[form] = lemma
        self._surface[token] = lemma
        return lemma

    def lemmas(self, tokens: Iterable[str]) -> list[str]:
        surface, lemma = self._surface, self.lemma
        out = []
        for token in tokens:
            hit = surface.get(token)
            out.append(hit if hit is not None else lemma(token))
        return out

    def lemmatize_text(self, text: str) -> list[str]:
        return self.lemmas(tokenize(text))

    def warm_up(self) -> None:
        """Load the dictionaries now, so that timings and first calls are even."""
        self._morph.parse("тест")

    @property
    def cache_size(self) -> int:
        return len(self._cache)


# A sentence can only end inside a paragraph at a terminator followed by
# space: paragraphs without one (headlines, titles) skip razdel entirely.
_INNER_END = re.compile(r"[.!?…]['\"»”)]*\s+\S")


def sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of sentences; paragraph breaks always end a sentence."""
    spans = []
    offset = 0
    for paragraph in text.split("\n"):
        if not _INNER_END.search(paragraph):
            stripped = paragraph.strip()
            if stripped:
                start = offset + paragraph.index(stripped)
                spans.append((start, start + len(stripped)))
        else:
            for sent in razdel.sentenize(paragraph):
                if sent.text.strip():
                    spans.append((offset + sent.start, offset + sent.stop))
        offset += len(paragraph) + 1
    return spans


def load_stopwords(paths: dict[str, str]) -> dict[str, set[str]]:
    """Stopword lists, one file per language."""
    return {lang: load_wordlist(path) for lang, path in paths.items()}


def load_wordlist(path) -> set[str]:
    """A word list file: one entry per line, ``#`` starts a comment."""
    words = set()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            entry = line.split("#", 1)[0].strip().lower().replace("ё", "е")
            if entry:
                words.add(entry)
    return words
