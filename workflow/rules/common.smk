# Shared helpers: config validation, wildcard constraints and every input
# function (get_*). Rule files hold rules only.
import glob as _glob
import os as _os
import sys as _sys

import pandas as pd
import yaml
from snakemake.utils import validate

from schemes.configtools import (
    DEMO_CORPUS,
    check_config,
    check_cross_keys,
    check_inputs,
    check_paths,
    coerce_to_schema,
    leave_out_unmapped_columns,
)

# stage modules, referred to as schemes.<module> (their names would shadow
# Snakemake's own, e.g. report())
import schemes.active
import schemes.bow
import schemes.catalogue
import schemes.claims
import schemes.classifier
import schemes.demo
import schemes.design
import schemes.estimate
import schemes.external
import schemes.coding
import schemes.eventrates
import schemes.evidence
import schemes.figures
import schemes.events
import schemes.goldsample
import schemes.ingest
import schemes.itemrules
import schemes.lss
import schemes.measures
import schemes.preprocess
import schemes.report
import schemes.scoring
import schemes.sensitivity
import schemes.topics
from schemes.catalogue import load_events
from schemes.rulekit import library_version

_CONFIG_SCHEMA = "../schemas/config.schema.yaml"
with open(workflow.source_path(_CONFIG_SCHEMA)) as _schema:
    _schema = yaml.safe_load(_schema)
config.update(coerce_to_schema(config, _schema))
# a user's own corpus.columns does not inherit config.yaml's optional title/source
config.update(
    leave_out_unmapped_columns(
        config, getattr(workflow.config_settings, "overwrite_config", {})
    )
)
# a short message naming the key; the validator's full report goes to a log
check_config(config, _schema, "logs/config_error.log")
validate(config, schema=_CONFIG_SCHEMA)
# every configured file exists (a glob matches one) before anything is read or built
check_paths(config)
# the event catalogue, every row, before any job runs (errors name file and line)
_events = load_events(config["events"]["catalogue"])
validate(
    pd.read_csv(config["events"]["catalogue"], sep="\t", dtype=str).fillna(""),
    schema="../schemas/events.schema.yaml",
)
# settings that contradict each other or the catalogue
check_cross_keys(config, set(_events["type"]))
# comparisons with events in events.period; every coded file loaded and cross-checked
check_inputs(config, _events)

CORPUS = config["corpus"]["name"]
GOLD = bool(config["validation"]["items"]["gold"]["labels"])
# the names events.doc_measure accepts (schemes.measures, the measure registry)
DOC_MEASURE_NAMES = "|".join(schemes.measures.event_measures())


wildcard_constraints:
    corpus=CORPUS,
    shard=r"\d+",


def rule_settings(settings_class):
    """The config keys one rule reads (its settings class's fields), as plain params.

    Only these keys are the rule's params, so editing another key re-runs
    nothing here; the rule's script rebuilds the object (schemes.rulekit.run).
    """
    return settings_class.from_config(config).as_params()


def get_corpus_inputs(wildcards):
    """Input files of the configured corpus (glob expanded; demo made by its rule)."""
    corpus = config["corpus"]
    path = corpus["path"]
    if path == DEMO_CORPUS or corpus["format"] == "textdir":
        return [path]
    if _glob.has_magic(path):
        files = sorted(_glob.glob(path))
    elif _os.path.isdir(path):
        files = sorted(
            _os.path.join(path, f)
            for f in _os.listdir(path)
            if not f.startswith(".") and _os.path.isfile(_os.path.join(path, f))
        )
    else:
        files = [path]
    if not files:
        raise ValueError(f"config corpus.path: {path!r} matches no file")
    return files


def get_corpus_fingerprint(wildcards):
    """The ingest rule's param: a hash of the corpus files (sizes, times, first/last MB).

    A corpus replaced by an older file re-runs ingest. Not for the demo's
    corpus, which its own rule writes (Snakemake follows it).
    """
    if config["corpus"]["path"] == DEMO_CORPUS:
        return ""
    return schemes.ingest.corpus_fingerprint(get_corpus_inputs(wildcards))


