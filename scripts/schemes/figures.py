"""Publication figures: one registry, each figure at single- and double-column width.

:data:`FIGURES` lists every figure: its input tables, how it is drawn, its
report category and whether it needs a coded gold standard. The generic rule
``figure`` (workflow/rules/figures.smk), the final targets, the report
entries and the tests all derive from it; adding a figure is one
:class:`FigureSpec` and one drawing function (plus its caption,
``workflow/report/figures/<name>.rst``).

Every figure is drawn at 8.5 cm (``<name>.single.<fmt>``) and 17.5 cm
(``<name>.<fmt>``, the one the report shows) in the style of
:mod:`schemes.figstyle`, and written as PDF, SVG and PNG without time stamps,
so reruns are byte-identical. Labels are the catalogue's event labels and the
measure registry's names (:mod:`schemes.labels`); ids stay in the CSV files.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import offset_copy

from schemes import labels as names
from schemes.figstyle import (
    CHAR_EM,
    GREY,
    LIGHT,
    PALETTE,
    PT_CM,
    chars,
    figure,
    layout_problems,
    line_count,
    save,
    style,
    type_colours,
    type_markers,
    type_styles,
    wrap,
)
from schemes.figstyle import CM as CM_INCH
from schemes.settings import Settings, key

LINE_CM = 0.25  # one line of 6.5 pt tick labels (line spacing 1.0), in cm
ROW_GAP_CM = 0.1
TICK_SPACING = 1.0
WIDTH_TEXT_CM = {"single": 8.2, "double": 17.0}


@dataclass(frozen=True)
class FigureSettings(Settings):
    """Rule ``figure``: PNG resolution; the event measure and window the labels name."""

    SECTION: ClassVar[str] = "figures"
    dpi: int
    measure: str = key("events.measure")
    doc_measure: str = key("events.doc_measure")
    correction: str = key("events.correction")
    days_before: int = key("events.days_before")
    days_after: int = key("events.days_after")


def score_label(settings: FigureSettings, *, interval: bool = True) -> str:
    """The name of the event score (``events.measure``), for an axis label."""
    text = names.event_measure(settings.measure, long=True)
    return text + " (95% CI)" if interval else text


def claims_note(settings: FigureSettings, *, corrected: bool = True) -> str:
    """What counts as a claim (``events.doc_measure``): the figure's header line."""
    measure = names.doc_measure(settings.doc_measure, settings.correction, corrected=corrected)
    return f"claims counted by: {measure}"


def number(value: float, digits: int = 2) -> str:
    """A number for a label, with a real minus sign."""
    return f"{value:.{digits}f}".replace("-", names.MINUS)


def header_text(text: str, width: str) -> str:
    """The header's text wrapped to the figure's width."""
    return wrap(text, chars(WIDTH_TEXT_CM[width], 6.5), max_lines=3)


def header(fig, text: str, width: str) -> None:
    """A left-aligned header line (what the figure's numbers count) above the panels."""
    fig.suptitle(
        header_text(text, width),
        x=0.01,
        ha="left",
        fontsize=6.5,
        fontweight="normal",
        color="#444444",
    )


def row_labels(ax, positions, labels, *, axis: str = "y") -> None:
    """Tick labels with tight line spacing (wrapped labels take less height)."""
    if axis == "y":
        ax.set_yticks(positions, labels, linespacing=TICK_SPACING)
    else:
        ax.set_xticks(positions, labels, linespacing=TICK_SPACING)


def rows_height(n_rows: int, labels) -> float:
    """Height in cm of ``n_rows`` equal rows for the tallest of ``labels`` (wrapped)."""
    return n_rows * (LINE_CM * line_count(labels) + ROW_GAP_CM)


def rank_ticks(n: int, most: int) -> list[int]:
    """Rank ticks 1, step, 2 step, ... up to ``n`` (at most ``most`` of them)."""
    step = next((s for s in (1, 2, 5, 10, 20, 50, 100) if n / s <= most), 200)
    return [1, *range(step, n + 1, step)] if step > 1 else list(range(1, n + 1))


def stacked_rows(labels) -> tuple[np.ndarray, float]:
    """Row centres (cm from the top) for labels of one, two or three lines, and the total.

    Each row is as high as its own label, so one long event label does not
    make every row three lines high. Plot rows at these centres on an axis
    whose limits are (total, 0).
    """
    heights = [LINE_CM * (str(label).count("\n") + 1) + ROW_GAP_CM for label in labels]
    edges = np.concatenate([[0.0], np.cumsum(heights)])
    return (edges[:-1] + edges[1:]) / 2, float(edges[-1])


def event_labels(catalogue: pd.DataFrame | None, ids) -> list[str]:
    """The catalogue's label of each event id (the id when the catalogue lacks it)."""
    known = (
        {}
        if catalogue is None
        else dict(zip(catalogue["event_id"], catalogue["label"], strict=True))
    )
    return [known.get(i, i) for i in ids]


