"""The Adam explorer (notebook 05): Adam (paper Algorithm 1) on the cubic for given
slider values, drawn as one figure with three panels:

1. the path on the graph of f,
2. the iterate x_t against the step t,
3. the internals: |m̂_t|, √v̂_t and the effective step size α / (√v̂_t + ε).

The figure is built once and then redrawn in place for each slider move
(`plotting.LiveFigure`): a slider update has to be quick to feel live. It is as wide as the
notebook (plotting.live_figure); each panel's legend stands below it, so that it never hides
a line.
"""

import functools
import math
from types import SimpleNamespace

import numpy as np
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .. import display, objectives, plotting, run
from . import controls
from ..optimizers import Adam

DEFAULTS = dict(learning_rate=0.05, beta_1=0.9, beta_2=0.999, epsilon=1e-7, x0=0.001, steps=100)
CUBIC = objectives.cubic
MINIMUM = CUBIC.stationary_points[1].x  # 4/3
# The internals' log axis shows DECADES decades below the largest value at most: |m̂_t| can
# fall to 1e-148 in 500 steps, which would squash the other two curves into a few pixels.
# Smaller values are drawn on the bottom edge, and the panel says so.
DECADES = 6
FEW_STEPS = 20  # up to this many, the internals are drawn with a dot at each step
X0_DIGITS = 3  # the x₀ slider's decimals: its readout "0.001"


def adam_trace(learning_rate=0.05, beta_1=0.9, beta_2=0.999, epsilon=1e-7, x0=0.001, steps=100):
    """Adam (Algorithm 1, float64) on the cubic: the Trace the explorer draws."""
    optimizer = Adam(learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
    return run(optimizer, CUBIC, x0, steps)


def adam_run(learning_rate=0.05, beta_1=0.9, beta_2=0.999, epsilon=1e-7, x0=0.001, steps=100):
    """What the figure needs of adam_trace(...): x_t, m̂_t, v̂_t, the step size α/(√v̂_t + ε),
    the number of steps and a message (empty): the same numbers bit for bit (a float64 is
    Python's float, and the loop does Adam's operations in its order), in a fifth of the time,
    which a slider update needs. If a value is not finite, adam_trace's Trace itself."""
    Adam(learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)  # rejects what a run would
    alpha, beta_1, beta_2, eps, x = (float(value) for value in (learning_rate, beta_1, beta_2, epsilon, x0))
    xs, m_hats, v_hats, step_sizes = [x], [], [], []
    m = v = 0.0
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):  # Adam._step_algorithm_1
            g = 3 * (x * x) - 4 * x  # the cubic's gradient, as objectives.cubic computes it
            m = beta_1 * m + (1.0 - beta_1) * g
            v = beta_2 * v + (1.0 - beta_2) * (g * g)
            m_hat, v_hat = m / (1.0 - beta_1**t), v / (1.0 - beta_2**t)
            step_size = alpha / (math.sqrt(v_hat) + eps)
            x = x - step_size * m_hat
            xs.append(x)
            m_hats.append(m_hat)
            v_hats.append(v_hat)
            step_sizes.append(step_size)
    run_ = SimpleNamespace(x=np.array(xs), m_hat=np.array(m_hats), v_hat=np.array(v_hats),
                           step_size=np.array(step_sizes), steps=steps, message="")
    if not np.all(np.isfinite(run_.x)) or not np.all(np.isfinite(3 * run_.x * run_.x)):
        return adam_trace(learning_rate, beta_1, beta_2, epsilon, x0, steps)
    return run_


def _view(xs, margin=0.25):
    """The x-range to draw f over: the plot range, widened to hold the whole path."""
    (low, high), = CUBIC.plot_range
    return min(low, float(xs.min()) - margin), max(high, float(xs.max()) + margin)


def padded(low, high, margin=0.05):
    """low and high, moved apart by `margin` of their distance each (of the larger of their
    size and 1 if they are equal)."""
    pad = margin * ((high - low) or max(abs(low), 1.0))
    return low - pad, high + pad


def describe(trace):
    """The figure's title: where the run ended (the sliders, or the call, show its settings)."""
    xs = np.ravel(trace.x)
    status = trace.message or (f"x = {xs[-1]:.4f}, f = {float(CUBIC.f(xs[-1])):.4f} after {trace.steps} "
                               f"step{'s' if trace.steps != 1 else ''}")
    return f"Adam on the cubic from x₀ = {controls.readout(xs[0], decimals=X0_DIGITS)}: {status}"


