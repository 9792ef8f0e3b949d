"""Config helpers used by workflow/rules/common.smk before validation."""

from __future__ import annotations

import copy
import glob
import os
from pathlib import Path

import pandas as pd
import yaml
from jsonschema import Draft202012Validator

from schemes.catalogue import empty_contrasts, in_period
from schemes.coding import (
    CodedFileError,
    check_adjudication_file,
    check_coder_files,
    check_gold_files,
    read_item_codes,
    refuse_unknown_items,
)
from schemes.design import DesignFileError, read_design
from schemes.measures import columns, measure
from schemes.settings import lookup

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "workflow" / "schemas" / "config.schema.yaml"


def coerce_to_schema(value, schema: dict):
    """Turn strings into the numbers/booleans the JSON schema expects.

    ``snakemake --config 'topics={k: 20}'`` passes nested values as strings;
    without this, a correct override would fail validation. Values that do
    not parse are left alone, so the validator still names the bad key.
    """
    kinds = {schema.get("type")} | {
        alt.get("type") for alt in schema.get("oneOf", []) + schema.get("anyOf", [])
    }
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        return {
            key: coerce_to_schema(
                item, properties.get(key, extra if isinstance(extra, dict) else {})
            )
            for key, item in value.items()
        }
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [coerce_to_schema(item, schema["items"]) for item in value]
    if isinstance(value, str):
        text = value.strip()
        for kind, parse in (("integer", int), ("number", float)):
            if kind in kinds:
                try:
                    return parse(text)
                except ValueError:
                    pass
        if "boolean" in kinds and text.lower() in ("true", "false"):
            return text.lower() == "true"
    return value


class ConfigError(ValueError):
    """A configuration the schema rejects, told in a few lines."""


def check_config(config: dict, schema: dict, log_path=None) -> None:
    """Raise ``ConfigError`` with one line per problem: the key, what is wrong, where to read.

    The validator's full report (with the schema excerpts) goes to
    ``log_path`` when given, not to the terminal.
    """
    errors = sorted(Draft202012Validator(schema).iter_errors(config), key=lambda e: list(e.path))
    if not errors:
        return
    lines = []
    for error in errors[:10]:
        key = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        lines.append(f"config {key}: {error.message}")
    if len(errors) > 10:
        lines.append(f"... and {len(errors) - 10} more")
    hint = "every key is documented in config/README.md"
    if log_path:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        Path(log_path).write_text("\n\n".join(str(e) for e in errors) + "\n", encoding="utf-8")
        hint += f"; the validator's full report is in {log_path}"
    raise ConfigError("\n".join(lines) + f"\n({hint})")


def merge_config(base: dict, override: dict) -> dict:
    """``override`` merged into ``base`` key by key, nested mappings too (as ``--configfile``)."""
    merged = copy.deepcopy(base)
    for name, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(name), dict):
            merged[name] = merge_config(merged[name], value)
        else:
            merged[name] = copy.deepcopy(value)
    return merged


def fill_defaults(config: dict, schema: dict) -> dict:
    """The schema's defaults for every key the config leaves out (as Snakemake's ``validate``)."""
    out = copy.deepcopy(config)
    for name, sub in schema.get("properties", {}).items():
        if name not in out and "default" in sub:
            out[name] = copy.deepcopy(sub["default"])
        if isinstance(out.get(name), dict):
            out[name] = fill_defaults(out[name], sub)
    return out


def load_config(*paths, overrides: dict | None = None, schema_path=SCHEMA_PATH) -> dict:
    """The configuration a run of ``snakemake --configfile <paths...>`` sees: merged,
    coerced, checked and with the schema's defaults (for tests and tools)."""
    schema = yaml.safe_load(Path(schema_path).read_text(encoding="utf-8"))
    config: dict = {}
    for path in paths:
        config = merge_config(config, yaml.safe_load(Path(path).read_text(encoding="utf-8")))
    config = coerce_to_schema(merge_config(config, overrides or {}), schema)
    config = fill_defaults(config, schema)
    check_config(config, schema)
    return config


DEMO_CORPUS = "data/demo/corpus.jsonl.gz"


