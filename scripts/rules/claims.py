from schemes.claims import run_framing
from schemes.rulekit import run

run(
    snakemake,
    run_framing,
    sentences_path=snakemake.input.sentences,
    documents_path=snakemake.input.documents,
    lexicon_paths=dict(snakemake.params.lexicons),
    negation_window=snakemake.params.negation_window,
    term_gap=snakemake.params.term_gap,
    claims_path=snakemake.output.claims,
    doc_claims_path=snakemake.output.doc_claims,
)
