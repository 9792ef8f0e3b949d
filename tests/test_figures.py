import hashlib

import pandas as pd
from conftest import ROOT
from schemes.figures import FIGURES, FigureSettings, run_figure


def write_tables(tmp_path):
    ranking = pd.DataFrame(
        {
            "event_id": ["a", "b", "c"],
            "label": ["Alpha", "Beta", "Gamma"],
            "type": ["color_revolution", "nato_summit", "other"],
            "window_start": ["2003-10-26", "2004-06-21", "2005-01-01"],
            "window_end": ["2003-12-23", "2004-07-29", "2005-02-01"],
            "score": [12.0, 3.0, float("nan")],
            "ci_low": [8.0, -1.0, float("nan")],
            "ci_high": [16.0, 7.0, float("nan")],
            "rank": [1, 2, None],
        }
    )
    ranking.to_csv(tmp_path / "ranking.csv", index=False)
    periods = pd.period_range("2003-01", "2005-12", freq="M").astype(str)
    pd.DataFrame(
        {"period": periods, "n_docs": range(36), "n_claims": 1, "rate_per_1000": 2.5}
    ).to_csv(tmp_path / "series.csv", index=False)
    rows = [(p, t, 0.5, 3) for p in ("2003", "2004") for t in (0, 1)]
    pd.DataFrame(rows, columns=["period", "topic", "share", "n_docs"]).to_csv(
        tmp_path / "prevalence.csv", index=False
    )
    pd.DataFrame({"topic": [0, 1], "label": ["T00 oil", "T01 gas"]}).to_csv(
        tmp_path / "topics.csv", index=False
    )
    return {
        "ranking": tmp_path / "ranking.csv",
        "timeseries": tmp_path / "series.csv",
        "prevalence": tmp_path / "prevalence.csv",
        "topics": tmp_path / "topics.csv",
    }


def test_figures_are_written_in_every_format_and_byte_identical(tmp_path):
    inputs = write_tables(tmp_path)
    for name in ("event_ranking", "framing_timeseries", "topic_prevalence"):
        digests = []
        for attempt in ("1", "2"):
            paths = [str(tmp_path / f"{name}{attempt}.{fmt}") for fmt in ("png", "pdf", "svg")]
            outputs = {"png": paths[0], "other": paths[1:]}
            run_figure(FigureSettings(dpi=80), inputs, outputs, figure=name)
            digests.append([hashlib.sha256(open(p, "rb").read()).hexdigest() for p in paths])
        assert digests[0] == digests[1], name
        assert (tmp_path / f"{name}1.pdf").read_bytes().startswith(b"%PDF")
        assert b"<svg" in (tmp_path / f"{name}1.svg").read_bytes()[:500]


def test_every_registered_figure_has_a_caption_and_a_category():
    for name, spec in FIGURES.items():
        caption = ROOT / "workflow" / "report" / "figures" / f"{name}.rst"
        assert caption.exists() and len(caption.read_text().split()) > 20, name
        assert spec.category and spec.inputs, name
