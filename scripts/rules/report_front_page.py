from schemes.report import run_front_page
from schemes.rulekit import run

run(
    snakemake,
    run_front_page,
    description=snakemake.input.description,
    summary=snakemake.input.summary,
    quarantine=snakemake.input.quarantine,
    corpus_name=snakemake.wildcards.corpus,
    output=snakemake.output.page,
)
