"""The review's two charts: a donut of the asset mix and a bar chart of total assets at each
review. matplotlib's object-oriented API (``matplotlib.figure.Figure``, no pyplot), imported
inside the functions so that importing this module costs nothing.

The ``draw_*`` functions draw on an ``Axes`` (the PDF page places them itself); the
``*_figure`` functions wrap them in a figure of their own for PNG files. Inputs are plain
display data: labels already translated, values as Decimal.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from decimal import Decimal
from typing import TYPE_CHECKING, Callable, Sequence

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from rmnotes.render.fonts import FontSetup

NAVY = "#1d3557"
INK = "#22303c"
MUTED = "#6b7785"
RULE = "#d5dbe3"
ACCENT = "#b8892b"  # the current bar
# one color per asset type, so a type keeps its color from one review to the next
TYPE_COLORS = {
    "deposit": "#1d3557", "fund": "#2a7f8e", "stock": "#b8892b", "bond": "#8fb996",
    "wmp": "#9c8ec1", "structured": "#c46d5e", "insurance": "#a3c4dc", "property": "#5f7894",
    "cash": "#7fb7b2", "other": "#c0c7cf",
}
SPARE = ("#d9b96e", "#7a93ac", "#b5838d", "#6d9dc5")


@dataclass(frozen=True, slots=True)
class MixSlice:
    label: str
    value: Decimal
    share: Decimal  # 0..1
    color: str


@dataclass(frozen=True, slots=True)
class Bar:
    label: str  # the review's date as shown
    value: Decimal
    current: bool


def color_for(key: str, i: int = 0) -> str:
    return TYPE_COLORS.get(key, SPARE[i % len(SPARE)])


def draw_mix(ax: Axes, slices: Sequence[MixSlice], center: str, size: float = 9.0,
             legend: bool = True) -> None:
    """A donut with the total in its middle and a legend of type and share."""
    ax.set_aspect("equal")
    ax.axis("off")
    if not slices:
        ax.text(0.5, 0.5, "—", ha="center", va="center", color=MUTED, fontsize=size * 1.4,
                transform=ax.transAxes)
        return
    values = [float(s.value) for s in slices]
    ax.pie(values, colors=[s.color for s in slices], startangle=90, counterclock=False,
           wedgeprops={"width": 0.36, "edgecolor": "white", "linewidth": 1.2},
           radius=1.0)
    ax.text(0, 0, center, ha="center", va="center", fontsize=size, color=INK, linespacing=1.5)
    if legend:
        from matplotlib.patches import Patch

        handles = [Patch(facecolor=s.color, edgecolor="none") for s in slices]
        texts = [f"{s.label}  {s.share * 100:.1f}%" for s in slices]
        ax.legend(handles, texts, loc="center left", bbox_to_anchor=(1.02, 0.5), frameon=False,
                  fontsize=size * 0.95, handlelength=1.0, handleheight=1.0, labelcolor=INK,
                  borderaxespad=0.0, labelspacing=0.7)


def draw_history(ax: Axes, bars: Sequence[Bar], fmt: Callable[[Decimal], str],
                 size: float = 8.0, max_labels: int = 12) -> None:
    """Total assets at each review; the sheet's own date in the accent color. With more
    bars than ``max_labels``, every second (third, ...) bar is labelled, counting back
    from the current one."""
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(RULE)
    ax.tick_params(axis="both", colors=MUTED, labelsize=size * 0.9, length=0)
    ax.yaxis.grid(True, color=RULE, linewidth=0.6)
    ax.set_axisbelow(True)
    if not bars:
        return
    xs = list(range(len(bars)))
    heights = [float(b.value) for b in bars]
    colors = [ACCENT if b.current else NAVY for b in bars]
    ax.bar(xs, heights, width=0.6, color=colors, zorder=2)
    top = max(heights + [0.0])
    bottom = min(heights + [0.0])
    span = (top - bottom) or 1.0
    label_size = size * (0.85 if len(bars) <= 6 else 0.7)
    every = -(-len(bars) // max_labels)  # ceiling division
    shown = [(len(bars) - 1 - i) % every == 0 for i in xs]
    for x, b, h, show in zip(xs, bars, heights, shown):
        if show:
            ax.text(x, h + span * 0.02 if h >= 0 else h - span * 0.02, fmt(b.value),
                    ha="center", va="bottom" if h >= 0 else "top", fontsize=label_size, color=INK)
    ax.set_xticks(xs)
    ax.set_xticklabels([b.label if show else "" for b, show in zip(bars, shown)],
                       fontsize=size * (0.9 if len(bars) <= 6 else 0.75))
    ax.set_xlim(-0.6, len(bars) - 0.4)
    if top == bottom == 0:
        ax.set_ylim(0, 1)
        ax.set_yticks([0])
        ax.set_yticklabels(["0"])
        return
    ax.set_ylim(min(0.0, bottom * 1.15), top * 1.15 if top > 0 else 0.0)
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt(Decimal(str(float(v))))))


def mix_figure(slices: Sequence[MixSlice], title: str, center: str, fonts: FontSetup) -> Figure:
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with rc_context(fonts.rc()):
        fig = Figure(figsize=(6.4, 3.6), dpi=100, facecolor="white")
        ax = fig.add_axes((0.04, 0.06, 0.5, 0.78))
        draw_mix(ax, slices, center, size=10)
        fig.text(0.04, 0.92, title, fontsize=13, color=NAVY, ha="left", va="center")
    return fig


def history_figure(bars: Sequence[Bar], title: str, fmt: Callable[[Decimal], str],
                   fonts: FontSetup) -> Figure:
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with rc_context(fonts.rc()):
        fig = Figure(figsize=(6.4, 3.6), dpi=100, facecolor="white")
        ax = fig.add_axes((0.14, 0.17, 0.82, 0.66))
        draw_history(ax, bars, fmt, size=10)
        fig.text(0.04, 0.92, title, fontsize=13, color=NAVY, ha="left", va="center")
    return fig


def png_bytes(fig: Figure, fonts: FontSetup, dpi: int = 150) -> bytes:
    from matplotlib import rc_context

    buf = io.BytesIO()
    with rc_context(fonts.rc()):
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()


