"""Notebook 01: gradient descent on the cubic, x_t = x_{t−1} − α f′(x_{t−1}).

`draw_gradient_descent(learning_rate, x0)` draws the explorer's figure (controls.explore
calls it on every slider move): the figure is built once and redrawn in place
(`plotting.LiveFigure`). `explore_gradient_descent` shows it for given values; the other
functions draw the notebook's static figures."""

import functools

import matplotlib.pyplot as plt
import numpy as np

from . import controls
from .. import display, objectives, plotting, run
from ..optimizers import SGD

CUBIC = objectives.cubic
LOCAL_MIN = 4 / 3
X_VIEW = (-1.0, 2.5)  # the part of the x axis every cubic figure shows
F_VIEW = (-1.5, 4.0)
SGD_STYLE = plotting.optimizer_style("SGD")  # gradient descent's colour, line and marker everywhere
# gradient descent with several learning rates in one panel: one look per rate
RATE_STYLES = [dict(color=plotting.PALETTE[colour], linestyle=line, marker=marker) for colour, line, marker in (
    ("blue", "-", "."), ("orange", "--", "s"), ("green", "-.", "^"), ("purple", (0, (1, 1.5)), "d"))]


def gradient_descent_trace(learning_rate, x0, steps=30):
    """adam_teach's SGD on the cubic: the path x_0 .. x_steps (shorter if it diverged)."""
    return run(SGD(learning_rate), CUBIC, x0, steps)


def outcome(trace):
    """A few words on where a cubic run ended."""
    if trace.diverged:
        return f"ran off towards −∞ (diverged at step {trace.steps + 1})"
    return f"after {trace.steps} steps: x = {float(trace.final):.6f}"


def plot_iterates(ax, trace, label, style=SGD_STYLE):
    """x_t against t in a line style (colour, line style, marker), start and end marked: the
    line and the two markers."""
    steps = np.arange(len(trace.x))
    line = ax.plot(steps, trace.x, lw=1.2, ms=5, label=label, **style)[0]
    return (line, *plotting.mark_start_end(ax, steps, trace.x, style["color"]))


def plot_path_on_f(ax, xs, label, style=SGD_STYLE):
    """A 1-D path on the graph of the cubic in an optimiser's style, start and end marked
    (in the legend in black): its line and markers."""
    xs = np.ravel(xs)
    fs = CUBIC.f(xs)
    line = ax.plot(xs, fs, lw=1, ms=5, label=label, **style)[0]
    return (line, *plotting.mark_start_end(ax, xs, fs, style["color"], with_labels=True))


def mark_stationary_points(ax):
    """Dashed horizontal lines at the cubic's local minimum 4/3 and local maximum 0."""
    ax.axhline(LOCAL_MIN, color=plotting.PALETTE["black"], ls="--", lw=1, label="local min x = 4/3")
    ax.axhline(0.0, color=plotting.PALETTE["vermillion"], ls=":", lw=1.5, label="local max x = 0")