def get_sentence_shards(wildcards):
    """Every lemmatised sentence shard of the corpus, in shard order."""
    return expand(
        "results/{corpus}/preprocess/sentences/shard_{shard}.parquet",
        corpus=wildcards.corpus,
        shard=range(config["preprocess"]["shards"]),
    )


def get_topics_inputs(wildcards):
    """Topic-model inputs; the K-selection table only when topics.k is auto."""
    inputs = {
        "units": f"results/{wildcards.corpus}/topics/units.parquet",
        "doc_units": f"results/{wildcards.corpus}/topics/doc_units.parquet",
        "lexicons": list(config["framing"]["lexicons"].values()),
    }
    if config["topics"]["k"] == "auto":
        inputs["selection"] = f"results/{wildcards.corpus}/topics/model_selection.csv"
    return inputs


def get_figure_inputs(wildcards):
    """The input tables of one registered figure (schemes.figures.FIGURES), and the style
    file (editing it redraws the figures)."""
    spec = schemes.figures.FIGURES[wildcards.figure]
    inputs = {
        name: f"results/{wildcards.corpus}/{path}" for name, path in spec.inputs.items()
    }
    inputs["style"] = "scripts/schemes/schemes.mplstyle"
    return inputs


def figure_formats():
    """The figure formats written: PNG first (the report shows it), then the others."""
    return ["png", *(f for f in config["figures"]["formats"] if f != "png")]


def get_figure_labels(wildcards):
    """The report's labels of a figure: its title and the width shown."""
    title = schemes.figures.FIGURES[wildcards.figure].title
    return {"figure": title, "width": "17.5 cm (double column)"}


def get_figure_category(wildcards):
    """The report category of one registered figure."""
    return schemes.figures.FIGURES[wildcards.figure].category


def get_figure_caption(wildcards):
    """The caption of one registered figure: workflow/report/figures/<name>.rst."""
    path = _os.path.join(
        workflow.basedir, "workflow", "report", "figures", f"{wildcards.figure}.rst"
    )
    with open(path, encoding="utf-8") as caption:
        return caption.read()


def get_doc_measure(wildcards):
    """Per-document claims the event stage ranks on, from the measure chosen in config.

    The sentence lexicon's own claim counts, unless another measure is chosen
    or the counts are to be error-corrected (which needs a 0/1 decision)."""
    measure = config["events"]["doc_measure"]
    if measure == "lexicon" and config["events"]["correction"] == "none":
        return f"results/{wildcards.corpus}/framing/doc_claims.parquet"
    return f"results/{wildcards.corpus}/framing/doc_measure_{measure}.parquet"


def get_doc_measure_inputs(wildcards):
    """The item-measure table, and the classifier's raw scores for calibration draws."""
    inputs = {
        "doc_claims": f"results/{wildcards.corpus}/framing/doc_claims.parquet",
        "measures": f"results/{wildcards.corpus}/framing/item_measures.parquet",
    }
    if config["events"]["correction"] == "calibration":
        inputs["classifier"] = (
            f"results/{wildcards.corpus}/framing/classifier_scores.parquet"
        )
    return inputs


def _measure_sources(wildcards, columns):
    """doc_claims (ids, dates) and the source file of each measure, named by its stem."""
    inputs = {"doc_claims": f"results/{wildcards.corpus}/framing/doc_claims.parquet"}
    for source in schemes.measures.sources(columns, with_gold=GOLD):
        inputs[_os.path.splitext(_os.path.basename(source))[0]] = (
            f"results/{wildcards.corpus}/{source}"
        )
    return inputs


def get_item_measure_inputs(wildcards):
    """Every registry measure's source (the classifier's only with a gold standard)."""
    return _measure_sources(wildcards, schemes.measures.columns())


