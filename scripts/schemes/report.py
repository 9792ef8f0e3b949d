"""The report's front page, generated from the run.

Snakemake renders the global description of ``snakemake --report`` from an
rST file. :func:`front_page` appends to the static description
(``workflow/report/workflow.rst``):

* *Data*: the corpus, its hash, records read, kept, quarantined and dropped
  as duplicates, the date range and languages, the quarantine counts by
  reason and where the quarantined rows are, so nobody cites a figure
  without seeing what was left out;
* *Method* (:func:`method_lines`): the measure and how it was validated
  (test-part F1 and AUC, agreement of per-event rates, coder reliability),
  the estimator of the event scores, the number of topics K;
* *Software* (:func:`software_lines`): the package versions, the commit,
  the provenance sidecars and how to cite.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import pandas as pd

from schemes import labels as names
from schemes.ingest import quarantine_reasons
from schemes.measures import event_measure_column
from schemes.provenance import git_state, package_versions
from schemes.settings import Settings, key


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
    sections: tuple = (),
) -> str:
    """``description`` followed by the corpus's *Data* section and ``sections`` (rST, Jinja-safe).

    The description may use Jinja2 (``snakemake.config``); every value in the
    Data section comes from the data and is escaped for rST and for Jinja2;
    ``sections`` are further lists of rST lines (escaped for rST by their
    makers, for Jinja2 here).
    """
    lines = _data_lines(summary, corpus_name) + _quarantine_lines(quarantine, quarantine_path, top)
    for section in sections:
        lines += ["", *section]
    return description.rstrip() + "\n\n" + _jinja_literal("\n".join(lines)) + "\n"


def _title(text: str, underline: str = "-") -> list[str]:
    return [text, underline * len(text), ""]


def _number(value, digits: int = 2) -> str:
    return "n/a" if value is None or pd.isna(value) else f"{float(value):.{digits}f}"


@dataclass(frozen=True)
class FrontPageSettings(Settings):
    """Rule ``report_front_page``: the measure, the estimator and the topic model it names."""

    SECTION: ClassVar[str] = "events"
    doc_measure: str
    correction: str
    measure: str
    days_before: int
    days_after: int
    baseline_days: int
    resample: str
    bootstrap: int
    seed: int
    backend: str = key("topics.backend")
    estimator: str = key("design.estimator")
    interval: str = key("design.interval")
    waves: list = key("design.waves")


@dataclass(frozen=True)
class RunTables:
    """The run's tables the front page reads (the validation ones only with a gold standard)."""

    topics: pd.DataFrame
    selection: pd.DataFrame
    ranking: pd.DataFrame
    choice: pd.DataFrame | None = None
    reliability: pd.DataFrame | None = None
    estimates: pd.DataFrame | None = None
    wave_reliability: pd.DataFrame | None = None
    corpus: dict = field(default_factory=dict)


def measure_lines(settings: FrontPageSettings, tables: RunTables) -> list[str]:
    """The measure, and its validation numbers against the gold standard (or their absence)."""
    column = event_measure_column(settings.doc_measure, settings.correction)
    correction_text = f"``{settings.correction}``"
    if settings.correction in names.CORRECTIONS:
        correction_text = f"{names.CORRECTIONS[settings.correction]} ({correction_text})"
    lines = [
        f"**Measure.** Each document's anti-Western conspiracy claims are counted by "
        f"*{names.item_measure(column)}* (``events.doc_measure: {settings.doc_measure}``, "
        f"column ``{column}``; correction for measurement error: {correction_text}).",
        "",
    ]
    rows = (
        pd.DataFrame()
        if tables.choice is None
        else tables.choice[
            (tables.choice["measure"] == column) & (tables.choice["target"] == "anti_western")
        ]
    )
    if rows.empty:
        return lines + [
            "**Validation.** Not validated on this corpus: no coded gold standard is "
            "configured (``validation.items.gold.labels``), so no precision, recall or F1 "
            "can be quoted for the measure here.",
        ]
    row = rows.iloc[0]
    text = (
        "**Validation** against the hand-coded gold standard (locked test part, weighted by "
        f"inverse inclusion probability; target: anti-Western claim): F1 {_number(row['test_f1'])} "
        f"[95% CI {_number(row['test_f1_ci_low'])}, {_number(row['test_f1_ci_high'])}], "
        f"ROC AUC {_number(row['test_auc'])}; Spearman correlation of the measure's per-event "
        f"rates with the coded rates {_number(row['event_spearman'])}."
    )
    if tables.reliability is not None and len(tables.reliability):
        text += f" Coders' agreement (Krippendorff's alpha): {_alphas(tables.reliability)}."
    return [*lines, text]


