"""How much the overlap of nearby events' domains moves the type contrasts (issue: estimation).

The contrasts' adjusted Wald interval takes the events' window and baseline
shares as independent, but windows and baselines of nearby events share
items. The design's multiplier bootstrap (``total_replicates``, one normal
multiplier per coded item shared by all its domains) keeps that covariance;
this compares the standard deviation of each contrast over its replicates
with the one the shares would have were they independent (the sum of each
domain's own replicate variance times its squared coefficient).

    python bench/contrast_overlap.py

needs a finished run of ``config/corpora/1tv-leads.yaml`` (results/1tv-leads)
and writes ``bench/results/contrast_overlap.md``.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from schemes.configtools import load_config  # noqa: E402
from schemes.estimate import (  # noqa: E402
    EventEstimatesSettings,
    contrast_weights,
    load_waves,
    total_replicates,
)


def contrast_coefficients(table: pd.DataFrame, type_a: str, type_b: str) -> np.ndarray:
    """Per domain: the coefficient of its total in ``mean excess(A) - mean excess(B)``."""
    n = table["n_items"].to_numpy(float)
    windows = table[table["kind"] == "window"]
    weights, _, _ = contrast_weights(windows, type_a, type_b)
    coefficient = np.zeros(len(table))
    for event, weight in zip(windows["event_id"], weights, strict=True):
        for kind, direction in (("window", 1.0), ("baseline", -1.0)):
            d = np.flatnonzero(
                (table["event_id"] == event).to_numpy() & (table["kind"] == kind).to_numpy()
            )[0]
            coefficient[d] += direction * weight / n[d]
    return coefficient


def overlapping_pairs(table: pd.DataFrame, members: np.ndarray) -> pd.DataFrame:
    """Pairs of domains sharing items, with the shared share ``|A & B| / sqrt(|A| |B|)``."""
    m = members.astype(float)
    size = m.sum(axis=0)
    shared = (m.T @ m) / np.sqrt(np.outer(size, size))
    i, j = np.nonzero(np.triu(shared, k=1))
    return (
        pd.DataFrame(
            {
                "domain_a": table["domain"].to_numpy()[i],
                "domain_b": table["domain"].to_numpy()[j],
                "overlap": shared[i, j],
            }
        )
        .sort_values(["overlap", "domain_a", "domain_b"], ascending=[False, True, True])
        .reset_index(drop=True)
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", default=str(ROOT / "results" / "1tv-leads"))
    parser.add_argument("--replicates", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "contrast_overlap.md"))
    args = parser.parse_args(argv)
    results = Path(args.results)
    if not (results / "framing" / "item_measures.parquet").exists():
        print(f"{results} has no item measures: run config/corpora/1tv-leads.yaml first")
        return 0
    config = load_config(
        ROOT / "config" / "config.yaml", ROOT / "config" / "corpora" / "1tv-leads.yaml"
    )
    settings = EventEstimatesSettings.from_config(config)
    inputs = {
        "measures": str(results / "framing" / "item_measures.parquet"),
        "catalogue": str(results / "events" / "catalogue.tsv"),
    }
    for k, wave in enumerate(config["design"]["waves"], start=1):
        inputs[f"design_{k}"] = str(ROOT / wave["design"])
        inputs[f"labels_{k}"] = str(ROOT / wave["labels"])
    domains, waves = load_waves(settings, inputs)
    totals = total_replicates(
        waves,
        estimator=settings.estimator,
        wave_weight=settings.wave_weight,
        n_boot=args.replicates,
        seed=args.seed,
    )
    rows = []
    for type_a, type_b in config["events"]["contrasts"]:
        c = contrast_coefficients(domains.table, type_a, type_b)
        rows.append(
            {
                "contrast": f"{type_a} - {type_b}",
                "sd_with_overlap": 1000 * float((totals @ c).std()),
                "sd_independent": 1000 * float(np.sqrt((totals.var(axis=0) * c**2).sum())),
            }
        )
    table = pd.DataFrame(rows).assign(ratio=lambda t: t["sd_with_overlap"] / t["sd_independent"])
    pairs = overlapping_pairs(domains.table, domains.members)
    lines = [
        "# Overlapping domains and the type contrasts",
        "",
        f"`python bench/contrast_overlap.py {shlex.join(sys.argv[1:] if argv is None else argv)}`:"
        f" {settings.estimator} estimator, {args.replicates} multiplier-bootstrap replicates of"
        " the coded waves; standard deviations per 1,000 items.",
        "",
        table.to_markdown(index=False, floatfmt=".3f"),
        "",
        f"{len(pairs)} pairs of domains share items; the 15 that share most:",
        "",
        pairs.head(15).to_markdown(index=False, floatfmt=".3f"),
        "",
    ]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