def get_classifier_measure_inputs(wildcards):
    """Only what the classifier's configured measures need (not LSS or topics unless used)."""
    return _measure_sources(
        wildcards, config["validation"]["items"]["classifier"]["measures"]
    )


def get_correction(wildcards):
    """The measurement-error model the event stage draws from (events.correction)."""
    if config["events"]["correction"] == "acc":
        return f"results/{wildcards.corpus}/validation/measurement_error.csv"
    if config["events"]["correction"] == "calibration":
        return f"results/{wildcards.corpus}/validation/calibration_draws.csv"
    return []


def get_gold_inputs(wildcards):
    """The coded gold standard: design, final labels, independent codings, adjudication."""
    gold = config["validation"]["items"]["gold"]
    inputs = {
        "design": gold["design"],
        "labels": gold["labels"],
        "coders": gold["coders"],
    }
    if gold["adjudication"]:
        inputs["adjudication"] = gold["adjudication"]
    return inputs


def _wave(number):
    """design.waves[number - 1], or a message naming what is missing."""
    waves = config["design"]["waves"]
    if len(waves) < number:
        raise ValueError(
            f"config design.waves has {len(waves)} wave(s): list wave {number}'s frozen design "
            "(and its coder files) first"
        )
    return waves[number - 1]


def get_coding_wave_inputs(wildcards):
    """The surrogate, the catalogue and texts; for wave 2, wave 1's frozen design and codes."""
    inputs = {
        "measures": f"results/{wildcards.corpus}/framing/item_measures.parquet",
        "catalogue": f"results/{wildcards.corpus}/events/catalogue.tsv",
        "documents": f"results/{wildcards.corpus}/ingest/documents.parquet",
    }
    if wildcards.wave == "2":
        first = _wave(1)
        if not first.get("labels"):
            raise ValueError(
                "config design.waves[0].labels is empty: wave 2 is allocated from wave 1's codes"
            )
        inputs.update(design=first["design"], labels=first["labels"])
    return inputs


def get_second_coding_inputs(wildcards):
    """The first coder's file of the wave (design.waves[wave - 1].coders[0]) and the texts."""
    coders = _wave(int(wildcards.wave)).get("coders", [])
    if not coders:
        raise ValueError(
            f"config design.waves[{int(wildcards.wave) - 1}].coders is empty: list the first "
            "coder's file of the wave"
        )
    return {
        "first": coders[0],
        "documents": f"results/{wildcards.corpus}/ingest/documents.parquet",
    }


def coded_waves():
    """The waves of design.waves that have final codes (the estimates use these)."""
    waves = []
    for wave in config["design"]["waves"]:
        if not wave.get("labels"):
            break
        waves.append(wave)
    return waves


def get_estimate_inputs(wildcards):
    """Every coded wave's frozen design, codes, coders and adjudication."""
    inputs = {
        "measures": f"results/{wildcards.corpus}/framing/item_measures.parquet",
        "catalogue": f"results/{wildcards.corpus}/events/catalogue.tsv",
    }
    for number, wave in enumerate(coded_waves(), start=1):
        inputs[f"design_{number}"] = wave["design"]
        inputs[f"labels_{number}"] = wave["labels"]
        inputs[f"coders_{number}"] = wave.get("coders", [])
        if wave.get("adjudication"):
            inputs[f"adjudication_{number}"] = wave["adjudication"]
    return inputs


def get_external_codes(wildcards):
    """design.external_codes, or a message saying it is not set."""
    path = config["design"]["external_codes"]
    if not path:
        raise ValueError(
            "config design.external_codes is empty: give the independent coder file to compare "
            "with the shipped estimates"
        )
    return path


