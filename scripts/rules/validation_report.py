from schemes.gold import run_validation_report
from schemes.rulekit import run

run(
    snakemake,
    run_validation_report,
    design_path=snakemake.input.design,
    labels_path=snakemake.input.labels,
    coder_paths=list(snakemake.input.coders),
    adjudication_path=snakemake.input.get("adjudication"),
    measures_path=snakemake.input.measures,
    classifier_path=snakemake.input.get("classifier"),
    events_path=snakemake.input.catalogue,
    days_before=snakemake.params.days_before,
    days_after=snakemake.params.days_after,
    min_event_items=snakemake.params.min_event_items,
    n_boot=snakemake.params.n_boot,
    seed=snakemake.params.seed,
    outputs=dict(snakemake.output.items()),
)
