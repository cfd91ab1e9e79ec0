"""Notebook 02: exponential moving averages and momentum.

    m_t = β m_{t−1} + g_t,  x_t = x_{t−1} − α m_t      (undamped heavy ball)

`explore_momentum(beta)` is the slider callback; its figure is built once and redrawn in
place for each slider move (`plotting.LiveFigure`). The other functions draw the
notebook's static figures."""

import functools

import matplotlib.pyplot as plt
import numpy as np

from .. import display, objectives, plotting, run
from ..averages import ema, ema_weights, effective_window
from ..optimizers import SGD, Momentum
from .gradient_descent import CUBIC, mark_stationary_points, plot_iterates

BOWL = objectives.bowl
BOWL_START = (-3.5, 1.2)
BOWL_RATE = 0.06
BOWL_STEPS = 40


def plot_smoothing(values, betas=(0.5, 0.9)):
    """A noisy signal g_t and its exponential moving averages m_t for each β."""
    t = np.arange(1, len(values) + 1)
    fig, ax = plotting.subplots(width=6.4, height=3.6)
    ax.plot(t, values, ".", color=plotting.PALETTE["black"], ms=4, alpha=0.5, label="signal $g_t$")
    for i, beta in enumerate(betas):
        ax.plot(t, ema(values, beta), color=plotting.colour(i), lw=2, label=f"$m_t$, β = {beta:g}")
    plotting.label(ax, "Exponential moving averages of a noisy signal, started at $m_0 = 0$",
                   "step t", "value")
    plt.show()


def plot_ema_weights(betas=(0.5, 0.9, 0.97), steps=60):
    """The weight (1 − β) β^(t−i) an EMA gives to each past value g_i, at t = steps."""
    fig, ax = plotting.subplots(width=6.4, height=3.6)
    ages = np.arange(steps - 1, -1, -1)  # how many steps ago g_i arrived
    for i, beta in enumerate(betas):
        ax.plot(ages, ema_weights(beta, steps), ".-", color=plotting.colour(i), lw=1, ms=3,
                label=f"β = {beta:g} (window 1/(1−β) = {effective_window(beta):.0f})")
        ax.axvline(effective_window(beta), color=plotting.colour(i), ls=":", lw=1)
    plotting.label(ax, "How much m_t weighs each past gradient (dotted: 1/(1−β))",
                   "age t − i (steps ago)", "weight (1 − β) β^(t−i)")
    plt.show()


def plot_paths_on_contours(ax, objective, traces):
    """Contours of a 2-D objective with one labelled path per (label, trace): the paths."""
    plotting.plot_contours(ax, objective, num=120, levels=15)
    return [plotting.plot_path_2d(ax, trace.x, label=name, color=plotting.colour(i))
            for i, (name, trace) in enumerate(traces)]


def plot_loss_curves(ax, traces, title):
    """f(x_t) against t on a log scale, one line per (label, trace): the lines."""
    lines = [ax.semilogy(np.arange(len(trace.f)), trace.f, color=plotting.colour(i), lw=1.5, label=name)[0]
             for i, (name, trace) in enumerate(traces)]
    plotting.drop_minor_ticks(ax)
    plotting.label(ax, title, "step t", "f(x_t) (log scale)", loc="upper right", title_y=1.0)
    return lines


def bowl_traces(beta, learning_rate=BOWL_RATE, steps=BOWL_STEPS):
    """Gradient descent and undamped momentum on the bowl, same α, same start."""
    return [("gradient descent", run(SGD(learning_rate), BOWL, BOWL_START, steps)),
            (f"momentum β = {beta:g}", run(Momentum(learning_rate, beta), BOWL, BOWL_START, steps))]


class BowlFigure:
    """Two optimisers on the bowl, built once with fixed margins: their paths on the
    contours (left) and a log-scale panel of their curves (right, drawn by the subclass).
    `show(traces, ...)` moves the paths, relabels them and returns the figure as PNG."""

    def __init__(self, traces, title):
        fig = plotting.live_figure(9.6, 3.6)
        self.paths_ax, self.curves_ax = fig.subplots(1, 2, gridspec_kw=dict(
            left=0.07, right=0.99, bottom=0.13, top=0.92, wspace=0.28))
        self.paths = plot_paths_on_contours(self.paths_ax, BOWL, traces)
        plotting.label(self.paths_ax, title, "x", "y", title_y=1.0)
        self.curves = self.draw_curves(self.curves_ax, traces)
        plotting.fix_label_positions(fig.get_axes(), lefts=(-0.12, -0.18))
        changing = [*self.paths_ax.get_lines(), *self.curves_ax.get_lines(), self.paths_ax.title]
        self.live = plotting.LiveFigure(fig, changing, rebuilt_legends=fig.get_axes())
        self.figure = fig

    def show(self, traces, title):
        """Redraw both panels for these (name, trace) pairs; the PNG bytes of the figure."""
        for path, (name, trace) in zip(self.paths, traces):
            plotting.move_path(path, trace.x[:, 0], trace.x[:, 1])
            path[0].set_label(name)
        self.paths_ax.title.set_text(title)
        self.paths_ax.legend(loc="best", fontsize=8)
        self.move_curves(traces)
        self.curves_ax.relim()
        self.curves_ax.autoscale_view()
        plotting.drop_minor_ticks(self.curves_ax)
        self.curves_ax.legend(loc="best", fontsize=8)
        return self.live.png()


class MomentumFigure(BowlFigure):
    """Gradient descent and momentum on the bowl: paths (left), losses (right)."""

    def draw_curves(self, ax, traces):
        return plot_loss_curves(ax, traces, f"Loss over {BOWL_STEPS} steps")

    def move_curves(self, traces):
        for line, (name, trace) in zip(self.curves, traces):
            line.set_data(np.arange(len(trace.f)), trace.f)
            line.set_label(name)


PATHS_TITLE = f"Paths on {BOWL.formula}, α = {BOWL_RATE:g}"


@functools.cache
def _momentum_figure():
    """The one figure every call of explore_momentum redraws (one per kernel)."""
    return MomentumFigure(bowl_traces(0.7), PATHS_TITLE)


def draw_momentum(beta=0.7):
    """The slider's figure for this β, and its PNG bytes."""
    figure = _momentum_figure()
    return figure.figure, figure.show(bowl_traces(beta), PATHS_TITLE)


def explore_momentum(beta=0.7):
    """Slider callback: gradient descent vs momentum on the bowl f(x, y) = (x² + 25y²)/2."""
    display.show(*draw_momentum(beta))


def compare_on_cubic(betas=(0.7, 0.9), learning_rate=0.02, x0=0.1, steps=40):
    """x_t against t on the cubic: gradient descent and momentum with each β."""
    fig, ax = plotting.subplots(width=6.4, height=3.8)
    plot_iterates(ax, run(SGD(learning_rate), CUBIC, x0, steps), "gradient descent", plotting.colour(0))
    for i, beta in enumerate(betas, start=1):
        plot_iterates(ax, run(Momentum(learning_rate, beta), CUBIC, x0, steps),
                      f"momentum β = {beta:g}", plotting.colour(i))
    mark_stationary_points(ax)
    ax.set_ylim(-0.2, 2.0)
    plotting.label(ax, f"Cubic from x₀ = {x0:g}, α = {learning_rate:g}", "step t", "x_t", loc="lower right")
    plt.show()
