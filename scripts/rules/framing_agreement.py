from schemes.claims import run_framing_agreement
from schemes.rulekit import run

run(snakemake, run_framing_agreement)
