"""Item-level rule-based claim detector (v3).

The sentence detector (``schemes.claims``) needs an actor, a covert-action
term and an aim term inside one sentence; real news rarely spells all three
out. Here the **item** (title + lead, or a whole short document) is the
unit, and the covert element or the aim may be carried *implicitly* by a
marker ("стоять за", "по указке", "вмешательство", "провокация"), as the
item-level coding guide allows. For each item:

* **actors** come from the sentence lexicon's ``actors`` (the accused is
  chosen as there: the most specific Western actor), from the marker
  lexicon's ``foreign_unnamed`` terms ("извне", "иностранные кураторы"), and
  (Russian, optional) from named-entity recognition: a person or
  organisation that slovnet's NER finds counts as an actor for the
  any-accused target;
* **markers**: each marker category found adds its weight once (2 = covert
  element and hostile intent together, 1 = one of them);
* **syntax** (Russian, optional): +1 when slovnet's dependency parse links
  an actor and a marker directly ("США финансировали", "вмешательство
  Вашингтона", "рука Запада");
* **stance**: ``dismissed`` when the outlet dismisses the allegation (the
  score is then 0, as the guide codes such items 0), ``reported_with_denial``
  when someone denies it, ``reported`` when it is attributed to a speaker,
  else ``asserted``.

``rule_score`` (anti-Western: a Western or unnamed foreign actor is
required) and ``rule_score_any`` (any actor) are the weighted sums; the
decisions ``rule_anti_western`` and ``rule_claim`` apply the configured
threshold. The heavy NLP (NER and parsing) runs only on candidate items,
those with at least one marker, so throughput stays high.
"""

from __future__ import annotations

import importlib.util
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import yaml
from razdel import sentenize, tokenize
from scipy.sparse import csr_matrix

from schemes.claims import (
    Lexicon,
    LexiconError,
    LexiconSettings,
    _entries,
    code_sentence,
    find_accuser,
    load_lexicon,
)
from schemes.nlp import Lemmatizer
from schemes.preprocess import item_lemmas, read_sentences

log = logging.getLogger(__name__)

SPECIAL_PARTS = ("foreign_unnamed", "dismissals", "denials")


@dataclass
class ItemLexicon:
    """Lemmatised markers of one language, indexed like the sentence lexicon."""

    language: str
    lexicon: Lexicon
    weights: dict[str, int] = field(default_factory=dict)

    @property
    def categories(self) -> list[str]:
        return list(self.weights)


def load_item_lexicon(path, lemmatizer: Lemmatizer) -> ItemLexicon:
    """Read one marker file; errors name the file and the entry."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or "categories" not in raw or "language" not in raw:
        raise LexiconError(f"{path}: needs top-level 'language' and 'categories'")
    out = ItemLexicon(raw["language"], Lexicon(language=raw["language"]))

    def add(entries, where: str, part: str) -> None:
        for entry in _entries(entries, where):
            lemmas = tuple(lemmatizer.lemmatize_text(entry["term"]))
            if not lemmas:
                raise LexiconError(f"{where}: term {entry['term']!r} has no word characters")
            out.lexicon.add(lemmas, part, part)

    for name, spec in raw["categories"].items():
        where = f"{path}: categories.{name}"
        if name in SPECIAL_PARTS or name == "actor":
            raise LexiconError(f"{where}: {name!r} is a reserved name")
        if not isinstance(spec, dict) or "terms" not in spec or "weight" not in spec:
            raise LexiconError(f"{where}: expected {{weight: int, note: ..., terms: [...]}}")
        weight = spec["weight"]
        if not isinstance(weight, int) or weight < 1:
            raise LexiconError(f"{where}: weight must be a positive integer, not {weight!r}")
        out.weights[name] = weight
        add(spec["terms"], where, name)
    for part in SPECIAL_PARTS:
        add(raw.get(part) or [], f"{path}: {part}", part)
    return out


@dataclass
class ItemCoding:
    """What the item-level rules found in one item."""

    categories: dict[str, list[tuple[int, int]]]  # marker category -> spans
    accused: str | None  # lexicon actor category (Western preferred)
    western: bool  # a Western lexicon actor is named
    foreign_unnamed: bool
    dismissed: bool
    denied: bool

    def marker_score(self, weights: dict[str, int]) -> int:
        return sum(weights[c] for c, spans in self.categories.items() if spans)


def code_item(
    lemmas: list[str], actors: Lexicon, markers: ItemLexicon, *, term_gap: int
) -> ItemCoding:
    """Markers, actors and stance signals of one item's lemmas."""
    found: dict[str, list[tuple[int, int]]] = {c: [] for c in markers.weights}
    special = dict.fromkeys(SPECIAL_PARTS, False)
    for start, end, part, _ in markers.lexicon.matches(lemmas, term_gap):
        if part in special:
            special[part] = True
        else:
            found[part].append((start, end))
    sentence = code_sentence(lemmas, actors, term_gap=term_gap)
    return ItemCoding(
        categories=found,
        accused=sentence.accused_category,
        western=sentence.anti_western,
        foreign_unnamed=special["foreign_unnamed"],
        dismissed=special["dismissals"],
        denied=special["denials"],
    )