# --------------------------------------------------------------------------
# event_ranking
# --------------------------------------------------------------------------


def _type_handles(colours: dict, markers: dict, types) -> list:
    return [
        Line2D([], [], linestyle="", marker=markers[t], color=colours[t], label=names.event_type(t))
        for t in sorted(set(types))
    ]


def _errorbars(ax, x, y, *, low, high, marker: str, colour: str) -> None:
    ax.errorbar(
        x,
        y,
        xerr=[np.nan_to_num(x - low), np.nan_to_num(high - x)],
        fmt=marker,
        color=colour,
        elinewidth=0.9,
        capsize=1.5,
        markersize=3.5,
    )


def _ranking_panels(axes, table: pd.DataFrame, y: np.ndarray, *, colours, markers) -> None:
    # the scores with their CIs, then (with a second panel) the ranks with their sets
    panels = [("score", "ci_low", "ci_high"), ("rank", "rank_ci_low", "rank_ci_high")]
    for kind in sorted(table["type"].unique()):
        rows = table["type"].to_numpy() == kind
        part = table[rows]
        for ax, (value, low, high) in zip(axes, panels[: len(axes)], strict=True):
            _errorbars(
                ax,
                part[value].to_numpy(float),
                y[rows],
                low=part[low].to_numpy(float),
                high=part[high].to_numpy(float),
                marker=markers[kind],
                colour=colours[kind],
            )


def plot_event_ranking(ranking: pd.DataFrame, *, width: str, score_text: str, note: str):
    """Scores with 95% CIs (left) and marginal 95% rank confidence sets (right), by type."""
    table = ranking.dropna(subset=["score"]).sort_values("score", ascending=False, kind="stable")
    has_rank_ci = "rank_ci_low" in table.columns and table["rank_ci_low"].notna().any()
    colours, markers = type_colours(ranking["type"]), type_markers(ranking["type"])
    single = width == "single"
    labels = [wrap(label, chars(3.2 if single else 6.0)) for label in table["label"]]
    y, total = stacked_rows(labels)
    ncols = 2 if single else 4
    legend_cm = 0.3 * math.ceil(table["type"].nunique() / ncols) + 0.5
    x_label = wrap(score_text, chars(2.8 if single else 6.5, 7), max_lines=8)
    rank_label = wrap(
        "rank, 1 = most (95% confidence set)", chars(1.8 if single else 4, 7), max_lines=8
    )
    # the header's and the axis labels' lines take height from the rows' budget otherwise
    text_lines = line_count([header_text(note, width)]) + line_count([x_label, rank_label])
    fig = figure(width, total + 0.9 + 0.32 * text_lines + legend_cm)
    axes = np.atleast_1d(
        fig.subplots(
            1, 2 if has_rank_ci else 1, sharey=True, width_ratios=[3, 2] if has_rank_ci else None
        )
    )
    _ranking_panels(axes, table, y, colours=colours, markers=markers)
    axes[0].axvline(0, color=GREY, linewidth=0.6, linestyle="--")
    row_labels(axes[0], y, labels)
    axes[0].set_ylim(total, 0)
    axes[0].set_xlabel(x_label)
    if has_rank_ci:
        axes[1].set_xlim(len(table) + 0.7, 0.3)  # rank 1 on the right, like the top score
        axes[1].set_xticks(rank_ticks(len(table), 4 if single else 6))
        axes[1].set_xlabel(rank_label)
        axes[1].grid(axis="x", color="#E5E5E5", linewidth=0.5)
    fig.legend(
        handles=_type_handles(colours, markers, table["type"]),
        loc="outside lower center",
        ncols=ncols,
        title="event type",
    )
    header(fig, note, width)
    return fig


# --------------------------------------------------------------------------
# type_contrast
# --------------------------------------------------------------------------