def _alphas(table: pd.DataFrame) -> str:
    return "; ".join(
        f"{_rst_escape(r.field)} {_number(r.krippendorff_alpha)}"
        for r in table.itertuples(index=False)
    )


def design_text(settings: FrontPageSettings, tables: RunTables) -> str:
    """The design-based estimates: waves, estimator, intervals, coded items, coder agreement."""
    waves = len([w for w in settings.waves if w.get("labels")])
    if not waves:
        return (
            "No design-based coding wave is coded yet (``design.waves``), so the events are "
            "ranked on the measure alone: an **unvalidated** ranking (sums of a measure drift "
            "with each window's prevalence); the README's coding loop turns a coding budget "
            "into design-based estimates."
        )
    text = (
        f"**Design-based estimates**, the default ranking, from {waves} coded wave(s) "
        f"(``tables/event_estimates.csv``, figure *Events ranked by design-based estimates*): "
        f"estimator ``{settings.estimator}``, intervals ``{settings.interval}``"
    )
    if tables.estimates is not None and len(tables.estimates):
        top = tables.estimates.sort_values("rank", kind="stable").head(3)
        text += (
            f", {tables.estimates['n_coded'].mean():,.0f} coded items per event window on "
            f"average; highest estimated excess: "
            + "; ".join(_rst_escape(label) for label in top["label"])
        )
    text += ". The measure-based ranking is kept beside them as the unvalidated alternative."
    if tables.wave_reliability is not None and len(tables.wave_reliability):
        for wave, part in tables.wave_reliability.groupby("wave", sort=True):
            text += f" Coders' agreement on wave {wave} (Krippendorff's alpha): {_alphas(part)}."
    return text


def estimator_lines(settings: FrontPageSettings, tables: RunTables) -> list[str]:
    """How the event scores, their CIs and the rank sets are estimated."""
    ranked = int(tables.ranking["score"].notna().sum())
    return [
        f"**Estimator.** {ranked:,} events are ranked by "
        f"*{names.event_measure(settings.measure, long=True)}* "
        f"(``events.measure: {settings.measure}``) in a window "
        f"from {settings.days_before} days before each event's start to {settings.days_after} "
        f"days after its end, against the {settings.baseline_days} days before the window; 95% "
        f"CIs from a Poisson bootstrap over {settings.resample}s ({settings.bootstrap:,} "
        f"replicates, seed {settings.seed}) and marginal 95% rank confidence sets. "
        f"{design_text(settings, tables)}",
    ]


def topic_lines(settings: FrontPageSettings, tables: RunTables) -> list[str]:
    """K, how it was chosen, and the chosen model's scores."""
    k = len(tables.topics)
    seeded = int(tables.topics["seeded"].fillna("").astype(str).str.len().gt(0).sum())
    chosen = tables.selection[tables.selection["chosen"].astype(bool)]
    how = "fixed by ``topics.k``"
    if len(chosen):
        row = chosen.iloc[0]
        grid = ", ".join(str(int(v)) for v in tables.selection["k"])
        how = (
            f"chosen from the grid {grid} by mean NPMI among diverse models: NPMI "
            f"{_number(row['npmi'])}, diversity {_number(row['diversity'])}, stability "
            f"{_number(row['stability'])}"
        )
    return [
        f"**Topics.** ``{settings.backend}`` with **K = {k}** topics ({seeded} seeded "
        f"by the framing lexicon), {how}.",
    ]


