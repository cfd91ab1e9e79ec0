"""Shared plotting helpers: one colour-blind-safe palette, labelled axes, marked start
and end points. Every figure in the course is drawn with these."""

import struct
import zlib

import matplotlib

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FormatStrFormatter, LogLocator, NullFormatter, NullLocator
from matplotlib.transforms import Bbox

from . import display
from .figure_audit import NOTEBOOK_WIDTH

# Okabe & Ito (2008), safe for the common forms of colour blindness.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
CYCLE = [PALETTE[c] for c in ("blue", "orange", "green", "vermillion", "purple", "sky", "black")]

# Each colour of the cycle comes with its own line style, so that lines drawn one after
# another differ in more than colour (figure_audit's rule 4).
LINE_STYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 2)), (0, (8, 2))]

STYLE = {
    "axes.prop_cycle": matplotlib.cycler(color=CYCLE) + matplotlib.cycler(linestyle=LINE_STYLES),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": display.DPI,  # a point on the figure is a point on the screen
    "savefig.dpi": display.DPI * display.DENSITY,
    "font.size": 10,  # every text at least 10 pt (ticks, legends: "medium" = 10)
    "legend.frameon": False,
    "image.cmap": "viridis",
}

# One look per optimiser in every figure: colour, line style and marker.
OPTIMIZER_STYLES = {
    "SGD": dict(color=PALETTE["blue"], linestyle="-", marker="."),
    "Momentum": dict(color=PALETTE["orange"], linestyle="--", marker="x"),
    "RMSprop": dict(color=PALETTE["green"], linestyle=":", marker="^"),
    "Adagrad": dict(color=PALETTE["sky"], linestyle=(0, (1, 2)), marker="v"),
    "Adam": dict(color=PALETTE["vermillion"], linestyle="-.", marker="+"),
    "AdaMax": dict(color=PALETTE["purple"], linestyle=(0, (5, 1, 1, 1, 1, 1)), marker="d"),
    "AMSGrad": dict(color=PALETTE["black"], linestyle=(0, (8, 2)), marker="s"),
    "AdamW": dict(color=PALETTE["yellow"], linestyle="--", marker="o"),
}


def optimizer_style(name):
    """The colour, line style and marker of an optimiser ("Adam", "SGD", …): keyword
    arguments for ax.plot. A name not in OPTIMIZER_STYLES raises KeyError naming them."""
    try:
        return dict(OPTIMIZER_STYLES[name])
    except KeyError:
        raise KeyError(f"no style for optimiser {name!r}; known: {', '.join(OPTIMIZER_STYLES)}") from None


def use_course_style():
    """Apply the course's style to every later figure (and, in a notebook, show figures
    sharp and with alt text: display.register)."""
    matplotlib.rcParams.update(STYLE)
    display.register()


def colour(i):
    """The i-th colour of the palette (cycled)."""
    return CYCLE[i % len(CYCLE)]


def subplots(ncols=1, nrows=1, width=4.6, height=3.4, **kwargs):
    """A figure of nrows × ncols axes, each about width × height inches, narrowed to the
    notebook's width if wider (figure_audit.NOTEBOOK_WIDTH)."""
    use_course_style()
    fig, axes = plt.subplots(nrows, ncols, figsize=(min(width * ncols, NOTEBOOK_WIDTH), height * nrows),
                             squeeze=False, layout="constrained", **kwargs)
    return fig, axes.ravel() if nrows * ncols > 1 else axes[0, 0]


def label(ax, title, xlabel, ylabel, legend=None, loc="best", title_y=None):
    """Title and axis labels; a legend whenever the axes hold more than one labelled artist.
    A fixed legend `loc` and title height `title_y` (1.0: just above the axes) keep
    matplotlib from searching for a place on every draw."""
    ax.set_title(title, y=title_y)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    labelled = [h for h in ax.get_legend_handles_labels()[1] if not h.startswith("_")]
    if legend or (legend is None and len(labelled) > 1):
        ax.legend(loc=loc)
    return ax


