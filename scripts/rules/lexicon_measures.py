from schemes.measures import run_lexicon_measures
from schemes.rulekit import run

run(snakemake, run_lexicon_measures)
