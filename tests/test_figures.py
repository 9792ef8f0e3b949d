"""Figures: every registered figure at both print widths, readable, byte-identical.

The tables here are small synthetic ones written by the test (long event
labels, Cyrillic topic words, a union type), never corpus text.
"""

import dataclasses
import hashlib
import io
import re
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from conftest import ROOT
from PIL import Image
from schemes import labels as names
from schemes.configtools import load_config
from schemes.figstyle import WIDTHS_CM, layout_problems, style, type_styles
from schemes.figures import FIGURES, FigureSettings, draw, run_figure

EVENTS = [
    ("rose_2003", "Rose Revolution (Georgia) 2003", "color_revolution"),
    ("orange_2004", "Orange Revolution (Ukraine) 2004-05", "color_revolution"),
    ("tulip_2005", "Tulip Revolution (Kyrgyzstan) 2005", "color_revolution"),
    ("nato_prague_2002", "NATO Prague summit 2002", "nato_summit"),
    ("nato_istanbul_2004", "NATO Istanbul summit 2004", "nato_summit"),
    ("nato_riga_2006", "NATO Riga summit 2006", "nato_summit"),
    (
        "nato_accession_1999",
        "NATO accession of Poland, Hungary, Czech Republic 1999",
        "nato_enlargement",
    ),
    ("beslan_2004", "Beslan school siege 2004", "terrorist_attack"),
    ("georgia_war_2008", "Russia-Georgia war 2008", "war"),
]
TOPICS = [
    "S00 conspiracy: тайно / развалить / свергнуть",
    "T01 сообщить_пресс-служба / провести_рабочий / кремль",
    "T02 человек_погибнуть / убить / трое",
    "T03 уведомление_дирекция / телеизмерение_дать / информация_обязательный",
]
SETTINGS = FigureSettings.from_config(load_config(ROOT / "config" / "config.yaml"), dpi=60)


def catalogue() -> pd.DataFrame:
    return pd.DataFrame(EVENTS, columns=["event_id", "label", "type"])


def ranking() -> pd.DataFrame:
    table = catalogue()
    n = len(table)
    table["window_start"] = [f"{2000 + i}-03-01" for i in range(n)]
    table["window_end"] = [f"{2000 + i}-04-15" for i in range(n)]
    table["score"] = np.linspace(120, -10, n)
    table["ci_low"], table["ci_high"] = table["score"] - 20, table["score"] + 25
    table["rank"] = np.arange(1, n + 1)
    table["rank_ci_low"] = np.maximum(1, table["rank"] - 2)
    table["rank_ci_high"] = np.minimum(n, table["rank"] + 3)
    return table


def estimates() -> pd.DataFrame:
    """A design-based event table (tables/event_estimates.csv) with its own column names."""
    table = ranking().rename(
        columns={
            "score": "excess",
            "ci_low": "excess_low",
            "ci_high": "excess_high",
            "rank_ci_low": "rank_low",
            "rank_ci_high": "rank_high",
        }
    )
    return table.assign(n_coded=180, estimator="difference", tier=1)


def sensitivity_tables():
    rng = np.random.default_rng(1)
    rows = []
    measures = ["n_claims", "rate_per_1000", "excess_pre", "excess_topic_share_conspiracy_k8"]
    for before, after in ((7, 30), (0, 14), (14, 90)):
        for measure in measures:
            ranks = rng.permutation(len(EVENTS)) + 1
            for (event_id, _, _), rank in zip(EVENTS, ranks, strict=True):
                rows.append(
                    {
                        "setting": f"-{before}/+{after} d, {measure}",
                        "days_before": before,
                        "days_after": after,
                        "measure": measure,
                        "event_id": event_id,
                        "score": float(rank),
                        "rank": float(rank),
                    }
                )
    long = pd.DataFrame(rows)
    settings = list(dict.fromkeys(long["setting"]))
    tau = pd.DataFrame(
        rng.uniform(-0.3, 1, (len(settings), len(settings))), index=settings, columns=settings
    )
    tau.index.name = "setting"
    wide = long.pivot(index="event_id", columns="setting", values="rank")
    spread = pd.DataFrame(
        {"event_id": wide.index, "rank_min": wide.min(axis=1), "rank_max": wide.max(axis=1)}
    )
    spread["rank_range"] = spread["rank_max"] - spread["rank_min"]
    spread["moves_most"] = spread["rank_range"] >= spread["rank_range"].quantile(0.75)
    return long, tau.reset_index(), spread.reset_index(drop=True)


def validation_scores() -> pd.DataFrame:
    rows = []
    for target in ("claim", "anti_western"):
        for split in ("dev", "test"):
            for label in (
                "lexicon, sentence window: anti-Western claim",
                "supervised classifier (trained on dev): probability",
                "Latent Semantic Scaling score",
            ):
                row = {"label": label, "target": target, "split": split}
                row["weighting"] = "inverse inclusion probability"
                for metric in ("precision", "recall", "f1"):
                    row[metric] = 0.6
                    row[f"{metric}_ci_low"], row[f"{metric}_ci_high"] = 0.4, 0.8
                rows.append(row)
    return pd.DataFrame(rows)


