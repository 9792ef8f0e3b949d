from schemes.events import run_event_ranking
from schemes.rulekit import run

run(snakemake, run_event_ranking)
