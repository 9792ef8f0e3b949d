rule ingest:
    input:
        files=get_corpus_inputs,
        # hashed once, before anything reads the corpus (provenance sidecars)
        corpus_hash="results/{corpus}/provenance/corpus.json",
    output:
        documents="results/{corpus}/ingest/documents.parquet",
        quarantine="results/{corpus}/ingest/quarantine.csv",
        duplicates="results/{corpus}/ingest/duplicates.csv",
        summary="results/{corpus}/ingest/summary.json",
    log:
        main="results/{corpus}/logs/ingest.log",
        # written only when the corpus is too small (the outputs are then removed)
        quarantine="results/{corpus}/logs/ingest_quarantine.csv",
    benchmark:
        "results/{corpus}/benchmarks/ingest.tsv"
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.ingest.IngestSettings),
        # the corpus's content: a swapped file re-runs ingest whatever its time stamp
        content=get_corpus_fingerprint,
    script:
        "../../scripts/rules/ingest.py"
