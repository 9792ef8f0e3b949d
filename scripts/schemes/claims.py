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

import numpy as np
import pandas as pd
import yaml

from schemes.nlp import Lemmatizer, token_spans

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

    def section(key: str) -> list[tuple[str, ...]]:
        return [
            lemmatised(e["term"], f"{path}: {key}")
            for e in _entries(raw.get(key, []), f"{path}: {key}")
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
    return any(match_from(lemmas, i, term, gap) for i in range(len(lemmas)))


def code_sentence(
    lemmas: list[str],
    lexicon: Lexicon,
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


@dataclass
class FramingSettings:
    negation_window: int = 3
    term_gap: int = 2
    window_sentences: int = 1
    count_hedged: bool = False
    max_sentence_chars: int = 600


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


def _surface(text: str, offset: int, spans, hits) -> tuple[dict[str, str], str]:
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


def detect_claims(
    sentences: pd.DataFrame,
    documents: pd.DataFrame,
    lexicons: dict[str, Lexicon],
    settings: FramingSettings | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Code every sentence window; return (claims, candidates, doc_claims).

    ``claims``: one row per claim (Western or not) with its coded fields.
    ``candidates``: every window with at least two of the three parts, or a
    negated/hedged complete one — the near misses a validation sample needs.
    ``doc_claims``: per document ``n_claims`` (anti-Western claims, the
    measure the event stage ranks on), ``any_claim``, ``n_claims_any`` (any
    accused), ``n_negated`` and ``n_hedged``.
    """
    settings = settings or FramingSettings()
    docs = documents.set_index("doc_id")
    claims, candidates = [], []
    counts = defaultdict(Counter)
    width = max(1, settings.window_sentences)
    for doc_id, group in sentences.groupby("doc_id", sort=False):
        lexicon = lexicons.get(docs.at[doc_id, "lang"])
        if lexicon is None:
            continue
        lemma_lists = [text.split() for text in group["lemmas"]]
        if not any(lemma in lexicon.index for lemmas in lemma_lists for lemma in lemmas):
            continue
        text = docs.at[doc_id, "text"]
        starts, ends = group["start"].to_numpy(), group["end"].to_numpy()
        sent_ids = group["sent_id"].to_numpy()
        doc_places: Counter | None = None  # computed when the document has a claim
        used = np.zeros(len(lemma_lists), dtype=bool)
        for first in range(len(lemma_lists)):
            if used[first]:
                continue
            coding, last = None, first
            for last in range(first, min(first + width, len(lemma_lists))):
                lemmas = [w for chunk in lemma_lists[first : last + 1] for w in chunk]
                coding = code_sentence(
                    lemmas,
                    lexicon,
                    settings.negation_window,
                    settings.term_gap,
                    settings.count_hedged,
                )
                if coding.status != "partial" and coding.status != "none":
                    break
            if coding is None or coding.status == "none":
                continue
            span_text = text[starts[first] : ends[last]]
            if coding.status != "claim":
                counts[doc_id][coding.status] += 1
                if coding.status != "partial" or coding.parts_found >= 2:
                    candidates.append(
                        {
                            "doc_id": doc_id,
                            "sent_id": int(sent_ids[first]),
                            "status": coding.status,
                            "parts": ",".join(p for p in PARTS if coding.hits[p]),
                            "accused_category": coding.accused_category,
                            "anti_western": coding.anti_western,
                            "sentence": span_text[: settings.max_sentence_chars],
                        }
                    )
                continue
            used[first : last + 1] = True
            counts[doc_id]["claim"] += 1
            counts[doc_id]["anti_western"] += int(coding.anti_western)
            spans = token_spans(span_text)
            surface, evidence = _surface(span_text, int(starts[first]), spans, coding.hits)
            places = sorted(coding.hits["place"])
            if not places and doc_places is None:
                doc_places = Counter(
                    category
                    for lemmas in lemma_lists
                    for _, _, part, category in lexicon.matches(lemmas, settings.term_gap)
                    if part == "place"
                )
            target = places[0][2] if places else (doc_places.most_common(1) or [("", 0)])[0][0]
            speaker = find_accuser(span_text, lexicon)
            claims.append(
                {
                    "claim_id": f"{doc_id}:{sent_ids[first]}",
                    "doc_id": doc_id,
                    "sent_id": int(sent_ids[first]),
                    "n_sentences": last - first + 1,
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
                    "sentence": span_text[: settings.max_sentence_chars],
                }
            )
    claims = pd.DataFrame(claims, columns=CLAIM_COLUMNS).astype({"anti_western": bool})
    candidates = pd.DataFrame(candidates, columns=CANDIDATE_COLUMNS)
    per_doc = documents[["doc_id", "date", "date_end", "date_precision", "source", "lang"]].copy()
    for column, key in [
        ("n_claims", "anti_western"),
        ("n_claims_any", "claim"),
        ("n_negated", "negated"),
        ("n_hedged", "hedged"),
    ]:
        per_doc[column] = [counts[d][key] for d in per_doc["doc_id"]]
    per_doc["any_claim"] = (per_doc["n_claims"] > 0).astype(int)
    return claims, candidates, per_doc


def measure_agreement(per_doc: pd.DataFrame, extra: pd.DataFrame | None = None) -> pd.DataFrame:
    """Spearman correlations between the document-level framing measures."""
    frame = per_doc.set_index("doc_id")[["n_claims", "any_claim", "n_claims_any", "n_negated"]]
    if extra is not None and len(extra):
        frame = frame.join(extra.set_index("doc_id"), how="left").fillna(0)
    frame = frame.loc[:, frame.std() > 0]
    corr = frame.corr(method="spearman") if frame.shape[1] else pd.DataFrame()
    corr.index.name = "measure"
    return corr.reset_index()


def run_measure_agreement(doc_claims_path: str, framing_share_path: str, output: str) -> dict:
    per_doc = pd.read_parquet(doc_claims_path)
    table = measure_agreement(per_doc, pd.read_parquet(framing_share_path))
    table.to_csv(output, index=False, float_format="%.4f")
    return {"measures": table["measure"].tolist()}


def run_framing(
    sentences_paths,
    documents_path: str,
    lexicon_paths: dict[str, str],
    settings: dict,
    outputs: dict,
) -> dict:
    from schemes.preprocess import read_sentences

    lemmatizer = Lemmatizer()
    lexicons = {lang: load_lexicon(path, lemmatizer) for lang, path in lexicon_paths.items()}
    sentences = read_sentences(sentences_paths)
    documents = pd.read_parquet(documents_path)
    claims, candidates, per_doc = detect_claims(
        sentences, documents, lexicons, FramingSettings(**settings)
    )
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