def _type_events(ranking: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The scored events of one type, or of a union of types written ``a+b``."""
    return ranking[ranking["type"].isin(kind.split("+"))].dropna(subset=["score"])


def _contrast_panel(ax, ranking, row, *, styles: dict, width: str) -> None:
    for x, kind in enumerate((row.type_a, row.type_b)):
        events = _type_events(ranking, kind)
        offsets = np.linspace(-0.12, 0.12, max(len(events), 1))[: len(events)]
        for member in sorted(set(events["type"])):  # a union shows each member's style
            rows = events["type"].to_numpy() == member
            colour, marker = styles.get(member, (GREY, "o"))
            ax.scatter(
                x + offsets[rows],
                events["score"][rows],
                color=colour,
                marker=marker,
                s=12,
                zorder=3,
            )
        if len(events):
            ax.hlines(events["score"].mean(), x - 0.28, x + 0.28, color="#222222", linewidth=1.4)
    ax.set_xticks(
        [0, 1],
        [
            wrap(names.event_type(k), 10 if width == "single" else 18, max_lines=6)
            for k in (row.type_a, row.type_b)
        ],
        linespacing=TICK_SPACING,
    )
    ax.set_xlim(-0.55, 1.55)
    ax.axhline(0, color=GREY, linewidth=0.6, linestyle="--")
    interval = (
        f"[{number(row.ci_low)}, {number(row.ci_high)}]"
        if np.isfinite([row.ci_low, row.ci_high]).all()
        else "(no CI)"
    )
    ax.set_title(
        f"difference {number(row.difference)}\n{interval}, p = {row.p_permutation:.3f}\n"
        f"n = {row.n_a} and {row.n_b} events",
        fontsize=6.5,
        fontweight="normal",
    )


def plot_type_contrast(
    ranking: pd.DataFrame, contrast: pd.DataFrame, *, width: str, score_text: str, note: str
):
    """Each contrasted type's event scores and mean; the difference, CI and p above."""
    n = max(len(contrast), 1)
    ncols = min(n, 2 if width == "single" else 3)
    nrows = math.ceil(n / ncols)
    styles = type_styles(ranking["type"])
    fig = figure(width, 5.6 * nrows + 0.8)
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=True)
    for ax, row in zip(axes.ravel(), contrast.itertuples(index=False), strict=False):
        _contrast_panel(ax, ranking, row, styles=styles, width=width)
    for ax in axes.ravel()[len(contrast) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel(wrap(score_text, 28))
    header(fig, note, width)
    return fig


# --------------------------------------------------------------------------
# sensitivity
# --------------------------------------------------------------------------


def reference_setting(long: pd.DataFrame, settings: FigureSettings) -> str:
    """The grid's setting of the main ranking (configured window and score), else its first."""
    main = long[
        (long["days_before"] == settings.days_before)
        & (long["days_after"] == settings.days_after)
        & (long["measure"] == settings.measure)
    ]
    return str(main["setting"].iloc[0] if len(main) else long["setting"].iloc[0])


def tau_with(long: pd.DataFrame, tau: pd.DataFrame, reference: str) -> pd.DataFrame:
    """Kendall's tau of every other setting with ``reference``: window, measure, tau."""
    grid = long.drop_duplicates("setting")[["setting", "days_before", "days_after", "measure"]]
    values = tau.set_index("setting")[reference]
    grid = grid.assign(tau=grid["setting"].map(values).to_numpy(float))
    return grid[grid["setting"] != reference].reset_index(drop=True)


def legend_below(ax, handles, *, below_cm: float, ncols: int, title: str | None = None) -> None:
    """A legend ``below_cm`` under the axes (clear of its tick labels and axis label)."""
    anchor = offset_copy(ax.transAxes, fig=ax.figure, y=-below_cm, units="inches")
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        bbox_transform=anchor,
        ncols=ncols,
        title=title,
    )


def _tau_panel(ax, agreement: pd.DataFrame, *, measures: list[str], labels, y) -> None:
    rows = dict(zip(measures, y, strict=True))
    windows = list(
        dict.fromkeys(zip(agreement["days_before"], agreement["days_after"], strict=True))
    )
    handles = []
    for i, (before, after) in enumerate(windows):
        part = agreement[(agreement["days_before"] == before) & (agreement["days_after"] == after)]
        (line,) = ax.plot(
            part["tau"],
            [rows[m] + (i - (len(windows) - 1) / 2) * 0.09 for m in part["measure"]],
            linestyle="",
            marker="DvPX<>h*"[i % 8],
            color=PALETTE[i % len(PALETTE)],
            markersize=3.5,
            label=names.window(before, after),
        )
        handles.append(line)
    row_labels(ax, y, labels)
    ax.set_xlim(min(-0.05, float(np.nanmin(agreement["tau"], initial=0)) - 0.05), 1.02)
    ax.axvline(0, color=GREY, linewidth=0.6, linestyle="--")
    ax.grid(axis="x", color="#E5E5E5", linewidth=0.5)
    ax.set_xlabel("Kendall\u2019s \u03c4 with the main ranking")
    legend_below(ax, handles, below_cm=0.8 * CM_INCH, ncols=2, title="event window")