def tables() -> dict[str, pd.DataFrame]:
    """Every input table of every registered figure, by input name."""
    long, tau, spread = sensitivity_tables()
    quarters = pd.period_range("2000Q1", "2006Q4", freq="Q")
    kept = [q for q in quarters if q.year not in (2001,)]  # a gap, as in real corpora
    prevalence = pd.DataFrame(
        [(str(q), t, 0.1 + 0.05 * t, 10) for q in kept for t in range(len(TOPICS))],
        columns=["period", "topic", "share", "n_docs"],
    )
    profile = pd.DataFrame(
        [
            (e, t, label, 0.1, 0.1 + d, d, d - 0.01, d + 0.01)
            for i, (e, _, _) in enumerate(EVENTS)
            for t, label in enumerate(TOPICS)
            for d in [0.02 * ((i + t) % 5 - 2)]
        ],
        columns=[
            "event_id",
            "topic",
            "label",
            "window_share",
            "baseline_share",
            "difference",
            "ci_low",
            "ci_high",
        ],
    )
    months = pd.period_range("2000-01", "2008-12", freq="M")
    return {
        "ranking": ranking(),
        "estimates": estimates(),
        "catalogue": catalogue(),
        "contrast": pd.DataFrame(
            {
                "type_a": ["color_revolution", "color_revolution"],
                "type_b": ["nato_summit", "nato_summit+nato_enlargement"],
                "n_a": [3, 3],
                "n_b": [3, 4],
                "difference": [10.5, -3.2],
                "ci_low": [-4.0, -20.0],
                "ci_high": [25.0, 12.0],
                "p_permutation": [0.2, 0.7],
            }
        ),
        "sensitivity": long,
        "tau": tau,
        "spread": spread,
        "timeseries": pd.DataFrame(
            {
                "period": [str(m) for m in months if m.year != 2003],
                "n_docs": 300,
                "n_claims": 2,
                "rate_per_1000": 6.7,
            }
        ),
        "prevalence": prevalence,
        "topics": pd.DataFrame(
            {"topic": range(len(TOPICS)), "label": TOPICS, "seeded": ["conspiracy", "", "", ""]}
        ),
        "profile": profile,
        "selection": pd.DataFrame(
            {
                "k": [8, 12, 16],
                "npmi": [0.7, 0.8, 0.75],
                "diversity": [1.0, 0.95, 0.9],
                "stability": [0.7, 0.8, 0.9],
                "chosen": [False, True, False],
            }
        ),
        "scores": validation_scores(),
    }


def inputs_for(name: str, folder) -> dict:
    """The figure's input tables written as files, as the rule passes them."""
    paths = {}
    for key, relative in FIGURES[name].inputs.items():
        path = folder / f"{key}{'.tsv' if relative.endswith('.tsv') else '.csv'}"
        tables()[key].to_csv(path, sep="\t" if relative.endswith(".tsv") else ",", index=False)
        paths[key] = str(path)
    return paths


def outputs_for(name: str, folder) -> dict:
    return {
        "png": str(folder / f"{name}.png"),
        "other": [str(folder / f"{name}.pdf"), str(folder / f"{name}.svg")],
        "single": [str(folder / f"{name}.single.{fmt}") for fmt in ("png", "pdf", "svg")],
    }


@pytest.mark.parametrize("width", ["single", "double"])
@pytest.mark.parametrize("name", list(FIGURES))
def test_no_text_overlaps_or_leaves_the_figure_and_cyrillic_renders(name, width):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font", layout warnings
        fig = draw(name, tables(), SETTINGS, width=width)
        with style():
            problems = layout_problems(fig)
    plt.close(fig)
    assert not problems, problems
    assert fig.get_size_inches()[0] == pytest.approx(WIDTHS_CM[width] / 2.54)


@pytest.mark.parametrize("name", list(FIGURES))
def test_every_format_at_both_widths_is_byte_identical_across_runs(name, tmp_path):
    inputs = inputs_for(name, tmp_path)
    digests = []
    for attempt in ("first", "second"):
        folder = tmp_path / attempt
        folder.mkdir()
        outputs = outputs_for(name, folder)
        run_figure(SETTINGS.replace(dpi=80), inputs, outputs, figure=name)
        files = [outputs["png"], *outputs["other"], *outputs["single"]]
        digests.append([hashlib.sha256(open(p, "rb").read()).hexdigest() for p in files])
    assert digests[0] == digests[1]


def test_pngs_are_exactly_one_or_two_columns_wide_at_the_configured_dpi(tmp_path):
    inputs = inputs_for("event_ranking", tmp_path)
    outputs = outputs_for("event_ranking", tmp_path)
    run_figure(SETTINGS.replace(dpi=300), inputs, outputs, figure="event_ranking")
    for path, cm in ((outputs["png"], 17.5), (outputs["single"][0], 8.5)):
        image = Image.open(path)
        assert abs(image.size[0] - cm / 2.54 * 300) < 1, path  # matplotlib rounds down
        assert image.info.get("dpi", (0,))[0] == pytest.approx(300, abs=1)


