from schemes.preprocess import run_sentences
from schemes.rulekit import run

run(snakemake, run_sentences, shard=int(snakemake.wildcards.shard))
