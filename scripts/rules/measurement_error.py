from schemes.gold import run_measurement_error
from schemes.rulekit import run

run(
    snakemake,
    run_measurement_error,
    design_path=snakemake.input.design,
    labels_path=snakemake.input.labels,
    measures_path=snakemake.input.measures,
    classifier_path=snakemake.input.classifier,
    doc_measure=snakemake.params.doc_measure,
    target=snakemake.params.target,
    n_boot=snakemake.params.n_boot,
    seed=snakemake.params.seed,
    output=snakemake.output.table,
)
