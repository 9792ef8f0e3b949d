from schemes.classifier import run_doc_measure
from schemes.rulekit import run

run(
    snakemake,
    run_doc_measure,
    doc_claims_path=snakemake.input.doc_claims,
    scores_path=snakemake.input.scores,
    column=snakemake.params.column,
    output=snakemake.output.doc_measure,
)
