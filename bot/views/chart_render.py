"""A `ChartModel` drawn as a PNG for a phone screen.

matplotlib's object API only (a `Figure` on its own `FigureCanvasAgg`, no
pyplot state), so renders can run in an executor thread beside the event
loop; since matplotlib 3.8 `Figure.draw` holds a lock shared by every
renderer around the font caches (matplotlib PR #26302), so two renders in two
threads cannot trip over each other.

Portrait 1080x1350 (what Telegram shows full width without scaling it
down), fonts of 16 to 24 points, and the Okabe-Ito palette, which stays
distinguishable for the common kinds of colour blindness; each line also has
its own dash pattern, so nothing depends on colour alone.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.image import imsave
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.views.charts import ChartModel, Marker, MarkerKind

__all__ = ["DPI", "HEIGHT", "WIDTH", "ChartText", "render_png"]

WIDTH, HEIGHT, DPI = 1080, 1350, 120
_PNG = {"compress_level": 3}  # zlib level: 6 (the default) costs 30 ms more for ~5% less
# Okabe & Ito, "Color Universal Design" (2008)
BLUE, VERMILLION, GREEN, PURPLE, BLACK, GREY = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#000000",
    "#666666",
)
Dashes = str | tuple[float, tuple[float, ...]]  # a named style or (offset, on-off pattern)
_STYLE: dict[MarkerKind, tuple[str, Dashes, float]] = {
    MarkerKind.ENTRY: (BLACK, ":", 2.5),
    MarkerKind.MARK: (GREEN, "-", 2.5),
    MarkerKind.LIQ_ISOLATED: (BLUE, (0, (6, 3)), 2.5),
    MarkerKind.LIQ_CROSS: (VERMILLION, (0, (2, 2, 8, 2)), 2.5),
    MarkerKind.SHOCK: (PURPLE, "-.", 3.0),
}


@dataclass(frozen=True)
class ChartText:
    """Every word and number on the picture, already in the reader's language."""

    title: str
    subtitle: str
    x_label: str
    y_label: str
    isolated: str
    cross: str
    maintenance: str
    marker_label: Callable[[Marker], str]
    price: Callable[[float], str]
    money: Callable[[float], str]


def render_png(model: ChartModel, text: ChartText) -> bytes:
    """The chart as PNG bytes, WIDTH x HEIGHT pixels."""
    figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, layout="constrained")
    canvas = FigureCanvasAgg(figure)  # attaches itself: the figure renders without pyplot
    axes = figure.add_subplot()
    _curves(axes, model, text)
    _markers(axes, model, text)
    _axes(axes, model, text)
    figure.suptitle(text.title, fontsize=24, fontweight="bold")
    axes.set_title(text.subtitle, fontsize=17, color=GREY)
    handles, labels = axes.get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", fontsize=16, frameon=False)
    # One draw, then encode the pixels: with a layout engine on, savefig draws twice.
    # matplotlib's backend_agg has no type hints, hence the two ignores.
    canvas.draw()  # type: ignore[no-untyped-call]
    pixels = canvas.buffer_rgba()  # type: ignore[no-untyped-call]
    buffer = io.BytesIO()
    imsave(buffer, pixels, format="png", pil_kwargs=_PNG)
    return buffer.getvalue()


def _curves(axes: Axes, model: ChartModel, text: ChartText) -> None:
    axes.plot(model.prices, model.isolated, color=BLUE, linewidth=4, label=text.isolated)
    axes.plot(
        model.prices, model.cross, color=VERMILLION, linewidth=4, linestyle="--", label=text.cross
    )
    axes.axhline(
        model.maintenance, color=GREY, linewidth=2.5, linestyle=":", label=text.maintenance
    )


def _markers(axes: Axes, model: ChartModel, text: ChartText) -> None:
    for marker in model.markers:
        colour, dashes, width = _STYLE[marker.kind]
        axes.axvline(
            marker.x,
            color=colour,
            linestyle=dashes,
            linewidth=width,
            label=text.marker_label(marker),
        )


def _axes(axes: Axes, model: ChartModel, text: ChartText) -> None:
    axes.set_xlabel(text.x_label, fontsize=18)
    axes.set_ylabel(text.y_label, fontsize=18)
    axes.tick_params(labelsize=16)
    axes.xaxis.set_major_locator(MaxNLocator(4))
    axes.yaxis.set_major_locator(MaxNLocator(6))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: text.price(value)))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: text.money(value)))
    axes.grid(True, color="#DDDDDD", linewidth=1)
    axes.set_xlim(model.prices[0], model.prices[-1])


@cache
def _glyphs() -> frozenset[int]:
    """The characters the charts' font can draw."""
    path = font_manager.findfont(font_manager.FontProperties())
    return frozenset(FT2Font(path).get_charmap())


def can_draw(text: str) -> bool:
    """False when the font lacks a character (e.g. CJK on a server with only DejaVu):
    the picture then falls back to English labels rather than empty boxes."""
    glyphs = _glyphs()
    return all(ord(ch) in glyphs for ch in text if not ch.isspace())
