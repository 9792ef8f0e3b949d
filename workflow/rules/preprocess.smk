rule sentences:
    input:
        documents="results/{corpus}/ingest/documents.parquet",
    output:
        sentences="results/{corpus}/preprocess/sentences/shard_{shard}.parquet",
    log:
        "results/{corpus}/logs/sentences_{shard}.log",
    benchmark:
        "results/{corpus}/benchmarks/sentences_{shard}.tsv"
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.preprocess.SentencesSettings),
    script:
        "../../scripts/rules/sentences.py"


rule topic_tokens:
    input:
        sentences=get_sentence_shards,
        documents="results/{corpus}/ingest/documents.parquet",
        stopwords=list(config["preprocess"]["stopwords"].values()),
    output:
        tokens="results/{corpus}/preprocess/doc_tokens.parquet",
        vocabulary="results/{corpus}/preprocess/vocabulary.csv",
    log:
        "results/{corpus}/logs/topic_tokens.log",
    benchmark:
        "results/{corpus}/benchmarks/topic_tokens.tsv"
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.topics.TopicTokensSettings),
    script:
        "../../scripts/rules/topic_tokens.py"
