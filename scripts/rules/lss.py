from schemes.lss import run_lss
from schemes.rulekit import run

run(snakemake, run_lss)
