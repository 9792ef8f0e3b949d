# Conspiratorial anti-Western framing around political events.
# Table of contents only: the rules live in workflow/rules/<stage>.smk and
# every helper function in workflow/rules/common.smk.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/demo.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/preprocess.smk"
include: "workflow/rules/topics.smk"
include: "workflow/rules/framing.smk"
include: "workflow/rules/events.smk"
include: "workflow/rules/validation.smk"
include: "workflow/rules/active.smk"
include: "workflow/rules/coding.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/report.smk"


# front page of `snakemake --report`: generated from the run (rule report_front_page)
report: get_report_description()


# Editing library code re-runs the rules whose scripts use it (conservatively):
# each rule gets a hash of the package modules it imports, transitively, as a param.
for _rule in workflow.rules:
    if _rule.script:
        _rule.set_params(
            library=library_version(
                _os.path.join(workflow.basedir, "workflow", "rules", _rule.script),
                _os.path.join(workflow.basedir, "scripts", "schemes"),
            )
        )


rule all:
    default_target: True
    input:
        get_final_outputs(),
