from schemes.rulekit import run
from schemes.topics import run_topics

run(
    snakemake,
    run_topics,
    tokens_path=snakemake.input.tokens,
    documents_path=snakemake.input.documents,
    outputs=dict(snakemake.output.items()),
    k=snakemake.params.k,
    seed=snakemake.params.seed,
    passes=snakemake.params.passes,
    iterations=snakemake.params.iterations,
    top_n=snakemake.params.top_n,
    time_bin=snakemake.params.time_bin,
)
