"""Writing result tables: CSV number format and LaTeX booktabs."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

# every float of a result CSV (byte-identical reruns need one format)
TABLE_FLOAT = "%.4f"


def booktabs(table: pd.DataFrame, caption: str, label: str, *, float_format: str = "{:.2f}") -> str:
    """A LaTeX booktabs table (needs \\usepackage{booktabs})."""

    def cell(value) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
            return "--"
        if isinstance(value, float | np.floating):
            text = float_format.format(value)
        else:
            text = str(value)
        for char, escaped in [
            ("\\", r"\textbackslash{}"),
            ("&", r"\&"),
            ("%", r"\%"),
            ("_", r"\_"),
            ("#", r"\#"),
            ("$", r"\$"),
        ]:
            text = text.replace(char, escaped)
        return text

    align = "".join("r" if pd.api.types.is_numeric_dtype(table[c]) else "l" for c in table.columns)
    lines = [
        r"\begin{table}[htbp]",
        r"\centering",
        rf"\caption{{{caption}}}",
        rf"\label{{{label}}}",
        rf"\begin{{tabular}}{{{align}}}",
        r"\toprule",
        " & ".join(cell(c) for c in table.columns) + r" \\",
        r"\midrule",
    ]
    lines += [" & ".join(cell(v) for v in row) + r" \\" for row in table.itertuples(index=False)]
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}", ""]
    return "\n".join(lines)
