"""Publication figures. Every figure is written as PDF, PNG and SVG with fixed
metadata (no creation date, fixed SVG hash salt) so reruns are byte-identical.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

# Colour-blind-safe palette (Okabe & Ito 2008); event types beyond the
# named ones cycle through the rest.
TYPE_COLOURS = {
    "color_revolution": "#D55E00",
    "nato_summit": "#0072B2",
    "nato_enlargement": "#56B4E9",
}
OTHER_COLOURS = ["#009E73", "#CC79A7", "#E69F00", "#F0E442", "#000000", "#999999"]

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "schemes",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
}


def type_colours(types) -> dict[str, str]:
    colours = dict(TYPE_COLOURS)
    extra = iter(OTHER_COLOURS * 10)
    for t in sorted(set(types)):
        if t not in colours:
            colours[t] = next(extra)
    return colours


def save(fig, paths: dict[str, str], dpi: int = 200) -> None:
    """Save one figure in every format given (keys: pdf, png, svg)."""
    metadata = {
        "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
        "svg": {"Date": None, "Creator": None},
        "png": {"Software": None},
    }
    with plt.rc_context(STYLE):  # svg.hashsalt must be in force while saving
        for fmt, path in paths.items():
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            fig.savefig(path, format=fmt, dpi=dpi, metadata=metadata[fmt], bbox_inches="tight")
    plt.close(fig)


def plot_event_ranking(ranking: pd.DataFrame, measure_label: str):
    """Events ordered by score with 95% CIs, coloured by event type."""
    table = ranking.dropna(subset=["score"]).sort_values("score")
    colours = type_colours(ranking["type"])
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.5, 0.32 * len(table) + 1.4))
        y = np.arange(len(table))
        for t, group in table.groupby("type"):
            idx = y[table["type"].to_numpy() == t]
            ax.errorbar(
                group["score"],
                idx,
                xerr=[group["score"] - group["ci_low"], group["ci_high"] - group["score"]],
                fmt="o",
                color=colours[t],
                ecolor=colours[t],
                elinewidth=1.2,
                capsize=2,
                markersize=5,
                label=t.replace("_", " "),
            )
        ax.axvline(0, color="#888888", linewidth=0.8, linestyle="--")
        ax.set_yticks(y, [f"{r.label} ({int(r['rank'])})" for _, r in table.iterrows()])
        ax.set_xlabel(measure_label)
        ax.legend(frameon=False, loc="lower right")
        ax.set_title("Events ranked by conspiratorial anti-Western framing (rank in brackets)")
    return fig


def plot_framing_timeseries(series: pd.DataFrame, windows: pd.DataFrame):
    """Claims per 1,000 documents per period, with every event window shaded."""
    x = pd.to_datetime([pd.Period(p).start_time for p in series["period"]])
    colours = type_colours(windows["type"])
    with plt.rc_context(STYLE):
        fig, (ax, ax_n) = plt.subplots(
            2, 1, figsize=(7.5, 4.2), sharex=True, height_ratios=[3, 1], layout="constrained"
        )
        for w in windows.itertuples(index=False):
            for a in (ax, ax_n):
                a.axvspan(w.window_start, w.window_end, color=colours[w.type], alpha=0.25, lw=0)
        ax.plot(x, series["rate_per_1000"], color="#222222", linewidth=0.9)
        ax.set_ylabel("anti-Western claims\nper 1,000 documents")
        ax_n.bar(x, series["n_docs"], width=20 if len(x) > 40 else 200, color="#777777")
        ax_n.set_ylabel("documents")
        handles = [
            matplotlib.patches.Patch(color=c, alpha=0.4, label=t.replace("_", " "))
            for t, c in colours.items()
            if t in set(windows["type"])
        ]
        ax.legend(handles=handles, frameon=False, loc="upper left", ncols=3)
        ax.set_title("Conspiratorial anti-Western framing over time; event windows shaded")
    return fig


def plot_topic_prevalence(prevalence: pd.DataFrame, topics: pd.DataFrame):
    """Heat map of mean topic share per period (rows: topics, labelled by top words)."""
    grid = prevalence.pivot(index="topic", columns="period", values="share").sort_index()
    labels = topics.set_index("topic").loc[grid.index, "label"]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(8, 0.3 * len(grid) + 1.6), layout="constrained")
        image = ax.imshow(grid.to_numpy(), aspect="auto", cmap="viridis", interpolation="nearest")
        ax.set_yticks(np.arange(len(grid)), labels)
        step = max(1, len(grid.columns) // 20)
        ticks = np.arange(0, len(grid.columns), step)
        ax.set_xticks(ticks, [grid.columns[i] for i in ticks], rotation=90)
        fig.colorbar(image, ax=ax, label="mean document share")
        ax.set_title("Topic prevalence over time")
    return fig


RANKING_MEASURE = "abnormal framing: claims per 1,000 documents above baseline (95% CI)"


def build_figure(name: str, inputs):
    """Build one named figure from its input tables (paths by name)."""
    if name == "event_ranking":
        return plot_event_ranking(pd.read_csv(inputs["ranking"]), RANKING_MEASURE)
    if name == "framing_timeseries":
        windows = pd.read_csv(inputs["ranking"], parse_dates=["window_start", "window_end"])
        return plot_framing_timeseries(pd.read_csv(inputs["timeseries"]), windows)
    if name == "topic_prevalence":
        return plot_topic_prevalence(
            pd.read_csv(inputs["prevalence"]), pd.read_csv(inputs["topics"])
        )
    raise ValueError(f"unknown figure {name!r}")


def run_figure(name: str, inputs, paths: list[str], dpi: int) -> None:
    save(build_figure(name, inputs), {Path(p).suffix[1:]: p for p in paths}, dpi)
