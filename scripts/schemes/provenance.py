"""Provenance sidecars: where every figure and table came from, and how to rebuild it.

After a rule's function has written its outputs, :func:`record` (called by
:func:`schemes.rulekit.run`) writes beside each of its figures and tables
(CSV, LaTeX, PNG, PDF, SVG, HTML under ``results/``) one JSON sidecar,
``<name>.provenance.json``, for all files of that name (``event_ranking.csv``
and ``.tex``; a figure's six files at two widths). It records:

* ``files``: each file's SHA-256;
* ``code``: the git commit and whether the work tree had uncommitted changes
  (when git and a repository are there), the package version and the hash
  of the library modules the rule uses (``library``; Snakefile);
* ``config``: the SHA-256 of the whole run's config and a copy of it
  (``results/<corpus>/provenance/config-<hash>.yaml``); ``settings``: the
  config keys the rule reads, with their values; ``seeds``: those that seed
  random draws;
* ``corpus``: the input corpus's hash, computed once per run by rule
  ``corpus_hash`` (:func:`run_corpus_hash`; ingest waits for it);
* ``packages``: the versions of Python and the main packages;
* ``command``: the command that rebuilds the files from that config.

Nothing in a sidecar depends on the time, the machine's paths or the order
jobs ran in, so two runs of the same commit and config write the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shlex
import subprocess
import typing
from importlib import metadata
from pathlib import Path

import yaml

SIDECAR_SUFFIXES = {".csv", ".tex", ".png", ".pdf", ".svg", ".html"}
SIDECAR = ".provenance.json"
PACKAGES = (
    "schemes",
    "snakemake",
    "numpy",
    "pandas",
    "scipy",
    "scikit-learn",
    "statsmodels",
    "matplotlib",
    "pyarrow",
    "gensim",
    "tomotopy",
    "pymorphy3",
    "simplemma",
    "razdel",
    "natasha",
    "slovnet",
)
PACKAGE_DIR = Path(__file__).resolve().parent


def package_versions() -> dict[str, str]:
    """Python's version and each installed package of :data:`PACKAGES`."""
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "--no-optional-locks", "-C", str(PACKAGE_DIR), *args],
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def git_state() -> dict:
    """The commit of the code's repository and whether tracked files differ from it.

    Both ``None`` when git is missing or the code is not in a repository
    (an installed package).
    """
    commit = _git("rev-parse", "HEAD")
    if not commit:
        return {"git_commit": None, "git_dirty": None}
    status = _git("status", "--porcelain", "--untracked-files=no")
    return {"git_commit": commit, "git_dirty": None if status is None else bool(status)}


def canonical(data) -> str:
    """JSON with sorted keys: the text hashed and written (byte-identical for equal data)."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2, default=str) + "\n"


def config_sha256(config: dict) -> str:
    """The SHA-256 of a config (every key, in sorted order)."""
    return hashlib.sha256(canonical(config).encode("utf-8")).hexdigest()


def file_sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def provenance_dir(corpus: str) -> Path:
    """``results/<corpus>/provenance``: the corpus hash and the config copies."""
    return Path("results") / corpus / "provenance"


# --------------------------------------------------------------------------
# The corpus hash (rule corpus_hash)
# --------------------------------------------------------------------------


def corpus_files(paths) -> list[Path]:
    """The corpus's files: each path, or every file under a folder (sorted)."""
    files = []
    for path in [paths] if isinstance(paths, str | Path) else paths:
        path = Path(path)
        if path.is_dir():
            files += sorted(
                p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
            )
        else:
            files.append(path)
    return files


def corpus_hash(paths) -> dict:
    """Each corpus file's SHA-256 and size, and one hash of the whole corpus.

    The whole corpus's hash is taken over the sorted file hashes, so it does
    not change when the corpus is moved or its files renamed.
    """
    files = [
        {"path": str(p), "sha256": file_sha256(p), "bytes": p.stat().st_size}
        for p in corpus_files(paths)
    ]
    whole = hashlib.sha256("\n".join(sorted(f["sha256"] for f in files)).encode()).hexdigest()
    return {
        "sha256": whole,
        "n_files": len(files),
        "bytes": sum(f["bytes"] for f in files),
        "files": files,
    }


def run_corpus_hash(inputs: dict, outputs: dict) -> dict:
    """Hash the input corpus once per run, for every sidecar and the report's front page.

    Inputs: ``files`` (the corpus files, or its folder). Outputs: ``hash``
    (``results/<corpus>/provenance/corpus.json``). Settings: none.
    """
    summary = corpus_hash(inputs["files"])
    Path(outputs["hash"]).write_text(canonical(summary), encoding="utf-8")
    return {key: summary[key] for key in ("sha256", "n_files", "bytes")}


# --------------------------------------------------------------------------
# Sidecars
# --------------------------------------------------------------------------


