"""Provenance sidecars: one per figure and table, complete, and byte-identical across runs."""

import json
from dataclasses import dataclass
from types import SimpleNamespace
from typing import ClassVar

import yaml
from schemes import provenance
from schemes.provenance import (
    config_sha256,
    corpus_hash,
    record,
    run_corpus_hash,
    seeds,
    sidecar_groups,
)
from schemes.rulekit import run
from schemes.settings import Settings, key

CONFIG = {
    "corpus": {"name": "toy", "path": "corpus.jsonl"},
    "events": {"seed": 7, "bootstrap": 100},
    "validation": {"seed": 11},
}


@dataclass(frozen=True)
class ToySettings(Settings):
    SECTION: ClassVar[str] = "events"
    bootstrap: int
    seed: int
    other_seed: int = key("validation.seed")


class Files(list):
    """Snakemake's named file lists: a list that also has items()."""

    def __init__(self, named):
        super().__init__(
            v for value in named.values() for v in ([value] if isinstance(value, str) else value)
        )
        self._named = named

    def items(self):
        return self._named.items()


def run_toy(settings: ToySettings, inputs: dict, outputs: dict) -> dict:
    for path in [outputs["table"], outputs["table_tex"], *outputs["figure"]]:
        with open(path, "w") as handle:
            handle.write(f"{path} made with bootstrap {settings.bootstrap}\n")
    return {"ok": True}


def toy_job(tmp_path):
    folder = tmp_path / "results" / "toy"
    (folder / "tables").mkdir(parents=True)
    (folder / "figures").mkdir()
    (folder / "provenance").mkdir()
    (folder / "provenance" / "corpus.json").write_text(
        json.dumps({"sha256": "abc", "n_files": 1, "bytes": 10, "files": []})
    )
    outputs = {
        "table": "results/toy/tables/ranking.csv",
        "table_tex": "results/toy/tables/ranking.tex",
        "figure": ["results/toy/figures/ranking.png", "results/toy/figures/ranking.single.pdf"],
        "data": "results/toy/ranking.parquet",
    }
    return SimpleNamespace(
        rule="toy",
        config=CONFIG,
        log=[str(tmp_path / "toy.log")],
        wildcards=Files({"corpus": "toy"}),
        params=SimpleNamespace(
            settings=ToySettings(bootstrap=100, seed=7, other_seed=11).as_params(),
            library="0123456789abcdef",
        ),
        input=Files({"documents": "results/toy/ingest/documents.parquet"}),
        output=Files(outputs),
    )


def test_rulekit_writes_one_sidecar_per_table_and_figure_with_everything(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    job = toy_job(tmp_path)
    (tmp_path / "results/toy/ranking.parquet").write_bytes(b"not a table")
    assert run(job, run_toy) == {"ok": True}
    table = json.loads((tmp_path / "results/toy/tables/ranking.provenance.json").read_text())
    figure = json.loads((tmp_path / "results/toy/figures/ranking.provenance.json").read_text())
    assert sorted(table["files"]) == [
        "results/toy/tables/ranking.csv",
        "results/toy/tables/ranking.tex",
    ]
    assert len(figure["files"]) == 2 and not list((tmp_path / "results/toy").glob("*.json"))
    assert table["settings"] == {
        "events.bootstrap": 100,
        "events.seed": 7,
        "validation.seed": 11,
    }
    assert table["seeds"] == {"events.seed": 7, "validation.seed": 11}
    assert table["corpus"] == {"sha256": "abc", "n_files": 1, "bytes": 10}
    assert table["config"]["sha256"] == config_sha256(CONFIG)
    assert {"python", "numpy", "pandas", "matplotlib"} <= set(table["packages"])
    assert set(table["code"]) == {"git_commit", "git_dirty", "library"}
    assert table["command"].startswith("snakemake --cores all --configfile results/toy/provenance/")
    assert (
        "--forcerun toy results/toy/tables/ranking.csv results/toy/tables/ranking.tex"
        in (table["command"])
    )
    copy = yaml.safe_load((tmp_path / table["config"]["copy"]).read_text())
    assert config_sha256(copy) == table["config"]["sha256"]  # the copy rebuilds the same config


def test_sidecars_are_byte_identical_across_runs_and_hold_no_time_or_machine_path(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    job = toy_job(tmp_path)
    side = tmp_path / "results/toy/tables/ranking.provenance.json"
    run(job, run_toy)
    first = side.read_bytes()
    run(job, run_toy)
    assert side.read_bytes() == first
    assert str(tmp_path).encode() not in first
    assert b"20" + b"26-" not in first and b"time" not in first


def test_outside_a_repository_the_commit_is_null(monkeypatch, tmp_path):
    monkeypatch.setattr(provenance, "PACKAGE_DIR", tmp_path)
    assert provenance.git_state() == {"git_commit": None, "git_dirty": None}


def test_a_job_without_config_or_tables_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    job = toy_job(tmp_path)
    assert record(SimpleNamespace(output=job.output)) == []
    parquet_only = SimpleNamespace(**{**vars(job), "output": Files({"x": "results/toy/x.parquet"})})
    assert record(parquet_only, run_toy) == []


def test_groups_join_a_tables_formats_and_a_figures_widths_not_other_names(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    names = [
        "results/c/tables/a.csv",
        "results/c/tables/a.tex",
        "results/c/tables/a_b.csv",
        "results/c/figures/f.png",
        "results/c/figures/f.single.svg",
        "results/c/evidence/events/01_x.html",
        "data/demo/truth.csv",
    ]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    groups = sidecar_groups([*names[:5], "results/c/evidence/events", names[6]])
    assert {str(k): v for k, v in groups.items()} == {
        "results/c/tables/a.provenance.json": names[:2],
        "results/c/tables/a_b.provenance.json": [names[2]],
        "results/c/figures/f.provenance.json": [names[3], names[4]],
        "results/c/evidence/events.provenance.json": [names[5]],
    }


def test_corpus_hash_follows_content_not_names_or_order(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "1.txt").write_text("one")
    (tmp_path / "a" / "2.txt").write_text("two")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.txt").write_text("two")
    (tmp_path / "b" / "y.txt").write_text("one")
    first, second = corpus_hash(tmp_path / "a"), corpus_hash([tmp_path / "b"])
    assert first["sha256"] == second["sha256"] and first["n_files"] == 2 and first["bytes"] == 6
    (tmp_path / "b" / "y.txt").write_text("changed")
    assert corpus_hash(tmp_path / "b")["sha256"] != first["sha256"]
    out = tmp_path / "corpus.json"
    summary = run_corpus_hash({"files": [str(tmp_path / "a" / "1.txt")]}, {"hash": str(out)})
    assert json.loads(out.read_text())["sha256"] == summary["sha256"]


def test_seeds_are_found_in_nested_settings():
    settings = {"topics.seed": 42, "topics.selection": {"stability_seeds": 1}, "topics.k": 8}
    assert seeds(settings) == {"topics.seed": 42, "topics.selection.stability_seeds": 1}
