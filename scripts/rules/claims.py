from schemes.claims import run_claims
from schemes.rulekit import run

run(snakemake, run_claims)
