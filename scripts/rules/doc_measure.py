from schemes.measures import run_doc_measure
from schemes.rulekit import run

run(snakemake, run_doc_measure, measure=snakemake.wildcards.measure)
