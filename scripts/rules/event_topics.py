from schemes.events import run_event_topics
from schemes.rulekit import run

run(
    snakemake,
    run_event_topics,
    doc_claims_path=snakemake.input.doc_claims,
    doc_topics_path=snakemake.input.doc_topics,
    topics_path=snakemake.input.topics,
    events_path=snakemake.input.catalogue,
    output=snakemake.output.profile,
    days_before=snakemake.params.days_before,
    days_after=snakemake.params.days_after,
    baseline_days=snakemake.params.baseline_days,
    min_baseline_docs=snakemake.params.min_baseline_docs,
)
