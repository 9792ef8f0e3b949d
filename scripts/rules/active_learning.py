from schemes.active import run_active_learning
from schemes.rulekit import run

run(
    snakemake,
    run_active_learning,
    documents_path=snakemake.input.documents,
    sentences_paths=list(snakemake.input.sentences),
    scores_path=snakemake.input.scores,
    design_path=snakemake.input.design,
    n=snakemake.params.n,
    pool_factor=snakemake.params.pool_factor,
    seed=snakemake.params.seed,
    max_chars=snakemake.params.max_chars,
    outputs=dict(snakemake.output.items()),
    active_paths=list(snakemake.input.active),
)