def _spread_panel(ax, spread: pd.DataFrame, *, labels: list[str], y) -> None:
    moves = spread["moves_most"].to_numpy(bool)
    for rows, colour in ((~moves, LIGHT), (moves, "#222222")):
        ax.hlines(y[rows], spread["rank_min"][rows], spread["rank_max"][rows], color=colour, lw=2)
    ax.plot(spread["main_rank"], y, linestyle="", marker="o", color=PALETTE[1], markersize=3.2)
    row_labels(ax, y, labels)
    for tick, bold in zip(ax.get_yticklabels(), moves, strict=True):
        tick.set_fontweight("bold" if bold else "normal")
    ax.set_xlim(0.3, float(np.nanmax(spread["rank_max"], initial=1)) + 0.7)
    ax.set_xticks(rank_ticks(int(np.nanmax(spread["rank_max"], initial=1)), 6))
    ax.grid(axis="x", color="#E5E5E5", linewidth=0.5)
    ax.set_xlabel("rank (1 = most framing)")
    handles = [
        Line2D([], [], color=LIGHT, linewidth=2, label="ranks over all settings"),
        Line2D([], [], color="#222222", linewidth=2, label="the widest quarter (bold)"),
        Line2D([], [], linestyle="", marker="o", color=PALETTE[1], label="rank, main setting"),
    ]
    legend_below(ax, handles, below_cm=0.8 * CM_INCH, ncols=1)


def _main_setting_text(reference: str) -> str:
    """'-7/+30 d, excess_pre' as words."""
    window, measure = reference.split(" d, ", 1)
    before, after = (int(x) for x in window.lstrip("-").split("/+"))
    return f"{names.window(before, after)}, {names.sensitivity_measure(measure)}"


def plot_sensitivity(
    long: pd.DataFrame,
    tau: pd.DataFrame,
    spread: pd.DataFrame,
    *,
    catalogue: pd.DataFrame | None,
    reference: str,
    width: str,
):
    """Left/top: tau of each setting with the main ranking; right/bottom: each event's ranks."""
    single = width == "single"
    main = long[long["setting"] == reference].set_index("event_id")["rank"]
    spread = spread.assign(main_rank=spread["event_id"].map(main).to_numpy(float))
    spread = spread.sort_values(["main_rank", "event_id"], na_position="last", kind="stable")
    labels = [
        wrap(t, chars(4.2 if single else 5.2)) for t in event_labels(catalogue, spread["event_id"])
    ]
    event_y, events_cm = stacked_rows(labels)
    measures = list(dict.fromkeys(long["measure"]))
    measure_labels = [wrap(names.sensitivity_measure(m), chars(4.0)) for m in measures]
    measure_y, measures_cm = stacked_rows(measure_labels)
    tau_cm, spread_cm = measures_cm + 4.4, events_cm + 3.6
    if single:
        fig = figure(width, tau_cm + spread_cm)
        parts = fig.subfigures(2, 1, height_ratios=[tau_cm, spread_cm])
    else:
        fig = figure(width, max(tau_cm, spread_cm))
        parts = fig.subfigures(1, 2, width_ratios=[1, 1.15])
    tau_ax, spread_ax = parts[0].subplots(), parts[1].subplots()
    _tau_panel(
        tau_ax,
        tau_with(long, tau, reference),
        measures=measures,
        labels=measure_labels,
        y=measure_y,
    )
    tau_ax.set_ylim(measures_cm + 0.1, -0.1)
    _spread_panel(spread_ax, spread, labels=labels, y=event_y)
    spread_ax.set_ylim(events_cm, 0)
    titles = (
        f"A  Agreement with the main ranking ({_main_setting_text(reference)})",
        "B  Where each event ranks across the settings",
    )
    for part, title in zip(parts, titles, strict=True):
        part.suptitle(
            wrap(title, chars(8.0 if single else 7.5, 7)), x=0.02, ha="left", fontweight="bold"
        )
    return fig


# --------------------------------------------------------------------------
# framing_timeseries
# --------------------------------------------------------------------------


def full_periods(table: pd.DataFrame) -> pd.DataFrame:
    """The table on every period from its first to its last (missing ones as NaN rows)."""
    periods = pd.PeriodIndex([pd.Period(p) for p in table["period"]])
    full = pd.period_range(periods.min(), periods.max(), freq=periods.freq)
    out = table.assign(period=periods).set_index("period").reindex(full)
    out.index.name = "period"
    return out


def _year_axis(ax, *, width: str) -> None:
    ax.xaxis.set_major_locator(mdates.YearLocator(base=_year_step(ax, width)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))


def _year_step(ax, width: str) -> int:
    low, high = ax.get_xlim()
    years = max((high - low) / 365.25, 1)
    wanted = 5 if width == "single" else 10
    return next((s for s in (1, 2, 5, 10, 20, 25, 50) if years / s <= wanted), 100)


