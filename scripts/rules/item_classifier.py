from schemes.classifier import run_item_classifier
from schemes.rulekit import run

run(snakemake, run_item_classifier)
