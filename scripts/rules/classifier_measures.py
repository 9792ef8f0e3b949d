from schemes.measures import run_classifier_measures
from schemes.rulekit import run

run(snakemake, run_classifier_measures)
