from schemes.gold import run_gold_sample
from schemes.rulekit import run

run(
    snakemake,
    run_gold_sample,
    documents_path=snakemake.input.documents,
    filter_paths=dict(snakemake.params.filters),
    sizes=dict(snakemake.params.sizes),
    test_fraction=snakemake.params.test_fraction,
    double_coded=dict(snakemake.params.double_coded),
    seed=snakemake.params.seed,
    max_chars=snakemake.params.max_chars,
    guide=snakemake.input.guide,
    outputs=dict(snakemake.output.items()),
)
