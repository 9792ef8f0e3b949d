"""Config helpers used by workflow/rules/common.smk before validation."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

from schemes.measures import columns, measure

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