def cross_key_problems(config: dict, event_types: set[str]) -> list[str]:
    """Problems the schema cannot see: settings that contradict each other or the catalogue.

    ``event_types`` are the types of the event catalogue. One line per
    problem, each naming the key.
    """
    events, gold = config["events"], config["validation"]["items"]["gold"]
    problems = []
    for pair in events["contrasts"]:
        for kind in (t for side in pair for t in side.split("+")):
            if kind not in event_types:
                problems.append(
                    f"config events.contrasts: event type {kind!r} is not a type of "
                    f"{events['catalogue']} (types: {', '.join(sorted(event_types))})"
                )
    if events["correction"] == "calibration" and events["doc_measure"] != "classifier":
        problems.append(
            "config events.correction: 'calibration' draws the classifier's calibration; "
            "it needs events.doc_measure: classifier ('acc' corrects any 0/1 decision)"
        )
    if not gold["labels"] and events["doc_measure"] == "classifier":
        problems.append(
            "config events.doc_measure: 'classifier' needs a coded gold standard "
            "(validation.items.gold.labels) to train on"
        )
    if not gold["labels"] and events["correction"] != "none":
        problems.append(
            f"config events.correction: {events['correction']!r} needs a coded "
            "gold standard (validation.items.gold.labels) to measure the errors on"
        )
    problems += design_problems(config)
    name = config["corpus"]["name"]
    if config["corpus"]["path"] == DEMO_CORPUS and name != "demo":
        # a config file naming its own corpus but no path would silently inherit
        # the demo's path from config/config.yaml
        problems.append(
            f"config corpus.path is not set for corpus {name!r}: give its files in the "
            "config file or with --config 'corpus={path: <file, glob or folder>}'"
        )
    return problems


def design_problems(config: dict) -> list[str]:
    """The design's surrogate must be a probability of the registry, available in this run."""
    design, problems = config["design"], []
    surrogate = design["surrogate"]
    if surrogate not in columns():
        return [
            f"config design.surrogate: {surrogate!r} is not a measure (measures: {', '.join(columns())})"
        ]
    if measure(surrogate).kind != "probability":
        problems.append(
            f"config design.surrogate: {surrogate!r} is a {measure(surrogate).kind}, not a probability"
        )
    waves = design["waves"]
    if (
        waves
        and measure(surrogate).needs_gold
        and not config["validation"]["items"]["gold"]["labels"]
    ):
        problems.append(
            f"config design.waves: the surrogate {surrogate!r} needs a coded gold standard "
            "(validation.items.gold.labels), as when the waves were drawn"
        )
    if len(waves) > 2:
        problems.append(f"config design.waves: at most two waves, not {len(waves)}")
    for number, wave in enumerate(waves[:-1], start=1):
        if not wave.get("labels"):
            problems.append(
                f"config design.waves[{number - 1}].labels is empty but a later wave is listed: "
                "wave 2 is drawn from wave 1's codes"
            )
    return problems


def check_cross_keys(config: dict, event_types: set[str]) -> None:
    """Raise :class:`ConfigError` listing every :func:`cross_key_problems` line."""
    problems = cross_key_problems(config, event_types)
    if problems:
        raise ConfigError("\n".join(problems) + "\n(every key is documented in config/README.md)")


# --------------------------------------------------------------------------
# Inputs checked before any job (issue 18): paths, comparisons, coded files


# Optional corpus columns that config/config.yaml maps for the demo.
INHERITED_COLUMNS = ("title", "source")


def leave_out_unmapped_columns(config: dict, user: dict | None) -> dict:
    """``config`` with the optional columns a user's own ``corpus.columns`` leaves out set to ''.

    ``user`` is what the user's config files and ``--config`` give, before
    config/config.yaml's values are merged in. A user mapping
    ``columns: {id, date, text}`` means a corpus without title and source,
    not config/config.yaml's ``title: title``, ``source: source``; a column
    the user maps stays mapped (and ingest refuses it when no record has
    it). Without columns of its own the mapping is config/config.yaml's.
    """
    mapped = ((user or {}).get("corpus") or {}).get("columns")
    if not isinstance(mapped, dict):
        return config
    out = copy.deepcopy(config)
    for name in INHERITED_COLUMNS:
        if name not in mapped:
            out["corpus"]["columns"][name] = ""
    return out


# Config keys naming one file, or a mapping of files (one per language).
FILE_KEYS = ("events.catalogue", "validation.items.guide")
FILE_MAP_KEYS = (
    "preprocess.stopwords",
    "framing.lexicons",
    "framing.lss.seeds",
    "framing.item_rules.markers",
    "validation.items.filter",
)


