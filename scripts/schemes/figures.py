"""Publication figures. Every figure is written as PDF, PNG and SVG with fixed
metadata (no creation date, fixed SVG hash salt) so reruns are byte-identical.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from schemes.settings import Settings, key  # noqa: E402

# Colour-blind-safe palette (Okabe & Ito 2008) for the headline types; other
# types take distinct colours in alphabetical order, and every type also has
# its own marker so that print in grey stays readable.
TYPE_COLOURS = {
    "color_revolution": "#D55E00",
    "nato_summit": "#0072B2",
    "nato_enlargement": "#56B4E9",
}
OTHER_COLOURS = [
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#000000",
    "#999999",
    "#8C564B",
    "#9467BD",
    "#BCBD22",
    "#17BECF",
    "#7F3C8D",
    "#F0E442",
    "#2F4B7C",
]
MARKERS = ["o", "s", "D", "^", "v", "P", "X", "<", ">", "h", "p", "*", "d", "8", "H"]

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


def type_markers(types) -> dict[str, str]:
    return {t: MARKERS[i % len(MARKERS)] for i, t in enumerate(sorted(set(types)))}


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
    """Left: scores with 95% CIs; right: marginal 95% rank confidence sets. Coloured by type."""
    table = ranking.dropna(subset=["score"]).sort_values("score")
    colours = type_colours(ranking["type"])
    markers = type_markers(ranking["type"])
    has_rank_ci = "rank_ci_low" in table.columns
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(
            1,
            2 if has_rank_ci else 1,
            figsize=(8.5 if has_rank_ci else 6.5, 0.26 * len(table) + 1.6),
            sharey=True,
            width_ratios=[3, 2] if has_rank_ci else None,
            squeeze=False,
            layout="constrained",
        )
        ax = axes[0, 0]
        y = np.arange(len(table))
        for t in sorted(table["type"].unique()):
            rows = table["type"].to_numpy() == t
            group = table[rows]
            ax.errorbar(
                group["score"],
                y[rows],
                xerr=[group["score"] - group["ci_low"], group["ci_high"] - group["score"]],
                fmt=markers[t],
                color=colours[t],
                elinewidth=1.2,
                capsize=2,
                markersize=4.5,
                label=t.replace("_", " "),
            )
            if has_rank_ci:
                r = group["rank"].astype(float)
                axes[0, 1].errorbar(
                    r,
                    y[rows],
                    xerr=[
                        r - group["rank_ci_low"].astype(float),
                        group["rank_ci_high"].astype(float) - r,
                    ],
                    fmt=markers[t],
                    color=colours[t],
                    elinewidth=1.2,
                    capsize=2,
                    markersize=4,
                )
        ax.axvline(0, color="#888888", linewidth=0.8, linestyle="--")
        ax.set_yticks(y, [f"{r.label} ({int(r['rank'])})" for _, r in table.iterrows()])
        ax.set_xlabel(measure_label)
        fig.legend(frameon=False, loc="outside lower center", ncols=4, fontsize=7)
        if has_rank_ci:
            axes[0, 1].set_xlabel("rank, 95% marginal\nconfidence set")
            axes[0, 1].invert_xaxis()
            axes[0, 1].set_xlim(len(table) + 0.5, 0.5)
        fig.suptitle("Events ranked by conspiratorial anti-Western framing (rank in brackets)")
    return fig


def plot_type_contrast(ranking: pd.DataFrame, contrast: pd.DataFrame):
    """Each contrasted type's event scores, with the type mean; the difference, CI and p in the title."""
    colours = type_colours(ranking["type"])
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(
            1,
            max(len(contrast), 1),
            figsize=(3.6 * max(len(contrast), 1), 3.4),
            squeeze=False,
            layout="constrained",
        )
        for ax, row in zip(axes[0], contrast.itertuples(index=False), strict=False):
            for x, kind in enumerate((row.type_a, row.type_b)):
                scores = ranking.loc[ranking["type"] == kind, "score"].dropna()
                offsets = np.linspace(-0.12, 0.12, max(len(scores), 1))[: len(scores)]
                ax.scatter(x + offsets, scores, color=colours.get(kind, "#444444"), s=18, zorder=3)
                if len(scores):
                    ax.hlines(scores.mean(), x - 0.25, x + 0.25, color="#222222", linewidth=1.5)
            ax.set_xticks([0, 1], [row.type_a.replace("_", " "), row.type_b.replace("_", " ")])
            ax.set_xlim(-0.6, 1.6)
            ax.axhline(0, color="#888888", linewidth=0.8, linestyle="--")
            ax.set_ylabel("event score")
            ax.set_title(
                f"difference {row.difference:.1f} [{row.ci_low:.1f}, {row.ci_high:.1f}]\n"
                f"permutation p = {row.p_permutation:.3f} (n = {row.n_a}, {row.n_b})",
                fontsize=8,
            )
    return fig


