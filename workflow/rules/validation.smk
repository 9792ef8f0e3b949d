rule gold_sample:
    input:
        documents="results/{corpus}/ingest/documents.parquet",
        filters=list(config["validation"]["items"]["filter"].values()),
        guide=config["validation"]["items"]["guide"],
    output:
        sample="results/{corpus}/validation/items/sample.csv",
        to_code="results/{corpus}/validation/items/to_code.csv",
        to_code_second="results/{corpus}/validation/items/to_code_second.csv",
        guide="results/{corpus}/validation/items/coding_guide.md",
    log:
        "results/{corpus}/logs/gold_sample.log",
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.goldsample.GoldSampleSettings),
    script:
        "../../scripts/rules/gold_sample.py"


rule validation_report:
    input:
        unpack(get_gold_inputs),
        measures="results/{corpus}/framing/item_measures.parquet",
        catalogue="results/{corpus}/events/catalogue.tsv",
    output:
        scores=report(
            "results/{corpus}/validation/item_scores.csv",
            caption="../report/item_scores.rst",
            category="Validation",
        ),
        scores_tex="results/{corpus}/validation/item_scores.tex",
        reliability=report(
            "results/{corpus}/validation/gold_reliability.csv",
            caption="../report/gold_reliability.rst",
            category="Validation",
        ),
        event_rates="results/{corpus}/validation/event_rates.csv",
        event_agreement=report(
            "results/{corpus}/validation/event_rate_agreement.csv",
            caption="../report/event_rate_agreement.rst",
            category="Validation",
        ),
        choice=report(
            "results/{corpus}/validation/measure_choice.csv",
            caption="../report/measure_choice.rst",
            category="Validation",
        ),
    log:
        "results/{corpus}/logs/validation_report.log",
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.scoring.ValidationReportSettings),
    script:
        "../../scripts/rules/validation_report.py"


rule item_classifier:
    input:
        sentences=get_sentence_shards,
        documents="results/{corpus}/ingest/documents.parquet",
        measures="results/{corpus}/framing/classifier_measures.parquet",
        design=config["validation"]["items"]["gold"]["design"] or [],
        labels=config["validation"]["items"]["gold"]["labels"] or [],
        active=config["validation"]["items"]["gold"]["active"],
    output:
        scores="results/{corpus}/framing/classifier_scores.parquet",
        features="results/{corpus}/validation/classifier_features.csv",
        calibration="results/{corpus}/validation/calibration_draws.csv",
    log:
        "results/{corpus}/logs/item_classifier.log",
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.classifier.ItemClassifierSettings),
    script:
        "../../scripts/rules/item_classifier.py"


rule measurement_error:
    input:
        design=config["validation"]["items"]["gold"]["design"] or [],
        labels=config["validation"]["items"]["gold"]["labels"] or [],
        measures="results/{corpus}/framing/item_measures.parquet",
    output:
        table="results/{corpus}/validation/measurement_error.csv",
    log:
        "results/{corpus}/logs/measurement_error.log",
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.eventrates.MeasurementErrorSettings),
    script:
        "../../scripts/rules/measurement_error.py"
