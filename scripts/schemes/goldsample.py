"""The gold standard's sampling design: strata from a broad filter, a stratified sample.

1. :func:`filter_strata` sorts every item into a stratum with a broad recall
   filter that is written independently of the detector's lexicons
   (``config/validation/broad_filter.yaml``): ``both`` (a foreign/Western
   actor stem and a suspicion stem), ``either`` (one of the two) and
   ``rest``.
2. :func:`draw_item_sample` draws a simple random sample within each stratum
   (claims are rare, so the filter strata are enriched), records each
   stratum's population and inclusion probability, and splits the sample,
   stratum by stratum and with a fixed seed, into a ``dev`` part (for
   building measures) and a locked ``test`` part (for quoting results).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import yaml

from schemes.coding import STRATA, CodedFileError, export_for_coding
from schemes.settings import Settings
from schemes.textnorm import write_for_coders


def load_filter(path: str | Path) -> dict:
    spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    for key in ("actor_stems", "suspicion_stems"):
        if not spec.get(key):
            raise ValueError(f"{path}: {key!r} must list at least one stem")
    return spec


def _stem_pattern(stems: list[str]) -> re.Pattern:
    alternatives = sorted({s.lower().replace("ё", "е") for s in stems}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, alternatives)) + ")")


def filter_strata(
    texts: pd.Series, actor_stems: list[str], suspicion_stems: list[str]
) -> np.ndarray:
    """Stratum of every text: ``both``, ``either`` or ``rest`` (see module docstring)."""
    lowered = texts.fillna("").str.lower().str.replace("ё", "е", regex=False)
    actor = lowered.str.contains(_stem_pattern(actor_stems)).to_numpy()
    suspicion = lowered.str.contains(_stem_pattern(suspicion_stems)).to_numpy()
    return np.where(actor & suspicion, "both", np.where(actor | suspicion, "either", "rest"))


def draw_item_sample(
    documents: pd.DataFrame,
    strata: np.ndarray,
    sizes: dict[str, int],
    *,
    test_fraction: float,
    double_coded: dict[str, int],
    seed: int,
) -> pd.DataFrame:
    """Stratified random sample of items with inclusion probabilities, split and second coding.

    Within each stratum ``sizes[stratum]`` items are drawn without
    replacement; then, again within each stratum, a ``test_fraction`` share
    (rounded up) is put in the locked ``test`` part. ``double_coded[stratum]``
    sampled items of each stratum (drawn with ``seed + 1``) are marked for an
    independent second coding.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for name in STRATA:
        members = np.flatnonzero(strata == name)
        n = min(int(sizes.get(name, 0)), len(members))
        if n == 0:
            continue
        chosen = np.sort(rng.choice(members, size=n, replace=False))
        split = np.array(["dev"] * n, dtype=object)
        split[rng.permutation(n)[: int(np.ceil(test_fraction * n))]] = "test"
        for index, part in zip(chosen, split, strict=True):
            rows.append(
                {
                    "item_id": documents["doc_id"].iat[index],
                    "date": documents["date"].iat[index].date().isoformat(),
                    "stratum": name,
                    "stratum_population": len(members),
                    "stratum_sample": n,
                    "inclusion_probability": n / len(members),
                    "split": part,
                }
            )
    sample = pd.DataFrame(rows)
    second = np.random.default_rng(seed + 1)
    chosen_twice: set = set()
    for name in STRATA:
        ids = sample.loc[sample["stratum"] == name, "item_id"].to_numpy() if len(sample) else []
        n = min(int(double_coded.get(name, 0)), len(ids))
        if n:
            chosen_twice.update(second.choice(ids, size=n, replace=False))
    sample["double_coded"] = sample["item_id"].isin(chosen_twice).astype(int) if len(sample) else []
    return sample


def corpus_strata(documents: pd.DataFrame, filter_paths: dict[str, str]) -> np.ndarray:
    """Stratum of every document, each language with its own broad filter."""
    strata = np.full(len(documents), "rest", dtype=object)
    for lang in sorted(documents["lang"].unique()):
        if lang not in filter_paths:
            raise CodedFileError(
                f"documents in language {lang!r} but validation.items.filter has no entry "
                f"for it (it has: {', '.join(sorted(filter_paths)) or 'none'})"
            )
        spec = load_filter(filter_paths[lang])
        rows = (documents["lang"] == lang).to_numpy()
        strata[rows] = filter_strata(
            documents.loc[rows, "text"], spec["actor_stems"], spec["suspicion_stems"]
        )
    return strata.astype(str)


@dataclass(frozen=True)
class GoldSampleSettings(Settings):
    """The gold standard's design: filters, stratum sizes, test part, second coding."""

    SECTION: ClassVar[str] = "validation.items"
    filter: dict
    sample: dict
    test_fraction: float
    double_coded: dict
    seed: int
    max_chars: int


def run_gold_sample(settings: GoldSampleSettings, inputs: dict, outputs: dict) -> dict:
    """Draw the stratified item sample and write the design and the coders' files.

    Inputs: ``documents``, ``filters`` (the broad filter files, one per
    language, as listed in ``filter``), ``guide``. Outputs: ``sample`` (the
    design), ``to_code`` (every sampled item), ``to_code_second`` (the items
    for the second coder), ``guide`` (a copy of the coding guide). Settings:
    ``filter``, ``sample``, ``test_fraction``, ``double_coded``, ``seed``,
    ``max_chars``.
    """
    documents = pd.read_parquet(inputs["documents"])
    strata = corpus_strata(documents, settings.filter)
    sample = draw_item_sample(
        documents,
        strata,
        settings.sample,
        test_fraction=settings.test_fraction,
        double_coded=settings.double_coded,
        seed=settings.seed,
    )
    seed, max_chars = settings.seed, settings.max_chars
    write_for_coders(sample, outputs["sample"])
    write_for_coders(
        export_for_coding(documents, sample, seed, max_chars=max_chars), outputs["to_code"]
    )
    second = sample[sample["double_coded"] == 1]
    write_for_coders(
        export_for_coding(documents, second, seed + 2, max_chars=max_chars),
        outputs["to_code_second"],
    )
    guide = Path(inputs["guide"]).read_text(encoding="utf-8")
    Path(outputs["guide"]).write_text(guide, encoding="utf-8")
    return {
        "population": pd.Series(strata).value_counts().sort_index().to_dict(),
        "sample": {
            "/".join(k): int(n) for k, n in sample.groupby(["stratum", "split"]).size().items()
        },
        "double_coded": int(sample["double_coded"].sum()) if len(sample) else 0,
    }
