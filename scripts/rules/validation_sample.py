from schemes.rulekit import run
from schemes.validation import run_export

run(
    snakemake,
    run_export,
    documents_path=snakemake.input.documents,
    sentences_path=list(snakemake.input.sentences),
    claims_path=snakemake.input.claims,
    candidates_path=snakemake.input.candidates,
    sizes=dict(snakemake.params.sizes),
    seed=snakemake.params.seed,
    output=snakemake.output.sample,
    guide_source=snakemake.input.guide,
    guide_output=snakemake.output.guide,
)
