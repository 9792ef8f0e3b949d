from schemes.rulekit import run
from schemes.topics import run_topics

run(
    snakemake,
    run_topics,
    tokens_path=snakemake.input.tokens,
    documents_path=snakemake.input.documents,
    selection_path=snakemake.input.get("selection"),
    lexicon_paths=dict(snakemake.params.lexicons),
    settings=dict(snakemake.params.settings),
    outputs=dict(snakemake.output.items()),
)
