from schemes.rulekit import run
from schemes.topics import run_topic_selection

run(
    snakemake,
    run_topic_selection,
    tokens_path=snakemake.input.tokens,
    documents_path=snakemake.input.documents,
    lexicon_paths=dict(snakemake.params.lexicons),
    settings=dict(snakemake.params.settings),
    outputs=dict(snakemake.output.items()),
)
