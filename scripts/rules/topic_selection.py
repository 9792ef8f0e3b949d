from schemes.rulekit import run
from schemes.topics import run_topic_selection

run(snakemake, run_topic_selection)
