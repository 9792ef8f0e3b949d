"""Glue between Snakemake rule scripts and the pure functions of this package.

A rule script calls :func:`run` with the ``snakemake`` object and a function;
the function's messages and any traceback go to the rule's log file, and its
returned summary is logged as JSON. Nothing here imports Snakemake itself.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback


def run(snakemake, function, **kwargs):
    """Run ``function(**kwargs)`` with logging to ``snakemake.log[0]``."""
    log_path = snakemake.log[0] if len(snakemake.log) else None
    handler = logging.FileHandler(log_path, mode="w") if log_path else logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.INFO)
    log = logging.getLogger(f"rule.{snakemake.rule}")
    started = time.perf_counter()
    try:
        summary = function(**kwargs)
    except Exception as err:  # the log gets the traceback, the user a clear message
        log.error("%s", traceback.format_exc())
        print(f"[{snakemake.rule}] {type(err).__name__}: {err}", file=sys.stderr)
        raise SystemExit(1) from None
    log.info("done in %.1f s", time.perf_counter() - started)
    if summary is not None:
        log.info("summary: %s", json.dumps(summary, ensure_ascii=False, default=str))
    return summary
