from schemes.rulekit import run
from schemes.scoring import run_validation_report

run(snakemake, run_validation_report)
