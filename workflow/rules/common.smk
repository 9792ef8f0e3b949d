# Shared helpers: config validation, wildcard constraints and every input
# function (get_*). Rule files hold rules only.
import glob as _glob
import os as _os
import sys as _sys

import pandas as pd
import yaml
from snakemake.utils import validate

from schemes.configtools import check_config, coerce_to_schema

# stage modules, referred to as schemes.<module> (their names would shadow
# Snakemake's own, e.g. report())
import schemes.bow
import schemes.claims
import schemes.demo
import schemes.events
import schemes.ingest
import schemes.itemrules
import schemes.lss
import schemes.preprocess
import schemes.report
import schemes.topics
from schemes.events import load_events
from schemes.rulekit import library_version

_CONFIG_SCHEMA = "../schemas/config.schema.yaml"
with open(workflow.source_path(_CONFIG_SCHEMA)) as _schema:
    _schema = yaml.safe_load(_schema)
config.update(coerce_to_schema(config, _schema))
# a short message naming the key; the validator's full report goes to a log
check_config(config, _schema, "logs/config_error.log")
validate(config, schema=_CONFIG_SCHEMA)
# the event catalogue, every row, before any job runs (errors name file and line)
load_events(config["events"]["catalogue"])
validate(
    pd.read_csv(config["events"]["catalogue"], sep="\t", dtype=str).fillna(""),
    schema="../schemas/events.schema.yaml",
)
_event_types = set(
    pd.read_csv(config["events"]["catalogue"], sep="\t", dtype=str)["type"]
)
for _pair in config["events"]["contrasts"]:
    for _type in (t for side in _pair for t in side.split("+")):
        if _type not in _event_types:
            raise ValueError(
                f"config events.contrasts: event type {_type!r} is not a type of "
                f"{config['events']['catalogue']} (types: {', '.join(sorted(_event_types))})"
            )

if (
    config["events"]["correction"] == "calibration"
    and config["events"]["doc_measure"] != "classifier"
):
    raise ValueError(
        "config events.correction: 'calibration' draws the classifier's calibration; "
        "it needs events.doc_measure: classifier ('acc' corrects any 0/1 decision)"
    )
if not config["validation"]["items"]["gold"]["labels"]:
    if config["events"]["doc_measure"] == "classifier":
        raise ValueError(
            "config events.doc_measure: 'classifier' needs a coded gold standard "
            "(validation.items.gold.labels) to train on"
        )
    if config["events"]["correction"] != "none":
        raise ValueError(
            f"config events.correction: {config['events']['correction']!r} needs a coded "
            "gold standard (validation.items.gold.labels) to measure the errors on"
        )

CORPUS = config["corpus"]["name"]
DEMO_CORPUS = "data/demo/corpus.jsonl.gz"
if config["corpus"]["path"] == DEMO_CORPUS and CORPUS != "demo":
    # a config file naming its own corpus but no path would silently inherit
    # the demo's path from config/config.yaml
    raise ValueError(
        f"config corpus.path is not set for corpus {CORPUS!r}: give its files in the "
        "config file or with --config 'corpus={path: <file, glob or folder>}'"
    )
FIGURES = [
    "event_ranking",
    "type_contrast",
    "sensitivity",
    "framing_timeseries",
    "topic_prevalence",
    "event_topics",
    "model_selection",
]


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


def get_figure_other_formats(name):
    """Files of one figure in the configured formats besides PNG (always made for the report)."""
    return expand(
        "results/{{corpus}}/figures/{name}.{fmt}",
        name=name,
        fmt=[f for f in config["figures"]["formats"] if f != "png"],
    )


def get_doc_measure(wildcards):
    """Per-document claims the event stage ranks on, from the measure chosen in config.

    The sentence lexicon's own claim counts, unless another measure is chosen
    or the counts are to be error-corrected (which needs a 0/1 decision)."""
    measure = config["events"]["doc_measure"]
    if measure == "lexicon" and config["events"]["correction"] == "none":
        return f"results/{wildcards.corpus}/framing/doc_claims.parquet"
    return f"results/{wildcards.corpus}/framing/doc_measure_{measure}.parquet"


def get_doc_measure_scores(wildcards):
    """The per-item table holding the chosen measure's column."""
    if wildcards.measure == "classifier":
        return f"results/{wildcards.corpus}/framing/classifier_scores.parquet"
    return f"results/{wildcards.corpus}/framing/item_measures.parquet"


def doc_measure_column(measure):
    """Calibrated probability, or the 0/1 decision when counts are error-corrected."""
    if measure == "classifier" and config["events"]["correction"] != "acc":
        return "classifier_probability"
    return {"lexicon": "lexicon_anti_western", "rule": "rule_anti_western"}.get(
        measure, "classifier_claim"
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


def get_classifier_measure_inputs(wildcards):
    """Only what the classifier's configured measures need (not LSS or topics unless used)."""
    measures = config["validation"]["items"]["classifier"]["measures"]
    inputs = {
        "doc_claims": f"results/{wildcards.corpus}/framing/doc_claims.parquet",
        "candidates": f"results/{wildcards.corpus}/framing/candidates.parquet",
    }
    if "seeded_topic_share" in measures:
        inputs["framing_share"] = (
            f"results/{wildcards.corpus}/topics/framing_topic_share.parquet"
        )
    if "lss_score" in measures:
        inputs["lss"] = f"results/{wildcards.corpus}/framing/lss_scores.parquet"
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
    outputs += [
        "results/{corpus}/validation/sample.csv",
        "results/{corpus}/validation/items/sample.csv",
    ]
    if config["validation"]["coded"]:
        outputs.append("results/{corpus}/validation/precision_recall.csv")
    if config["validation"]["items"]["gold"]["labels"]:
        outputs += [
            "results/{corpus}/validation/item_scores.csv",
            "results/{corpus}/validation/event_rate_agreement.csv",
            "results/{corpus}/figures/validation.png",
        ] + get_figure_other_formats("validation")
    for name in FIGURES:
        outputs += [
            f"results/{{corpus}}/figures/{name}.png"
        ] + get_figure_other_formats(name)
    return expand(outputs, corpus=CORPUS)