def plot_framing_timeseries(
    series: pd.DataFrame, windows: pd.DataFrame, *, width: str, claims_text: str
):
    """Claims per 1,000 documents per period and documents per period; event windows marked."""
    full = full_periods(series)
    x = full.index.to_timestamp(how="start")
    length = (full.index.to_timestamp(how="end") - x).days.to_numpy()
    colours, markers = type_colours(windows["type"]), type_markers(windows["type"])
    legend_rows = math.ceil(windows["type"].nunique() / (3 if width == "single" else 6))
    fig = figure(width, (6.4 if width == "single" else 7.0) + 0.35 * legend_rows)
    ax, ax_n = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1.2])
    for w in windows.itertuples(index=False):
        for a in (ax, ax_n):
            a.axvspan(w.window_start, w.window_end, color="#D9D9D9", linewidth=0, zorder=0)
        middle = w.window_start + (w.window_end - w.window_start) / 2
        ax.plot(
            [middle],
            [0.97],
            transform=ax.get_xaxis_transform(),
            marker=markers[w.type],
            color=colours[w.type],
            markersize=3,
            linestyle="",
            clip_on=False,
        )
    ax.plot(x, full["rate_per_1000"], color="#222222", linewidth=0.8)
    ax.set_ylabel(wrap("claims per 1,000 documents", 18))
    ax.set_ylim(bottom=0)
    ax_n.bar(x, full["n_docs"].fillna(0), width=0.8 * length, align="edge", color=GREY)
    ax_n.set_ylabel("documents")
    ax_n.yaxis.set_major_locator(MaxNLocator(nbins=3))
    _year_axis(ax_n, width=width)
    header(fig, claims_text, width)
    fig.legend(
        handles=_type_handles(colours, markers, windows["type"]),
        loc="outside lower center",
        ncols=3 if width == "single" else 6,
        title="event windows (grey bands), by type",
    )
    return fig


# --------------------------------------------------------------------------
# topic_prevalence and event_topics
# --------------------------------------------------------------------------


def year_ticks(periods, *, width: str) -> tuple[list[int], list[str]]:
    """Column positions and labels of the first period of every n-th year (few enough to fit)."""
    years = [p.year for p in periods]
    firsts = [i for i, year in enumerate(years) if i == 0 or years[i - 1] != year]
    span = years[-1] - years[0] + 1 if years else 1
    wanted = 5 if width == "single" else 10
    step = next((s for s in (1, 2, 5, 10, 20, 25, 50) if span / s <= wanted), 100)
    chosen = [i for i in firsts if years[i] % step == 0] or firsts[:1]
    return chosen, [str(years[i]) for i in chosen]


def colour_bar_cm(width: str) -> float:
    """The height a colour bar takes under a heat map: its label, the bar, its ticks."""
    return 2.2 if width == "single" else 1.5


def colour_bar(fig, image, ax, *, label: str, width: str, map_cm: float) -> None:
    """A horizontal colour bar under ``ax`` (0.3 cm high), its label above the bar.

    ``map_cm`` is the heat map's height: the bar takes a fixed height, not a
    share of a tall map.
    """
    single = width == "single"
    bar = fig.colorbar(
        image,
        ax=ax,
        orientation="horizontal",
        location="bottom",
        shrink=0.9 if single else 0.6,
        fraction=min(0.15, 0.3 / max(map_cm, 0.3)),
        aspect=30 if single else 45,
    )
    bar.ax.set_title(
        wrap(label, 30 if single else 60, max_lines=6), fontsize=6.5, fontweight="normal"
    )
    bar.ax.tick_params(labelsize=6)


def plot_topic_prevalence(prevalence: pd.DataFrame, topics: pd.DataFrame, *, width: str):
    """Heat map of the mean topic share per period (rows: topics by their top words)."""
    grid = prevalence.pivot(index="topic", columns="period", values="share").sort_index()
    periods = pd.PeriodIndex([pd.Period(p) for p in grid.columns])
    full = pd.period_range(periods.min(), periods.max(), freq=periods.freq)
    grid = grid.set_axis(periods, axis=1).reindex(columns=full)
    per_line = chars(3.2 if width == "single" else 6.0)
    labels = [
        wrap(topic_label(label), per_line)
        for label in topics.set_index("topic").loc[grid.index, "label"]
    ]
    fig = figure(width, rows_height(len(grid), labels) + 0.5 + colour_bar_cm(width))
    ax = fig.subplots()
    image = ax.imshow(
        np.ma.masked_invalid(grid.to_numpy(float)),
        aspect="auto",
        cmap=colormaps["viridis"].with_extremes(bad="white"),
        interpolation="nearest",
    )
    row_labels(ax, np.arange(len(grid)), labels)
    positions, years = year_ticks(full, width=width)
    ax.set_xticks(positions, years)
    ax.spines[:].set_visible(False)
    colour_bar(
        fig,
        image,
        ax,
        label="mean share of the period\u2019s documents (white: no documents)",
        width=width,
        map_cm=rows_height(len(grid), labels),
    )
    return fig


def topic_label(label: str) -> str:
    """A topic's label with its phrases' underscores as spaces (``сообщить_пресс-служба``)."""
    return str(label).replace("_", " ")


def _topic_column_label(label: str, *, width: str) -> str:
    parts = [p.strip() for p in topic_label(label).split("/")]
    head = " / ".join(parts[:2] if width == "double" else parts[:1])
    return wrap(head, 24 if width == "double" else 18, max_lines=2 if width == "double" else 1)


