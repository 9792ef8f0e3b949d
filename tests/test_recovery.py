"""A run killed with SIGKILL in the topic or claims stage recovers byte-identically.

The clean run and the killed-and-recovered run are independent runs of the
same config and seed in separate folders, so this is also the suite's check
that same config + seed give byte-identical tables, figures (both widths),
their provenance sidecars, the evidence tables and the report's front page.

The documented recovery (README, "Reproducibility") is ``snakemake --unlock``
then ``snakemake --rerun-incomplete``. Both runs use a small demo corpus (same
generator and seed, fewer documents) to keep the suite fast.
"""

import hashlib
import os
import signal
import subprocess
import time

import pytest
from conftest import SNAKEMAKE, guarded_env, link_workflow, run_snakemake

pytestmark = pytest.mark.e2e

SMALL = ["--config", "demo={docs_per_day: 0.2, burst_docs: 40}"]
COMPARED = [
    "results/demo/tables/*",
    "results/demo/figures/*",
    "results/demo/topics/*",
    "results/demo/framing/*.csv",
    "results/demo/framing/*.parquet",
    "results/demo/events/*",
    "results/demo/validation/*.csv",
    "results/demo/evidence/*",
    "results/demo/evidence/events/*.html",
    "results/demo/provenance/*",
    "results/demo/report/*",
]
STAGES = ("localrule topic_selection:", "localrule claims:", "localrule topics:")


def digests(folder):
    found = {}
    for pattern in COMPARED:
        for path in sorted(p for p in folder.glob(pattern) if p.is_file()):
            found[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def running_jobs(work):
    """Output files Snakemake has marked incomplete (jobs started, not finished)."""
    folder = work / ".snakemake" / "incomplete"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def kill_in_stage(work, timeout=900):
    """Start a run, SIGKILL its whole process group once a target stage runs."""
    log = open(work / "killed_run.log", "w")
    proc = subprocess.Popen(
        [SNAKEMAKE, "-c2", *SMALL],
        cwd=work,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=guarded_env(work / "netguard.log", PYTHONHASHSEED="0"),
        start_new_session=True,
    )
    started = time.monotonic()
    try:
        while time.monotonic() - started < timeout:
            text = (work / "killed_run.log").read_text()
            stage = next((s for s in STAGES if s in text), None)
            # kill while a job is running: Snakemake has marked its outputs incomplete
            if stage and running_jobs(work):
                time.sleep(0.3)  # let the job's script start writing
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                return stage, text
            if proc.poll() is not None:
                pytest.fail(
                    f"the run ended (rc {proc.returncode}) before any target stage:\n{text[-3000:]}"
                )
            time.sleep(0.2)
        pytest.fail("no target stage started in time")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def test_sigkill_then_rerun_incomplete_is_byte_identical_to_a_clean_run(tmp_path):
    clean = link_workflow(_mkdir(tmp_path / "clean"))
    run_snakemake("-c2", *SMALL, cwd=clean)
    killed = link_workflow(_mkdir(tmp_path / "killed"))
    stage, _ = kill_in_stage(killed)
    assert running_jobs(killed), stage
    assert not (killed / "results/demo/tables/event_ranking.csv").exists()
    run_snakemake("--unlock", *SMALL, cwd=killed)
    run_snakemake("-c2", "--rerun-incomplete", *SMALL, cwd=killed)
    assert not running_jobs(killed)
    expected, got = digests(clean), digests(killed)
    assert len(expected) > 30
    assert got == expected, [k for k in expected if got.get(k) != expected[k]]
    assert not (killed / "netguard.log").exists() and not (clean / "netguard.log").exists()


def _mkdir(path):
    path.mkdir()
    return path