def get_front_page_inputs(wildcards):
    """What the front page reports: ingest, corpus hash, topics, ranking, validation, waves."""
    results = f"results/{wildcards.corpus}"
    inputs = {
        "description": "workflow/report/workflow.rst",
        "summary": f"{results}/ingest/summary.json",
        "quarantine": f"{results}/ingest/quarantine.csv",
        "corpus_hash": f"{results}/provenance/corpus.json",
        "topics": f"{results}/topics/topics.csv",
        "selection": f"{results}/topics/model_selection.csv",
        "ranking": f"{results}/tables/event_ranking.csv",
    }
    if GOLD:
        inputs["choice"] = f"{results}/validation/measure_choice.csv"
        inputs["reliability"] = f"{results}/validation/gold_reliability.csv"
    if coded_waves():
        inputs["estimates"] = f"{results}/tables/event_estimates.csv"
        inputs["wave_reliability"] = f"{results}/validation/wave_reliability.csv"
    return inputs


def get_evidence_inputs(wildcards):
    """Items, the ranking measure's values and decisions, the ranking, attributions, codes."""
    results = f"results/{wildcards.corpus}"
    inputs = {
        "documents": f"{results}/ingest/documents.parquet",
        "doc_measure": get_doc_measure(wildcards),
        "measures": f"{results}/framing/item_measures.parquet",
        "ranking": f"{results}/tables/event_ranking.csv",
        "item_rules": f"{results}/framing/item_rules.parquet",
        "claims": f"{results}/framing/claims.csv",
    }
    if GOLD:
        inputs["gold"] = config["validation"]["items"]["gold"]["labels"]
    inputs["waves"] = [wave["labels"] for wave in coded_waves()]
    return inputs


def get_report_description():
    """The report's front page: with the ingest counts once a run has made them."""
    page = f"results/{CORPUS}/report/front_page.rst"
    summary = f"results/{CORPUS}/ingest/summary.json"
    if _os.path.exists(page):
        if _os.path.exists(summary) and _os.path.getmtime(summary) > _os.path.getmtime(
            page
        ):
            print(
                f"Warning: {page} is older than {summary}; run `snakemake` before "
                "`snakemake --report` so that the report's ingest counts are current",
                file=_sys.stderr,
            )
        return _os.path.abspath(page)
    return "workflow/report/workflow.rst"


def get_final_outputs():
    outputs = [
        "results/{corpus}/provenance/corpus.json",
        "results/{corpus}/evidence/evidence.csv",
        "results/{corpus}/ingest/summary.json",
        "results/{corpus}/ingest/quarantine.csv",
        "results/{corpus}/report/front_page.rst",
        "results/{corpus}/topics/topics.csv",
        "results/{corpus}/topics/topic_prevalence.csv",
        "results/{corpus}/topics/model_selection.csv",
        "results/{corpus}/framing/measure_agreement.csv",
        "results/{corpus}/framing/claims.csv",
        "results/{corpus}/tables/event_ranking.csv",
        "results/{corpus}/tables/event_ranking.tex",
        "results/{corpus}/tables/type_contrast.csv",
        "results/{corpus}/tables/sensitivity.csv",
        "results/{corpus}/tables/event_topics.csv",
        "results/{corpus}/tables/framing_timeseries.csv",
    ]
    outputs.append("results/{corpus}/validation/items/sample.csv")
    if coded_waves():
        outputs.append("results/{corpus}/tables/event_estimates.csv")
        if config["design"]["external_codes"]:
            outputs.append("results/{corpus}/tables/external_comparison.csv")
    if GOLD:
        outputs += [
            "results/{corpus}/validation/item_scores.csv",
            "results/{corpus}/validation/event_rate_agreement.csv",
        ]
    # every format at both widths, and the figure's provenance sidecar
    for name, spec in schemes.figures.FIGURES.items():
        if spec.drawn(gold=GOLD, waves=bool(coded_waves())):
            outputs += [
                f"results/{{corpus}}/figures/{name}{width}.{fmt}"
                for width in ("", ".single")
                for fmt in figure_formats()
            ]
            outputs.append(f"results/{{corpus}}/figures/{name}.provenance.json")
    return expand(outputs, corpus=CORPUS)
