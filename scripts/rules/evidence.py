from schemes.evidence import run_evidence
from schemes.rulekit import run

run(snakemake, run_evidence)