def test_pdf_fonts_are_embedded_as_truetype_and_svg_text_is_paths(tmp_path):
    inputs = inputs_for("topic_prevalence", tmp_path)  # Cyrillic labels
    outputs = outputs_for("topic_prevalence", tmp_path)
    run_figure(SETTINGS, inputs, outputs, figure="topic_prevalence")
    pdf = (tmp_path / "topic_prevalence.pdf").read_bytes()
    assert b"/FontFile2" in pdf and b"/Type3" not in pdf
    assert b"CreationDate" not in pdf
    svg = (tmp_path / "topic_prevalence.svg").read_text()
    assert "<text" not in svg and "<path" in svg


def _texts(fig):
    """Every text of the figure, wrapped lines joined by spaces."""
    with style():
        fig.canvas.draw()
    found = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    plt.close(fig)
    return " | ".join(re.sub(r"\s+", " ", t) for t in found)


def test_sensitivity_shows_labels_tau_and_moving_events_not_ids():
    fig = draw("sensitivity", tables(), SETTINGS, width="double")
    text = _texts(fig)
    assert "Kendall" in text and "main ranking" in text
    assert "Rose Revolution (Georgia) 2003" in text
    assert names.window(14, 90) in text and "excess over the pre-event" in text
    assert "seeded topic \u2018conspiracy\u2019 share" in text
    for raw in ("rose_2003", "excess_topic_share", "rate_per_1000", "-14/+90 d"):
        assert raw not in text, raw


def test_ranking_and_topics_figures_use_event_labels_not_ids():
    for name in ("event_ranking", "event_topics", "type_contrast"):
        text = _texts(draw(name, tables(), SETTINGS, width="single"))
        assert "rose_2003" not in text and "color_revolution" not in text, name
    assert "NATO summit" in _texts(draw("type_contrast", tables(), SETTINGS, width="single"))


def test_the_design_based_figure_names_the_estimator_and_the_coding_effort():
    text = _texts(draw("event_estimates", tables(), SETTINGS, width="double"))
    assert "difference (model-assisted)" in text and "180 coded items per window" in text
    assert "Rose Revolution (Georgia) 2003" in text and "rose_2003" not in text
    assert FIGURES["event_estimates"].drawn(gold=False, waves=True)
    assert not FIGURES["event_estimates"].drawn(gold=True, waves=False)


def test_every_type_has_its_own_colour_and_marker_pair():
    types = [t for _, _, t in EVENTS] + [f"type_{i}" for i in range(14)]
    styles = type_styles(types)
    assert len(set(styles.values())) == len(styles)
    assert styles["color_revolution"] != styles["nato_summit"]


def test_the_palette_reads_in_greyscale_by_marker_where_lightness_repeats():
    styles = type_styles([t for _, _, t in EVENTS])

    def lightness(colour):
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return round(0.299 * r + 0.587 * g + 0.114 * b, -1)

    seen = {}
    for colour, marker in styles.values():
        assert (lightness(colour), marker) not in seen
        seen[(lightness(colour), marker)] = colour


def test_every_registered_figure_has_a_caption_saying_what_how_and_how_to_read():
    for name, spec in FIGURES.items():
        caption = (ROOT / "workflow" / "report" / "figures" / f"{name}.rst").read_text()
        for part in ("What is plotted", "How it was computed", "How to read it"):
            assert part in caption, (name, part)
        assert spec.category and spec.inputs, name


def test_png_metadata_has_no_time_or_software(tmp_path):
    inputs = inputs_for("model_selection", tmp_path)
    outputs = outputs_for("model_selection", tmp_path)
    run_figure(SETTINGS, inputs, outputs, figure="model_selection")
    info = Image.open(io.BytesIO((tmp_path / "model_selection.png").read_bytes())).info
    assert not any(re.search("date|time|software", k, re.I) for k in info)


def test_labels_wrap_without_losing_words_and_corrections_are_named():
    # at single width the design-based figure keeps its units and the coding effort
    text = _texts(draw("event_estimates", tables(), SETTINGS, width="single"))
    assert "per 1,000 items (event window minus baseline, 95% CI)" in text
    assert "180 coded items per window on average" in text and "\u2026" not in text
    contrast = _texts(draw("type_contrast", tables(), SETTINGS, width="single"))
    assert "NATO summit + NATO enlargement" in contrast
    # under ACC the time series plots the decisions as made: its header says so, in words
    acc = dataclasses.replace(SETTINGS, doc_measure="classifier", correction="acc")
    series = _texts(draw("framing_timeseries", tables(), acc, width="double"))
    assert "detections as made" in series and "adjusted classify-and-count" in series
    ranked = _texts(draw("event_ranking", tables(), acc, width="double"))
    assert "corrected by adjusted classify-and-count" in ranked
    assert "correction: acc" not in series + ranked
