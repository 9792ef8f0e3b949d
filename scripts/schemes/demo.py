"""Synthetic demo corpus with planted, known effects (a test of recovery).

From one seed and the event catalogue the generator writes:

* ``corpus.jsonl.gz``: Russian and English news items from five fictional
  outlets, daily 1995-2014, 50-600 words, twelve ordinary topics, coverage
  bursts around every catalogue event, and ~1% bad rows (bad dates, empty
  text, exact duplicates, broken encoding, invalid JSON);
* ``ground_truth.csv``: per event the drawn intensity parameter (a seeded
  shuffle of an even spread, independent of event type) and the
  ``planted_intensity``: the expected number of planted anti-Western claims
  per 1,000 documents in the event's analysis window, computed from the
  planting probability of every generated document in that window — the
  value a perfect detector's ``excess`` measure estimates (overlapping
  windows share documents, so their planted intensities mix);
* ``claims_truth.csv``: every planted claim and every decoy sentence (neutral
  Western mentions, non-Western plots, negated claims, near misses).

A document dated inside the analysis windows of one or more events (the
configured ``days_before``/``days_after``) gets a planted claim with the
largest of those events' probabilities. Claim wording comes from ``schemes.demo_vocab``, written
independently of the detector lexicons. Output is byte-identical for a seed.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd

from schemes import demo_vocab as V
from schemes.events import load_events
from schemes.settings import Settings, key

FIRST_DAY, LAST_DAY = date(1995, 1, 1), date(2014, 12, 31)
BACKGROUND_RATE = 0.003  # background anti-Western claims per document, everywhere


class Generator:
    def __init__(
        self,
        seed: int,
        events: pd.DataFrame,
        *,
        docs_per_day: float,
        burst_docs: int,
        days_before: int,
        days_after: int,
    ):
        self.rng = np.random.default_rng(seed)
        self.events = events.reset_index(drop=True)
        self.first = [e - timedelta(days=days_before) for e in self.events["start"]]
        self.last = [e + timedelta(days=days_after) for e in self.events["end"]]
        self.days_after = days_after
        self.docs_per_day = docs_per_day
        self.burst_docs = burst_docs
        n = len(self.events)
        # Planted intensities: an even spread shuffled by the seed, unrelated to type.
        self.intensity = np.round(self.rng.permutation(np.linspace(0.0, 250.0, n)), 1)
        self.truth_rows: list[dict] = []

    def pick(self, items):
        return items[int(self.rng.integers(len(items)))]

    # --- ordinary text -------------------------------------------------
    def sentence(self, lang: str, nouns: list[str]) -> str:
        frames, verbs = (V.FRAMES_RU, V.VERBS_RU) if lang == "ru" else (V.FRAMES_EN, V.VERBS_EN)
        cities = V.CITIES_RU if lang == "ru" else V.CITIES_EN
        a, b, c = (self.pick(nouns) for _ in range(3))
        city = self.pick(cities)
        text = self.pick(frames).format(
            A=a[:1].upper() + a[1:],
            a=a,
            b=b,
            c=c,
            v=self.pick(verbs),
            v2=self.pick(verbs),
            city=city,
        )
        return text

    def vocabulary(self, lang: str, event_index: int | None) -> list[str]:
        col = 0 if lang == "ru" else 1
        if event_index is None:
            topic = self.pick(sorted(V.TOPICS))
            return V.TOPICS[topic][col]
        event = self.events.iloc[event_index]
        kind = (
            "color_revolution"
            if event["type"] == "color_revolution"
            else "nato"
            if event["type"].startswith("nato")
            else "politics"
        )
        words = V.EVENT_VOCAB[kind][col] + V.EVENT_VOCAB["politics"][col]
        country = V.COUNTRY_VOCAB.get(event.get("country", ""), ([], []))[col]
        return words + country * 3

    # --- claims and decoys ---------------------------------------------
    def claim(self, lang: str, frames_ru, frames_en) -> tuple[str, str]:
        category, actor_ru, number, actor_en = self.pick(V.ACTORS)
        covert = self.pick(V.COVERT)
        if lang == "ru":
            aim = self.pick(V.AIMS_RU)
            text = self.pick(frames_ru).format(
                actor=actor_ru,
                covert=covert[0] if number == "sg" else covert[1],
                object=self.pick(V.OBJECTS_RU),
                aim=aim,
                Aim=aim[:1].upper() + aim[1:],
            )
        else:
            text = self.pick(frames_en).format(
                actor=actor_en,
                covert=covert[2],
                object=self.pick(V.OBJECTS_EN),
                aim=self.pick(V.AIMS_EN),
            )
        return text[:1].upper() + text[1:], category

    def special_sentences(self, lang: str, doc_id: str, *, p_plant: float, event_id: str):
        """Claims and decoys for one document, recorded in the claims truth."""
        out = []
        ru = lang == "ru"

        def record(kind, text, category=""):
            self.truth_rows.append(
                {
                    "doc_id": doc_id,
                    "kind": kind,
                    "anti_western": kind in ("planted", "background"),
                    "accused_category": category,
                    "event_id": event_id,
                    "lang": lang,
                    "sentence": text,
                }
            )
            out.append(text)

        frames = (V.CLAIM_FRAMES_RU, V.CLAIM_FRAMES_EN)
        if p_plant and self.rng.random() < p_plant:
            record("planted", *self.claim(lang, *frames))
        if self.rng.random() < BACKGROUND_RATE:
            record("background", *self.claim(lang, *frames))
        if self.rng.random() < 0.02 + p_plant / 4:
            text, category = self.claim(lang, V.NEGATED_FRAMES_RU, V.NEGATED_FRAMES_EN)
            record("negated", text, category)
        if self.rng.random() < 0.01:
            record("non_western", self.pick(V.NON_WESTERN_RU if ru else V.NON_WESTERN_EN))
        if self.rng.random() < (0.15 if event_id else 0.04):
            record("neutral_west", self.pick(V.NEUTRAL_WEST_RU if ru else V.NEUTRAL_WEST_EN))
        if self.rng.random() < 0.02:
            record("near_miss", self.pick(V.NEAR_MISS_RU if ru else V.NEAR_MISS_EN))
        return out

    def document(self, day: date, doc_id: str, *, event_index: int | None, plant: tuple):
        outlet, lang = self.pick(V.OUTLETS)
        nouns = self.vocabulary(lang, event_index)
        n_words = int(np.clip(self.rng.lognormal(np.log(190), 0.55), 50, 600))
        p_plant, event_id = plant
        sentences = self.special_sentences(lang, doc_id, p_plant=p_plant, event_id=event_id)
        words = sum(len(s.split()) for s in sentences)
        body = []
        while words < n_words:
            s = self.sentence(lang, nouns)
            body.append(s)
            words += len(s.split())
        for s in sentences:  # insert claims at random positions
            body.insert(int(self.rng.integers(len(body) + 1)), s)
        paragraphs, i = [], 0
        while i < len(body):
            step = int(self.rng.integers(2, 6))
            paragraphs.append(" ".join(body[i : i + step]))
            i += step
        title_words = [self.pick(nouns) for _ in range(2)]
        title = f"{title_words[0][:1].upper()}{title_words[0][1:]}: {title_words[1]}"
        return {
            "id": doc_id,
            "date": day.isoformat(),
            "source": outlet,
            "title": title,
            "text": "\n\n".join(paragraphs),
        }

    # --- the corpus ----------------------------------------------------
    def plant_for(self, day: date) -> tuple[float, str]:
        """Planting probability on a day: the largest of the events whose window covers it."""
        best, best_id = 0.0, ""
        for i, event_id in enumerate(self.events["event_id"]):
            if self.first[i] <= day <= self.last[i]:
                p = min(self.intensity[i] / 1000.0, 0.9)
                if p > best or not best_id:
                    best, best_id = p, event_id
        return best, best_id

    def days(self) -> list[tuple[date, int | None]]:
        """(date, event index or None) for every document to generate, in date order."""
        plan = []
        n_days = (LAST_DAY - FIRST_DAY).days + 1
        counts = self.rng.poisson(self.docs_per_day, n_days)
        for offset, count in enumerate(counts):
            plan += [(FIRST_DAY + timedelta(days=offset), None)] * int(count)
        for i, e in enumerate(self.events.itertuples(index=False)):
            span = (e.end - e.start).days + self.days_after + 1
            # Coverage decays after the start but covers the whole event.
            offsets = np.minimum(self.rng.exponential(span / 2.5, self.burst_docs), span - 1)
            plan += [(e.start + timedelta(days=int(o)), i) for o in offsets]
        plan.sort(key=lambda item: (item[0], -1 if item[1] is None else item[1]))
        return plan

    def generate(self):
        documents, self.p_plant = [], []
        for number, (day, event_index) in enumerate(self.days()):
            doc_id = f"demo-{number:06d}"
            plant = self.plant_for(day)
            self.p_plant.append(plant[0])
            documents.append(self.document(day, doc_id, event_index=event_index, plant=plant))
        return documents

    def ground_truth(self, documents: list[dict], truth: pd.DataFrame) -> pd.DataFrame:
        """Per event: expected planted claims per 1,000 documents in its analysis window."""
        days = np.array([d["date"] for d in documents], dtype="datetime64[D]")
        p = np.asarray(self.p_plant)
        planted_docs = set(truth.loc[truth["kind"] == "planted", "doc_id"])
        is_planted = np.array([d["id"] in planted_docs for d in documents])
        rows = []
        for i, e in enumerate(self.events.itertuples(index=False)):
            inside = (days >= np.datetime64(self.first[i])) & (days <= np.datetime64(self.last[i]))
            rows.append(
                {
                    "event_id": e.event_id,
                    "type": e.type,
                    "intensity_parameter": self.intensity[i],
                    "planted_intensity": round(1000 * float(p[inside].mean()), 3),
                    "docs_in_window": int(inside.sum()),
                    "planted_claims": int(is_planted[inside].sum()),
                }
            )
        return pd.DataFrame(rows)


def _dumps(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, sort_keys=True)


def corrupt(
    documents: list[dict], eligible: list[int], rng: np.random.Generator, *, share: float = 0.01
) -> list[str]:
    """JSONL lines for ``documents`` with ~``share`` of them made bad rows of five kinds.

    Only ``eligible`` documents (those without planted or decoy sentences) are
    corrupted, so the claims truth stays valid. A duplicate is an extra row,
    right after its original, repeating the text under a new id.
    """
    n_bad = min(int(len(documents) * share), len(eligible))
    chosen = sorted(int(i) for i in rng.choice(eligible, size=n_bad, replace=False))
    kinds = ["bad_date", "empty", "encoding", "invalid_json", "duplicate"]
    kind_of = {index: (j, kinds[j % len(kinds)]) for j, index in enumerate(chosen)}
    lines = []
    for index, original in enumerate(documents):
        j, kind = kind_of.get(index, (0, None))
        doc = dict(original)
        if kind == "bad_date":
            doc["date"] = ["2003-02-30", "unknown", "", "31/31/2001"][j % 4]
        elif kind == "empty":
            doc["text"] = ["", "   ", "\n\n"][j % 3]
        elif kind == "encoding":
            raw = doc["text"]
            doc["text"] = (
                raw.encode("utf-8").decode("latin-1")
                if any(ord(ch) > 127 for ch in raw)
                else raw.replace("e", "\ufffd")
            )
        line = _dumps(doc)
        if kind == "invalid_json":
            line = line[: len(line) // 2]
        lines.append(line)
        if kind == "duplicate":
            lines.append(_dumps(dict(doc, id=f"{doc['id']}-copy")))
    return lines


@dataclass(frozen=True)
class DemoCorpusSettings(Settings):
    SECTION: ClassVar[str] = "demo"
    seed: int
    docs_per_day: float
    burst_docs: int
    # the analysis window around each event, as the event rules use it
    days_before: int = key("events.days_before")
    days_after: int = key("events.days_after")


def _write_gzip(lines: list[str], path: str) -> None:
    """The JSONL lines, gzip-compressed without a time stamp (byte-identical per seed)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as handle:
        handle.write(("\n".join(lines) + "\n").encode("utf-8"))
    Path(path).write_bytes(buffer.getvalue())


