"""One 20 MB document through the whole pipeline (issue: reliability).

Builds a corpus of every tenth demo document (about 2,700) plus one document
of 20 MB (demo texts joined), runs the default target with Snakemake in a
temporary working directory on two cores, and records the wall time of the
run, the peak memory of its largest job and each rule's time (from the
rules' ``benchmark`` files and logs). The same corpus without the big
document is run too, so the table shows what the 20 MB document adds.

Needs the generated demo corpus (``make run``, or
``snakemake data/demo/corpus.jsonl.gz``). Writes ``bench/results/bigdoc.csv``
and ``bench/results/bigdoc.md``.

    python bench/bigdoc_bench.py
"""

from __future__ import annotations

import gzip
import json
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo" / "corpus.jsonl.gz"
OUT = ROOT / "bench" / "results"
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
LINKED = ["Snakefile", "workflow", "config", "scripts", "profiles"]
BIG_CHARS = 20_000_000


def demo_documents() -> list[dict]:
    docs = []
    with gzip.open(DEMO, "rt", encoding="utf-8") as handle:
        for line in handle:
            try:
                record = json.loads(line)
            except ValueError:
                continue  # the demo plants broken rows on purpose
            if isinstance(record, dict) and isinstance(record.get("text"), str):
                docs.append(record)
    return docs


def write_corpus(path: Path, docs: list[dict], big: bool) -> None:
    small = docs[::10]
    with path.open("w", encoding="utf-8") as handle:
        for record in small:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        if big:
            parts, size, i = [], 0, 0
            while size < BIG_CHARS:
                text = docs[i % len(docs)]["text"]
                parts.append(text)
                size += len(text) + 2
                i += 1
            record = {
                "id": "big-20mb",
                "date": "2004-11-25",
                "source": "bench",
                "text": "\n\n".join(parts),
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def run(work: Path, corpus: Path, name: str) -> dict:
    for item in LINKED:
        (work / item).symlink_to(ROOT / item)
    (work / "data").mkdir()
    (work / "data" / "validation").symlink_to(ROOT / "data" / "validation")
    config = work / f"{name}.yaml"
    config.write_text(
        f"corpus:\n  name: {name}\n  path: {corpus}\n  format: jsonl\n"
        "  columns: {id: id, date: date, text: text, title: '', source: source}\n"
    )
    started = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/time", "-v", SNAKEMAKE, "-c2", "--configfile", str(config)],
        cwd=work,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{name}: snakemake failed\n{proc.stderr[-3000:]}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    rules = {}
    for log in sorted((work / "results" / name / "logs").glob("*.log")):
        found = re.search(r"done in ([\d.]+) s", log.read_text(errors="replace"))
        if found:
            rules[log.stem] = float(found.group(1))
    return {
        "wall_s": round(wall, 1),
        "max_rss_mb": round(int(rss.group(1)) / 1024) if rss else None,
        "rules": rules,
    }


def main() -> None:
    if not DEMO.exists():
        raise SystemExit(f"{DEMO} is missing: run `make run` first")
    docs = demo_documents()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name, big in (("without_big", False), ("with_big", True)):
            corpus = tmp / f"{name}.jsonl"
            write_corpus(corpus, docs, big)
            (tmp / name).mkdir()
            results[name] = run(tmp / name, corpus, name)
    rules = sorted(set(results["with_big"]["rules"]) | set(results["without_big"]["rules"]))
    rows = [
        {
            "stage": "whole run (wall, 2 cores)",
            "without_big": results["without_big"]["wall_s"],
            "with_big": results["with_big"]["wall_s"],
        },
        {
            "stage": "peak memory of one process (MB)",
            "without_big": results["without_big"]["max_rss_mb"],
            "with_big": results["with_big"]["max_rss_mb"],
        },
    ] + [
        {
            "stage": f"rule {rule}",
            "without_big": results["without_big"]["rules"].get(rule),
            "with_big": results["with_big"]["rules"].get(rule),
        }
        for rule in rules
    ]
    table = pd.DataFrame(rows)
    OUT.mkdir(exist_ok=True)
    table.to_csv(OUT / "bigdoc.csv", index=False)
    header = (
        "# One 20 MB document through the whole pipeline (bench/bigdoc_bench.py)\n\n"
        f"Corpus: {len(docs[::10]):,} demo documents, with and without one document of "
        f"{BIG_CHARS / 1e6:.0f} million characters; default config, `snakemake -c2`; "
        f"{platform.machine()}, Python {platform.python_version()}. One run; this machine is "
        "shared, so read the difference, not absolute times. Rule times in seconds "
        "(from each rule's log).\n\n"
    )
    lines = ["| stage | without the big document | with it |", "|---|---|---|"]
    lines += [f"| {r.stage} | {r.without_big} | {r.with_big} |" for r in table.itertuples()]
    (OUT / "bigdoc.md").write_text(header + "\n".join(lines) + "\n")
    print((OUT / "bigdoc.md").read_text())


if __name__ == "__main__":
    main()
