"""Notebook 02: exponential moving averages and momentum.

    m_t = β m_{t−1} + g_t,  x_t = x_{t−1} − α m_t      (undamped heavy ball)

`draw_momentum(beta)` draws the explorer's figure (controls.explore calls it on every slider
move): the figure is built once and redrawn in place (`plotting.LiveFigure`).
`explore_momentum` shows it for a given β; the other functions draw the notebook's static
figures."""

import functools

import matplotlib.pyplot as plt
import numpy as np

from . import controls
from .. import display, objectives, plotting, run
from ..averages import ema, ema_weights, effective_window
from ..optimizers import SGD, Momentum
from .gradient_descent import CUBIC, SGD_STYLE, mark_stationary_points, plot_iterates

BOWL = objectives.bowl
BOWL_START = (-3.5, 1.2)
BOWL_RATE = 0.06
BOWL_STEPS = 40
# the optimiser each path of the bowl figures stands for, by the first word of its name
OPTIMIZERS = {"gradient": "SGD", "momentum": "Momentum", "Adagrad": "Adagrad", "RMSprop": "RMSprop"}
# The loss axis is fixed over the slider's range (β from 0 to 0.95: f(x_t) from 4.6e-8 to 29
# in 40 steps), so that curves can be compared while dragging (and its ticks are drawn
# once); clipped about 10 decades below its top, where the best β's curve ends. (No tick
# at either end: a grid line there would be drawn over the frame.)
LOSS_VIEW = (5e-9, 2e2)


def style_of(name):
    """The optimiser style (plotting.optimizer_style) of a path named "momentum β = 0.7" etc."""
    return plotting.optimizer_style(OPTIMIZERS[name.split()[0]])


def plot_smoothing(values, betas=(0.5, 0.9)):
    """A noisy signal g_t and its exponential moving averages m_t for each β."""
    t = np.arange(1, len(values) + 1)
    fig, ax = plotting.subplots(width=6.4, height=3.6)
    ax.plot(t, values, ".", color=plotting.PALETTE["black"], ms=4, alpha=0.5, label="signal $g_t$")
    for i, beta in enumerate(betas):
        ax.plot(t, ema(values, beta), color=plotting.colour(i), ls=plotting.LINE_STYLES[i], lw=2,
                label=f"$m_t$, β = {beta:g}")
    plotting.label(ax, "Exponential moving averages of a noisy signal, started at $m_0 = 0$",
                   "step t", "value")
    plt.show()


def plot_ema_weights(betas=(0.5, 0.9, 0.97), steps=60):
    """The weight (1 − β) β^(t−i) an EMA gives to each past value g_i, at t = steps."""
    fig, ax = plotting.subplots(width=6.4, height=3.6)
    ages = np.arange(steps - 1, -1, -1)  # how many steps ago g_i arrived
    for i, beta in enumerate(betas):
        ax.plot(ages, ema_weights(beta, steps), ls=plotting.LINE_STYLES[i], marker=".", color=plotting.colour(i),
                lw=1.2, ms=4, label=f"β = {beta:g} (window 1/(1−β) = {effective_window(beta):.0f})")
        ax.axvline(effective_window(beta), color=plotting.colour(i), ls=":", lw=1)
    plotting.label(ax, "How much m_t weighs each past gradient (dotted: 1/(1−β))",
                   "age t − i (steps ago)", "weight (1 − β) β^(t−i)")
    plt.show()


def plot_path(ax, xs, label):
    """A path of 2-D iterates in its optimiser's style, start and end marked: its line and markers."""
    xs = np.asarray(xs)
    style = style_of(label)
    line = ax.plot(xs[:, 0], xs[:, 1], lw=1.2, ms=4, label=label, **style)[0]
    return (line, *plotting.mark_start_end(ax, xs[:, 0], xs[:, 1], style["color"]))


def plot_paths_on_contours(ax, objective, traces):
    """Contours of a 2-D objective with one labelled path per (name, trace), each in its
    optimiser's style: the paths."""
    plotting.plot_contours(ax, objective, num=120, levels=15)
    return [plot_path(ax, trace.x, name) for name, trace in traces]


def plot_loss_curves(ax, traces, title):
    """f(x_t) against t on a log scale, one line per (name, trace) in its optimiser's
    style: the lines."""
    lines = [ax.semilogy(np.arange(len(trace.f)), trace.f, lw=1.5, ms=4, label=name, **style_of(name))[0]
             for name, trace in traces]
    ax.set_ylim(*LOSS_VIEW)
    plotting.drop_minor_ticks(ax)
    plotting.label(ax, title, "step t", "$f(x_t)$ (log scale)", loc="upper right", title_y=1.0)
    return lines


