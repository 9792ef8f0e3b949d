"""Glue between Snakemake rule scripts and the pure functions of this package.

A rule script calls :func:`run` with the ``snakemake`` object and a function;
the function's messages and any traceback go to the rule's log file, and its
returned summary is logged as JSON. :func:`library_version` hashes the
package modules a rule script uses, so that library edits re-run the rules
that depend on them. Nothing here imports Snakemake itself.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import re
import sys
import time
import traceback
import typing
from pathlib import Path

from schemes import provenance


def run(snakemake, function, **extra):
    """Run one rule's function with logging to ``snakemake.log[0]``.

    ``function`` is ``run_<rule>(settings, inputs, outputs, **extra)``: the
    settings object is rebuilt from ``params.settings`` with the class the
    function's ``settings`` annotation names, ``inputs`` and ``outputs`` are
    the rule's named files (a name maps to a path or, for a list, to paths).
    ``extra`` carries what is neither a setting nor a file (a wildcard, a
    log kept on failure). The function's messages and any traceback go to
    the log; its returned summary is logged as JSON.
    """
    parameters = inspect.signature(function).parameters
    kwargs = dict(extra)
    if "settings" in parameters and "settings" not in kwargs:
        settings_class = typing.get_type_hints(function)["settings"]
        kwargs["settings"] = settings_class.from_params(snakemake.params.settings)
    if "inputs" in parameters and "inputs" not in kwargs:
        kwargs["inputs"] = named_files(snakemake.input)
    if "outputs" in parameters and "outputs" not in kwargs:
        kwargs["outputs"] = named_files(snakemake.output)
    log_path = snakemake.log[0] if len(snakemake.log) else None
    handler = _LogFile(log_path, snakemake.rule) if log_path else logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.INFO)
    log = logging.getLogger(f"rule.{snakemake.rule}")
    started = time.perf_counter()
    try:
        summary = function(**kwargs)
        provenance.record(snakemake, function)  # sidecars beside its figures and tables
    except Exception as err:  # the log gets the traceback, the user a clear message
        log.error("%s", traceback.format_exc())
        print(f"[{snakemake.rule}] {type(err).__name__}: {err}", file=sys.stderr)
        raise SystemExit(1) from None
    log.info("done in %.1f s", time.perf_counter() - started)
    if summary is not None:
        log.info("summary: %s", json.dumps(summary, ensure_ascii=False, default=str))
    return summary


class _LogFile(logging.FileHandler):
    """The rule's log file; a write that fails (a full disk) is one line on stderr, once.

    logging's own handler prints "--- Logging error ---" and a traceback for
    every message it cannot write; the rule's own error, if the disk stays
    full, is reported by :func:`run` as usual.
    """

    def __init__(self, path, rule: str):
        super().__init__(path, mode="w")
        self.rule, self.failed = rule, False

    def handleError(self, record) -> None:  # logging's name for it
        self._warn(sys.exc_info()[1])

    def close(self) -> None:
        try:
            super().close()
        except OSError as error:  # the last buffered messages could not be written
            self._warn(error)

    def _warn(self, error) -> None:
        if not self.failed:
            self.failed = True
            print(
                f"[{self.rule}] warning: cannot write the log {self.baseFilename} "
                f"({type(error).__name__}: {error}); its messages are lost",
                file=sys.stderr,
            )


def named_files(files) -> dict:
    """A rule's named inputs or outputs as {name: path, or list of paths}."""
    return {
        name: list(value) if isinstance(value, list) else value for name, value in files.items()
    }


_IMPORT = re.compile(r"^\s*(?:from\s+schemes\.(\w+)\s+import|import\s+schemes\.(\w+))", re.M)
_RELATIVE = re.compile(r"^\s*from\s+schemes\s+import\s+([\w ,]+)", re.M)


def library_modules(script: str | Path, package: str | Path) -> list[Path]:
    """The package modules a rule script uses, directly or through other modules.

    Follows ``from schemes.X import ...``, ``import schemes.X`` and
    ``from schemes import X [as Y]`` anywhere in a file (also inside functions),
    transitively; returns the module files in sorted order.
    """
    package = Path(package)
    seen: set[Path] = set()
    todo = [Path(script)]
    while todo:
        source = todo.pop().read_text(encoding="utf-8")
        names = {a or b for a, b in _IMPORT.findall(source)}
        for group in _RELATIVE.findall(source):
            # "from schemes import a, b as c": the module names are a and b
            names.update(n.split()[0] for n in group.split(",") if n.strip())
        for name in names:
            path = package / f"{name}.py"
            if path.exists() and path not in seen:
                seen.add(path)
                todo.append(path)
    return sorted(seen)


def library_version(script: str | Path, package: str | Path) -> str:
    """A short hash of the sources of every package module a rule script uses.

    Given to each rule as a param, so that editing library code re-runs the
    rules that depend on it (Snakemake re-runs a job whose params changed).
    Conservative: imports inside functions count, so a rule may re-run for
    a module it only uses on another code path.
    """
    digest = hashlib.sha256()
    for path in library_modules(script, package):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
