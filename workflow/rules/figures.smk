# One rule draws every figure of the registry (schemes.figures.FIGURES): its
# inputs, report category and caption (workflow/report/figures/<name>.rst)
# come from there. Double-column width (17.5 cm) as <name>.<format>, the PNG
# in the report; single-column width (8.5 cm) as <name>.single.<format>.
rule figure:
    input:
        unpack(get_figure_inputs),
    output:
        png=report(
            "results/{corpus}/figures/{figure}.png",
            caption="../report/figure.rst",
            category=get_figure_category,
            labels=get_figure_labels,
        ),
        other=expand(
            "results/{{corpus}}/figures/{{figure}}.{fmt}",
            fmt=figure_formats()[1:],
        ),
        single=expand(
            "results/{{corpus}}/figures/{{figure}}.single.{fmt}",
            fmt=figure_formats(),
        ),
        provenance="results/{corpus}/figures/{figure}.provenance.json",
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
