"""Per-rule settings objects: built from the config with the schema's key names."""

import importlib
import pkgutil
from dataclasses import dataclass
from types import SimpleNamespace
from typing import ClassVar

import pytest
import schemes
import yaml
from conftest import ROOT
from schemes.configtools import load_config
from schemes.rulekit import run
from schemes.settings import Settings, key, lookup

SCHEMA = yaml.safe_load((ROOT / "workflow" / "schemas" / "config.schema.yaml").read_text())


@dataclass(frozen=True)
class Inner(Settings):
    min_count: int
    threshold: float


@dataclass(frozen=True)
class Example(Settings):
    SECTION: ClassVar[str] = "preprocess"
    min_df: int
    phrases: Inner
    seed: int = key("topics.seed")


def test_fields_read_their_section_or_their_key_and_nested_blocks():
    config = {
        "preprocess": {"min_df": 3, "phrases": {"min_count": 2, "threshold": 1.5}, "x": 0},
        "topics": {"seed": 9},
    }
    settings = Example.from_config(config)
    assert settings == Example(3, Inner(2, 1.5), 9)
    assert Example.config_keys() == {
        "min_df": "preprocess.min_df",
        "phrases": "preprocess.phrases",
        "seed": "topics.seed",
    }
    params = settings.as_params()
    assert params == {"min_df": 3, "phrases": {"min_count": 2, "threshold": 1.5}, "seed": 9}
    assert Example.from_params(params) == settings
    assert Example.from_config(config, seed=1).seed == 1


def test_a_missing_key_is_named():
    with pytest.raises(KeyError, match="topics.seed"):
        Example.from_config(
            {"preprocess": {"min_df": 1, "phrases": {"min_count": 1, "threshold": 1.0}}}
        )
    with pytest.raises(KeyError, match="'seed' was not passed"):
        Example.from_params({"min_df": 1, "phrases": {"min_count": 1, "threshold": 1.0}})
    assert lookup({"a": {"b": 2}}, "a.b") == 2


def test_rulekit_rebuilds_the_settings_and_passes_named_files(tmp_path):
    seen = {}

    def run_example(settings: Example, inputs: dict, outputs: dict, shard: int) -> dict:
        seen.update(settings=settings, inputs=inputs, outputs=outputs, shard=shard)
        return {"ok": True}

    class Files(list):
        def __init__(self, named):
            super().__init__(named.values())
            self._named = named

        def items(self):
            return self._named.items()

    snakemake = SimpleNamespace(
        rule="example",
        log=[str(tmp_path / "example.log")],
        params=SimpleNamespace(settings=Example(3, Inner(2, 1.5), 9).as_params()),
        input=Files({"documents": "d.parquet", "shards": ["a", "b"]}),
        output=Files({"table": "t.csv"}),
    )
    assert run(snakemake, run_example, shard=4) == {"ok": True}
    assert seen == {
        "settings": Example(3, Inner(2, 1.5), 9),
        "inputs": {"documents": "d.parquet", "shards": ["a", "b"]},
        "outputs": {"table": "t.csv"},
        "shard": 4,
    }
    assert "summary" in (tmp_path / "example.log").read_text()


def _settings_classes():
    for module in pkgutil.iter_modules(schemes.__path__):
        loaded = importlib.import_module(f"schemes.{module.name}")
        for value in vars(loaded).values():
            if (
                isinstance(value, type)
                and issubclass(value, Settings)
                and value is not Settings
                and value.__module__ == loaded.__name__
            ):
                yield value


def _schema_at(path: str):
    node = SCHEMA
    for part in path.split("."):
        node = node.get("properties", {}).get(part)
        if node is None:
            return None
    return node


def test_every_rule_setting_is_a_schema_key_with_its_name_and_the_defaults_build_it():
    """One name per setting: a field is named as its config key (or says which key it reads)."""
    config = load_config(ROOT / "config" / "config.yaml")
    classes = list(_settings_classes())
    assert classes, "no settings classes found"
    for cls in classes:
        if not cls.SECTION and not any(f.metadata.get("key") for f in _fields(cls)):
            continue  # a nested block: checked through its parent
        for name, path in cls.config_keys().items():
            assert _schema_at(path) is not None, f"{cls.__name__}.{name} reads {path}: no such key"
        cls.from_config(config)  # the shipped defaults build every rule's settings


def _fields(cls):
    from dataclasses import fields

    return fields(cls)
