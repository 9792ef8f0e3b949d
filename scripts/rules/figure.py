from schemes.figures import run_figure
from schemes.rulekit import run

run(
    snakemake,
    run_figure,
    name=snakemake.params.figure,
    inputs=dict(snakemake.input.items()),
    paths=[snakemake.output.png, *snakemake.output.other],
    dpi=snakemake.params.dpi,
)
