from schemes.bow import run_topic_units
from schemes.rulekit import run

run(snakemake, run_topic_units)