def configured_paths(config: dict) -> list[tuple[str, str]]:
    """``(config key, path)`` of every configured input file but the corpus; empty ones left out."""
    pairs = [(key, lookup(config, key)) for key in FILE_KEYS]
    for key in FILE_MAP_KEYS:
        pairs += [(f"{key}.{lang}", path) for lang, path in lookup(config, key).items()]
    gold = config["validation"]["items"]["gold"]
    pairs += [(f"validation.items.gold.{name}", gold[name]) for name in ("design", "labels")]
    pairs += [(f"validation.items.gold.coders[{i}]", p) for i, p in enumerate(gold["coders"])]
    pairs.append(("validation.items.gold.adjudication", gold["adjudication"]))
    pairs += [(f"validation.items.gold.active[{i}]", p) for i, p in enumerate(gold["active"])]
    for number, wave in enumerate(config["design"]["waves"]):
        where = f"design.waves[{number}]"
        pairs += [(f"{where}.{name}", wave.get(name, "")) for name in ("design", "labels")]
        pairs += [(f"{where}.coders[{i}]", p) for i, p in enumerate(wave.get("coders", []))]
        pairs.append((f"{where}.adjudication", wave.get("adjudication", "")))
    pairs.append(("design.external_codes", config["design"]["external_codes"]))
    if config["corpus"]["path"] == DEMO_CORPUS:
        pairs.append(("demo.events", config["demo"]["events"]))
    return [(key, str(path)) for key, path in pairs if path]


def corpus_path_problems(corpus: dict) -> list[str]:
    """The corpus path must be a file, a glob matching a file or a folder with a file in it."""
    path, fmt = corpus["path"], corpus["format"]
    if path == DEMO_CORPUS:
        return []  # written by the demo's own rule
    if fmt == "textdir":
        found = os.path.exists(path)
    elif glob.has_magic(path):
        found = any(os.path.isfile(p) for p in glob.glob(path))
    elif os.path.isdir(path):
        found = any(e.is_file() and not e.name.startswith(".") for e in os.scandir(path))
    else:
        found = os.path.isfile(path)
    if found:
        return []
    return [f"config corpus.path: {path!r} matches no file (format {fmt})"]


def path_problems(config: dict) -> list[str]:
    """Every configured path must exist, one line per problem naming its key.

    Checked before the DAG is built: a typo must not leave old results in
    place with "Nothing to be done".
    """
    problems = corpus_path_problems(config["corpus"])
    for key, path in configured_paths(config):
        if not os.path.isfile(path):
            what = "is a folder, not a file" if os.path.isdir(path) else "does not exist"
            problems.append(f"config {key}: {path!r} {what}")
    gold = config["validation"]["items"]["gold"]
    if gold["labels"] and not gold["design"]:
        problems.append(
            "config validation.items.gold.labels is set but validation.items.gold.design is "
            "empty: the codes need the sample's design (sample.csv of gold_sample)"
        )
    return problems


def check_paths(config: dict) -> None:
    """Raise :class:`ConfigError` listing every :func:`path_problems` line."""
    problems = path_problems(config)
    if problems:
        raise ConfigError("\n".join(problems) + "\n(every key is documented in config/README.md)")


def contrast_problems(config: dict, events: pd.DataFrame) -> list[str]:
    """Comparisons with no event on a side within ``events.period`` (the catalogue ``events``)."""
    settings = config["events"]
    period = settings["period"]
    span = f"{period.get('from') or '-inf'} .. {period.get('to') or '+inf'}"
    inside = in_period(events, period)
    if inside.empty:
        return [f"config events.period: no event of {settings['catalogue']} starts within {span}"]
    return [
        f"config events.contrasts: {a} vs {b}: no {side} event starts within events.period "
        f"{span} ({settings['catalogue']}); drop the contrast or widen the period"
        for a, b, side in empty_contrasts(inside, settings["contrasts"])
    ]


def wave_files(wave: dict) -> None:
    """A coded wave's files: its frozen design, codes and coders of items it drew, adjudication."""
    design = read_design(wave["design"])
    drawn = set(design.loc[design["drawn"] == 1, "item_id"])
    labels = None
    if wave.get("labels"):
        labels = read_item_codes(wave["labels"])
        refuse_unknown_items(
            labels,
            drawn,
            path=wave["labels"],
            why=f"was not drawn by the wave's design {wave['design']}",
        )
    coders = check_coder_files(wave.get("coders", []), drawn, design=wave["design"])
    check_adjudication_file(wave.get("adjudication"), coders, labels)


def coded_file_problems(config: dict) -> list[str]:
    """Every coded file read and cross-checked: the gold standard's and each coded wave's.

    One line per file set with a problem (the first one found), naming the
    file and the line; see :func:`schemes.coding.check_gold_files`.
    """
    checks = [(check_gold_files, config["validation"]["items"]["gold"])]
    checks += [(wave_files, wave) for wave in config["design"]["waves"]]
    problems = []
    for check, files in checks:
        try:
            check(files)
        except (CodedFileError, DesignFileError) as err:
            problems.append(str(err))
    return problems


def check_inputs(config: dict, events: pd.DataFrame) -> None:
    """Raise :class:`ConfigError` for empty comparisons and problems of the coded files."""
    problems = contrast_problems(config, events) + coded_file_problems(config)
    if problems:
        raise ConfigError("\n".join(problems))
