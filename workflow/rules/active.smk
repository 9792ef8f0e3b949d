# Not in rule all: ask for results/{corpus}/validation/items/active_to_code.csv.
# Actively chosen items train models; they never enter precision/recall/prevalence.
rule active_learning:
    input:
        documents="results/{corpus}/ingest/documents.parquet",
        sentences=get_sentence_shards,
        scores="results/{corpus}/framing/classifier_scores.parquet",
        design=config["validation"]["items"]["gold"]["design"] or [],
        active=config["validation"]["items"]["gold"]["active"],
    output:
        selection="results/{corpus}/validation/items/active_selection.csv",
        to_code="results/{corpus}/validation/items/active_to_code.csv",
    log:
        "results/{corpus}/logs/active_learning.log",
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.active.ActiveLearningSettings),
    script:
        "../../scripts/rules/active_learning.py"
