from schemes.ingest import run_ingest
from schemes.rulekit import run

run(
    snakemake,
    run_ingest,
    corpus=dict(snakemake.params.corpus),
    language=snakemake.params.language,
    min_chars=snakemake.params.min_chars,
    date_range=list(snakemake.params.plausible_dates),
    outputs=dict(snakemake.output.items()),
    min_documents=snakemake.params.min_documents,
    quarantine_copy=snakemake.log.quarantine,
)
