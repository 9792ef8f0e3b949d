"""Conspiracy-claim detection following Radnitz (2021): a few actors acting
*covertly* toward a *malevolent end*.

A sentence (or a window of ``window_sentences`` consecutive sentences) is a
claim when its lemmas contain all three parts — an accused actor, a
covert-action marker and a malevolent-aim marker — and

* neither marker is negated (a negator within ``negation_window`` tokens
  before it: «не финансировал», "did not fund"),
* the text carries no denial cue ("denied that", «миф», "no evidence"), and
* it carries no distancing hedge («якобы», "allegedly"), unless
  ``count_hedged`` is set.

A claim is *anti-Western* when its accused actor belongs to a category the
lexicon marks ``western: true``. Like the book's coders, every claim is coded
for the accused (the most specific actor named), the accuser (a quoted or
attributed speaker, else the outlet), the target country (the first place
named in the claim, else the document's most named place) and the evidence:
the matched words with their character offsets in the document text.

Lexicons are YAML files, one per language (``config/lexicons/<lang>.yaml``);
each entry has a ``term`` (any inflected form; it is lemmatised with the same
lemmatiser as the text) and a ``note`` giving its provenance.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import yaml

from schemes.nlp import Lemmatizer, token_spans
from schemes.preprocess import read_sentences
from schemes.settings import Settings, key

PARTS = ("actor", "covert", "aim")
STATUSES = ("claim", "negated", "hedged", "partial")


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
    hedges: list[tuple[str, ...]] = field(default_factory=list)
    accuser_patterns: list[re.Pattern] = field(default_factory=list)

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
                end = match_from(lemmas, start, term, gap=gap)
                if end:
                    found.append((start, end, part, category))
        return found


def match_from(lemmas: list[str], start: int, term: tuple[str, ...], *, gap: int) -> int:
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
    for required in ("language", "actors", "covert", "aim"):
        if required not in raw:
            raise LexiconError(f"{path}: missing top-level key {required!r}")
    lexicon = Lexicon(language=raw["language"])

    def lemmatised(term: str, where: str) -> tuple[str, ...]:
        lemmas = tuple(lemmatizer.lemmatize_text(term))
        if not lemmas:
            raise LexiconError(f"{where}: term {term!r} has no word characters")
        return lemmas

    def section(name: str) -> list[tuple[str, ...]]:
        return [
            lemmatised(e["term"], f"{path}: {name}")
            for e in _entries(raw.get(name, []), f"{path}: {name}")
        ]

    for category, spec in raw["actors"].items():
        where = f"{path}: actors.{category}"
        if not isinstance(spec, dict) or "terms" not in spec:
            raise LexiconError(f"{where}: expected {{western: bool, terms: [...]}}")
        lexicon.western[category] = bool(spec.get("western", False))
        lexicon.priority[category] = int(spec.get("priority", 1))
        for entry in _entries(spec["terms"], where):
            lexicon.add(lemmatised(entry["term"], where), "actor", category)
    for part in ("covert", "aim"):
        for lemmas in section(part):
            lexicon.add(lemmas, part, part)
    for code, entries in (raw.get("places") or {}).items():
        for entry in _entries(entries, f"{path}: places.{code}"):
            lexicon.add(lemmatised(entry["term"], f"{path}: places.{code}"), "place", code)
    for lemmas in section("negators"):
        lexicon.negators.update(lemmas)
    lexicon.denials = section("denials")
    lexicon.hedges = section("hedges")
    for number, entry in enumerate(raw.get("accusers", []), start=1):
        try:
            pattern = re.compile(entry["pattern"])
        except (KeyError, TypeError, re.error) as err:
            raise LexiconError(f"{path}: accusers, entry {number}: bad pattern ({err})") from None
        if "speaker" not in pattern.groupindex or not entry.get("note"):
            raise LexiconError(
                f"{path}: accusers, entry {number}: needs a (?P<speaker>...) group and a note"
            )
        lexicon.accuser_patterns.append(pattern)
    return lexicon


@dataclass
class SentenceCoding:
    """What the detector found in one sentence (or window of sentences)."""

    status: str  # claim, negated, hedged, partial or none
    accused_category: str | None
    anti_western: bool
    hits: dict[str, list[tuple[int, int, str]]]  # part -> (start, end, category)

    @property
    def is_claim(self) -> bool:
        return self.status == "claim"

    @property
    def negated(self) -> bool:
        return self.status == "negated"

    @property
    def parts_found(self) -> int:
        return sum(bool(self.hits[p]) for p in PARTS)

    def terms(self, part: str, lemmas: list[str]) -> list[str]:
        return [" ".join(lemmas[s:e]) for s, e, _ in sorted(self.hits[part])]


def _contains(lemmas: list[str], term: tuple[str, ...], gap: int) -> bool:
    return any(match_from(lemmas, i, term, gap=gap) for i in range(len(lemmas)))


def code_sentence(
    lemmas: list[str],
    lexicon: Lexicon,
    *,
    negation_window: int = 3,
    term_gap: int = 2,
    count_hedged: bool = False,
) -> SentenceCoding:
    """Apply the three-part claim definition with negation and hedge handling."""
    hits: dict[str, list[tuple[int, int, str]]] = {p: [] for p in (*PARTS, "place")}
    for start, end, part, category in lexicon.matches(lemmas, term_gap):
        hits[part].append((start, end, category))
    actor_hits = sorted(hits["actor"])
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
    if not any(hits[p] for p in PARTS):
        status = "none"
    elif not all(hits[p] for p in PARTS):
        status = "partial"
    elif any(
        any(t in lexicon.negators for t in lemmas[max(0, s - negation_window) : s])
        for s, _, _ in hits["covert"] + hits["aim"]
    ) or any(_contains(lemmas, term, term_gap) for term in lexicon.denials):
        status = "negated"
    elif not count_hedged and any(_contains(lemmas, term, term_gap) for term in lexicon.hedges):
        status = "hedged"
    else:
        status = "claim"
    return SentenceCoding(status, accused, bool(western), hits)


def find_accuser(text: str, lexicon: Lexicon) -> str | None:
    """The speaker a claim is attributed to ("— сказал депутат", "according to X"), if any."""
    for pattern in lexicon.accuser_patterns:
        match = pattern.search(text)
        if match:
            speaker = " ".join(match.group("speaker").split()).strip(" ,.;:—-«»\"'")
            if speaker:
                return speaker
    return None


@dataclass(frozen=True)
class LexiconSettings(Settings):
    """The sentence lexicons and their term gap (read by the claims and item_rules rules)."""

    lexicons: dict = key("framing.lexicons")  # language -> lexicon YAML
    term_gap: int = key("framing.term_gap")


@dataclass(frozen=True)
class ClaimsSettings(LexiconSettings):
    SECTION: ClassVar[str] = "framing"
    negation_window: int
    window_sentences: int
    count_hedged: bool


# the claims and candidates tables cut a window's text to this many characters
MAX_SENTENCE_CHARS = 600

CLAIM_COLUMNS = [
    "claim_id",
    "doc_id",
    "sent_id",
    "n_sentences",
    "date",
    "source",
    "lang",
    "accused_category",
    "anti_western",
    "accuser",
    "accuser_kind",
    "target_country",
    "actor_text",
    "covert_text",
    "aim_text",
    "evidence_spans",
    "sentence",
]
CANDIDATE_COLUMNS = [
    "doc_id",
    "sent_id",
    "status",
    "parts",
    "accused_category",
    "anti_western",
    "sentence",
]


def _surface(text: str, spans, hits, *, offset: int) -> tuple[dict[str, str], str]:
    """Matched words per part and their document character spans."""
    words: dict[str, list[str]] = {p: [] for p in PARTS}
    where = []
    for part in PARTS:
        for s, e, _ in sorted(hits[part]):
            if e - 1 < len(spans):
                a, b = spans[s][1], spans[e - 1][2]
                words[part].append(text[a:b])
                where.append(f"{part}:{offset + a}-{offset + b}")
    return {p: "; ".join(w) for p, w in words.items()}, " ".join(where)


def code_window(
    lemma_lists: list[list[str]], first: int, lexicon: Lexicon, *, settings: ClaimsSettings
) -> tuple[SentenceCoding | None, int]:
    """Code the window that starts at sentence ``first``; return it and its last sentence.

    The window widens (up to ``window_sentences``) while it holds no part or
    only some parts of a claim.
    """
    width = max(1, settings.window_sentences)
    coding, last = None, first
    for last in range(first, min(first + width, len(lemma_lists))):
        lemmas = [w for chunk in lemma_lists[first : last + 1] for w in chunk]
        coding = code_sentence(
            lemmas,
            lexicon,
            negation_window=settings.negation_window,
            term_gap=settings.term_gap,
            count_hedged=settings.count_hedged,
        )
        if coding.status != "partial" and coding.status != "none":
            break
    return coding, last


def candidate_row(doc_id, coding: SentenceCoding, *, sent_id: int, span_text: str) -> dict:
    """A near miss (negated, hedged, or two of the three parts) for the candidates table."""
    return {
        "doc_id": doc_id,
        "sent_id": sent_id,
        "status": coding.status,
        "parts": ",".join(p for p in PARTS if coding.hits[p]),
        "accused_category": coding.accused_category,
        "anti_western": coding.anti_western,
        "sentence": span_text[:MAX_SENTENCE_CHARS],
    }


def document_places(lemma_lists: list[list[str]], lexicon: Lexicon, term_gap: int) -> Counter:
    """How often a document's sentences name each place of the lexicon, in order of first mention."""
    return Counter(
        category
        for lemmas in lemma_lists
        for _, _, part, category in lexicon.matches(lemmas, term_gap)
        if part == "place"
    )


