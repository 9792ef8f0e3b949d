rule claims:
    input:
        sentences=get_sentence_shards,
        documents="results/{corpus}/ingest/documents.parquet",
        lexicons=list(config["framing"]["lexicons"].values()),
    output:
        claims=report(
            "results/{corpus}/framing/claims.csv",
            caption="../report/claims.rst",
            category="Framing",
        ),
        candidates="results/{corpus}/framing/candidates.parquet",
        doc_claims="results/{corpus}/framing/doc_claims.parquet",
    log:
        "results/{corpus}/logs/claims.log",
    benchmark:
        "results/{corpus}/benchmarks/claims.tsv"
    conda:
        "../envs/schemes.yaml"
    params:
        lexicons=config["framing"]["lexicons"],
        settings={
            "negation_window": config["framing"]["negation_window"],
            "term_gap": config["framing"]["term_gap"],
            "window_sentences": config["framing"]["window_sentences"],
            "count_hedged": config["framing"]["count_hedged"],
        },
    script:
        "../../scripts/rules/claims.py"


rule framing_agreement:
    input:
        doc_claims="results/{corpus}/framing/doc_claims.parquet",
        framing_share="results/{corpus}/topics/framing_topic_share.parquet",
    output:
        agreement=report(
            "results/{corpus}/framing/measure_agreement.csv",
            caption="../report/measure_agreement.rst",
            category="Framing",
        ),
    log:
        "results/{corpus}/logs/framing_agreement.log",
    conda:
        "../envs/schemes.yaml"
    script:
        "../../scripts/rules/framing_agreement.py"


rule item_measures:
    input:
        doc_claims="results/{corpus}/framing/doc_claims.parquet",
        candidates="results/{corpus}/framing/candidates.parquet",
        framing_share="results/{corpus}/topics/framing_topic_share.parquet",
        lss="results/{corpus}/framing/lss_scores.parquet",
    output:
        measures="results/{corpus}/framing/item_measures.parquet",
    log:
        "results/{corpus}/logs/item_measures.log",
    conda:
        "../envs/schemes.yaml"
    script:
        "../../scripts/rules/item_measures.py"


rule lss:
    input:
        sentences=get_sentence_shards,
        documents="results/{corpus}/ingest/documents.parquet",
        seeds=list(config["framing"]["lss"]["seeds"].values()),
        stopwords=list(config["preprocess"]["stopwords"].values()),
    output:
        scores="results/{corpus}/framing/lss_scores.parquet",
        terms="results/{corpus}/framing/lss_terms.csv",
    log:
        "results/{corpus}/logs/lss.log",
    benchmark:
        "results/{corpus}/benchmarks/lss.tsv"
    conda:
        "../envs/schemes.yaml"
    params:
        seeds=config["framing"]["lss"]["seeds"],
        stopwords=config["preprocess"]["stopwords"],
        k=config["framing"]["lss"]["k"],
        min_count=config["framing"]["lss"]["min_count"],
        seed=config["framing"]["lss"]["seed"],
    script:
        "../../scripts/rules/lss.py"


rule doc_measure_classifier:
    input:
        doc_claims="results/{corpus}/framing/doc_claims.parquet",
        classifier="results/{corpus}/framing/classifier_scores.parquet",
    output:
        doc_measure="results/{corpus}/framing/doc_measure_classifier.parquet",
    log:
        "results/{corpus}/logs/doc_measure_classifier.log",
    conda:
        "../envs/schemes.yaml"
    script:
        "../../scripts/rules/doc_measure_classifier.py"
