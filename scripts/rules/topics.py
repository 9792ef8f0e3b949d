from schemes.rulekit import run
from schemes.topics import run_topics

run(
    snakemake,
    run_topics,
    units_path=snakemake.input.units,
    doc_units_path=snakemake.input.doc_units,
    selection_path=snakemake.input.get("selection"),
    lexicon_paths=dict(snakemake.params.lexicons),
    settings=dict(snakemake.params.settings),
    outputs=dict(snakemake.output.items()),
)