def claim_row(
    docs: pd.DataFrame,
    doc_id,
    coding: SentenceCoding,
    *,
    sent_id,
    n_sentences: int,
    span_text: str,
    start: int,
    target: str,
    speaker: str | None,
) -> dict:
    """One claim's coded fields for the claims table.

    ``sent_id``: the window's first sentence; ``start``: the offset of
    ``span_text`` in the document; ``speaker``: the attributed accuser, if any.
    """
    surface, evidence = _surface(span_text, token_spans(span_text), coding.hits, offset=start)
    return {
        "claim_id": f"{doc_id}:{sent_id}",
        "doc_id": doc_id,
        "sent_id": int(sent_id),
        "n_sentences": n_sentences,
        "date": docs.at[doc_id, "date"],
        "source": docs.at[doc_id, "source"],
        "lang": docs.at[doc_id, "lang"],
        "accused_category": coding.accused_category,
        "anti_western": coding.anti_western,
        "accuser": speaker or docs.at[doc_id, "source"],
        "accuser_kind": "attributed" if speaker else "outlet",
        "target_country": target,
        "actor_text": surface["actor"],
        "covert_text": surface["covert"],
        "aim_text": surface["aim"],
        "evidence_spans": evidence,
        "sentence": span_text[:MAX_SENTENCE_CHARS],
    }