def plot_sensitivity(sensitivity: pd.DataFrame, spread: pd.DataFrame):
    """Heat map of each event's rank under every window x measure setting."""
    wide = sensitivity.pivot(index="event_id", columns="setting", values="rank")
    wide = wide.reindex(columns=list(dict.fromkeys(sensitivity["setting"])))
    wide = wide.loc[wide.median(axis=1).sort_values(kind="stable").index]
    flagged = set(spread.loc[spread["moves_most"], "event_id"])
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(
            figsize=(0.42 * wide.shape[1] + 3, 0.22 * wide.shape[0] + 2), layout="constrained"
        )
        image = ax.imshow(wide.to_numpy(dtype=float), aspect="auto", cmap="viridis_r")
        ax.set_yticks(
            np.arange(len(wide)), [f"{e} *" if e in flagged else e for e in wide.index], fontsize=7
        )
        ax.set_xticks(np.arange(wide.shape[1]), wide.columns, rotation=90, fontsize=7)
        fig.colorbar(image, ax=ax, label="rank (1 = most)")
        ax.set_title("Rank under each window and measure (* = rank moves most)")
    return fig


def plot_event_topics(profile: pd.DataFrame):
    """Heat map of topic share in each event window minus its baseline."""
    wide = profile.pivot(index="event_id", columns="label", values="difference")
    limit = float(np.nanmax(np.abs(wide.to_numpy()))) if wide.size else 1.0
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(
            figsize=(0.3 * wide.shape[1] + 3.5, 0.22 * wide.shape[0] + 2.5), layout="constrained"
        )
        image = ax.imshow(
            wide.to_numpy(dtype=float), aspect="auto", cmap="RdBu_r", vmin=-limit, vmax=limit
        )
        ax.set_yticks(np.arange(len(wide)), wide.index, fontsize=7)
        ax.set_xticks(np.arange(wide.shape[1]), wide.columns, rotation=90, fontsize=7)
        fig.colorbar(image, ax=ax, label="topic share: window minus baseline")
        ax.set_title("Which topics rise in each event window")
    return fig


def plot_framing_timeseries(series: pd.DataFrame, windows: pd.DataFrame):
    """Claims per 1,000 documents per period, with every event window shaded."""
    x = pd.to_datetime([pd.Period(p).start_time for p in series["period"]])
    colours = type_colours(windows["type"])
    with plt.rc_context(STYLE):
        fig, (ax, ax_n) = plt.subplots(
            2, 1, figsize=(7.5, 4.8), sharex=True, height_ratios=[3, 1], layout="constrained"
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
        fig.legend(handles=handles, frameon=False, loc="outside lower center", ncols=5, fontsize=7)
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


def plot_model_selection(selection: pd.DataFrame):
    """NPMI, diversity and stability across the K grid; the chosen K marked."""
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, 3, figsize=(8, 2.8), layout="constrained")
        for ax, (column, title) in zip(
            axes,
            [
                ("npmi", "NPMI coherence (mean)"),
                ("diversity", "topic diversity"),
                ("stability", "stability across seeds"),
            ],
            strict=True,
        ):
            ax.plot(selection["k"], selection[column], marker="o", color="#0072B2")
            chosen = selection[selection["chosen"]]
            ax.scatter(
                chosen["k"],
                chosen[column],
                s=90,
                facecolors="none",
                edgecolors="#D55E00",
                linewidths=2,
                zorder=3,
            )
            ax.set_xlabel("K")
            ax.set_title(title)
        fig.suptitle(
            f"Choosing K (circled: K = {int(selection.loc[selection['chosen'], 'k'].iloc[0])})"
        )
    return fig


def plot_validation(scores: pd.DataFrame):
    """Precision, recall and F1 of every measure against the gold codes, with 95% CIs.

    Weighted by inverse inclusion probability; the locked test part (filled
    markers) beside the dev part (open markers); one row of panels per target.
    """
    data = scores[scores["weighting"].str.startswith("inverse")]
    targets = list(dict.fromkeys(data["target"]))
    labels = list(dict.fromkeys(data["label"]))
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(
            len(targets),
            3,
            figsize=(8, 0.45 * len(labels) * len(targets) + 1.4),
            layout="constrained",
            squeeze=False,
            sharey=True,
        )
        y = np.arange(len(labels))
        for row, target in enumerate(targets):
            for col, metric in enumerate(("precision", "recall", "f1")):
                ax = axes[row, col]
                for split, offset, face in (("test", -0.15, "#D55E00"), ("dev", 0.15, "none")):
                    part = data[(data["target"] == target) & (data["split"] == split)]
                    part = part.set_index("label").reindex(labels)
                    value = part[metric].to_numpy(float)
                    low = np.clip(value - part[f"{metric}_ci_low"].to_numpy(float), 0, None)
                    high = np.clip(part[f"{metric}_ci_high"].to_numpy(float) - value, 0, None)
                    ax.errorbar(
                        value,
                        y + offset,
                        xerr=[np.nan_to_num(low), np.nan_to_num(high)],
                        fmt="o",
                        color="#D55E00",
                        markerfacecolor=face,
                        capsize=2,
                        label=f"{split} part",
                    )
                ax.set_xlim(-0.02, 1.02)
                ax.set_yticks(y, labels)
                ax.set_title(f"{metric} — {target.replace('_', '-')}")
                ax.grid(axis="x", color="#dddddd", linewidth=0.5)
        axes[0, 0].invert_yaxis()  # shared y: the first measure on top in every panel
        axes[0, -1].legend(loc="lower right", frameon=False)
        fig.suptitle("Measures against hand-coded items (weighted; 95% CIs)")
    return fig


