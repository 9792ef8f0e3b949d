import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora"
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))


LINKED = ["Snakefile", "workflow", "config", "scripts", "profiles"]
NETGUARD = Path(__file__).resolve().parent / "netguard"


def guarded_env(log_path=None, **extra):
    """Environment for a subprocess whose Python refuses non-local connections.

    ``tests/netguard/sitecustomize.py`` is loaded by every Python process that
    inherits this ``PYTHONPATH``; attempts are logged to ``log_path``.
    """
    env = dict(os.environ, **extra)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(NETGUARD), env.get("PYTHONPATH", "")) if p)
    if log_path is not None:
        env["SCHEMES_NETGUARD_LOG"] = str(log_path)
    return env


def link_workflow(workdir):
    """Make ``workdir`` a fresh working directory of this workflow (symlinks)."""
    for name in LINKED:
        (workdir / name).symlink_to(ROOT / name)
    # shipped gold standards are read from data/validation; data/demo is written per run
    (workdir / "data").mkdir()
    (workdir / "data" / "validation").symlink_to(ROOT / "data" / "validation")
    return workdir


def within(low, value, high, tol=1e-9) -> bool:
    """``low <= value <= high`` (elementwise, all) up to float rounding.

    A CI bound is computed (a bootstrap of 0.8 - 0.2 gives 0.6000000000000001
    on some machines), so it is never compared exactly with a point value.
    """
    low, value, high = (np.asarray(x, dtype=float) for x in (low, value, high))
    return bool(np.all((low - tol <= value) & (value <= high + tol)))


def run_snakemake(*args, check=True, timeout=1800, cwd=ROOT):
    """Run snakemake (in the repository root by default); return the CompletedProcess.

    Network access is blocked (see :func:`guarded_env`); attempts are logged
    to ``<cwd>/netguard.log``, which the end-to-end tests check is absent.
    """
    env = guarded_env(Path(cwd) / "netguard.log", PYTHONHASHSEED="0")
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
