from schemes.lss import run_lss
from schemes.rulekit import run

run(
    snakemake,
    run_lss,
    sentences_paths=list(snakemake.input.sentences),
    documents_path=snakemake.input.documents,
    seed_paths=dict(snakemake.params.seeds),
    stopword_paths=dict(snakemake.params.stopwords),
    k=snakemake.params.k,
    min_count=snakemake.params.min_count,
    seed=snakemake.params.seed,
    outputs=dict(snakemake.output.items()),
)