def bowl_traces(beta, learning_rate=BOWL_RATE, steps=BOWL_STEPS):
    """Gradient descent and undamped momentum on the bowl, same α, same start."""
    return [("gradient descent", run(SGD(learning_rate), BOWL, BOWL_START, steps)),
            ("momentum", run(Momentum(learning_rate, beta), BOWL, BOWL_START, steps))]


class BowlFigure:
    """Two optimisers on the bowl, built once with fixed margins: their paths on the
    contours (left) and a log-scale panel of their curves (right, drawn by the subclass, its
    limits fixed).
    The legends name the optimisers and never change (each is pasted where it hides the
    least of its panel's lines); the left title carries the slider values.
    `show(traces, title)` moves the paths and curves, retitles and returns the PNG."""

    CURVE_LEGEND_PLACES = ("upper right", "lower left", "lower right", "center right")

    def __init__(self, traces, title):
        fig = plotting.live_figure(height=3.5)
        self.paths_ax, self.curves_ax = fig.subplots(1, 2, gridspec_kw=dict(
            left=0.07, right=0.985, bottom=0.14, top=0.91, wspace=0.25))
        self.paths = plot_paths_on_contours(self.paths_ax, BOWL, traces)
        for star in self.paths_ax.get_lines()[:len(BOWL.stationary_points)]:
            star.set_label("_" + star.get_label())  # the text says what the star is: a smaller legend
        plotting.label(self.paths_ax, title, "x", "y", legend=True, title_y=1.0)
        self.paths_ax.grid(False)  # the contours are grid enough
        self.curves = self.draw_curves(self.curves_ax, traces)
        self.curves_ax.legend(loc=self.CURVE_LEGEND_PLACES[0])
        plotting.fix_label_positions(fig.get_axes(), lefts=(-0.09, -0.13), below=-0.11)
        # drawn in the order a full draw takes them: start and end markers over every path
        changing = sorted([*self.paths_ax.get_lines(), *self.curves_ax.get_lines(), self.paths_ax.title],
                          key=lambda artist: artist.get_zorder())
        self.live = plotting.LiveFigure(fig, changing, {
            self.paths_ax.get_legend(): ("upper right", "lower right", "upper left", "lower left"),
            self.curves_ax.get_legend(): self.CURVE_LEGEND_PLACES})
        self.figure = fig

    def show(self, traces, title):
        """Redraw both panels for these (name, trace) pairs; the PNG bytes of the figure."""
        for path, (name, trace) in zip(self.paths, traces):
            plotting.move_path(path, trace.x[:, 0], trace.x[:, 1])
        self.paths_ax.title.set_text(title)
        self.move_curves(traces)
        return self.live.png()


class MomentumFigure(BowlFigure):
    """Gradient descent and momentum on the bowl: paths (left), losses (right)."""

    def draw_curves(self, ax, traces):
        return plot_loss_curves(ax, traces, f"Loss over {BOWL_STEPS} steps")

    def move_curves(self, traces):
        for line, (name, trace) in zip(self.curves, traces):
            line.set_data(np.arange(len(trace.f)), trace.f)


def paths_title(beta):
    """The explorer's left title: α and β, the latter as its slider reads it out."""
    return f"Paths, α = {BOWL_RATE:g}, momentum β = {controls.readout(beta, decimals=2)}"


@functools.cache
def _momentum_figure():
    """The one figure every call of draw_momentum redraws (one per kernel)."""
    return MomentumFigure(bowl_traces(0.7), paths_title(0.7))


def draw_momentum(beta=0.7):
    """The explorer's figure for this β, and its PNG bytes."""
    figure = _momentum_figure()
    return figure.figure, figure.show(bowl_traces(beta), paths_title(beta))


def explore_momentum(beta=0.7):
    """Gradient descent vs momentum on the bowl f(x, y) = (x² + 25y²)/2, shown."""
    display.show(*draw_momentum(beta))


def compare_on_cubic(betas=(0.7, 0.9), learning_rate=0.02, x0=0.1, steps=40):
    """x_t against t on the cubic: gradient descent and momentum with each β."""
    fig, ax = plotting.subplots(width=6.4, height=3.8)
    plot_iterates(ax, run(SGD(learning_rate), CUBIC, x0, steps), "gradient descent", SGD_STYLE)
    momentum = plotting.optimizer_style("Momentum")
    # the second β: momentum's colour and marker, its own line style
    looks = [momentum, dict(momentum, linestyle=(0, (1, 1.5)), marker="1")]
    for look, beta in zip(looks * len(betas), betas):
        plot_iterates(ax, run(Momentum(learning_rate, beta), CUBIC, x0, steps), f"momentum β = {beta:g}", look)
    mark_stationary_points(ax)
    ax.set_ylim(-0.2, 2.0)
    plotting.label(ax, f"Cubic from x₀ = {x0:g}, α = {learning_rate:g}", "step t", "$x_t$", loc="upper left")
    plt.show()
