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
        settings=rule_settings(schemes.demo.DemoCorpusSettings),
    script:
        "../../scripts/rules/demo_corpus.py"
