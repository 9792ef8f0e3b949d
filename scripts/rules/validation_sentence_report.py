from schemes.rulekit import run
from schemes.validation import run_score

run(
    snakemake,
    run_score,
    sample_path=snakemake.input.sample,
    coded_paths=list(snakemake.input.coded),
    n_boot=snakemake.params.n_boot,
    seed=snakemake.params.seed,
    supervised=snakemake.params.supervised,
    outputs=dict(snakemake.output.items()),
)