def method_lines(settings: FrontPageSettings, tables: RunTables) -> list[str]:
    """The *Method* section: measure and validation, estimator, topics."""
    return [
        *_title("Method"),
        *measure_lines(settings, tables),
        "",
        *estimator_lines(settings, tables),
        "",
        *topic_lines(settings, tables),
    ]


def software_lines(versions: dict, git: dict, corpus: dict) -> list[str]:
    """The *Software* section: commit, corpus hash, package versions, sidecars, citation."""
    commit = git.get("git_commit")
    code = f"commit ``{commit}``" if commit else "no git commit (not run from a repository)"
    if commit and git.get("git_dirty"):
        code += " with uncommitted changes"
    rows = [(_rst_escape(name), _rst_escape(version)) for name, version in versions.items()]
    corpus_text = (
        f"Input corpus: {corpus.get('n_files', 0):,} file(s), {corpus.get('bytes', 0):,} bytes, "
        f"SHA-256 ``{corpus['sha256']}``."
        if corpus.get("sha256")
        else "Input corpus hash: not computed."
    )
    return [
        *_title("Software and provenance"),
        f"Code: {code}. {corpus_text}",
        "",
        _rst_table(("package", "version"), rows),
        "",
        "Every figure and table has a provenance sidecar beside it "
        "(``<name>.provenance.json``): the files' SHA-256, the commit, the config's hash and "
        "a copy of the config, the corpus hash, the seeds, the package versions and the "
        "command that rebuilds it. How to cite the software, the book and the data: "
        "``CITATION.cff`` and the README.",
    ]


def read_run_tables(inputs: dict) -> RunTables:
    """The tables :func:`method_lines` and :func:`software_lines` read."""
    optional = {
        name: pd.read_csv(inputs[name]) if inputs.get(name) else None
        for name in ("choice", "reliability", "estimates", "wave_reliability")
    }
    return RunTables(
        topics=pd.read_csv(inputs["topics"]),
        selection=pd.read_csv(inputs["selection"]),
        ranking=pd.read_csv(inputs["ranking"]),
        corpus=json.loads(Path(inputs["corpus_hash"]).read_text(encoding="utf-8")),
        **optional,
    )


def run_report_front_page(
    settings: FrontPageSettings, inputs: dict, outputs: dict, *, corpus: str
) -> dict:
    """Write the report's front page: description, data, method and software sections.

    Inputs: ``description`` (workflow/report/workflow.rst), ``summary`` and
    ``quarantine`` (ingest), ``corpus_hash``, ``topics`` and ``selection``
    (topic stage), ``ranking``, optional ``choice`` and ``reliability``
    (validation, with a gold standard), ``estimates`` and ``wave_reliability``
    (with coded design waves). Outputs: ``page``. Settings: the
    event measure and estimator (``events.*``), ``backend`` (topics),
    ``estimator``, ``interval``, ``waves`` (design); ``corpus``
    is the rule's wildcard, the corpus name shown in the title.
    """
    tables = read_run_tables(inputs)
    page = front_page(
        Path(inputs["description"]).read_text(encoding="utf-8"),
        json.loads(Path(inputs["summary"]).read_text(encoding="utf-8")),
        pd.read_csv(inputs["quarantine"], dtype=str, keep_default_na=False),
        corpus_name=corpus,
        quarantine_path=str(inputs["quarantine"]),
        sections=(
            method_lines(settings, tables),
            software_lines(package_versions(), git_state(), tables.corpus),
        ),
    )
    Path(outputs["page"]).write_text(page, encoding="utf-8")
    return {"characters": len(page)}