# --------------------------------------------------------------------------
# Russian NER and syntax (slovnet models shipped inside the natasha wheel)
# --------------------------------------------------------------------------


def natasha_data() -> Path:
    """The data folder of the installed natasha wheel (slovnet and navec models)."""
    spec = importlib.util.find_spec("natasha")
    if spec is None or spec.origin is None:
        raise RuntimeError(
            "the Russian NER, syntax and embedding models come with the 'natasha' package "
            "(pip install natasha); or set framing.item_rules.syntax and .ner to false"
        )
    return Path(spec.origin).parent / "data"


def load_navec():
    """navec's news embeddings (250k words x 300 dimensions), from the natasha wheel."""
    from navec import Navec  # only the Russian models and embeddings need it

    return Navec.load(str(natasha_data() / "emb" / "navec_news_v1_1B_250K_300d_100q.tar"))


def mean_embeddings(texts, navec=None) -> np.ndarray:
    """Each text's mean navec vector over its words found in the vocabulary (0 if none)."""
    navec = navec or load_navec()
    ids = navec.vocab.word_ids
    rows, cols = [], []
    for row, text in enumerate(texts):
        for word in text.split():
            index = ids.get(word)
            if index is not None:
                rows.append(row)
                cols.append(index)
    counts = csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)),
        shape=(len(texts), len(navec.vocab.words)),
    )
    n = np.asarray(counts.sum(axis=1)).ravel()
    used = np.unique(cols)
    sums = counts[:, used] @ navec.pq.unpack()[used]
    return (sums / np.maximum(n, 1)[:, None]).astype(np.float32)


class RussianNLP:
    """slovnet NER and dependency parser with navec embeddings, loaded once.

    The model files ship inside the ``natasha`` wheel (``natasha/data``);
    nothing is downloaded. The ``natasha`` package itself is not imported
    (it would pull pymorphy2), only its data directory is located.
    """

    def __init__(self) -> None:
        # only the Russian NER and parse need it (item_rules with ner or syntax on)
        from slovnet import NER, Syntax

        data = natasha_data()
        self.navec = load_navec()
        self.ner = NER.load(str(data / "model" / "slovnet_ner_news_v1.tar"))
        self.ner.navec(self.navec)
        self.syntax = Syntax.load(str(data / "model" / "slovnet_syntax_news_v1.tar"))
        self.syntax.navec(self.navec)

    def person_or_org(self, texts: list[str]) -> np.ndarray:
        """Whether NER finds a person or an organisation in each text."""
        return np.array(
            [any(s.type in ("PER", "ORG") for s in markup.spans) for markup in self.ner.map(texts)],
            dtype=bool,
        )

    def parse(self, sentences: list[list[str]]) -> list[list[int]]:
        """Per sentence: each token's head index (-1 for the root)."""
        out = []
        for markup in self.syntax.map(sentences):
            position = {t.id: i for i, t in enumerate(markup.tokens)}
            out.append([position.get(t.head_id, -1) for t in markup.tokens])
        return out


