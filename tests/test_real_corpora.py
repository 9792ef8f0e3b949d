"""The pipeline on the real corpora in ../shared/corpora (skipped when absent).

Each corpus runs in its own temporary working directory through its shipped
config, with the corpus path pointed at ../shared by --config, exactly as a
user would. These runs read but never copy the corpora.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, SHARED

pytestmark = [pytest.mark.real, pytest.mark.e2e]
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))

CORPORA = {
    "1tv-leads": SHARED / "1tv-leads" / "*.jsonl.gz",
    "1tv-headlines": SHARED / "1tv-headlines" / "*.jsonl.gz",
    "ungdc": SHARED / "ungdc" / "ungdc_1991-2015.tar.gz",
}


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_pipeline_runs_on_real_corpus(name, tmp_path):
    path = CORPORA[name]
    if not list(path.parent.glob(path.name)):
        pytest.skip(f"{path} not present")
    for link in ("Snakefile", "workflow", "config", "scripts", "profiles"):
        (tmp_path / link).symlink_to(ROOT / link)
    proc = subprocess.run(
        [
            SNAKEMAKE,
            "--configfile",
            f"config/corpora/{name}.yaml",
            "--config",
            f"corpus={{path: '{path}'}}",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=1800,
        env=dict(os.environ, PYTHONHASHSEED="0"),
    )
    assert proc.returncode == 0, proc.stderr[-6000:]
    results = tmp_path / "results" / name
    summary = json.loads((results / "ingest" / "summary.json").read_text())
    assert summary["read"] == summary["kept"] + summary["quarantined"] + summary["duplicates"]
    assert summary["kept"] > 0.9 * summary["read"]
    ranking = pd.read_csv(results / "tables" / "event_ranking.csv")
    assert len(ranking) == len(pd.read_csv(ROOT / "config" / "events.tsv", sep="\t"))
    assert (results / "figures" / "event_ranking.pdf").stat().st_size > 0
