from schemes.provenance import run_corpus_hash
from schemes.rulekit import run

run(snakemake, run_corpus_hash)
