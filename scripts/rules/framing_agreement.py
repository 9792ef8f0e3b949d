from schemes.claims import run_measure_agreement
from schemes.rulekit import run

run(
    snakemake,
    run_measure_agreement,
    doc_claims_path=snakemake.input.doc_claims,
    framing_share_path=snakemake.input.framing_share,
    output=snakemake.output.agreement,
)
