from schemes.events import run_event_catalogue
from schemes.rulekit import run

run(
    snakemake,
    run_event_catalogue,
    catalogue_path=snakemake.input.catalogue,
    period=dict(snakemake.params.period),
    output=snakemake.output.catalogue,
)
