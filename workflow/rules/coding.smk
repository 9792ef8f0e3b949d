# The coding loop (schemes.design): not in rule all. Ask for
#   results/{corpus}/coding/plan.csv              the planner
#   results/{corpus}/coding/wave1_to_code.csv     wave 1 (freeze wave1_design.csv.gz, code)
#   results/{corpus}/coding/wave1_to_code_second.csv   after the first coder's file is listed
#   results/{corpus}/coding/wave2_to_code.csv     after wave 1's codes are listed
# Coded waves listed under design.waves give the design-based estimates (rule event_estimates).


rule coding_plan:
    input:
        measures="results/{corpus}/framing/item_measures.parquet",
        catalogue="results/{corpus}/events/catalogue.tsv",
    output:
        plan="results/{corpus}/coding/plan.csv",
    log:
        "results/{corpus}/logs/coding_plan.log",
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.design.DesignSettings),
    script:
        "../../scripts/rules/coding_plan.py"


rule coding_wave:
    input:
        unpack(get_coding_wave_inputs),
    output:
        design="results/{corpus}/coding/wave{wave}_design.csv.gz",
        to_code="results/{corpus}/coding/wave{wave}_to_code.csv",
        domains="results/{corpus}/coding/wave{wave}_domains.csv",
    log:
        "results/{corpus}/logs/coding_wave{wave}.log",
    wildcard_constraints:
        wave="1|2",
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.design.CodingWaveSettings),
    script:
        "../../scripts/rules/coding_wave.py"


rule second_coding:
    input:
        unpack(get_second_coding_inputs),
    output:
        to_code="results/{corpus}/coding/wave{wave}_to_code_second.csv",
        selection="results/{corpus}/coding/wave{wave}_second_selection.csv",
    log:
        "results/{corpus}/logs/second_coding_wave{wave}.log",
    wildcard_constraints:
        wave="1|2",
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.coding.SecondCodingSettings),
    script:
        "../../scripts/rules/second_coding.py"


rule event_estimates:
    input:
        unpack(get_estimate_inputs),
    output:
        estimates=report(
            "results/{corpus}/tables/event_estimates.csv",
            caption="../report/event_estimates_table.rst",
            category="Events",
        ),
        estimates_tex="results/{corpus}/tables/event_estimates.tex",
        contrast=report(
            "results/{corpus}/tables/design_contrast.csv",
            caption="../report/design_contrast_table.rst",
            category="Events",
        ),
        contrast_tex="results/{corpus}/tables/design_contrast.tex",
        domains="results/{corpus}/coding/domain_estimates.csv",
        reliability="results/{corpus}/validation/wave_reliability.csv",
    log:
        "results/{corpus}/logs/event_estimates.log",
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.estimate.EventEstimatesSettings),
    script:
        "../../scripts/rules/event_estimates.py"


rule external_comparison:
    input:
        measures="results/{corpus}/framing/item_measures.parquet",
        catalogue="results/{corpus}/events/catalogue.tsv",
        estimates="results/{corpus}/tables/event_estimates.csv",
        codes=get_external_codes,
    output:
        comparison=report(
            "results/{corpus}/tables/external_comparison.csv",
            caption="../report/external_comparison_table.rst",
            category="Events",
        ),
    log:
        "results/{corpus}/logs/external_comparison.log",
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.external.ExternalComparisonSettings),
    script:
        "../../scripts/rules/external_comparison.py"