def clipped_log_range(series, decades=DECADES, margin=10**0.15):
    """(bottom, top) of a log axis for these series: from their largest positive value (times
    `margin`) down to their smallest (over `margin`), but at most `decades` decades below the
    largest; and whether some value (a zero, say) lies below the bottom, where it is drawn.
    (1, 10) if no value is positive."""
    values = np.concatenate([np.ravel(s) for s in series]) if series else np.array([])
    positive = values[np.isfinite(values) & (values > 0)]
    if not positive.size:
        return (1.0, 10.0), bool(values.size)
    top = float(positive.max())
    bottom = max(float(positive.min()) / margin, top * 10.0**-decades)
    bottom = min(bottom, top / 100)  # two decades at least: ticks at 1, 2 and 5 times powers of ten
    # on quarter decades: a small change of the data keeps the limits, so the live figure
    # copies the ticks back instead of drawing them again
    bottom, top = (10.0 ** (rounding(np.log10(value) * 4) / 4)
                   for value, rounding in ((bottom, np.floor), (top * margin, np.ceil)))
    return (bottom, top), bool(np.any(values < bottom))


def snap_limits(ax, axis="y", fraction=0.1):
    """Widen an axis' limits to multiples of a tenth of the power of ten below their span:
    a small change of the data keeps them (and the live figure copies the ticks back)."""
    low, high = ax.get_ylim() if axis == "y" else ax.get_xlim()
    step = 10.0 ** np.floor(np.log10(max(high - low, 1e-12))) * fraction
    limits = np.floor(low / step) * step, np.ceil(high / step) * step
    ax.set_ylim(*limits) if axis == "y" else ax.set_xlim(*limits)


def short_log_label(value, _position=None):
    """A log axis' tick label in at most five characters: "0.01", "100", "1e-5", "2e6"."""
    if 1e-3 <= value < 1e4:
        return f"{value:g}"
    mantissa, exponent = f"{value:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def clip_note(bottom, clipped):
    """The line under a clipped log panel (empty if nothing is clipped)."""
    return f"values below {controls.readout(bottom, scientific=True)}: on the bottom edge" if clipped else ""


def legend_below(ax, ncol=1, below=0.5):
    """The panel's legend `below` inches under its axes (under the x label), centred: it
    never hides a line."""
    height = ax.get_position().height * ax.figure.get_figheight()
    return ax.legend(loc="upper center", bbox_to_anchor=(0.5, -below / height), ncol=ncol,
                     handlelength=1.8, columnspacing=1.0, borderaxespad=0.0)


def label_lefts(axes, inches):
    """Axes fractions that put each y label `inches` left of its axes (its right edge: a y
    label stands on its anchor, turned by 90°)."""
    return [-gap / (ax.get_position().width * ax.figure.get_figwidth()) for ax, gap in zip(axes, inches)]