def _significance_marks(ax, values: np.ndarray, sure: np.ndarray, *, limit: float) -> None:
    """'+' on cells that rise and '−' on cells that recede with a 95% CI excluding 0.

    The sign is then readable in grey print too, where a diverging map's two
    ends look alike; the mark is white on dark cells.
    """
    rows, cols = np.nonzero(sure)
    cell = values[rows, cols]
    dark = np.abs(cell) > 0.55 * limit
    for marker, rises in (("+", True), ("_", False)):
        for shade, on_dark in (("#000000", False), ("#FFFFFF", True)):
            pick = ((cell > 0) == rises) & (dark == on_dark)
            ax.scatter(cols[pick], rows[pick], s=9, marker=marker, c=shade, linewidths=0.8)


def plot_event_topics(profile: pd.DataFrame, catalogue: pd.DataFrame | None, *, width: str):
    """Heat map of each topic's share in each event window minus its baseline (pp)."""
    events = list(dict.fromkeys(profile["event_id"]))
    topics = profile.drop_duplicates("topic").sort_values("topic")
    wide = profile.pivot(index="event_id", columns="topic", values="difference")
    values = wide.reindex(index=events, columns=topics["topic"]).to_numpy(float) * 100
    sure = profile.assign(sure=(profile["ci_low"] > 0) | (profile["ci_high"] < 0))
    sure = sure.pivot(index="event_id", columns="topic", values="sure")
    sure = sure.reindex(index=events, columns=topics["topic"]).fillna(False).to_numpy(bool)
    single = width == "single"
    labels = [wrap(t, chars(4.0 if single else 7.6)) for t in event_labels(catalogue, events)]
    columns = [_topic_column_label(t, width=width) for t in topics["label"]]
    longest = max((len(line) for c in columns for line in c.split("\n")), default=1)
    column_cm = longest * 6.5 * CHAR_EM * PT_CM + 0.3
    fig = figure(width, rows_height(len(events), labels) + column_cm + colour_bar_cm(width))
    ax = fig.subplots()
    limit = float(np.nanmax(np.abs(values), initial=0.0)) or 1.0
    image = ax.imshow(values, aspect="auto", cmap="RdBu_r", vmin=-limit, vmax=limit)
    _significance_marks(ax, values, sure, limit=limit)
    row_labels(ax, np.arange(len(events)), labels)
    ax.set_xticks(np.arange(len(columns)), columns, rotation=90, linespacing=TICK_SPACING)
    ax.spines[:].set_visible(False)
    colour_bar(
        fig,
        image,
        ax,
        label="topic share in the event window minus the baseline (percentage points); "
        "+ / \u2212: 95% CI excludes 0",
        width=width,
        map_cm=rows_height(len(events), labels),
    )
    return fig


# --------------------------------------------------------------------------
# model_selection and validation
# --------------------------------------------------------------------------

SELECTION_PANELS = [
    ("npmi", "coherence (mean NPMI)"),
    ("diversity", "topic diversity"),
    ("stability", "stability across seeds"),
]


def plot_model_selection(selection: pd.DataFrame, *, width: str):
    """NPMI, diversity and stability across the K grid; the chosen K circled."""
    single = width == "single"
    fig = figure(width, 9.0 if single else 5.0)
    axes = fig.subplots(3 if single else 1, 1 if single else 3, sharex=True)
    chosen = selection[selection["chosen"].astype(bool)]
    for ax, (column, title) in zip(np.atleast_1d(axes), SELECTION_PANELS, strict=True):
        ax.plot(selection["k"], selection[column], marker="o", markersize=3, color=PALETTE[0])
        ax.scatter(
            chosen["k"],
            chosen[column],
            s=45,
            facecolors="none",
            edgecolors=PALETTE[1],
            linewidths=1.2,
            zorder=3,
        )
        if single:
            ax.set_ylabel(wrap(title, 14))
        else:
            ax.set_title(title, fontweight="normal")
        ax.set_xticks(selection["k"])
        ax.grid(axis="y", color="#E5E5E5", linewidth=0.5)
    k = int(chosen["k"].iloc[0]) if len(chosen) else None
    fig.supxlabel(f"number of topics K (circled: the chosen K = {k})", fontsize=7)
    return fig


def _validation_panel(ax, data: pd.DataFrame, labels: list[str], *, metric: str) -> None:
    y = np.arange(len(labels))
    for split, offset, face in (("test", -0.17, PALETTE[1]), ("dev", 0.17, "white")):
        part = data[data["split"] == split].set_index("label").reindex(labels)
        value = part[metric].to_numpy(float)
        low = np.clip(value - part[f"{metric}_ci_low"].to_numpy(float), 0, None)
        high = np.clip(part[f"{metric}_ci_high"].to_numpy(float) - value, 0, None)
        ax.errorbar(
            value,
            y + offset,
            xerr=[np.nan_to_num(low), np.nan_to_num(high)],
            fmt="o",
            color=PALETTE[1],
            markerfacecolor=face,
            markersize=3,
            elinewidth=0.8,
            capsize=1.2,
            label=f"{split} part",
        )
    ax.set_xlim(-0.03, 1.03)
    ax.set_xticks([0, 0.5, 1], ["0", "0.5", "1"])
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.grid(axis="x", color="#E5E5E5", linewidth=0.5)