def code_document(
    docs: pd.DataFrame, doc_id, group: pd.DataFrame, *, lexicon: Lexicon, settings: ClaimsSettings
) -> tuple[list[dict], list[dict], Counter]:
    """Code one document's sentence windows; return (claims, candidates, counts).

    A claim's window uses up its sentences; after any other window the next
    one starts one sentence later. ``counts``: claim, anti_western, negated,
    hedged and partial windows.
    """
    claims, candidates, counts = [], [], Counter()
    lemma_lists = [text.split() for text in group["lemmas"]]
    if not any(lemma in lexicon.index for lemmas in lemma_lists for lemma in lemmas):
        return claims, candidates, counts
    text = docs.at[doc_id, "text"]
    starts, ends = group["start"].to_numpy(), group["end"].to_numpy()
    sent_ids = group["sent_id"].to_numpy()
    doc_places: Counter | None = None  # computed when a claim names no place
    used = np.zeros(len(lemma_lists), dtype=bool)
    for first in range(len(lemma_lists)):
        if used[first]:
            continue
        coding, last = code_window(lemma_lists, first, lexicon, settings=settings)
        if coding is None or coding.status == "none":
            continue
        span_text = text[starts[first] : ends[last]]
        if coding.status != "claim":
            counts[coding.status] += 1
            if coding.status != "partial" or coding.parts_found >= 2:
                candidates.append(
                    candidate_row(doc_id, coding, sent_id=int(sent_ids[first]), span_text=span_text)
                )
            continue
        used[first : last + 1] = True
        counts["claim"] += 1
        counts["anti_western"] += int(coding.anti_western)
        places = sorted(coding.hits["place"])
        if not places and doc_places is None:
            doc_places = document_places(lemma_lists, lexicon, settings.term_gap)
        target = places[0][2] if places else (doc_places.most_common(1) or [("", 0)])[0][0]
        claims.append(
            claim_row(
                docs,
                doc_id,
                coding,
                sent_id=sent_ids[first],
                n_sentences=last - first + 1,
                span_text=span_text,
                start=int(starts[first]),
                target=target,
                speaker=find_accuser(span_text, lexicon),
            )
        )
    return claims, candidates, counts


