rule validation_sample:
    input:
        documents="results/{corpus}/ingest/documents.parquet",
        sentences=get_sentence_shards,
        claims="results/{corpus}/framing/claims.csv",
        candidates="results/{corpus}/framing/candidates.parquet",
        guide=config["validation"]["guide"],
    output:
        sample="results/{corpus}/validation/sample.csv",
        guide="results/{corpus}/validation/coding_guide.md",
    log:
        "results/{corpus}/logs/validation_sample.log",
    conda:
        "../envs/schemes.yaml"
    params:
        sizes=config["validation"]["sample"],
        seed=config["validation"]["seed"],
    script:
        "../../scripts/rules/validation_sample.py"


rule validation_sentence_report:
    input:
        sample="results/{corpus}/validation/sample.csv",
        coded=config["validation"]["coded"],
    output:
        precision_recall=report(
            "results/{corpus}/validation/precision_recall.csv",
            caption="../report/validation.rst",
            category="Validation",
        ),
        agreement=report(
            "results/{corpus}/validation/coder_agreement.csv",
            caption="../report/coder_agreement.rst",
            category="Validation",
        ),
    log:
        "results/{corpus}/logs/validation_sentence_report.log",
    conda:
        "../envs/schemes.yaml"
    params:
        n_boot=config["validation"]["bootstrap"],
        seed=config["validation"]["seed"],
        supervised=config["validation"]["supervised"],
    script:
        "../../scripts/rules/validation_sentence_report.py"


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
        filters=config["validation"]["items"]["filter"],
        sizes=config["validation"]["items"]["sample"],
        test_fraction=config["validation"]["items"]["test_fraction"],
        double_coded=config["validation"]["items"]["double_coded"],
        seed=config["validation"]["items"]["seed"],
        max_chars=config["validation"]["items"]["max_chars"],
    script:
        "../../scripts/rules/gold_sample.py"


rule validation_report:
    input:
        unpack(get_gold_inputs),
        measures="results/{corpus}/framing/item_measures.parquet",
        classifier="results/{corpus}/framing/classifier_scores.parquet",
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
        days_before=config["events"]["days_before"],
        days_after=config["events"]["days_after"],
        min_event_items=config["validation"]["items"]["min_event_items"],
        n_boot=config["validation"]["bootstrap"],
        seed=config["validation"]["seed"],
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
        target=config["validation"]["items"]["classifier"]["target"],
        c=config["validation"]["items"]["classifier"]["c"],
        folds=config["validation"]["items"]["classifier"]["folds"],
        seed=config["validation"]["seed"],
        n_boot=config["events"]["bootstrap"],
        embeddings=config["validation"]["items"]["classifier"]["embeddings"],
        measures=config["validation"]["items"]["classifier"]["measures"],
    script:
        "../../scripts/rules/item_classifier.py"


rule measurement_error:
    input:
        design=config["validation"]["items"]["gold"]["design"] or [],
        labels=config["validation"]["items"]["gold"]["labels"] or [],
        measures="results/{corpus}/framing/item_measures.parquet",
        classifier="results/{corpus}/framing/classifier_scores.parquet",
    output:
        table="results/{corpus}/validation/measurement_error.csv",
    log:
        "results/{corpus}/logs/measurement_error.log",
    conda:
        "../envs/schemes.yaml"
    params:
        doc_measure=config["events"]["doc_measure"],
        target="anti_western",
        n_boot=config["events"]["bootstrap"],
        seed=config["validation"]["seed"],
    script:
        "../../scripts/rules/measurement_error.py"