TARGETS = {"claim": "any conspiracy claim", "anti_western": "anti-Western conspiracy claim"}


def plot_validation(scores: pd.DataFrame, *, width: str):
    """Precision, recall and F1 of every measure against the gold codes (weighted; 95% CIs)."""
    data = scores[scores["weighting"].str.startswith("inverse")]
    targets = list(dict.fromkeys(data["target"]))
    measures = list(dict.fromkeys(data["label"]))
    per_line = chars(3.3 if width == "single" else 7.0)
    wrapped = [wrap(m, per_line) for m in measures]
    panel_cm = rows_height(len(measures), wrapped) + 1.3
    fig = figure(width, panel_cm * len(targets) + 1.2)
    for sub, target in zip(np.atleast_1d(fig.subfigures(len(targets), 1)), targets, strict=True):
        axes = sub.subplots(1, 3, sharey=True)
        for ax, metric in zip(axes, ("precision", "recall", "f1"), strict=True):
            _validation_panel(ax, data[data["target"] == target], measures, metric=metric)
            ax.set_title("F1" if metric == "f1" else metric, fontweight="normal")
        row_labels(axes[0], np.arange(len(measures)), wrapped)
        sub.suptitle(f"target: {TARGETS.get(target, target)}", fontsize=7, fontweight="bold")
    handles = [
        Line2D([], [], linestyle="", marker="o", color=PALETTE[1], label="locked test part"),
        Line2D(
            [],
            [],
            linestyle="",
            marker="o",
            color=PALETTE[1],
            markerfacecolor="white",
            label="dev part",
        ),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=2)
    return fig


# --------------------------------------------------------------------------
# the registry
# --------------------------------------------------------------------------


def _event_ranking(tables, settings, width):
    return plot_event_ranking(
        tables["ranking"],
        width=width,
        score_text=score_label(settings),
        note=claims_note(settings),
    )


def estimates_as_ranking(estimates: pd.DataFrame) -> pd.DataFrame:
    """The design-based event table (``tables/event_estimates.csv``) in the ranking's columns:
    the excess as the score, its MOVER interval, the marginal rank sets."""
    return estimates.rename(
        columns={
            "excess": "score",
            "excess_low": "ci_low",
            "excess_high": "ci_high",
            "rank_low": "rank_ci_low",
            "rank_high": "rank_ci_high",
        }
    )


def _event_estimates(tables, settings, width):
    estimates = tables["estimates"]
    name = {"difference": "difference (model-assisted)", "ht": "Horvitz-Thompson"}
    estimator = name.get(str(estimates["estimator"].iloc[0]), "") if len(estimates) else ""
    return plot_event_ranking(
        estimates_as_ranking(estimates),
        width=width,
        score_text="excess share of items carrying an anti-Western conspiracy claim, per 1,000 "
        "items (event window minus baseline, 95% CI)",
        note=f"Design-based {estimator} estimates from hand-coded items drawn with known "
        f"probabilities: {estimates['n_coded'].mean():.0f} coded items per window on average",
    )


def _type_contrast(tables, settings, width):
    return plot_type_contrast(
        tables["ranking"],
        tables["contrast"],
        width=width,
        score_text=score_label(settings, interval=False),
        note=claims_note(settings),
    )


def _sensitivity(tables, settings, width):
    long = tables["sensitivity"]
    return plot_sensitivity(
        long,
        tables["tau"],
        tables["spread"],
        catalogue=tables["catalogue"],
        reference=reference_setting(long, settings),
        width=width,
    )


def _framing_timeseries(tables, settings, width):
    windows = tables["ranking"].assign(
        window_start=lambda t: pd.to_datetime(t["window_start"]),
        window_end=lambda t: pd.to_datetime(t["window_end"]),
    )
    # the series sums the per-document values: under ACC these are the uncorrected decisions
    note = claims_note(settings, corrected=settings.correction != "acc")
    return plot_framing_timeseries(tables["timeseries"], windows, width=width, claims_text=note)


def _topic_prevalence(tables, settings, width):
    return plot_topic_prevalence(tables["prevalence"], tables["topics"], width=width)


def _event_topics(tables, settings, width):
    return plot_event_topics(tables["profile"], tables["catalogue"], width=width)


def _model_selection(tables, settings, width):
    return plot_model_selection(tables["selection"], width=width)


def _validation(tables, settings, width):
    return plot_validation(tables["scores"], width=width)


