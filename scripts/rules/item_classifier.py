from schemes.classifier import run_item_classifier
from schemes.rulekit import run

run(
    snakemake,
    run_item_classifier,
    sentences_paths=list(snakemake.input.sentences),
    measures_path=snakemake.input.measures,
    design_path=snakemake.input.design,
    labels_path=snakemake.input.labels,
    target=snakemake.params.target,
    c=snakemake.params.c,
    folds=snakemake.params.folds,
    seed=snakemake.params.seed,
    outputs=dict(snakemake.output.items()),
    active_paths=list(snakemake.input.active),
    n_boot=snakemake.params.n_boot,
    documents_path=snakemake.input.documents,
    embeddings=snakemake.params.embeddings,
    feature_measures=list(snakemake.params.measures),
)
