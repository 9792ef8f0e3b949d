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

# Letters with inner hyphens or apostrophes kept whole ("северо-западный",
# "Al-Qaeda", "O'Neill"); digits and underscores are not word characters here.
TOKEN = re.compile(r"[^\W\d_]+(?:[-\u2010\u2011'\u2019][^\W\d_]+)*")
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
# Dotted and bare acronyms that would otherwise lowercase into common words
# ("US" -> "us"); applied to the original-case text before tokenising.
_ACRONYMS = [
    (re.compile(r"\bU\.S\.(?:A\.)?(?!\w)|\bUSA?\b"), "USA"),
    (re.compile(r"\bU\.K\.(?!\w)|\bUK\b"), "UK"),
    (re.compile(r"\bE\.U\.(?!\w)|\bEU\b"), "EU"),
]
_POSSESSIVE = re.compile(r"['\u2019]s$")
_CONTRACTED_NOT = re.compile(r"n['\u2019]t\b", re.IGNORECASE)


def tokenize(text: str) -> list[str]:
    """Word tokens in original case; numbers and punctuation dropped."""
    for pattern, replacement in _ACRONYMS:
        text = pattern.sub(replacement, text)
    text = _CONTRACTED_NOT.sub(" not", text)
    return TOKEN.findall(text)


class Lemmatizer:
    """Lemmatise tokens of either language with per-form caches.

    The cache key is the lower-cased form; Cyrillic forms go to pymorphy3,
    all others to simplemma's English model. ``ё`` is folded to ``е`` so that
    lexicon terms match however a text spells them.
    """

    def __init__(self) -> None:
        self._cache: dict[str, str] = {}

    @cached_property
    def _morph(self):
        import pymorphy3

        return pymorphy3.MorphAnalyzer()

    def lemma(self, token: str) -> str:
        form = token.lower()
        cached = self._cache.get(form)
        if cached is not None:
            return cached
        if _CYRILLIC.search(form):
            lemma = self._morph.parse(form)[0].normal_form
        else:
            import simplemma

            lemma = simplemma.lemmatize(_POSSESSIVE.sub("", form), lang="en").lower()
        lemma = lemma.replace("ё", "е")
        self._cache[form] = lemma
        return lemma

    def lemmas(self, tokens: Iterable[str]) -> list[str]:
        return [self.lemma(t) for t in tokens]

    def lemmatize_text(self, text: str) -> list[str]:
        return self.lemmas(tokenize(text))

    @property
    def cache_size(self) -> int:
        return len(self._cache)


def sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of sentences; paragraph breaks always end a sentence."""
    spans = []
    offset = 0
    for paragraph in text.split("\n"):
        for sent in razdel.sentenize(paragraph):
            if sent.text.strip():
                spans.append((offset + sent.start, offset + sent.stop))
        offset += len(paragraph) + 1
    return spans


def load_wordlist(path) -> set[str]:
    """A word list file: one entry per line, ``#`` starts a comment."""
    words = set()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            entry = line.split("#", 1)[0].strip().lower().replace("ё", "е")
            if entry:
                words.add(entry)
    return words
