"""Evidence: the items behind each event's score, for a reader to check it.

For every ranked event, the items of its window (the documents whose date
overlaps it, as in the event stage) that the ranking measure *detects* (its
0/1 decision is 1; ``events.doc_measure``) and those that were *coded* by
hand, each with its date, title, source URL (when the corpus has one), the
measure's value, its code (claim, anti-Western), who is accused, who
accuses and the stance. The codes come from the coders when the item was
coded, otherwise from the item-rule detector (or, for the lexicon measure,
the lexicon detector), and ``attributed_by`` says which.

At most ``evidence.max_items`` detected and as many coded items per event
are kept, drawn at random with a seed per event (``evidence.seed`` and the
event id), so the same run gives the same items and adding an event changes
no other event's draw. Written as one CSV per corpus and one HTML page per
event for the report. The titles are the corpus's own text: they stay in
``results/``, never in the repository.

Coded items come from the coded waves (``design.waves``) and the gold
standard, by :func:`codes_from`, which takes any table of ``item_id`` ->
code fields.
"""

from __future__ import annotations

import html
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from schemes import labels as names
from schemes.coding import read_item_codes
from schemes.measures import event_measure_column
from schemes.settings import Settings, key

CODE_COLUMNS = ["claim", "anti_western", "accused", "accuser", "stance", "reason"]
COLUMNS = [
    "event_id",
    "event_label",
    "item_id",
    "date",
    "title",
    "source",
    "url",
    "measure_value",
    "detected",
    "coded",
    "code_source",
    "claim",
    "anti_western",
    "accused",
    "accuser",
    "stance",
    "attributed_by",
    "reason",
]


@dataclass(frozen=True)
class EvidenceSettings(Settings):
    """Rule ``evidence``: how many items per event, the draw's seed, the ranking measure."""

    SECTION: ClassVar[str] = "evidence"
    max_items: int
    seed: int
    doc_measure: str = key("events.doc_measure")
    correction: str = key("events.correction")
    measure: str = key("events.measure")


def codes_from(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One code per item from several coded tables (``item_id`` + code fields), by source.

    ``tables`` maps a source's name (``gold``, ``wave 1``, ...) to its codes
    (:func:`schemes.coding.read_item_codes`); an item coded in two sources
    keeps the first source's codes.
    """
    frames = [
        table.reindex(columns=["item_id", *CODE_COLUMNS]).assign(code_source=source)
        for source, table in tables.items()
    ]
    if not frames:
        return pd.DataFrame(columns=["item_id", *CODE_COLUMNS, "code_source"])
    codes = pd.concat(frames, ignore_index=True)
    return codes.drop_duplicates("item_id", keep="first").reset_index(drop=True)


def read_documents(path) -> pd.DataFrame:
    """Ids, dates, titles, sources and URLs of the documents (never their texts)."""
    available = set(pq.read_schema(path).names)
    wanted = [c for c in ("doc_id", "date", "date_end", "title", "source", "url") if c in available]
    documents = pd.read_parquet(path, columns=wanted)
    for column in ("title", "source", "url"):
        if column not in documents.columns:
            documents[column] = ""
    return documents


def detector_attribution(doc_measure: str, claims: pd.DataFrame, rules: pd.DataFrame):
    """Accused, accuser and stance by the detector: the lexicon's, or the item rules'."""
    if doc_measure == "lexicon" and len(claims):
        first = claims.drop_duplicates("doc_id")
        return pd.DataFrame(
            {
                "doc_id": first["doc_id"],
                "accused": first["accused_category"].fillna(""),
                "accuser": first["accuser"].fillna(""),
                "stance": "asserted",
                "attributed_by": "lexicon detector",
            }
        )
    found = rules[rules["rule_accused"].fillna("") != ""]
    return pd.DataFrame(
        {
            "doc_id": found["doc_id"],
            "accused": found["rule_accused"],
            "accuser": found["rule_accuser"].fillna(""),
            "stance": found["rule_stance"].fillna(""),
            "attributed_by": "item rules",
        }
    )


def item_table(documents, values, decisions, *, codes, attribution) -> pd.DataFrame:
    """Every document with the measure's value, its decision, its code and attribution."""
    items = documents.merge(values, on="doc_id", how="left").merge(
        decisions, on="doc_id", how="left"
    )
    items["measure_value"] = items["measure_value"].fillna(0.0)
    items["detected"] = items["detected"].fillna(0).astype(int)
    coded = codes.rename(columns={"item_id": "doc_id"})
    items = items.merge(coded, on="doc_id", how="left", suffixes=("", "_code"))
    items["coded"] = items["code_source"].notna().astype(int)
    detector = attribution.set_index("doc_id")
    for column in ("accused", "accuser", "stance"):
        from_detector = items["doc_id"].map(detector[column])
        items[column] = items[column].where(items["coded"] == 1, from_detector)
    items["attributed_by"] = np.where(
        items["coded"] == 1, "coders", items["doc_id"].map(detector["attributed_by"])
    )
    return items.fillna({"code_source": "", "attributed_by": "", "reason": ""})


def draw(candidates: pd.DataFrame, limit: int, rng: np.random.Generator) -> pd.DataFrame:
    """At most ``limit`` rows, drawn at random (from the rows sorted by id)."""
    candidates = candidates.sort_values("doc_id", kind="stable")
    if len(candidates) <= limit:
        return candidates
    return candidates.iloc[np.sort(rng.choice(len(candidates), size=limit, replace=False))]


def event_seed(seed: int, event_id: str) -> np.random.Generator:
    """The draw of one event: the configured seed and the event id (stable per event)."""
    return np.random.default_rng([seed, zlib.crc32(event_id.encode("utf-8"))])


def event_items(items: pd.DataFrame, event, *, limit: int, seed: int) -> tuple[pd.DataFrame, dict]:
    """The detected and the coded items of one event's window (each capped), and the counts."""
    start, end = pd.Timestamp(event.window_start), pd.Timestamp(event.window_end)
    inside = items[(items["date"] <= end) & (items["date_end"] >= start)]
    rng = event_seed(seed, event.event_id)
    detected = draw(inside[inside["detected"] == 1], limit, rng)
    coded = draw(inside[inside["coded"] == 1], limit, rng)
    chosen = pd.concat([detected, coded]).drop_duplicates("doc_id")
    chosen = chosen.sort_values(["date", "doc_id"], kind="stable")
    counts = {
        "in_window": len(inside),
        "detected": int(inside["detected"].sum()),
        "coded": int(inside["coded"].sum()),
        "shown_detected": len(detected),
        "shown_coded": len(coded),
    }
    return chosen.assign(event_id=event.event_id, event_label=event.label), counts


def evidence_table(items: pd.DataFrame, ranking: pd.DataFrame, *, limit: int, seed: int):
    """The evidence rows of every ranked event (:data:`COLUMNS`) and each event's counts."""
    rows, counts = [], {}
    for event in ranking.itertuples(index=False):
        chosen, counts[event.event_id] = event_items(items, event, limit=limit, seed=seed)
        rows.append(chosen)
    table = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=COLUMNS)
    table = table.rename(columns={"doc_id": "item_id"})
    table["date"] = pd.to_datetime(table["date"]).dt.strftime("%Y-%m-%d")
    return table.reindex(columns=COLUMNS), counts


