from schemes.active import run_active_learning
from schemes.rulekit import run

run(snakemake, run_active_learning)
