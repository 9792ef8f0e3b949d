rule topic_units:
    input:
        tokens="results/{corpus}/preprocess/doc_tokens.parquet",
        documents="results/{corpus}/ingest/documents.parquet",
    output:
        units="results/{corpus}/topics/units.parquet",
        doc_units="results/{corpus}/topics/doc_units.parquet",
    log:
        "results/{corpus}/logs/topic_units.log",
    benchmark:
        "results/{corpus}/benchmarks/topic_units.tsv"
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.bow.TopicUnitsSettings),
    script:
        "../../scripts/rules/topic_units.py"


rule topic_selection:
    input:
        units="results/{corpus}/topics/units.parquet",
        doc_units="results/{corpus}/topics/doc_units.parquet",
        lexicons=list(config["framing"]["lexicons"].values()),
    output:
        selection=report(
            "results/{corpus}/topics/model_selection.csv",
            caption="../report/model_selection_table.rst",
            category="Topics",
        ),
        shares="results/{corpus}/topics/selection_topic_share.parquet",
    log:
        "results/{corpus}/logs/topic_selection.log",
    benchmark:
        "results/{corpus}/benchmarks/topic_selection.tsv"
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.topics.TopicSelectionSettings),
    script:
        "../../scripts/rules/topic_selection.py"


rule topics:
    input:
        unpack(get_topics_inputs),
    output:
        doc_topics="results/{corpus}/topics/doc_topics.parquet",
        topics=report(
            "results/{corpus}/topics/topics.csv",
            caption="../report/topics.rst",
            category="Topics",
        ),
        prevalence="results/{corpus}/topics/topic_prevalence.csv",
        framing_share="results/{corpus}/topics/framing_topic_share.parquet",
    log:
        "results/{corpus}/logs/topics.log",
    benchmark:
        "results/{corpus}/benchmarks/topics.tsv"
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.topics.TopicsSettings),
    script:
        "../../scripts/rules/topics.py"