@dataclass(frozen=True)
class FigureSpec:
    """One figure: its name (the files'), its title (the report's label), its input tables
    (name -> path under results/<corpus>/), how it is drawn (``draw(tables, settings,
    width)`` with the tables read), its report category and whether it needs a coded gold
    standard or coded waves (``design.waves``). Its caption is
    ``workflow/report/figures/<name>.rst``."""

    name: str
    title: str
    inputs: dict
    draw: Callable
    category: str
    needs_gold: bool = False
    needs_waves: bool = False

    def drawn(self, *, gold: bool, waves: bool) -> bool:
        """Whether a run with (or without) a gold standard and coded waves draws it."""
        return (gold or not self.needs_gold) and (waves or not self.needs_waves)


RANKING = "tables/event_ranking.csv"
CATALOGUE = "events/catalogue.tsv"
# The registry: the figure rule, the final targets and the report entries derive from it.
FIGURES = {
    spec.name: spec
    for spec in (
        FigureSpec(
            "event_ranking",
            "Events ranked by framing",
            {"ranking": RANKING},
            _event_ranking,
            "Events",
        ),
        FigureSpec(
            "event_estimates",
            "Events ranked by design-based estimates",
            {"estimates": "tables/event_estimates.csv"},
            _event_estimates,
            "Events",
            needs_waves=True,
        ),
        FigureSpec(
            "type_contrast",
            "Event types compared",
            {"ranking": RANKING, "contrast": "tables/type_contrast.csv"},
            _type_contrast,
            "Events",
        ),
        FigureSpec(
            "sensitivity",
            "Sensitivity of the ranking",
            {
                "sensitivity": "tables/sensitivity.csv",
                "tau": "tables/sensitivity_tau.csv",
                "spread": "tables/sensitivity_events.csv",
                "catalogue": CATALOGUE,
            },
            _sensitivity,
            "Sensitivity",
        ),
        FigureSpec(
            "framing_timeseries",
            "Framing over time",
            {"timeseries": "tables/framing_timeseries.csv", "ranking": RANKING},
            _framing_timeseries,
            "Framing",
        ),
        FigureSpec(
            "topic_prevalence",
            "Topic prevalence over time",
            {"prevalence": "topics/topic_prevalence.csv", "topics": "topics/topics.csv"},
            _topic_prevalence,
            "Topics",
        ),
        FigureSpec(
            "event_topics",
            "Topics in event windows",
            {"profile": "tables/event_topics.csv", "catalogue": CATALOGUE},
            _event_topics,
            "Topics",
        ),
        FigureSpec(
            "model_selection",
            "Choosing the number of topics",
            {"selection": "topics/model_selection.csv"},
            _model_selection,
            "Topics",
        ),
        FigureSpec(
            "validation",
            "Measures against hand codes",
            {"scores": "validation/item_scores.csv"},
            _validation,
            "Validation",
            needs_gold=True,
        ),
    )
}
WIDTHS = ("double", "single")


def read_tables(inputs: dict) -> dict[str, pd.DataFrame]:
    """A figure's input tables (CSV; the catalogue TSV), by input name."""
    return {
        name: pd.read_csv(path, sep="\t" if str(path).endswith(".tsv") else ",")
        for name, path in inputs.items()
    }


def draw(name: str, tables: dict, settings: FigureSettings, *, width: str):
    """The registered figure ``name`` at ``width`` (single or double), in the figures' style."""
    with style():
        return FIGURES[name].draw(tables, settings, width)


def figure_paths(outputs: dict) -> dict[str, dict[str, str]]:
    """The rule's outputs by width and format: {"double": {"png": ...}, "single": {...}}."""
    double = [outputs["png"], *outputs["other"]]
    return {
        "double": {Path(p).suffix[1:]: p for p in double},
        "single": {Path(p).suffix[1:]: p for p in outputs["single"]},
    }


def run_figure(settings: FigureSettings, inputs: dict, outputs: dict, *, figure: str) -> dict:
    """Draw the registered ``figure`` at both widths and save it in every format.

    Inputs: the figure's tables (:data:`FIGURES`) and ``style`` (the style
    file; an input so that editing it redraws the figures). Outputs: ``png`` and
    ``other`` (double column, 17.5 cm: the PNG and the other configured
    formats), ``single`` (single column, 8.5 cm, every format). Settings:
    ``dpi``; ``measure``, ``doc_measure``, ``correction``, ``days_before``,
    ``days_after`` (events.*: named in labels; the main ranking's setting).
    """
    tables = read_tables({name: inputs[name] for name in FIGURES[figure].inputs})
    problems = {}
    for width, paths in figure_paths(outputs).items():
        fig = draw(figure, tables, settings, width=width)
        with style():
            problems[width] = layout_problems(fig)
        save(fig, paths, settings.dpi)
    return {"layout_problems": {w: p for w, p in problems.items() if p}}
