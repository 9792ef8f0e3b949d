from schemes.events import run_sensitivity
from schemes.rulekit import run

run(
    snakemake,
    run_sensitivity,
    doc_claims_path=snakemake.input.doc_claims,
    events_path=snakemake.input.catalogue,
    outputs=dict(snakemake.output.items()),
    window_grid=snakemake.params.window_grid,
    measures=snakemake.params.measures,
    baseline_days=snakemake.params.baseline_days,
    min_baseline_docs=snakemake.params.min_baseline_docs,
    model_degree=snakemake.params.model_degree,
    time_bin=snakemake.params.time_bin,
    framing_share_path=snakemake.input.framing_share,
    item_measures_path=snakemake.input.item_measures,
    study_period_only=snakemake.params.study_period_only,
)
