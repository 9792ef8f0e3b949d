from schemes.rulekit import run
from schemes.sensitivity import run_sensitivity

run(snakemake, run_sensitivity)