# --------------------------------------------------------------------------
# HTML pages (one per event; the report shows them)
# --------------------------------------------------------------------------

PAGE_STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 13px; margin: 1em; color: #222; }
h1 { font-size: 17px; } p.note { color: #444; max-width: 60em; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; }
th { position: sticky; top: 0; background: #f2f2f2; cursor: pointer; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
"""
# click a column heading to sort by it (numbers as numbers)
SORT_SCRIPT = """
document.querySelectorAll("th").forEach((th, i) => th.addEventListener("click", () => {
  const body = th.closest("table").tBodies[0];
  const key = r => r.cells[i].dataset.sort ?? r.cells[i].textContent;
  const rows = [...body.rows].sort((a, b) => { const x = key(a), y = key(b);
    return (isNaN(x) || isNaN(y)) ? x.localeCompare(y) : x - y; });
  if (th.dataset.desc) rows.reverse(); th.dataset.desc = th.dataset.desc ? "" : "1";
  rows.forEach(r => body.appendChild(r)); }));
"""
HEADINGS = [
    "date",
    "title",
    "source",
    "measure value",
    "detected",
    "coded",
    "claim",
    "anti-Western",
    "accused",
    "accuser",
    "stance",
    "attributed by",
    "coder's reason",
]


def _cell(value, *, numeric: bool = False) -> str:
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    if numeric and text:
        return f'<td class="num" data-sort="{html.escape(text)}">{float(text):.3f}</td>'
    return f"<td>{html.escape(text)}</td>"


def _title_cell(title: str, url: str) -> str:
    title = html.escape(str(title or "(no title)"))
    url = str(url or "")
    if re.match(r"^https?://", url):
        return f'<td><a href="{html.escape(url)}" target="_blank" rel="noopener">{title}</a></td>'
    return f"<td>{title}</td>"


def _flag(value) -> str:
    return "yes" if str(value) in ("1", "1.0", "True") else ""


def _row(item) -> str:
    coded = _flag(item.coded)
    cells = [
        _cell(item.date),
        _title_cell(item.title, item.url),
        _cell(item.source),
        _cell(item.measure_value, numeric=True),
        _cell(_flag(item.detected)),
        _cell(f"{coded} ({item.code_source})" if coded else ""),
        _cell((_flag(item.claim) or "no") if coded else ""),
        _cell((_flag(item.anti_western) or "no") if coded else ""),
        _cell(item.accused),
        _cell(item.accuser),
        _cell(item.stance),
        _cell(item.attributed_by),
        _cell(item.reason),
    ]
    return "<tr>" + "".join(cells) + "</tr>"


def _summary_line(event, counts: dict, *, limit: int, measure_text: str) -> str:
    score = "no score" if pd.isna(event.score) else f"score {event.score:.2f}"
    if not pd.isna(getattr(event, "ci_low", np.nan)):
        score += f" [95% CI {event.ci_low:.2f}, {event.ci_high:.2f}]"
    rank = "" if pd.isna(event.rank) else f", rank {int(event.rank)}"
    return (
        f"Event type: {names.event_type(event.type)}; window {event.window_start} to "
        f"{event.window_end}; "
        f"{score}{rank}. Of the window's {counts['in_window']:,} items, the measure "
        f"({measure_text}) detects {counts['detected']:,} and {counts['coded']:,} were coded "
        f"by hand; shown: {counts['shown_detected']} detected and {counts['shown_coded']} coded "
        f"(at most {limit} of each, drawn at random with a fixed seed)."
    )


def event_page(event, rows: pd.DataFrame, counts: dict, *, limit: int, measure_text: str) -> str:
    """One event's page: what the event is, its score, and its items as a table."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in HEADINGS)
    body = "\n".join(_row(item) for item in rows.itertuples(index=False))
    note = _summary_line(event, counts, limit=limit, measure_text=measure_text)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(event.label)}</title><style>{PAGE_STYLE}</style></head><body>\n"
        f'<h1>{html.escape(event.label)}</h1>\n<p class="note">{html.escape(note)}</p>\n'
        f'<table class="evidence" id="evidence-{html.escape(event.event_id)}">'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table>\n"
        f"<script>{SORT_SCRIPT}</script>\n</body></html>\n"
    )


