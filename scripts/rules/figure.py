from schemes.figures import run_figure
from schemes.rulekit import run

run(snakemake, run_figure, figure=snakemake.wildcards.figure)
