"""The figures' look: one style file, two print widths, a colour-blind-safe palette.

Every figure is drawn twice, at the two column widths journals print
(:data:`WIDTHS_CM`: 8.5 cm single column, 17.5 cm double column), with the
style of ``schemes.mplstyle`` (7 pt DejaVu Sans, which has Cyrillic; fonts
embedded in PDF as TrueType; SVG text as paths). Colours are Okabe & Ito's
(2008), safe for every common colour-vision deficiency; categories also get a
marker each, so that grey print stays readable. :func:`layout_problems`
finds text that overlaps other text or leaves the figure (the tests run it
on every registered figure at both widths).
"""

from __future__ import annotations

import contextlib
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

STYLE_FILE = Path(__file__).with_name("schemes.mplstyle")
WIDTHS_CM = {"single": 8.5, "double": 17.5}
CM = 1 / 2.54  # inches per centimetre
# Okabe & Ito (2008), without yellow (too light on white)
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
# the book's headline comparison keeps its colours and markers in every figure
HEADLINE = {
    "color_revolution": ("#D55E00", "s"),
    "nato_summit": ("#0072B2", "o"),
    "nato_enlargement": ("#56B4E9", "^"),
}
MARKERS = ["D", "v", "P", "X", "<", ">", "h", "*", "p", "d", "8", "H", "o", "s", "^"]
GREY = "#777777"
LIGHT = "#BBBBBB"
# width of an average character of DejaVu Sans, in em (for wrapping labels)
CHAR_EM = 0.58
PT_CM = 2.54 / 72


def style():
    """The figures' style, as a context (drawing and saving both happen inside it)."""
    return plt.style.context(STYLE_FILE)


def figure(width: str, height_cm: float) -> Figure:
    """A new figure ``width`` (single or double column) wide and ``height_cm`` high."""
    return plt.figure(figsize=(WIDTHS_CM[width] * CM, height_cm * CM))


def chars(width_cm: float, size_pt: float = 6.5) -> int:
    """About how many characters of ``size_pt`` text fit on a line ``width_cm`` long."""
    return max(8, int(width_cm / (size_pt * CHAR_EM * PT_CM)))


def wrap(text: str, width: int, *, max_lines: int = 3) -> str:
    """``text`` on lines of at most ``width`` characters (at most ``max_lines``; then '…')."""
    lines = textwrap.wrap(str(text), width=width, break_long_words=False) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(1, width - 1)].rstrip() + "\u2026"
    return "\n".join(lines)


def line_count(labels) -> int:
    """The most lines any of the (wrapped) labels takes."""
    return max((str(label).count("\n") + 1 for label in labels), default=1)


def type_styles(types) -> dict[str, tuple[str, str]]:
    """A (colour, marker) pair per event type, never the same pair twice.

    The headline types keep theirs; the others, in alphabetical order, cycle
    through the remaining colours while each takes the next marker, so that
    two types sharing a colour differ in shape (and every type in grey print).
    """
    present = set(types)
    styles = {t: pair for t, pair in HEADLINE.items() if t in present}
    spare = [c for c in PALETTE if c not in {c for c, _ in HEADLINE.values()}]
    for i, kind in enumerate(sorted(present - set(styles))):
        styles[kind] = (spare[i % len(spare)], MARKERS[i % len(MARKERS)])
    return styles


def type_colours(types) -> dict[str, str]:
    """The colour of each event type (:func:`type_styles`)."""
    return {t: colour for t, (colour, _) in type_styles(types).items()}


def type_markers(types) -> dict[str, str]:
    """The marker of each event type (:func:`type_styles`)."""
    return {t: marker for t, (_, marker) in type_styles(types).items()}


def save(fig: Figure, paths: dict[str, str], dpi: int) -> None:
    """Write one figure in every format given (keys: pdf, png, svg), byte-identically.

    No time stamps or software versions in the files, a fixed SVG id salt
    (the style), and the figure's own size (no tight bounding box: a
    single-column figure stays exactly 8.5 cm wide).
    """
    metadata = {
        "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
        "svg": {"Date": None, "Creator": None},
        "png": {"Software": None},
    }
    with style():  # svg.hashsalt must be in force while saving
        for fmt, path in paths.items():
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            fig.savefig(path, format=fmt, dpi=dpi, metadata=metadata[fmt])
    plt.close(fig)


def _tick_texts(axis):
    low, high = sorted(axis.get_view_interval())
    span = (high - low) * 1e-6
    for tick in axis.get_major_ticks():
        loc = tick.get_loc()
        if loc is not None and low - span <= loc <= high + span:
            yield from (t for t in (tick.label1, tick.label2) if t.get_visible())


def _texts(fig: Figure) -> list:
    """Every visible, non-empty text of the figure (ticks within the view only)."""
    found = []
    for ax in fig.get_axes():
        if not ax.get_visible():
            continue
        for axis in (ax.xaxis, ax.yaxis):
            found += list(_tick_texts(axis))
            found.append(axis.label)
        found += [ax.title, ax._left_title, ax._right_title, *ax.texts]
        legend = ax.get_legend()
        if legend is not None:
            found += [*legend.get_texts(), legend.get_title()]
    for holder in [fig, *fig.subfigs]:
        found += list(holder.texts)
        for legend in holder.legends:
            found += [*legend.get_texts(), legend.get_title()]
        for title in ("_suptitle", "_supxlabel", "_supylabel"):
            if getattr(holder, title, None) is not None:
                found.append(getattr(holder, title))
    unique = {id(t): t for t in found if t.get_visible() and t.get_text().strip()}
    return list(unique.values())


def layout_problems(fig: Figure) -> list[str]:
    """Text that overlaps other text or leaves the figure (empty when the layout is clean)."""
    with contextlib.suppress(Exception):
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    boxes = [(t.get_text().replace("\n", " "), t.get_window_extent(renderer)) for t in _texts(fig)]
    problems = []
    for text, box in boxes:
        if box.x0 < page.x0 - 1 or box.y0 < page.y0 - 1 or box.x1 > page.x1 + 1:
            problems.append(f"clipped: {text!r}")
        elif box.y1 > page.y1 + 1:
            problems.append(f"clipped: {text!r}")
    for i, (text, box) in enumerate(boxes):
        for other, other_box in boxes[i + 1 :]:
            if box.overlaps(other_box) and _overlap_area(box, other_box) > 1.0:
                problems.append(f"overlap: {text!r} / {other!r}")
    return problems


def _overlap_area(a, b) -> float:
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(width, 0.0) * max(height, 0.0)