def linked(heads: list[int], actor: set[int], marker: set[int], *, max_arcs: int = 2) -> bool:
    """An actor token and a marker token are at most ``max_arcs`` dependency arcs apart.

    One arc: one heads the other ("вмешательство США": США depends on
    вмешательство; "США финансировали": США is the verb's subject). Two
    arcs: siblings or grandparent ("секретных разработках США": both depend
    on разработках; "США стоят за ...").
    """

    neighbours: list[list[int]] = [[] for _ in heads]
    for child, head in enumerate(heads):
        if head >= 0:
            neighbours[child].append(head)
            neighbours[head].append(child)
    for start in actor:
        seen, frontier = {start}, [start]
        for _ in range(max_arcs):
            frontier = [n for node in frontier for n in neighbours[node] if n not in seen]
            seen.update(frontier)
        if seen & marker:
            return True
    return False


def _token_spans(spans, n_tokens: int) -> set[int]:
    return {i for start, end in spans for i in range(start, min(end, n_tokens))}


def syntax_links(
    texts: list[str],
    actors: Lexicon,
    markers: ItemLexicon,
    *,
    term_gap: int,
    nlp: RussianNLP,
    lemmatizer: Lemmatizer,
) -> np.ndarray:
    """Whether any sentence of each text links an actor and a marker in its parse.

    Only sentences that hold both an actor and a marker are parsed, so the
    cost follows the candidate sentences, not the length of the texts.
    """
    owners, token_lists, spans = [], [], []
    for k, text in enumerate(texts):
        for sentence in sentenize(text):
            tokens = [t.text for t in tokenize(sentence.text)]
            if not tokens:
                continue
            lemmas = lemmatizer.lemmas(tokens)
            actor_spans, marker_spans = [], []
            for start, end, part, _ in actors.matches(lemmas, term_gap):
                if part == "actor":
                    actor_spans.append((start, end))
            for start, end, part, _ in markers.lexicon.matches(lemmas, term_gap):
                if part in markers.weights or part == "foreign_unnamed":
                    (actor_spans if part == "foreign_unnamed" else marker_spans).append(
                        (start, end)
                    )
            if actor_spans and marker_spans:
                owners.append(k)
                token_lists.append(tokens)
                spans.append((actor_spans, marker_spans))
    out = np.zeros(len(texts), dtype=bool)
    for owner, heads, (actor_spans, marker_spans) in zip(
        owners, nlp.parse(token_lists), spans, strict=True
    ):
        if not out[owner]:
            out[owner] = linked(
                heads,
                _token_spans(actor_spans, len(heads)),
                _token_spans(marker_spans, len(heads)),
            )
    return out


def propose_terms(
    navec,
    markers: ItemLexicon,
    lemmatizer: Lemmatizer,
    *,
    per_term: int = 5,
    min_cosine: float = 0.6,
) -> pd.DataFrame:
    """Embedding neighbours of the single-word markers: candidates for human review.

    For every one-word marker, its ``per_term`` nearest words in the navec
    space (cosine >= ``min_cosine``) whose lemma is not already a marker.
    The output is a list to read, never a lexicon: each term a reviewer
    adopts goes into the marker file with a note saying it came from here.
    """
    words = navec.vocab.words
    matrix = navec.pq.unpack()
    matrix = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)
    known = {term[0] for terms in markers.lexicon.index.values() for term, _, _ in terms}
    rows = []
    for first, entries in sorted(markers.lexicon.index.items()):
        for term, part, _ in entries:
            if len(term) != 1 or part not in markers.weights or first not in navec.vocab.word_ids:
                continue
            similarity = matrix @ matrix[navec.vocab.word_ids[first]]
            proposed = 0
            for index in np.argsort(-similarity)[1:200]:
                if similarity[index] < min_cosine or proposed >= per_term:
                    break
                lemma = " ".join(lemmatizer.lemmatize_text(words[index]))
                if not lemma or lemma in known:
                    continue
                known.add(lemma)
                proposed += 1
                rows.append(
                    {
                        "category": part,
                        "seed_term": first,
                        "proposed": lemma,
                        "word": words[index],
                        "cosine": round(float(similarity[index]), 3),
                    }
                )
    return pd.DataFrame(rows, columns=["category", "seed_term", "proposed", "word", "cosine"])


# --------------------------------------------------------------------------
# The corpus pass
# --------------------------------------------------------------------------

RULE_COLUMNS = [
    "doc_id",
    "rule_score",
    "rule_score_any",
    "rule_anti_western",
    "rule_claim",
    "rule_accused",
    "rule_stance",
    "rule_accuser",
    "rule_markers",
    "rule_syntax_link",
    "rule_ner_actor",
]


