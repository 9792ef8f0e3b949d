from schemes.gold import run_item_measures
from schemes.rulekit import run

run(
    snakemake,
    run_item_measures,
    doc_claims_path=snakemake.input.doc_claims,
    candidates_path=snakemake.input.candidates,
    framing_share_path=snakemake.input.framing_share,
    lss_path=snakemake.input.lss,
    rules_path=snakemake.input.rules,
    output=snakemake.output.measures,
)
