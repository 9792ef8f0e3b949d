from schemes.eventrates import run_measurement_error
from schemes.rulekit import run

run(snakemake, run_measurement_error)