def mark_start_end(ax, xs, ys, color, with_labels=False):
    """A hollow circle at the start of a path and a filled square at its end; the two
    markers. With labels, the legend shows them in black: every path of a figure has them."""
    start = ax.plot(xs[0], ys[0], "o", mfc="white", mec=color, mew=2, ms=8, label="_start", zorder=5)[0]
    end = ax.plot(xs[-1], ys[-1], "s", color=color, ms=7, label="_end", zorder=5)[0]
    if with_labels:  # legend entries only: no points
        black = PALETTE["black"]
        ax.plot([], [], "o", mfc="white", mec=black, mew=2, ms=8, label="start")
        ax.plot([], [], "s", color=black, ms=7, label="end")
    return start, end


def move_path(path, xs, ys):
    """Move a path (its line, start and end markers, as plot_path_1d and plot_path_2d
    return them) to new points: what a live figure does on each update."""
    line, start, end = path
    line.set_data(xs, ys)
    start.set_data(xs[:1], ys[:1])
    end.set_data(xs[-1:], ys[-1:])


def plot_function(ax, objective, low=None, high=None, num=400, color=PALETTE["black"]):
    """A 1-D objective f over [low, high] (its plot_range by default)."""
    (default_low, default_high), = objective.plot_range
    grid = np.linspace(default_low if low is None else low, default_high if high is None else high, num)
    ax.plot(grid, objective.f(grid), color=color, lw=1.5, label=f"f(x) = {_formula(objective)}")
    return grid


def plot_path_1d(ax, objective, xs, label=None, color=PALETTE["blue"], with_labels=False):
    """An optimisation path on the graph of a 1-D objective: its line and markers."""
    xs = np.ravel(xs)
    fs = objective.f(xs)
    line = ax.plot(xs, fs, ".-", color=color, lw=0.8, ms=4, alpha=0.8, label=label)[0]
    return (line, *mark_start_end(ax, xs, fs, color, with_labels=with_labels))


def plot_contours(ax, objective, levels=25, num=200, log=True):
    """Filled-line contours of a 2-D objective over its plot_range, its stationary points marked."""
    (x_low, x_high), (y_low, y_high) = objective.plot_range
    X, Y = np.meshgrid(np.linspace(x_low, x_high, num), np.linspace(y_low, y_high, num))
    Z = objective.f(np.stack([X, Y], axis=-1))
    if log:
        Z = np.log10(Z - Z.min() + 1e-3)
    # below the grid (zorder 1.5), as a live figure draws it: grid over the kept contours
    ax.contour(X, Y, Z, levels=levels, cmap="viridis", linewidths=0.7, alpha=0.8, zorder=1)
    for point in objective.stationary_points:
        ax.plot(*point.x, "*", color=PALETTE["black"], ms=11, label=f"{point.kind}")
    ax.set_xlim(x_low, x_high)
    ax.set_ylim(y_low, y_high)


def plot_path_2d(ax, xs, label=None, color=PALETTE["blue"], with_labels=False):
    """A path of 2-D iterates, start and end marked: its line and markers."""
    xs = np.asarray(xs)
    line = ax.plot(xs[:, 0], xs[:, 1], ".-", color=color, lw=1, ms=3, label=label)[0]
    return (line, *mark_start_end(ax, xs[:, 0], xs[:, 1], color, with_labels=with_labels))


def fix_label_positions(axes, lefts, below=-0.1):
    """Each axes' x label at `below` and y label at its `lefts` entry (axes fractions): fixed
    places, not recomputed from the tick labels on every draw, so a LiveFigure can keep
    them in its background."""
    for ax, left in zip(axes, lefts):
        ax.xaxis.set_label_coords(0.5, below)
        ax.yaxis.set_label_coords(left, 0.5)


def drop_minor_ticks(ax):
    """Minor ticks on a log-scale y axis only if it spans at most two decades: on more they
    carry no labels and take about a third of the redraw time. (A live figure calls this
    on every update, so the minor ticks come back when the range shrinks.)"""
    low, high = ax.get_ylim()
    ax.yaxis.set_minor_locator(NullLocator() if np.log10(high / low) > 2 else LogLocator(subs="auto"))


