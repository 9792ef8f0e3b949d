from schemes.claims import run_framing
from schemes.rulekit import run

run(
    snakemake,
    run_framing,
    sentences_paths=list(snakemake.input.sentences),
    documents_path=snakemake.input.documents,
    lexicon_paths=dict(snakemake.params.lexicons),
    settings=dict(snakemake.params.settings),
    outputs=dict(snakemake.output.items()),
)
