from schemes.itemrules import run_item_rules
from schemes.rulekit import run

run(
    snakemake,
    run_item_rules,
    sentences_paths=list(snakemake.input.sentences),
    documents_path=snakemake.input.documents,
    lexicon_paths=dict(snakemake.params.lexicons),
    marker_paths=dict(snakemake.params.markers),
    settings=dict(snakemake.params.settings),
    output=snakemake.output.rules,
)
