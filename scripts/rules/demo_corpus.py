from schemes.demo import write_demo
from schemes.rulekit import run

run(
    snakemake,
    write_demo,
    events_path=snakemake.input.events,
    corpus_path=snakemake.output.corpus,
    truth_path=snakemake.output.ground_truth,
    claims_truth_path=snakemake.output.claims_truth,
    seed=snakemake.params.seed,
    docs_per_day=snakemake.params.docs_per_day,
    burst_docs=snakemake.params.burst_docs,
    days_before=snakemake.params.days_before,
    days_after=snakemake.params.days_after,
)