RANKING_MEASURE = "score: claims per 1,000 documents\n(abnormal framing by default; 95% CI)"


def _event_ranking(inputs):
    return plot_event_ranking(pd.read_csv(inputs["ranking"]), RANKING_MEASURE)


def _framing_timeseries(inputs):
    windows = pd.read_csv(inputs["ranking"], parse_dates=["window_start", "window_end"])
    return plot_framing_timeseries(pd.read_csv(inputs["timeseries"]), windows)


def _topic_prevalence(inputs):
    return plot_topic_prevalence(pd.read_csv(inputs["prevalence"]), pd.read_csv(inputs["topics"]))


def _type_contrast(inputs):
    return plot_type_contrast(pd.read_csv(inputs["ranking"]), pd.read_csv(inputs["contrast"]))


def _sensitivity(inputs):
    return plot_sensitivity(pd.read_csv(inputs["sensitivity"]), pd.read_csv(inputs["spread"]))


def _model_selection(inputs):
    return plot_model_selection(pd.read_csv(inputs["selection"]))


def _event_topics(inputs):
    return plot_event_topics(pd.read_csv(inputs["profile"]))


def _validation(inputs):
    return plot_validation(pd.read_csv(inputs["scores"]))


@dataclass(frozen=True)
class FigureSpec:
    """One figure: its input tables (name -> path under results/<corpus>/), how it is drawn
    (``draw(inputs)`` with the input paths), its report category and whether it needs a
    coded gold standard. Its caption is ``workflow/report/figures/<name>.rst``."""

    name: str
    inputs: dict
    draw: Callable
    category: str
    needs_gold: bool = False


RANKING = "tables/event_ranking.csv"
# The registry: the figure rule, the final targets and the report entries derive from it.
FIGURES = {
    spec.name: spec
    for spec in (
        FigureSpec("event_ranking", {"ranking": RANKING}, _event_ranking, "Events"),
        FigureSpec(
            "type_contrast",
            {"ranking": RANKING, "contrast": "tables/type_contrast.csv"},
            _type_contrast,
            "Events",
        ),
        FigureSpec(
            "sensitivity",
            {"sensitivity": "tables/sensitivity.csv", "spread": "tables/sensitivity_events.csv"},
            _sensitivity,
            "Sensitivity",
        ),
        FigureSpec(
            "framing_timeseries",
            {"timeseries": "tables/framing_timeseries.csv", "ranking": RANKING},
            _framing_timeseries,
            "Framing",
        ),
        FigureSpec(
            "topic_prevalence",
            {"prevalence": "topics/topic_prevalence.csv", "topics": "topics/topics.csv"},
            _topic_prevalence,
            "Topics",
        ),
        FigureSpec("event_topics", {"profile": "tables/event_topics.csv"}, _event_topics, "Topics"),
        FigureSpec(
            "model_selection",
            {"selection": "topics/model_selection.csv"},
            _model_selection,
            "Topics",
        ),
        FigureSpec(
            "validation",
            {"scores": "validation/item_scores.csv"},
            _validation,
            "Validation",
            needs_gold=True,
        ),
    )
}


@dataclass(frozen=True)
class FigureSettings(Settings):
    """Rule ``figure``: the resolution of the PNG version."""

    dpi: int = key("figures.dpi")


def run_figure(settings: FigureSettings, inputs: dict, outputs: dict, *, figure: str) -> None:
    """Draw the registered ``figure`` from its input tables and save it in every format.

    Inputs: the figure's tables (:data:`FIGURES`). Outputs: ``png`` and
    ``other`` (the other configured formats, a list). Settings: ``dpi``.
    """
    paths = [outputs["png"], *outputs["other"]]
    fig = FIGURES[figure].draw(inputs)
    save(fig, {Path(p).suffix[1:]: p for p in paths}, settings.dpi)