class GradientDescentFigure:
    """The explorer's two panels: the path on the graph of f (left) and x_t against t
    (right), built once with fixed margins; `show(trace, learning_rate, x0, steps)` moves the
    paths, retitles both panels and returns the figure as PNG bytes."""

    def __init__(self, trace):
        fig = plotting.live_figure(height=3.4)
        self.on_f, self.over_time = fig.subplots(1, 2, gridspec_kw=dict(
            left=0.075, right=0.985, bottom=0.15, top=0.9, wspace=0.2))
        plotting.plot_function(self.on_f, CUBIC, *X_VIEW)
        self.on_f.get_lines()[-1].set_label("_f")  # named by the y label: a shorter legend
        self.path_on_f = plot_path_on_f(self.on_f, trace.x, "gradient descent")
        self.on_f.set_xlim(*X_VIEW)
        self.on_f.set_ylim(*F_VIEW)
        plotting.label(self.on_f, "", "x", f"f(x) = {plotting._formula(CUBIC)}", loc="upper right", title_y=1.0)

        self.iterates = plot_iterates(self.over_time, trace, "$x_t$")
        mark_stationary_points(self.over_time)
        self.over_time.set_ylim(*X_VIEW)
        # a plain arrow: a fancy arrow's clipping takes longer than the rest of a redraw
        self.to_minus_infinity = self.over_time.annotate(
            "to −∞", xy=(0, X_VIEW[0]), xytext=(2, X_VIEW[0] + 0.4),
            arrowprops=dict(arrowstyle="->", shrinkA=0, shrinkB=0), color=plotting.PALETTE["vermillion"])
        plotting.label(self.over_time, "", "step t", "$x_t$", loc="upper right", title_y=1.0)

        plotting.fix_label_positions((self.on_f, self.over_time), lefts=(-0.09, -0.09), below=-0.12)
        # drawn in the order a full draw takes them: start and end markers over every line
        changing = sorted([*self.on_f.get_lines(), *self.over_time.get_lines(), self.to_minus_infinity,
                           self.on_f.title, self.over_time.title], key=lambda artist: artist.get_zorder())
        # each legend pasted where it hides the least of its panel's lines
        self.live = plotting.LiveFigure(fig, changing, {
            self.on_f.get_legend(): ("upper center", "lower right", "upper left", "lower left"),
            self.over_time.get_legend(): ("upper right", "lower right", "center right")})
        self.figure = fig

    def show(self, trace, learning_rate, x0, steps):
        """Redraw both panels for this run; the PNG bytes of the figure."""
        xs = np.ravel(trace.x)
        plotting.move_path(self.path_on_f, xs, CUBIC.f(xs))
        plotting.move_path(self.iterates, np.arange(len(xs)), xs)
        self.over_time.set_xlim(-1, steps + 1)
        self.to_minus_infinity.set_visible(trace.diverged)
        self.to_minus_infinity.xy = (trace.steps, X_VIEW[0])
        self.to_minus_infinity.set_position((trace.steps + 2, X_VIEW[0] + 0.4))
        self.on_f.title.set_text(f"α = {controls.readout(learning_rate)}, "
                                 f"x₀ = {controls.readout(x0, decimals=2)}")
        self.over_time.title.set_text(outcome(trace))
        return self.live.png()


@functools.cache
def _gradient_descent_figure():
    """The one figure every call of draw_gradient_descent redraws (one per kernel)."""
    return GradientDescentFigure(gradient_descent_trace(0.1, 0.5))


def draw_gradient_descent(learning_rate=0.1, x0=0.5, steps=30):
    """The explorer's figure for these values, and its PNG bytes."""
    figure = _gradient_descent_figure()
    return figure.figure, figure.show(gradient_descent_trace(learning_rate, x0, steps), learning_rate, x0, steps)


def explore_gradient_descent(learning_rate=0.1, x0=0.5, steps=30):
    """The path of gradient descent on f (left) and x_t against t (right), shown."""
    display.show(*draw_gradient_descent(learning_rate, x0, steps))


def compare_learning_rates(rates, x0=0.5, steps=30):
    """x_t against t for several learning rates, in one axes."""
    fig, ax = plotting.subplots(width=6.4, height=3.8)
    for i, (name, rate) in enumerate(rates.items()):
        trace = gradient_descent_trace(rate, x0, steps)
        plot_iterates(ax, trace, f"{name}: α = {rate:g}", RATE_STYLES[i % len(RATE_STYLES)])
    mark_stationary_points(ax)
    ax.set_xlim(-1, steps + 1)
    ax.set_ylim(*X_VIEW)
    plotting.label(ax, f"Gradient descent on the cubic from x₀ = {x0:g}", "step t", "$x_t$", loc="lower right")
    plt.show()


def end_points(learning_rate, starts, steps):
    """Where gradient descent is after `steps` steps from each start (−inf if it diverged)."""
    ends = []
    for x0 in starts:
        trace = gradient_descent_trace(learning_rate, x0, steps)
        ends.append(-np.inf if trace.diverged else float(trace.final))
    return np.array(ends)


def plot_basin(learning_rate=0.1, steps=100, low=-1.0, high=6.0, num=141):
    """Where gradient descent ends, for each start x₀ in [low, high]: the basin of 4/3."""
    starts = np.linspace(low, high, num)
    ends = end_points(learning_rate, starts, steps)
    diverged = np.isinf(ends)
    fig, ax = plotting.subplots(width=6.4, height=3.6)
    ax.plot(starts[~diverged], ends[~diverged], "o", color=plotting.PALETTE["blue"], ms=4,
            label=f"x after {steps} steps")
    bottom = -1.0
    ax.plot(starts[diverged], np.full(diverged.sum(), bottom), "v", color=plotting.PALETTE["vermillion"],
            ms=5, label="diverged (x → −∞)")
    ax.axhline(LOCAL_MIN, color=plotting.PALETTE["black"], ls="--", lw=0.8, label="local min x = 4/3")
    ax.set_ylim(bottom - 0.4, 2.0)
    plotting.label(ax, f"Where gradient descent ends (α = {learning_rate:g})", "start x₀", "end point",
                   loc="center right")
    plt.show()
