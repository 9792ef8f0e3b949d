from schemes.events import run_event_topics
from schemes.rulekit import run

run(snakemake, run_event_topics)
