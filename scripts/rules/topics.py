from schemes.rulekit import run
from schemes.topics import run_topics

run(snakemake, run_topics)