@dataclass(frozen=True)
class ItemRulesSettings(LexiconSettings):
    SECTION: ClassVar[str] = "framing.item_rules"
    markers: dict  # language -> marker YAML
    threshold: int
    syntax: bool
    ner: bool


@dataclass
class ItemCodes:
    """What the rules found per item (one array entry per document), before NER and syntax."""

    counts: dict[str, np.ndarray]  # marker category -> markers found
    score: np.ndarray  # sum of the weights of the marker categories found
    western: np.ndarray  # a Western or unnamed foreign actor is named
    any_actor: np.ndarray
    accused: np.ndarray
    stance: np.ndarray
    accuser: np.ndarray
    terms: np.ndarray  # the marker terms found, ";"-joined
    dismissed: np.ndarray

    @classmethod
    def empty(cls, n: int, categories: list[str]) -> ItemCodes:
        return cls(
            counts={c: np.zeros(n, dtype=int) for c in categories},
            score=np.zeros(n),
            western=np.zeros(n, dtype=bool),
            any_actor=np.zeros(n, dtype=bool),
            accused=np.full(n, "", dtype=object),
            stance=np.full(n, "", dtype=object),
            accuser=np.full(n, "", dtype=object),
            terms=np.full(n, "", dtype=object),
            dismissed=np.zeros(n, dtype=bool),
        )


def stance_of(coding: ItemCoding, attributed: bool) -> str:
    """dismissed, reported_with_denial, reported (attributed to a speaker) or asserted."""
    if coding.dismissed:
        return "dismissed"
    if coding.denied:
        return "reported_with_denial"
    return "reported" if attributed else "asserted"


def code_items(
    lemma_texts: np.ndarray,
    texts: np.ndarray,
    langs: np.ndarray,
    *,
    actor_lexicons: dict[str, Lexicon],
    marker_lexicons: dict[str, ItemLexicon],
    term_gap: int,
) -> ItemCodes:
    """Markers, actors, accused, accuser and stance of every item (the lexicon rules)."""
    categories = sorted({c for m in marker_lexicons.values() for c in m.weights})
    codes = ItemCodes.empty(len(lemma_texts), categories)
    for i in range(len(lemma_texts)):
        lang = langs[i]
        if lang not in marker_lexicons or lang not in actor_lexicons:
            continue
        words = lemma_texts[i].split()
        coding = code_item(words, actor_lexicons[lang], marker_lexicons[lang], term_gap=term_gap)
        for c, spans in coding.categories.items():
            codes.counts[c][i] = len(spans)
        codes.score[i] = coding.marker_score(marker_lexicons[lang].weights)
        if codes.score[i] == 0:
            continue
        codes.western[i] = coding.western or coding.foreign_unnamed
        codes.any_actor[i] = codes.western[i] or coding.accused is not None
        codes.accused[i] = coding.accused or ("foreign_unnamed" if coding.foreign_unnamed else "")
        codes.terms[i] = ";".join(
            sorted({" ".join(words[s:e]) for spans in coding.categories.values() for s, e in spans})
        )
        codes.dismissed[i] = coding.dismissed
        found = find_accuser(texts[i], actor_lexicons[lang])
        codes.accuser[i] = found or ""
        codes.stance[i] = stance_of(coding, bool(found))
    return codes


def rule_table(doc_ids: np.ndarray, codes: ItemCodes, *, link, ner_actor, threshold: int):
    """The item_rules table: ``RULE_COLUMNS`` plus one count column per marker category."""
    total = np.where(codes.dismissed, 0.0, codes.score + link)
    out = pd.DataFrame(
        {
            "doc_id": doc_ids,
            "rule_score": np.where(codes.western, total, 0.0),
            "rule_score_any": np.where(codes.any_actor, total, 0.0),
        }
    )
    out["rule_anti_western"] = (out["rule_score"] >= threshold).astype(int)
    out["rule_claim"] = (out["rule_score_any"] >= threshold).astype(int)
    out["rule_accused"] = np.where(codes.any_actor, codes.accused, "")
    out.loc[ner_actor & (out["rule_accused"] == ""), "rule_accused"] = "named_entity"
    out["rule_stance"] = codes.stance
    out["rule_accuser"] = codes.accuser
    out["rule_markers"] = codes.terms
    out["rule_syntax_link"] = link.astype(int)
    out["rule_ner_actor"] = ner_actor.astype(int)
    out = out[RULE_COLUMNS]
    for c in codes.counts:
        out[f"marker_{c}"] = codes.counts[c]
    return out


