# The report's front page, the corpus hash the provenance sidecars cite, and
# the evidence behind every event's score.
rule corpus_hash:
    input:
        files=get_corpus_inputs,
    output:
        hash="results/{corpus}/provenance/corpus.json",
    log:
        "results/{corpus}/logs/corpus_hash.log",
    conda:
        "../envs/schemes.yaml"
    params:
        # as ingest's: a corpus swapped for an older file is hashed again
        content=get_corpus_fingerprint,
    script:
        "../../scripts/rules/corpus_hash.py"


rule report_front_page:
    input:
        unpack(get_front_page_inputs),
    output:
        page="results/{corpus}/report/front_page.rst",
    log:
        "results/{corpus}/logs/report_front_page.log",
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.report.FrontPageSettings),
    script:
        "../../scripts/rules/report_front_page.py"


rule evidence:
    input:
        unpack(get_evidence_inputs),
    output:
        table=report(
            "results/{corpus}/evidence/evidence.csv",
            caption="../report/evidence_table.rst",
            category="Evidence",
        ),
        pages=report(
            directory("results/{corpus}/evidence/events"),
            patterns=["{event}.html"],
            caption="../report/evidence.rst",
            category="Evidence",
            labels={"event": "{event}"},
        ),
        provenance="results/{corpus}/evidence/evidence.provenance.json",
        pages_provenance="results/{corpus}/evidence/events.provenance.json",
    log:
        "results/{corpus}/logs/evidence.log",
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.evidence.EvidenceSettings),
    script:
        "../../scripts/rules/evidence.py"
