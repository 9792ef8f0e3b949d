from schemes.bow import write_units
from schemes.rulekit import run

run(
    snakemake,
    write_units,
    tokens_path=snakemake.input.tokens,
    documents_path=snakemake.input.documents,
    pool=snakemake.params.pool,
    units_path=snakemake.output.units,
    doc_units_path=snakemake.output.doc_units,
)
