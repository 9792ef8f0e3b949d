"""Conspiracy-claim detection following Radnitz (2021): a few actors acting
*covertly* toward a *malevolent end*.

A sentence is a claim when its lemmas contain all three parts — an accused
actor, a covert-action marker and a malevolent-aim marker — and the covert or
aim marker is not negated (a negator within ``negation_window`` tokens
before it) and the sentence carries no denial cue ("denied that", "myth").
A claim is *anti-Western* when its accused actor belongs to a category the
lexicon marks ``western: true``.

Lexicons are YAML files, one per language (``config/lexicons/<lang>.yaml``);
each entry has a ``term`` (any inflected form; it is lemmatised with the same
lemmatiser as the text) and a ``note`` giving its provenance.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from schemes.nlp import Lemmatizer

PARTS = ("actor", "covert", "aim")


class LexiconError(ValueError):
    pass


@dataclass
class Lexicon:
    """Lemmatised lexicon of one language: term tuples indexed by first lemma."""

    language: str
    western: dict[str, bool] = field(default_factory=dict)
    priority: dict[str, int] = field(default_factory=dict)
    index: dict[str, list[tuple[tuple[str, ...], str, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    negators: set[str] = field(default_factory=set)
    denials: list[tuple[str, ...]] = field(default_factory=list)

    def add(self, lemmas: tuple[str, ...], part: str, category: str) -> None:
        self.index[lemmas[0]].append((lemmas, part, category))

    def matches(self, lemmas: list[str], gap: int = 0) -> list[tuple[int, int, str, str]]:
        """All (start, end, part, category) term occurrences.

        A multi-word term may have up to ``gap`` other tokens between
        consecutive words ("смены *неугодного* режима", "break *the country*
        apart" with gap 2).
        """
        found = []
        for start, lemma in enumerate(lemmas):
            for term, part, category in self.index.get(lemma, ()):
                end = match_from(lemmas, start, term, gap)
                if end:
                    found.append((start, end, part, category))
        return found


def match_from(lemmas: list[str], start: int, term: tuple[str, ...], gap: int) -> int:
    """End position of ``term`` starting at ``start`` (0 if it does not match there)."""
    if lemmas[start] != term[0]:
        return 0
    position = start
    for word in term[1:]:
        window = lemmas[position + 1 : position + 2 + gap]
        if word not in window:
            return 0
        position += 1 + window.index(word)
    return position + 1


def _entries(section, where: str) -> list[dict]:
    if not isinstance(section, list):
        raise LexiconError(f"{where}: expected a list of {{term, note}} entries")
    for number, entry in enumerate(section, start=1):
        if not isinstance(entry, dict) or not entry.get("term") or not entry.get("note"):
            raise LexiconError(f"{where}, entry {number}: needs a 'term' and a provenance 'note'")
    return section


def load_lexicon(path, lemmatizer: Lemmatizer) -> Lexicon:
    """Read and lemmatise one lexicon file; errors name the file and the entry."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise LexiconError(f"{path}: not a YAML mapping")
    for key in ("language", "actors", "covert", "aim"):
        if key not in raw:
            raise LexiconError(f"{path}: missing top-level key {key!r}")
    lexicon = Lexicon(language=raw["language"])

    def lemmatised(term: str, where: str) -> tuple[str, ...]:
        lemmas = tuple(lemmatizer.lemmatize_text(term))
        if not lemmas:
            raise LexiconError(f"{where}: term {term!r} has no word characters")
        return lemmas

    for category, spec in raw["actors"].items():
        where = f"{path}: actors.{category}"
        if not isinstance(spec, dict) or "terms" not in spec:
            raise LexiconError(f"{where}: expected {{western: bool, terms: [...]}}")
        lexicon.western[category] = bool(spec.get("western", False))
        lexicon.priority[category] = int(spec.get("priority", 1))
        for entry in _entries(spec["terms"], where):
            lexicon.add(lemmatised(entry["term"], where), "actor", category)
    for part in ("covert", "aim"):
        for entry in _entries(raw[part], f"{path}: {part}"):
            lexicon.add(lemmatised(entry["term"], f"{path}: {part}"), part, part)
    for entry in _entries(raw.get("negators", []), f"{path}: negators"):
        lexicon.negators.update(lemmatised(entry["term"], f"{path}: negators"))
    for entry in _entries(raw.get("denials", []), f"{path}: denials"):
        lexicon.denials.append(lemmatised(entry["term"], f"{path}: denials"))
    return lexicon


@dataclass
class SentenceCoding:
    """What the detector found in one sentence."""

    is_claim: bool
    negated: bool
    accused_category: str | None
    anti_western: bool
    actor_terms: list[str]
    covert_terms: list[str]
    aim_terms: list[str]

    @property
    def parts_found(self) -> int:
        return sum(bool(x) for x in (self.actor_terms, self.covert_terms, self.aim_terms))


def _contains(lemmas: list[str], term: tuple[str, ...], gap: int) -> bool:
    return any(match_from(lemmas, i, term, gap) for i in range(len(lemmas)))


def code_sentence(
    lemmas: list[str], lexicon: Lexicon, negation_window: int = 3, term_gap: int = 2
) -> SentenceCoding:
    """Apply the three-part claim definition with negation handling to one sentence."""
    hits = lexicon.matches(lemmas, term_gap)
    by_part: dict[str, list[tuple[int, int, str]]] = {p: [] for p in PARTS}
    for start, end, part, category in hits:
        by_part[part].append((start, end, category))
    actor_hits = sorted(by_part["actor"])
    # The accused is the most specific Western actor named (highest lexicon
    # priority: "фонды Сороса" is Soros, "западные спецслужбы" intelligence,
    # not the generic West), the earliest among equals; else the first actor.
    western = [h for h in actor_hits if lexicon.western.get(h[2])]
    candidates = western or actor_hits
    accused = (
        max(candidates, key=lambda h: (lexicon.priority.get(h[2], 1), -h[0]))[2]
        if candidates
        else None
    )

    def negated_at(start: int) -> bool:
        return any(t in lexicon.negators for t in lemmas[max(0, start - negation_window) : start])

    marker_hits = by_part["covert"] + by_part["aim"]
    negated = any(negated_at(s) for s, _, _ in marker_hits) or any(
        _contains(lemmas, term, term_gap) for term in lexicon.denials
    )
    complete = all(by_part[p] for p in PARTS)

    def terms(part: str) -> list[str]:
        return [" ".join(lemmas[s:e]) for s, e, _ in sorted(by_part[part])]

    return SentenceCoding(
        is_claim=complete and not negated,
        negated=complete and negated,
        accused_category=accused,
        anti_western=bool(western),
        actor_terms=terms("actor"),
        covert_terms=terms("covert"),
        aim_terms=terms("aim"),
    )


CLAIM_COLUMNS = [
    "doc_id",
    "sent_id",
    "date",
    "source",
    "lang",
    "accused_category",
    "anti_western",
    "actor_terms",
    "covert_terms",
    "aim_terms",
    "sentence",
]


def detect_claims(
    sentences: pd.DataFrame,
    documents: pd.DataFrame,
    lexicons: dict[str, Lexicon],
    negation_window: int = 3,
    term_gap: int = 2,
    max_sentence_chars: int = 500,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Code every sentence; return (claims, doc_claims).

    ``claims`` has one row per detected claim (Western or not); ``doc_claims``
    has one row per document with ``n_claims`` (anti-Western claims, the
    measure the event stage ranks on), ``n_claims_any`` and ``n_negated``.
    """
    docs = documents.set_index("doc_id")
    lang_of = docs["lang"]
    rows = []
    negated = defaultdict(int)
    for doc_id, sent_id, start, end, lemma_text in sentences[
        ["doc_id", "sent_id", "start", "end", "lemmas"]
    ].itertuples(index=False):
        lexicon = lexicons.get(lang_of[doc_id])
        if lexicon is None:
            continue
        lemmas = lemma_text.split()
        if not any(lemma in lexicon.index for lemma in lemmas):
            continue
        coding = code_sentence(lemmas, lexicon, negation_window, term_gap)
        if coding.negated:
            negated[doc_id] += 1
        if not coding.is_claim:
            continue
        text = docs.at[doc_id, "text"][start:end]
        rows.append(
            {
                "doc_id": doc_id,
                "sent_id": int(sent_id),
                "date": docs.at[doc_id, "date"],
                "source": docs.at[doc_id, "source"],
                "lang": lang_of[doc_id],
                "accused_category": coding.accused_category,
                "anti_western": coding.anti_western,
                "actor_terms": "; ".join(coding.actor_terms),
                "covert_terms": "; ".join(coding.covert_terms),
                "aim_terms": "; ".join(coding.aim_terms),
                "sentence": text[:max_sentence_chars],
            }
        )
    claims = pd.DataFrame(rows, columns=CLAIM_COLUMNS).astype({"anti_western": bool})
    per_doc = documents[["doc_id", "date", "date_end", "date_precision", "source", "lang"]].copy()
    anti = claims[claims["anti_western"]].groupby("doc_id").size()
    per_doc["n_claims"] = per_doc["doc_id"].map(anti).fillna(0).astype(int)
    per_doc["n_claims_any"] = (
        per_doc["doc_id"].map(claims.groupby("doc_id").size()).fillna(0).astype(int)
    )
    per_doc["n_negated"] = per_doc["doc_id"].map(negated).fillna(0).astype(int)
    return claims, per_doc


def run_framing(
    sentences_path: str,
    documents_path: str,
    lexicon_paths: dict[str, str],
    negation_window: int,
    term_gap: int,
    claims_path: str,
    doc_claims_path: str,
) -> dict:
    lemmatizer = Lemmatizer()
    lexicons = {lang: load_lexicon(path, lemmatizer) for lang, path in lexicon_paths.items()}
    sentences = pd.read_parquet(sentences_path)
    documents = pd.read_parquet(documents_path)
    claims, per_doc = detect_claims(sentences, documents, lexicons, negation_window, term_gap)
    claims.to_csv(claims_path, index=False)
    per_doc.to_parquet(doc_claims_path, index=False)
    return {
        "sentences": len(sentences),
        "claims": len(claims),
        "anti_western_claims": int(claims["anti_western"].sum()),
        "negated_candidates": int(per_doc["n_negated"].sum()),
        "accused": claims["accused_category"].value_counts().sort_index().to_dict(),
    }
