from schemes.goldsample import run_gold_sample
from schemes.rulekit import run

run(snakemake, run_gold_sample)
