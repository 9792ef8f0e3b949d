from schemes.itemrules import run_item_rules
from schemes.rulekit import run

run(snakemake, run_item_rules)
