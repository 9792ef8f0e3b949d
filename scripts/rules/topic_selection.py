from schemes.rulekit import run
from schemes.topics import run_topic_selection

run(
    snakemake,
    run_topic_selection,
    units_path=snakemake.input.units,
    doc_units_path=snakemake.input.doc_units,
    lexicon_paths=dict(snakemake.params.lexicons),
    settings=dict(snakemake.params.settings),
    outputs=dict(snakemake.output.items()),
)
