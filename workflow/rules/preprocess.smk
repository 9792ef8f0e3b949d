rule sentences:
    input:
        documents="results/{corpus}/ingest/documents.parquet",
    output:
        sentences="results/{corpus}/preprocess/sentences.parquet",
    log:
        "results/{corpus}/logs/sentences.log",
    benchmark:
        "results/{corpus}/benchmarks/sentences.tsv"
    conda:
        "../envs/schemes.yaml"
    script:
        "../../scripts/rules/sentences.py"


rule topic_tokens:
    input:
        sentences="results/{corpus}/preprocess/sentences.parquet",
        documents="results/{corpus}/ingest/documents.parquet",
        stopwords=list(config["preprocess"]["stopwords"].values()),
    output:
        tokens="results/{corpus}/preprocess/doc_tokens.parquet",
        vocabulary="results/{corpus}/preprocess/vocabulary.csv",
    log:
        "results/{corpus}/logs/topic_tokens.log",
    conda:
        "../envs/schemes.yaml"
    params:
        stopwords=config["preprocess"]["stopwords"],
        min_df=config["preprocess"]["min_df"],
        max_df=config["preprocess"]["max_df"],
        min_token_length=config["preprocess"]["min_token_length"],
    script:
        "../../scripts/rules/topic_tokens.py"