def run_demo_corpus(settings: DemoCorpusSettings, inputs: dict, outputs: dict) -> dict:
    """Generate the synthetic demo corpus with planted effects and its ground truth.

    Inputs: ``events`` (the event catalogue). Outputs: ``corpus`` (JSONL.gz),
    ``ground_truth`` (per event), ``claims_truth`` (every planted claim and decoy).
    Settings: ``demo.seed``, ``demo.docs_per_day``, ``demo.burst_docs``,
    ``events.days_before``, ``events.days_after``. Only the catalogue's events
    that start within the demo's days (1995-2014) get coverage and claims.
    """
    events = load_events(inputs["events"])
    events["start"] = events["start"].dt.date
    events["end"] = events["end"].dt.date
    events = events[(events["start"] >= FIRST_DAY) & (events["start"] <= LAST_DAY)]
    gen = Generator(
        settings.seed,
        events,
        docs_per_day=settings.docs_per_day,
        burst_docs=settings.burst_docs,
        days_before=settings.days_before,
        days_after=settings.days_after,
    )
    documents = gen.generate()
    claim_docs = {row["doc_id"] for row in gen.truth_rows}
    eligible = [i for i, d in enumerate(documents) if d["id"] not in claim_docs]
    lines = corrupt(documents, eligible, np.random.default_rng([settings.seed, 1]))
    _write_gzip(lines, outputs["corpus"])

    truth = pd.DataFrame(gen.truth_rows)
    truth_path, claims_truth_path = outputs["ground_truth"], outputs["claims_truth"]
    gen.ground_truth(documents, truth).to_csv(truth_path, index=False, lineterminator="\n")
    truth.to_csv(claims_truth_path, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    return {"rows": len(lines), "documents": len(documents), "claims_truth": len(truth)}
