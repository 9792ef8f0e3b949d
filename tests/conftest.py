import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora"
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))


LINKED = ["Snakefile", "workflow", "config", "scripts", "profiles"]


def link_workflow(workdir):
    """Make ``workdir`` a fresh working directory of this workflow (symlinks)."""
    for name in LINKED:
        (workdir / name).symlink_to(ROOT / name)
    # shipped gold standards are read from data/validation; data/demo is written per run
    (workdir / "data").mkdir()
    (workdir / "data" / "validation").symlink_to(ROOT / "data" / "validation")
    return workdir


def run_snakemake(*args, check=True, timeout=1800, cwd=ROOT):
    """Run snakemake (in the repository root by default); return the CompletedProcess."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    proc = subprocess.run(
        [SNAKEMAKE, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"snakemake {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
        )
    return proc


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def lemmatizer():
    from schemes.nlp import Lemmatizer

    return Lemmatizer()


@pytest.fixture(scope="session")
def lexicons(lemmatizer):
    from schemes.claims import load_lexicon

    return {
        lang: load_lexicon(ROOT / "config" / "lexicons" / f"{lang}.yaml", lemmatizer)
        for lang in ("ru", "en")
    }
