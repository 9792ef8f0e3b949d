from schemes.estimate import run_event_estimates
from schemes.rulekit import run

run(snakemake, run_event_estimates)
