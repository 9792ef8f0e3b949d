rule event_catalogue:
    input:
        catalogue=config["events"]["catalogue"],
        documents="results/{corpus}/ingest/documents.parquet",
    output:
        catalogue="results/{corpus}/events/catalogue.tsv",
    log:
        "results/{corpus}/logs/event_catalogue.log",
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.catalogue.EventCatalogueSettings),
    script:
        "../../scripts/rules/event_catalogue.py"


rule event_ranking:
    input:
        doc_claims=get_doc_measure,
        catalogue="results/{corpus}/events/catalogue.tsv",
        correction=get_correction,
    output:
        ranking=report(
            "results/{corpus}/tables/event_ranking.csv",
            caption="../report/event_ranking_table.rst",
            category="Events",
        ),
        ranking_tex="results/{corpus}/tables/event_ranking.tex",
        contrast=report(
            "results/{corpus}/tables/type_contrast.csv",
            caption="../report/type_contrast_table.rst",
            category="Events",
        ),
        contrast_tex="results/{corpus}/tables/type_contrast.tex",
        timeseries="results/{corpus}/tables/framing_timeseries.csv",
    log:
        "results/{corpus}/logs/event_ranking.log",
    benchmark:
        "results/{corpus}/benchmarks/event_ranking.tsv"
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.events.EventRankingSettings),
    script:
        "../../scripts/rules/event_ranking.py"


rule sensitivity:
    input:
        doc_claims=get_doc_measure,
        framing_share="results/{corpus}/topics/selection_topic_share.parquet",
        item_measures="results/{corpus}/framing/item_measures.parquet",
        catalogue="results/{corpus}/events/catalogue.tsv",
    output:
        sensitivity="results/{corpus}/tables/sensitivity.csv",
        tau="results/{corpus}/tables/sensitivity_tau.csv",
        spread=report(
            "results/{corpus}/tables/sensitivity_events.csv",
            caption="../report/sensitivity_table.rst",
            category="Sensitivity",
        ),
        spread_tex="results/{corpus}/tables/sensitivity_events.tex",
    log:
        "results/{corpus}/logs/sensitivity.log",
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.sensitivity.SensitivitySettings),
    script:
        "../../scripts/rules/sensitivity.py"


rule event_topics:
    input:
        doc_claims=get_doc_measure,
        doc_topics="results/{corpus}/topics/doc_topics.parquet",
        topics="results/{corpus}/topics/topics.csv",
        catalogue="results/{corpus}/events/catalogue.tsv",
    output:
        profile="results/{corpus}/tables/event_topics.csv",
    log:
        "results/{corpus}/logs/event_topics.log",
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.events.EventTopicsSettings),
    script:
        "../../scripts/rules/event_topics.py"