def sidecar_groups(paths) -> dict[Path, list[str]]:
    """Sidecar path -> the output files it describes (same folder, same name before a dot)."""
    groups: dict[Path, list[str]] = {}
    for path in paths:
        p = Path(path)
        if p.parts[:1] != ("results",):
            continue
        if p.is_dir():  # a folder of tables (one per event): one sidecar for the folder
            inside = [str(f) for f in sorted(p.rglob("*")) if f.suffix in SIDECAR_SUFFIXES]
            if inside:
                groups.setdefault(p.parent / f"{p.name}{SIDECAR}", []).extend(inside)
        elif p.is_file() and p.suffix in SIDECAR_SUFFIXES:
            name = p.name.split(".")[0]
            groups.setdefault(p.parent / f"{name}{SIDECAR}", []).append(str(path))
    return {side: sorted(files) for side, files in groups.items()}


def rule_settings(function, params) -> dict:
    """The config keys a rule reads (dotted) with their values, from its settings params."""
    hints = typing.get_type_hints(function) if function is not None else {}
    settings_class = hints.get("settings")
    if settings_class is None or not params:
        return {}
    keys = settings_class.config_keys()
    return {keys.get(name, name): value for name, value in dict(params).items()}


def seeds(settings: dict) -> dict:
    """The settings that seed random draws (a key or nested key named ``*seed*``)."""
    found = {}
    for key, value in settings.items():
        if "seed" in key.rsplit(".", 1)[-1]:
            found[key] = value
        elif isinstance(value, dict):
            found.update(seeds({f"{key}.{k}": v for k, v in value.items()}))
    return found


def write_config_copy(config: dict, corpus: str) -> str:
    """The run's config as YAML, named by its hash (written once; safe for parallel jobs)."""
    digest = config_sha256(config)
    path = provenance_dir(corpus) / f"config-{digest[:12]}.yaml"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        plain = json.loads(canonical(config))
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.write_text(
            yaml.safe_dump(plain, sort_keys=True, allow_unicode=True), encoding="utf-8"
        )
        os.replace(temporary, path)  # atomic: a parallel job sees the whole file or none
    return str(path)


def rebuild_command(rule: str, targets, config_copy: str) -> str:
    """The command that rebuilds ``targets`` from the config copy (at the recorded commit)."""
    words = ["snakemake", "--cores", "all", "--configfile", config_copy, "--forcerun", rule]
    return shlex.join([*words, *targets])


def corpus_record(corpus: str) -> dict | None:
    """The corpus hash of rule corpus_hash, without the per-file list (None before it ran)."""
    path = provenance_dir(corpus) / "corpus.json"
    if not path.exists():
        return None
    summary = json.loads(path.read_text(encoding="utf-8"))
    return {key: summary[key] for key in ("sha256", "n_files", "bytes")}


def sidecar(files: list[str], *, job: dict, config: dict) -> dict:
    """One sidecar's content: the files' hashes and the job's provenance (``job``)."""
    corpus = config.get("corpus", {}).get("name", "")
    config_copy = write_config_copy(config, corpus)
    return {
        "files": {path: file_sha256(path) for path in files},
        "rule": job["rule"],
        "wildcards": job["wildcards"],
        "inputs": job["inputs"],
        "code": {**git_state(), "library": job["library"]},
        "config": {"sha256": config_sha256(config), "copy": config_copy},
        "settings": job["settings"],
        "seeds": seeds(job["settings"]),
        "corpus": corpus_record(corpus),
        "packages": package_versions(),
        "command": rebuild_command(job["rule"], files, config_copy),
    }


def job_record(snakemake, function) -> dict:
    """What a sidecar says about the job: rule, wildcards, inputs, settings, library hash."""
    params = getattr(snakemake, "params", None)
    inputs = {
        name: list(value) if isinstance(value, list) else value
        for name, value in snakemake.input.items()
    }
    return {
        "rule": snakemake.rule,
        "wildcards": dict(snakemake.wildcards.items()),
        "inputs": inputs,
        "settings": rule_settings(function, getattr(params, "settings", None)),
        "library": getattr(params, "library", None),
    }


def record(snakemake, function=None) -> list[str]:
    """Write the sidecars of a finished job's figures and tables; return their paths.

    ``snakemake`` is the rule script's object, ``function`` its
    ``run_<rule>`` (its settings class names the config keys). A job without
    a config (a test's stand-in) or without figures and tables writes nothing.
    """
    config = getattr(snakemake, "config", None)
    if not config:
        return []
    groups = sidecar_groups(list(snakemake.output))
    if not groups:
        return []
    job = job_record(snakemake, function)
    for path, files in groups.items():
        path.write_text(canonical(sidecar(files, job=job, config=config)), encoding="utf-8")
    return [str(p) for p in groups]
