from schemes.events import run_events
from schemes.rulekit import run

run(
    snakemake,
    run_events,
    doc_claims_path=snakemake.input.doc_claims,
    events_path=snakemake.input.catalogue,
    outputs=dict(snakemake.output.items()),
    days_before=snakemake.params.days_before,
    days_after=snakemake.params.days_after,
    baseline_days=snakemake.params.baseline_days,
    min_baseline_docs=snakemake.params.min_baseline_docs,
    measure=snakemake.params.measure,
    resample=snakemake.params.resample,
    n_boot=snakemake.params.n_boot,
    seed=snakemake.params.seed,
    model_degree=snakemake.params.model_degree,
    contrasts=snakemake.params.contrasts,
    n_permutations=snakemake.params.n_permutations,
    time_bin=snakemake.params.time_bin,
    correction_path=snakemake.input.get("correction") or None,
    study_period_only=snakemake.params.study_period_only,
)
