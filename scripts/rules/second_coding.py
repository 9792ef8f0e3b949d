from schemes.coding import run_second_coding
from schemes.rulekit import run

run(snakemake, run_second_coding, wave=int(snakemake.wildcards.wave))
