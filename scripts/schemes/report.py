"""The report's front page: the workflow description plus what ingest did.

Snakemake renders the global description of ``snakemake --report`` from an
rST file. :func:`front_page` appends to the static description
(``workflow/report/workflow.rst``) a *Data* section: records read, kept,
quarantined and dropped as duplicates, the quarantine counts by reason and
where the quarantined rows are, so nobody cites a figure without seeing what
was left out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from schemes.ingest import quarantine_reasons


def _rst_table(header: tuple[str, str], rows: list[tuple[str, str]]) -> str:
    width = [max(len(str(r[i])) for r in [header, *rows]) for i in (0, 1)]
    rule = f"{'=' * width[0]}  {'=' * width[1]}"
    lines = [rule, f"{header[0]:<{width[0]}}  {header[1]:>{width[1]}}", rule]
    lines += [f"{a:<{width[0]}}  {b:>{width[1]}}" for a, b in rows]
    return "\n".join([*lines, rule])


def _rst_escape(text) -> str:
    """Backslash-escape what rST would read as markup (emphasis, literals, roles, links)."""
    text = str(text)
    for char in "\\*`|_":
        text = text.replace(char, "\\" + char)
    return text


def _jinja_literal(text: str) -> str:
    """Text that Jinja2 renders as itself: every ``{`` becomes ``{{ '{' }}``.

    Snakemake renders the front page with Jinja2 before docutils reads it, so
    a brace in a file name or a quarantine reason would otherwise open a
    statement, an expression or a comment.
    """
    return text.replace("{", "{{ '{' }}")


def _data_lines(summary: dict, corpus_name: str) -> list[str]:
    """The Data section's title and its counts: read, kept, quarantined, duplicates."""
    title = f"Data: corpus {_rst_escape(corpus_name)}"
    languages = (
        ", ".join(f"{_rst_escape(k)} {v:,}" for k, v in summary.get("languages", {}).items())
        or "none"
    )
    span = (
        f"dated {summary['first_date']} to {summary['last_date']}"
        if summary.get("first_date")
        else "no dates"
    )
    lines = [
        title,
        "-" * len(title),
        "",
        f"**{summary['read']:,}** records read: **{summary['kept']:,}** kept ({span}; "
        f"languages {languages}), **{summary['quarantined']:,}** quarantined, "
        f"**{summary['duplicates']:,}** dropped as repeats of an earlier text.",
    ]
    if summary.get("ids_made_unique"):
        lines.append(
            f"{summary['ids_made_unique']:,} kept documents repeated an earlier id with "
            "another text and were given a unique id (``<id>~2``, ...)."
        )
    if summary.get("encodings"):
        read_as = "; ".join(
            f"{_rst_escape(k)}: {_rst_escape(v)}" for k, v in sorted(summary["encodings"].items())
        )
        lines += ["", f"Files read with another encoding than configured: {read_as}."]
    return lines


def _quarantine_lines(quarantine: pd.DataFrame, quarantine_path: str, top: int) -> list[str]:
    """The quarantine counts by reason (the ``top`` most frequent) and where the rows are."""
    reasons = quarantine_reasons(quarantine)
    if not reasons:
        return ["", "No record was quarantined."]
    shown = reasons[:top]
    rows = [(_rst_escape(kind), f"{n:,}") for kind, n in shown]
    if len(reasons) > top:
        rows.append(
            (f"{len(reasons) - top} other reasons", f"{sum(n for _, n in reasons[top:]):,}")
        )
    return [
        "",
        "Quarantined records by reason:",
        "",
        _rst_table(("reason", "records"), rows),
        "",
        "Every quarantined record, with its file, line and full reason: "
        f"{_rst_escape(quarantine_path)}.",
    ]


def front_page(
    description: str,
    summary: dict,
    quarantine: pd.DataFrame,
    *,
    corpus_name: str,
    quarantine_path: str,
    top: int = 10,
) -> str:
    """``description`` followed by the corpus's *Data* section (rST, Jinja-safe).

    The description may use Jinja2 (``snakemake.config``); every value in the
    Data section comes from the data and is escaped for rST and for Jinja2.
    """
    lines = _data_lines(summary, corpus_name) + _quarantine_lines(quarantine, quarantine_path, top)
    return description.rstrip() + "\n\n" + _jinja_literal("\n".join(lines)) + "\n"


def run_report_front_page(inputs: dict, outputs: dict, *, corpus: str) -> dict:
    """Write the report's front page: the workflow description plus the ingest counts.

    Inputs: ``description`` (workflow/report/workflow.rst), ``summary`` and
    ``quarantine`` (ingest). Outputs: ``page``. Settings: none (``corpus`` is
    the rule's wildcard, the corpus name shown in the title).
    """
    page = front_page(
        Path(inputs["description"]).read_text(encoding="utf-8"),
        json.loads(Path(inputs["summary"]).read_text(encoding="utf-8")),
        pd.read_csv(inputs["quarantine"], dtype=str, keep_default_na=False),
        corpus_name=corpus,
        quarantine_path=str(inputs["quarantine"]),
    )
    Path(outputs["page"]).write_text(page, encoding="utf-8")
    return {"characters": len(page)}
