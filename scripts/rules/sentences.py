from schemes.preprocess import run_preprocess
from schemes.rulekit import run

run(
    snakemake,
    run_preprocess,
    documents_path=snakemake.input.documents,
    sentences_path=snakemake.output.sentences,
    shard=int(snakemake.wildcards.shard),
    n_shards=snakemake.params.n_shards,
)
