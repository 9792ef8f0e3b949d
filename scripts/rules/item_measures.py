from schemes.measures import run_item_measures
from schemes.rulekit import run

run(snakemake, run_item_measures)
