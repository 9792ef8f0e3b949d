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


rule validation_report:
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
        "results/{corpus}/logs/validation_report.log",
    conda:
        "../envs/schemes.yaml"
    params:
        n_boot=config["validation"]["bootstrap"],
        seed=config["validation"]["seed"],
        supervised=config["validation"]["supervised"],
    script:
        "../../scripts/rules/validation_report.py"
