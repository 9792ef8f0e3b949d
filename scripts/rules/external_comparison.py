from schemes.external import run_external_comparison
from schemes.rulekit import run

run(snakemake, run_external_comparison)
