rule demo_corpus:
    input:
        events=config["demo"]["events"],
    output:
        corpus="data/demo/corpus.jsonl.gz",
        ground_truth="data/demo/ground_truth.csv",
        claims_truth="data/demo/claims_truth.csv",
    log:
        "logs/demo/demo_corpus.log",
    conda:
        "../envs/schemes.yaml"
    params:
        seed=config["demo"]["seed"],
        docs_per_day=config["demo"]["docs_per_day"],
        burst_docs=config["demo"]["burst_docs"],
    script:
        "../../scripts/rules/demo_corpus.py"
