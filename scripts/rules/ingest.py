from schemes.ingest import run_ingest
from schemes.rulekit import run

run(snakemake, run_ingest, quarantine_copy=snakemake.log.quarantine)
