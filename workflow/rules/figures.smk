rule figure_event_ranking:
    input:
        ranking="results/{corpus}/tables/event_ranking.csv",
    output:
        png=report(
            "results/{corpus}/figures/event_ranking.png",
            caption="../report/event_ranking.rst",
            category="Events",
        ),
        other=get_figure_other_formats("event_ranking"),
    log:
        "results/{corpus}/logs/figure_event_ranking.log",
    conda:
        "../envs/schemes.yaml"
    params:
        figure="event_ranking",
        dpi=config["figures"]["dpi"],
    script:
        "../../scripts/rules/figure.py"


rule figure_framing_timeseries:
    input:
        timeseries="results/{corpus}/tables/framing_timeseries.csv",
        ranking="results/{corpus}/tables/event_ranking.csv",
    output:
        png=report(
            "results/{corpus}/figures/framing_timeseries.png",
            caption="../report/framing_timeseries.rst",
            category="Framing",
        ),
        other=get_figure_other_formats("framing_timeseries"),
    log:
        "results/{corpus}/logs/figure_framing_timeseries.log",
    conda:
        "../envs/schemes.yaml"
    params:
        figure="framing_timeseries",
        dpi=config["figures"]["dpi"],
    script:
        "../../scripts/rules/figure.py"


rule figure_topic_prevalence:
    input:
        prevalence="results/{corpus}/topics/topic_prevalence.csv",
        topics="results/{corpus}/topics/topics.csv",
    output:
        png=report(
            "results/{corpus}/figures/topic_prevalence.png",
            caption="../report/topic_prevalence.rst",
            category="Topics",
        ),
        other=get_figure_other_formats("topic_prevalence"),
    log:
        "results/{corpus}/logs/figure_topic_prevalence.log",
    conda:
        "../envs/schemes.yaml"
    params:
        figure="topic_prevalence",
        dpi=config["figures"]["dpi"],
    script:
        "../../scripts/rules/figure.py"


rule figure_type_contrast:
    input:
        ranking="results/{corpus}/tables/event_ranking.csv",
        contrast="results/{corpus}/tables/type_contrast.csv",
    output:
        png=report(
            "results/{corpus}/figures/type_contrast.png",
            caption="../report/type_contrast.rst",
            category="Events",
        ),
        other=get_figure_other_formats("type_contrast"),
    log:
        "results/{corpus}/logs/figure_type_contrast.log",
    conda:
        "../envs/schemes.yaml"
    params:
        figure="type_contrast",
        dpi=config["figures"]["dpi"],
    script:
        "../../scripts/rules/figure.py"


rule figure_sensitivity:
    input:
        sensitivity="results/{corpus}/tables/sensitivity.csv",
        spread="results/{corpus}/tables/sensitivity_events.csv",
    output:
        png=report(
            "results/{corpus}/figures/sensitivity.png",
            caption="../report/sensitivity.rst",
            category="Sensitivity",
        ),
        other=get_figure_other_formats("sensitivity"),
    log:
        "results/{corpus}/logs/figure_sensitivity.log",
    conda:
        "../envs/schemes.yaml"
    params:
        figure="sensitivity",
        dpi=config["figures"]["dpi"],
    script:
        "../../scripts/rules/figure.py"


rule figure_model_selection:
    input:
        selection="results/{corpus}/topics/model_selection.csv",
    output:
        png=report(
            "results/{corpus}/figures/model_selection.png",
            caption="../report/model_selection.rst",
            category="Topics",
        ),
        other=get_figure_other_formats("model_selection"),
    log:
        "results/{corpus}/logs/figure_model_selection.log",
    conda:
        "../envs/schemes.yaml"
    params:
        figure="model_selection",
        dpi=config["figures"]["dpi"],
    script:
        "../../scripts/rules/figure.py"


rule figure_event_topics:
    input:
        profile="results/{corpus}/tables/event_topics.csv",
    output:
        png=report(
            "results/{corpus}/figures/event_topics.png",
            caption="../report/event_topics.rst",
            category="Topics",
        ),
        other=get_figure_other_formats("event_topics"),
    log:
        "results/{corpus}/logs/figure_event_topics.log",
    conda:
        "../envs/schemes.yaml"
    params:
        figure="event_topics",
        dpi=config["figures"]["dpi"],
    script:
        "../../scripts/rules/figure.py"


rule figure_validation:
    input:
        scores="results/{corpus}/validation/item_scores.csv",
    output:
        png=report(
            "results/{corpus}/figures/validation.png",
            caption="../report/validation_figure.rst",
            category="Validation",
        ),
        other=get_figure_other_formats("validation"),
    log:
        "results/{corpus}/logs/figure_validation.log",
    conda:
        "../envs/schemes.yaml"
    params:
        figure="validation",
        dpi=config["figures"]["dpi"],
    script:
        "../../scripts/rules/figure.py"
