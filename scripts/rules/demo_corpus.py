from schemes.demo import run_demo_corpus
from schemes.rulekit import run

run(snakemake, run_demo_corpus)