def page_name(event) -> str:
    """An event page's file name: its rank and label, as letters, digits, ``_`` and ``-``.

    Readable in the report's list and safe in a shell (no spaces or brackets).
    """
    rank = "xx" if pd.isna(event.rank) else f"{int(event.rank):02d}"
    words = re.findall(r"[\w-]+", str(event.label)) or [event.event_id]
    return f"{rank}_{'_'.join(words)}.html"


# --------------------------------------------------------------------------
# The rule
# --------------------------------------------------------------------------


def read_items(settings: EvidenceSettings, inputs: dict) -> pd.DataFrame:
    """Every document with its measure value, decision, code and attribution."""
    decision = event_measure_column(settings.doc_measure, "acc")  # the 0/1 decision
    values = pd.read_parquet(inputs["doc_measure"], columns=["doc_id", "n_claims"])
    decisions = pd.read_parquet(inputs["measures"], columns=["doc_id", decision])
    claims = pd.read_csv(inputs["claims"]) if inputs.get("claims") else pd.DataFrame()
    rules = pd.read_parquet(inputs["item_rules"])
    # the coded waves' final codes first (the design-based estimates rest on them), then gold
    coded = {f"wave {k}": read_item_codes(path) for k, path in enumerate(inputs["waves"], 1)}
    if inputs.get("gold"):
        coded["gold"] = read_item_codes(inputs["gold"])
    return item_table(
        read_documents(inputs["documents"]),
        values.rename(columns={"n_claims": "measure_value"}),
        decisions.rename(columns={decision: "detected"}),
        codes=codes_from(coded),
        attribution=detector_attribution(settings.doc_measure, claims, rules),
    )


def write_pages(folder, ranking, table, *, counts: dict, limit: int, measure_text: str) -> None:
    """One HTML page per event in ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for event in ranking.itertuples(index=False):
        rows = table[table["event_id"] == event.event_id]
        page = event_page(
            event, rows, counts[event.event_id], limit=limit, measure_text=measure_text
        )
        (folder / page_name(event)).write_text(page, encoding="utf-8")


def run_evidence(settings: EvidenceSettings, inputs: dict, outputs: dict) -> dict:
    """The detected and the coded items of every event's window, as CSV and HTML pages.

    Inputs: ``documents`` (dates, titles, URLs), ``doc_measure`` (the
    measure's value per item), ``measures`` (its 0/1 decision), ``ranking``
    (the events, their windows and scores), ``item_rules`` and optional
    ``claims`` (the detectors' attribution), optional ``gold`` (the coded
    gold standard) and ``waves`` (the coded waves' final codes). Outputs: ``table`` (CSV, every event), ``pages`` (a
    folder of one HTML page per event). Settings: ``max_items``, ``seed``,
    ``doc_measure``, ``correction``, ``measure``.
    """
    ranking = pd.read_csv(inputs["ranking"])
    table, counts = evidence_table(
        read_items(settings, inputs), ranking, limit=settings.max_items, seed=settings.seed
    )
    table.to_csv(outputs["table"], index=False, float_format="%.4f")
    write_pages(
        outputs["pages"],
        ranking,
        table,
        counts=counts,
        limit=settings.max_items,
        measure_text=names.doc_measure(settings.doc_measure, settings.correction),
    )
    return {
        "events": len(ranking),
        "rows": len(table),
        "coded_rows": int(table["coded"].sum()),
        "events_without_items": sorted(e for e, c in counts.items() if not c["in_window"]),
    }
