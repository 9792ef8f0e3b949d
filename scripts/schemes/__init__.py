"""schemes: measure conspiratorial anti-Western framing in media around political events.

The package holds every piece of logic of the Snakemake workflow; the rule
scripts in ``scripts/rules/`` only read ``snakemake.input``/``params`` and call
one function from here. Each module is one pipeline stage.
"""

__version__ = "0.1.0"