class AdamFigure:
    """The three panels, built once with fixed margins, label positions and title heights
    (nothing that matplotlib would recompute on every draw), each legend under its panel
    (drawn once, in the kept background); `show(trace)` moves the lines to a new run and
    returns the figure as PNG."""

    def __init__(self, trace):
        width, height = plotting.NOTEBOOK_WIDTH, 4.0
        fig = plotting.live_figure(width, height)
        # in inches: 0.65 for the first y label, 0.8 between panels (tick labels and the next
        # y label), 1.3 under the axes (ticks, x label, two legend rows, the note), 0.6 above
        self.axes = ax_f, ax_x, ax_in = fig.subplots(1, 3, gridspec_kw=dict(
            left=0.65 / width, right=1 - 0.15 / width, bottom=1.3 / height, top=1 - 0.62 / height,
            wspace=0.8 / ((width - 0.8 - 1.6) / 3)))
        for ax in self.axes:  # few ticks: tick labels are most of the drawing time
            ax.xaxis.set_major_locator(MaxNLocator(4, integer=ax is not ax_f))  # steps: whole numbers
            ax.yaxis.set_major_locator(MaxNLocator(4))
        xs, blue = np.ravel(trace.x), plotting.PALETTE["blue"]
        self.markers = []  # of the internals, drawn if there are few steps

        plotting.plot_function(ax_f, CUBIC, *_view(xs), num=200)
        self.graph_of_f = ax_f.get_lines()[-1]
        self.graph_of_f.set_label("f(x)")
        self.path_on_f = plotting.plot_path_1d(ax_f, CUBIC, xs, label="Adam's path", color=blue,
                                               with_labels=True)
        plotting.label(ax_f, "Path on f", "x", "f(x)", legend=False, title_y=1.0)

        ax_x.axhline(MINIMUM, color=plotting.PALETTE["black"], ls="--", lw=1, label="minimum x = 4/3")
        self.iterates = (ax_x.plot(np.arange(len(xs)), xs, color=blue, ls="-", lw=1.5, label="x_t")[0],
                         *plotting.mark_start_end(ax_x, np.arange(len(xs)), xs, blue))
        plotting.label(ax_x, "Iterate against step", "step t", "x_t", legend=False, title_y=1.0)

        # at t = 1, |m̂_1| = √v̂_1: their markers (few steps) differ in shape, so both are seen
        for name, key, style, marker in (("|m̂_t|", "orange", "-", "o"), ("√v̂_t", "green", "--", "x"),
                                         ("α / (√v̂_t + ε)", "vermillion", "-.", "^")):
            ax_in.plot([], [], color=plotting.PALETTE[key], ls=style, lw=1.5, ms=6, mew=1.5, label=name)
            self.markers.append(marker)
        ax_in.set_yscale("log")
        plotting.label(ax_in, "Adam's internals", "step t", "value (log scale)", legend=False,
                       title_y=1.0)

        for ax, ncol in zip(self.axes, (2, 1, 2)):  # drawn once: their entries never change
            legend_below(ax, ncol)
        # under the internals' legend: which values are drawn on the bottom edge
        self.note = ax_in.text(1.0, -1.05 / (ax_in.get_position().height * height), "",
                               transform=ax_in.transAxes, ha="right", va="top")
        # fixed, so that they can stay in the kept background (log tick labels are wider:
        # "0.001", where the others have at most "−7.5" or "1.25")
        plotting.fix_label_positions(self.axes, lefts=label_lefts(self.axes, (0.4, 0.4, 0.5)),
                                     below=-0.3 / (ax_in.get_position().height * height))
        for marker in (*self.path_on_f[1:], *self.iterates[1:]):
            marker.set_clip_on(False)  # a start or end on the frame is drawn whole
        self.title = fig.suptitle("", fontsize=11, y=1 - 0.06 / height, va="top")
        lines = [line for ax in self.axes for line in ax.get_lines()]
        self.live = plotting.LiveFigure(fig, lines + [self.title, self.note])
        self.figure = fig

    def show(self, trace):
        """Redraw the panels for this trace; the PNG bytes of the figure."""
        ax_f, ax_x, ax_in = self.axes
        xs = np.ravel(trace.x)
        t, fs = np.arange(len(xs)), CUBIC.f(xs)
        grid = np.linspace(*_view(xs), 200)
        self.graph_of_f.set_data(grid, CUBIC.f(grid))
        plotting.move_path(self.path_on_f, xs, fs)
        plotting.move_path(self.iterates, t, xs)
        steps = np.arange(1, trace.steps + 1)
        internals = ([np.ravel(np.abs(trace.m_hat)), np.ravel(np.sqrt(trace.v_hat)), np.ravel(trace.step_size)]
                     if trace.steps else [])
        (bottom, top), clipped = clipped_log_range(internals)
        for line, values, marker in zip(ax_in.get_lines(), internals or ([],) * 3, self.markers):
            line.set_data(steps, np.clip(values, bottom, None))  # below the axis: on its bottom edge
            line.set_marker(marker if trace.steps <= FEW_STEPS else "None")  # a line of one point is not seen
        # limits as matplotlib's autoscaling would set them (5 % margins), without its search
        # through every line
        ax_f.set_xlim(*padded(*_view(xs)))
        ax_x.set_xlim(*padded(0, max(trace.steps, 1)))
        ax_x.set_ylim(*padded(min(float(xs.min()), MINIMUM), max(float(xs.max()), MINIMUM)))
        snap_limits(ax_x)
        ax_in.set_xlim(0, max(trace.steps, 1) + 0.5)
        ax_in.set_ylim(bottom, top)  # bottom: the edge the clipped values lie on
        plotting.plain_log_ticks(ax_in.yaxis, numticks=5)
        ax_in.yaxis.set_major_formatter(FuncFormatter(short_log_label))
        plotting.drop_minor_ticks(ax_in)
        ax_f.set_ylim(min(0.0, float(fs.min())) - 0.3, max(4.0, float(fs.max())) + 0.3)
        self.title.set_text(describe(trace))
        self.note.set_text(clip_note(bottom, clipped))
        return self.live.png()


@functools.cache
def _adam_figure():
    """The one figure every call of explore_adam redraws (one per kernel, never closed)."""
    return AdamFigure(adam_trace(**DEFAULTS))


def draw_adam(trace):
    """The explorer's figure showing this Trace of Adam on the cubic (or adam_run's numbers),
    and its PNG bytes."""
    figure = _adam_figure()
    return figure.figure, figure.show(trace)


def draw_adam_run(learning_rate=0.05, beta_1=0.9, beta_2=0.999, epsilon=1e-7, x0=0.001, steps=100):
    """Run Adam with these values: the explorer's figure and its PNG bytes."""
    return draw_adam(adam_run(learning_rate, beta_1, beta_2, epsilon, x0, steps))


def explore_adam(learning_rate=0.05, beta_1=0.9, beta_2=0.999, epsilon=1e-7, x0=0.001, steps=100):
    """Run Adam with these values and show the three panels."""
    display.show(*draw_adam_run(learning_rate, beta_1, beta_2, epsilon, x0, steps))