def plain_log_ticks(axis, numticks=6):
    """Ticks of a log-scale axis labelled plainly ("0.1", "1e-05", "0.9365"), not in math
    text ("10⁻¹"): parsing math text would be a third of the time of a live figure's update.
    The labelled ticks are the powers of ten over more than two decades, 1, 2 and 5 times
    them over one to two, 1 to 9 times them within one (matplotlib falls back to evenly
    spaced ticks if at most one of those is in view). Call again when the range changes."""
    low, high = axis.get_view_interval()
    decades = np.log10(high / low)
    subs = (1.0,) if decades > 2 else (1.0, 2.0, 5.0) if decades > 1 else np.arange(1.0, 10.0)
    axis.set_major_locator(LogLocator(subs=subs, numticks=numticks))
    axis.set_major_formatter(FormatStrFormatter("%.4g"))
    axis.set_minor_formatter(NullFormatter())


def png_bytes(rgba):
    """PNG of an RGBA pixel array (8-bit RGBA), written here rather than by Pillow: every row
    unfiltered (PNG filter type 0) and deflated at zlib level 1, row by row straight from
    the array, with no copy. Pillow always tries each row filter, which at 2x pixels took
    about twice as long on the Adam explorer, for a PNG 10 % smaller. The PNG format: a
    signature, an IHDR chunk (size, 8 bits, colour type 6 = RGBA), IDAT (the deflated rows,
    each after its filter byte) and IEND."""
    height, width, _ = rgba.shape
    rows = np.ascontiguousarray(rgba).reshape(height, 4 * width)
    deflate = zlib.compressobj(1)
    data = b"".join(deflate.compress(b"\0" + row.data) for row in rows) + deflate.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", data)
            + _png_chunk(b"IEND", b""))


def _png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


