from schemes.catalogue import run_event_catalogue
from schemes.rulekit import run

run(snakemake, run_event_catalogue)
