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
        settings=rule_settings(schemes.claims.ClaimsSettings),
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


rule lexicon_measures:
    input:
        doc_claims="results/{corpus}/framing/doc_claims.parquet",
        candidates="results/{corpus}/framing/candidates.parquet",
    output:
        measures="results/{corpus}/framing/lexicon_measures.parquet",
    log:
        "results/{corpus}/logs/lexicon_measures.log",
    conda:
        "../envs/schemes.yaml"
    script:
        "../../scripts/rules/lexicon_measures.py"


rule item_measures:
    input:
        unpack(get_item_measure_inputs),
    output:
        measures="results/{corpus}/framing/item_measures.parquet",
    log:
        "results/{corpus}/logs/item_measures.log",
    conda:
        "../envs/schemes.yaml"
    script:
        "../../scripts/rules/item_measures.py"


rule classifier_measures:
    input:
        unpack(get_classifier_measure_inputs),
    output:
        measures="results/{corpus}/framing/classifier_measures.parquet",
    log:
        "results/{corpus}/logs/classifier_measures.log",
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.measures.ClassifierMeasuresSettings),
    script:
        "../../scripts/rules/classifier_measures.py"


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
        settings=rule_settings(schemes.lss.LssSettings),
    script:
        "../../scripts/rules/lss.py"


rule item_rules:
    input:
        sentences=get_sentence_shards,
        documents="results/{corpus}/ingest/documents.parquet",
        lexicons=list(config["framing"]["lexicons"].values()),
        markers=list(config["framing"]["item_rules"]["markers"].values()),
    output:
        rules="results/{corpus}/framing/item_rules.parquet",
    log:
        "results/{corpus}/logs/item_rules.log",
    benchmark:
        "results/{corpus}/benchmarks/item_rules.tsv"
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.itemrules.ItemRulesSettings),
    script:
        "../../scripts/rules/item_rules.py"


rule doc_measure:
    input:
        unpack(get_doc_measure_inputs),
    output:
        doc_measure="results/{corpus}/framing/doc_measure_{measure}.parquet",
    log:
        "results/{corpus}/logs/doc_measure_{measure}.log",
    wildcard_constraints:
        measure=DOC_MEASURE_NAMES,
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.measures.DocMeasureSettings),
    script:
        "../../scripts/rules/doc_measure.py"