class LiveFigure:
    """A figure that a slider callback redraws in place (matplotlib's "blitting").

    What never changes (background, frames, titles, axis labels) is drawn once and kept as
    pixels. Each `png()` copies those pixels back, draws the ticks and grid of each axes
    (or copies them back too, if its limits are the same as last time), draws the
    `changing` artists (in the given order), pastes the legends on top and encodes the
    result. Drawing text is most of matplotlib's time, and most text never changes.

    Each legend gets an opaque frame, is drawn once at each of its places in
    `legend_places` (legend -> locations such as "upper right") and pasted, on every update,
    where it hides the least of its axes' lines.

    A legend whose entries change stays in the kept pixels with fixed names; what changes
    goes in a text beside it, in `changing` (as the comparison explorer writes each run's result).

    Axis labels and titles stay in the kept pixels, so they need fixed positions: call
    `axis.set_label_coords(...)` and `set_title(..., y=1.0)` first. A title whose text
    changes goes in `changing` (e.g. `ax.title`, then `ax.title.set_text(...)` on each
    update). An artist that is drawn anew on each update (a contour set) takes the place of
    the old one with `replace(old, new)`. The axes must stand in one row (each one's ticks
    are kept in its own vertical strip of the figure)."""

    def __init__(self, figure, changing, legend_places=None):
        self.figure = figure
        self.changing = list(changing)
        self.legend_places = dict(legend_places or {})
        self._axes = figure.get_axes()
        if len({round(ax.get_position().y0, 6) for ax in self._axes}) > 1:
            raise ValueError("LiveFigure keeps the ticks of each axes in a vertical strip of the "
                             "figure: its axes must stand in one row.")
        self._axis_labels = [axis.label for ax in self._axes for axis in (ax.xaxis, ax.yaxis)]
        for artist in self.changing + [axis for ax in self._axes for axis in (ax.xaxis, ax.yaxis)]:
            artist.set_animated(True)  # left out of the kept background
        for legend in self.legend_places:
            legend.set_frame_on(True)
            legend.get_frame().set_alpha(1.0)
            legend.set_animated(True)
        self._background = None
        self._ticks = {}  # axes -> (its limits, pixels of its ticks and grid)
        self._pasted = {}  # (legend, place) -> (pixels, box in display coordinates)

    def replace(self, old, new):
        """Put `new` in the place of `old` among the changing artists and take `old` out of
        the figure: for what is drawn anew on each update (a contour set, say)."""
        self.changing[self.changing.index(old)] = new
        new.set_animated(True)
        old.remove()

    def _draw_background(self):
        canvas = self.figure.canvas
        canvas.draw()  # leaves out the animated artists: ticks, changing ones, legends
        for axis_label in self._axis_labels:
            self.figure.draw_artist(axis_label)
        self._background = canvas.copy_from_bbox(self.figure.bbox)
        for legend, places in self.legend_places.items():
            for place in places:
                legend.set_loc(place)
                self.figure.draw_artist(legend)
                box = legend.get_frame().get_window_extent().padded(2)
                self._pasted[legend, place] = canvas.copy_from_bbox(box), box
                canvas.restore_region(self._background)

    def _draw_ticks(self, ax):
        """The ticks, tick labels and grid of one axes, copied back if its limits did not change."""
        canvas, limits = self.figure.canvas, (ax.get_xlim(), ax.get_ylim())
        if ax in self._ticks and self._ticks[ax][0] == limits:
            canvas.restore_region(self._ticks[ax][1])
            return
        for axis in (ax.xaxis, ax.yaxis):
            self.figure.draw_artist(axis)
        self._ticks[ax] = limits, canvas.copy_from_bbox(self._strip(ax))

    def _strip(self, ax):
        """The part of the figure that holds the ticks of one axes of a row: the full height,
        from just right of its left neighbour to just right of itself (the overhang of its
        last tick label)."""
        overhang = 15 * self.figure.dpi / 72  # 15 points
        left = max([other.bbox.x1 + overhang for other in self._axes if other.bbox.x1 < ax.bbox.x1],
                   default=0)
        right = min(ax.bbox.x1 + overhang, self.figure.bbox.x1)
        return Bbox([[left, 0], [right, self.figure.bbox.y1]])

    def _least_hiding_place(self, legend):
        """The legend's place that hides the least of the lines of its axes: the sum, over
        the lines (a marker is a line of one point), of the part of each line under it."""
        lines = [_densified(line.get_transform().transform(line.get_xydata()))
                 for line in legend.axes.get_lines() if line.get_visible() and len(line.get_xydata())]

        def hidden(place):
            box = self._pasted[legend, place][1]
            return sum(np.mean((x >= box.x0) & (x <= box.x1) & (y >= box.y0) & (y <= box.y1))
                       for x, y in (points.T for points in lines))
        return min(self.legend_places[legend], key=hidden)  # the first of equals

    # Text drawn without font hinting: a sixth of the time of an update, and at 2x pixels
    # (192 dpi) hinting barely shows. Every draw of a LiveFigure uses it (draw its figure in
    # this context too).
    TEXT_STYLE = {"text.hinting": "no_hinting"}

    def png(self):
        """Redraw what changed over the kept pixels and return the figure as PNG bytes."""
        with matplotlib.rc_context(self.TEXT_STYLE):
            return self._redraw()

    def _redraw(self):
        canvas = self.figure.canvas
        if self._background is None:
            self._draw_background()
        canvas.restore_region(self._background)
        for axis_label in self._axis_labels:
            axis_label.set_visible(False)  # already in the background
        try:
            for ax in self._axes:
                self._draw_ticks(ax)
        finally:
            for axis_label in self._axis_labels:
                axis_label.set_visible(True)
        for artist in self.changing:
            self.figure.draw_artist(artist)
        for legend in self.legend_places:
            place = self._least_hiding_place(legend)
            legend.set_loc(place)  # the figure says where its legend is
            canvas.restore_region(self._pasted[legend, place][0])
        return png_bytes(np.asarray(canvas.buffer_rgba()))


def _densified(points, count=200):
    """At least `count` points along a polyline (a single point repeated), so that a long
    segment between two points counts as much as its length."""
    if len(points) >= count:
        return points
    at = np.linspace(0, len(points) - 1, count)
    return np.column_stack([np.interp(at, np.arange(len(points)), points[:, i]) for i in (0, 1)])


def live_figure(width=NOTEBOOK_WIDTH, height=3.4):
    """A figure of width × height inches in the course style, outside pyplot: pyplot and
    Jupyter's inline backend never show or close it, so a callback can keep it for good.
    Drawn at display.DENSITY × display.DPI, as display.show expects its PNG."""
    use_course_style()
    figure = Figure(figsize=(width, height), dpi=display.DPI * display.DENSITY)
    FigureCanvasAgg(figure)
    return figure


def _formula(objective):
    return objective.formula.split("=", 1)[-1].split("(")[0].strip() if objective.formula else objective.name