def detect_items(
    lemmas: pd.Series,
    documents: pd.DataFrame,
    *,
    actor_lexicons: dict[str, Lexicon],
    marker_lexicons: dict[str, ItemLexicon],
    settings: ItemRulesSettings,
    nlp: RussianNLP | None = None,
    lemmatizer: Lemmatizer | None = None,
) -> tuple[pd.DataFrame, dict]:
    """Code every item; returns one row per document (``RULE_COLUMNS`` plus
    one count column per marker category) and timings of the stages."""
    lemmatizer = lemmatizer or Lemmatizer()
    docs = documents.set_index("doc_id")
    doc_ids = documents["doc_id"].to_numpy()
    langs = docs["lang"].reindex(doc_ids).to_numpy()
    texts = docs["text"].reindex(doc_ids).fillna("").to_numpy()
    lemma_texts = lemmas.reindex(doc_ids).fillna("").to_numpy()
    n = len(doc_ids)
    started = time.perf_counter()
    codes = code_items(
        lemma_texts,
        texts,
        langs,
        actor_lexicons=actor_lexicons,
        marker_lexicons=marker_lexicons,
        term_gap=settings.term_gap,
    )
    timings = {"rules_s": time.perf_counter() - started}
    candidates = (codes.score > 0) & (langs == "ru")
    ner_actor = np.zeros(n, dtype=bool)
    link = np.zeros(n, dtype=bool)
    if settings.ner and candidates.any():
        nlp = nlp or RussianNLP()
        started = time.perf_counter()
        need = np.flatnonzero(candidates & ~codes.any_actor)
        ner_actor[need] = nlp.person_or_org(list(texts[need]))
        timings["ner_s"] = time.perf_counter() - started
        timings["ner_items"] = len(need)
    codes.any_actor |= ner_actor
    if settings.syntax and candidates.any():
        nlp = nlp or RussianNLP()
        started = time.perf_counter()
        need = np.flatnonzero(candidates & codes.any_actor)
        link[need] = syntax_links(
            list(texts[need]),
            actor_lexicons["ru"],
            marker_lexicons["ru"],
            term_gap=settings.term_gap,
            nlp=nlp,
            lemmatizer=lemmatizer,
        )
        timings["syntax_s"] = time.perf_counter() - started
        timings["syntax_items"] = len(need)
    out = rule_table(doc_ids, codes, link=link, ner_actor=ner_actor, threshold=settings.threshold)
    timings["items"] = n
    timings["candidates"] = int(candidates.sum())
    return out, timings


def run_item_rules(settings: ItemRulesSettings, inputs: dict, outputs: dict) -> dict:
    """Code every item (title + lead, or a short document) with the item-level rules v3.

    Inputs: ``sentences`` (shards), ``documents``, ``lexicons`` and ``markers``
    (the files of ``settings.lexicons`` and ``settings.markers``, which map
    each language to its file).
    Outputs: ``rules`` (item_rules.parquet).
    Settings: framing.lexicons, framing.term_gap, framing.item_rules.markers,
    threshold, syntax, ner.
    """
    lemmatizer = Lemmatizer()
    actors = {lang: load_lexicon(p, lemmatizer) for lang, p in settings.lexicons.items()}
    markers = {lang: load_item_lexicon(p, lemmatizer) for lang, p in settings.markers.items()}
    documents = pd.read_parquet(inputs["documents"], columns=["doc_id", "lang", "text"])
    lemmas = item_lemmas(read_sentences(inputs["sentences"], columns=["doc_id", "lemmas"]))
    table, timings = detect_items(
        lemmas,
        documents,
        actor_lexicons=actors,
        marker_lexicons=markers,
        settings=settings,
        lemmatizer=lemmatizer,
    )
    table.to_parquet(outputs["rules"], index=False)
    return {
        **{k: round(v, 3) if isinstance(v, float) else v for k, v in timings.items()},
        "anti_western_items": int(table["rule_anti_western"].sum()),
        "claim_items": int(table["rule_claim"].sum()),
        "stance": table.loc[table["rule_claim"] == 1, "rule_stance"].value_counts().to_dict(),
    }
