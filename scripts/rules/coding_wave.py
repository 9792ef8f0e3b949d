from schemes.design import run_coding_wave
from schemes.rulekit import run

run(snakemake, run_coding_wave, wave=int(snakemake.wildcards.wave))
