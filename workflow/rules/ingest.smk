rule ingest:
    input:
        get_corpus_inputs,
    output:
        documents="results/{corpus}/ingest/documents.parquet",
        quarantine="results/{corpus}/ingest/quarantine.csv",
        duplicates="results/{corpus}/ingest/duplicates.csv",
        summary="results/{corpus}/ingest/summary.json",
    params:
        corpus=config["corpus"],
        language=config["language"],
        min_chars=config["ingest"]["min_chars"],
    log:
        "results/{corpus}/logs/ingest.log",
    benchmark:
        "results/{corpus}/benchmarks/ingest.tsv"
    script:
        "../../scripts/rules/ingest.py"