def per_document(documents: pd.DataFrame, counts: dict[str, Counter]) -> pd.DataFrame:
    """The doc_claims table: every document with its claim, negated and hedged counts."""
    per_doc = documents[["doc_id", "date", "date_end", "date_precision", "source", "lang"]].copy()
    for column, count in [
        ("n_claims", "anti_western"),
        ("n_claims_any", "claim"),
        ("n_negated", "negated"),
        ("n_hedged", "hedged"),
    ]:
        per_doc[column] = [counts[d][count] for d in per_doc["doc_id"]]
    per_doc["any_claim"] = (per_doc["n_claims"] > 0).astype(int)
    return per_doc


def detect_claims(
    sentences: pd.DataFrame,
    documents: pd.DataFrame,
    lexicons: dict[str, Lexicon],
    *,
    settings: ClaimsSettings,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Code every sentence window; return (claims, candidates, doc_claims).

    ``claims``: one row per claim (Western or not) with its coded fields.
    ``candidates``: every window with at least two of the three parts, or a
    negated/hedged complete one — the near misses a validation sample needs.
    ``doc_claims``: per document ``n_claims`` (anti-Western claims, the
    measure the event stage ranks on), ``any_claim``, ``n_claims_any`` (any
    accused), ``n_negated`` and ``n_hedged``.
    """
    docs = documents.set_index("doc_id")
    claims, candidates = [], []
    counts = defaultdict(Counter)
    for doc_id, group in sentences.groupby("doc_id", sort=False):
        lexicon = lexicons.get(docs.at[doc_id, "lang"])
        if lexicon is None:
            continue
        found, near_misses, counts[doc_id] = code_document(
            docs, doc_id, group, lexicon=lexicon, settings=settings
        )
        claims.extend(found)
        candidates.extend(near_misses)
    claims = pd.DataFrame(claims, columns=CLAIM_COLUMNS).astype({"anti_western": bool})
    candidates = pd.DataFrame(candidates, columns=CANDIDATE_COLUMNS)
    return claims, candidates, per_document(documents, counts)


def measure_agreement(per_doc: pd.DataFrame, extra: pd.DataFrame | None = None) -> pd.DataFrame:
    """Spearman correlations between the document-level framing measures."""
    frame = per_doc.set_index("doc_id")[["n_claims", "any_claim", "n_claims_any", "n_negated"]]
    if extra is not None and len(extra):
        frame = frame.join(extra.set_index("doc_id"), how="left").fillna(0)
    frame = frame.loc[:, frame.std() > 0]
    corr = frame.corr(method="spearman") if frame.shape[1] else pd.DataFrame()
    corr.index.name = "measure"
    return corr.reset_index()


def run_framing_agreement(inputs: dict, outputs: dict) -> dict:
    """Spearman correlations between the document-level framing measures.

    Inputs: ``doc_claims`` (claim counts per document), ``framing_share``
    (the topic model's framing share per document).
    Outputs: ``agreement`` (measure_agreement.csv). Settings: none.
    """
    per_doc = pd.read_parquet(inputs["doc_claims"])
    table = measure_agreement(per_doc, pd.read_parquet(inputs["framing_share"]))
    table.to_csv(outputs["agreement"], index=False, float_format="%.4f")
    return {"measures": table["measure"].tolist()}


def run_claims(settings: ClaimsSettings, inputs: dict, outputs: dict) -> dict:
    """Detect conspiracy claims in every sentence window of the corpus.

    Inputs: ``sentences`` (shards), ``documents``, ``lexicons`` (the files
    of ``settings.lexicons``, which maps each language to its file).
    Outputs: ``claims`` (CSV), ``candidates`` (near misses), ``doc_claims``
    (counts per document).
    Settings: framing.lexicons, term_gap, negation_window, window_sentences,
    count_hedged.
    """
    lemmatizer = Lemmatizer()
    lexicons = {lang: load_lexicon(path, lemmatizer) for lang, path in settings.lexicons.items()}
    sentences = read_sentences(inputs["sentences"])
    documents = pd.read_parquet(inputs["documents"])
    claims, candidates, per_doc = detect_claims(sentences, documents, lexicons, settings=settings)
    claims.to_csv(outputs["claims"], index=False)
    candidates.to_parquet(outputs["candidates"], index=False)
    per_doc.to_parquet(outputs["doc_claims"], index=False)
    return {
        "sentences": len(sentences),
        "claims": len(claims),
        "anti_western_claims": int(claims["anti_western"].sum()),
        "candidates": candidates["status"].value_counts().sort_index().to_dict(),
        "accused": claims["accused_category"].value_counts().sort_index().to_dict(),
        "accuser_kind": claims["accuser_kind"].value_counts().sort_index().to_dict(),
    }
