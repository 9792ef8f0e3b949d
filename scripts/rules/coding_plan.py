from schemes.design import run_coding_plan
from schemes.rulekit import run

run(snakemake, run_coding_plan)
