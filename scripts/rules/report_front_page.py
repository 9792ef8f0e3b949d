from schemes.report import run_report_front_page
from schemes.rulekit import run

run(snakemake, run_report_front_page, corpus=snakemake.wildcards.corpus)
