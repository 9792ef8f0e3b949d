from schemes.gold import run_item_measures
from schemes.rulekit import run

run(
    snakemake,
    run_item_measures,
    doc_claims_path=snakemake.input.doc_claims,
    candidates_path=snakemake.input.candidates,
    # the classifier's table (rule classifier_measures) has only the inputs it uses
    framing_share_path=snakemake.input.get("framing_share"),
    lss_path=snakemake.input.get("lss"),
    rules_path=snakemake.input.get("rules"),
    output=snakemake.output.measures,
)
