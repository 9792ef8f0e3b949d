# One rule draws every figure of the registry (schemes.figures.FIGURES): its
# inputs, report category and caption (workflow/report/figures/<name>.rst)
# come from there.
rule figure:
    input:
        unpack(get_figure_inputs),
    output:
        png=report(
            "results/{corpus}/figures/{figure}.png",
            caption="../report/figure.rst",
            category=get_figure_category,
        ),
        other=expand(
            "results/{{corpus}}/figures/{{figure}}.{fmt}",
            fmt=[f for f in config["figures"]["formats"] if f != "png"],
        ),
    log:
        "results/{corpus}/logs/figure_{figure}.log",
    wildcard_constraints:
        figure="|".join(schemes.figures.FIGURES),
    conda:
        "../envs/schemes.yaml"
    params:
        settings=rule_settings(schemes.figures.FigureSettings),
        # the report's caption (workflow/report/figure.rst shows it)
        caption=get_figure_caption,
    script:
        "../../scripts/rules/figure.py"
