"""Notebook 02: exponential moving averages and momentum.

    m_t = β m_{t−1} + g_t,  x_t = x_{t−1} − α m_t      (undamped heavy ball)

`explore_momentum(beta)` is the slider callback; the other functions draw the notebook's
static figures."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import NullLocator

from .. import objectives, plotting, run
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


def drop_minor_ticks(ax):
    """No minor ticks on a log-scale y axis spanning more than two decades: there they carry
    no labels and take about a third of the redraw time."""
    low, high = ax.get_ylim()
    if np.log10(high / low) > 2:
        ax.yaxis.set_minor_locator(NullLocator())


def plot_paths_on_contours(ax, objective, traces):
    """Contours of a 2-D objective with one labelled path per (label, trace)."""
    plotting.plot_contours(ax, objective, num=120, levels=15)
    for i, (name, trace) in enumerate(traces):
        plotting.plot_path_2d(ax, trace.x, label=name, color=plotting.colour(i))


def plot_loss_curves(ax, traces, title):
    """f(x_t) against t on a log scale, one line per (label, trace)."""
    for i, (name, trace) in enumerate(traces):
        ax.semilogy(np.arange(len(trace.f)), trace.f, color=plotting.colour(i), lw=1.5, label=name)
    drop_minor_ticks(ax)
    plotting.label(ax, title, "step t", "f(x_t) (log scale)")


def bowl_traces(beta, learning_rate=BOWL_RATE, steps=BOWL_STEPS):
    """Gradient descent and undamped momentum on the bowl, same α, same start."""
    return [("gradient descent", run(SGD(learning_rate), BOWL, BOWL_START, steps)),
            (f"momentum β = {beta:g}", run(Momentum(learning_rate, beta), BOWL, BOWL_START, steps))]


def explore_momentum(beta=0.7):
    """Slider callback: gradient descent vs momentum on the bowl f(x, y) = (x² + 25y²)/2."""
    traces = bowl_traces(beta)
    fig, (paths, losses) = plotting.subplots(2, width=4.8, height=3.6)
    plot_paths_on_contours(paths, BOWL, traces)
    plotting.label(paths, f"Paths on {BOWL.formula}, α = {BOWL_RATE:g}", "x", "y")
    plot_loss_curves(losses, traces, f"Loss over {BOWL_STEPS} steps")
    plt.show()


def compare_on_cubic(betas=(0.7, 0.9), learning_rate=0.02, x0=0.1, steps=40):
    """x_t against t on the cubic: gradient descent and momentum with each β."""
    fig, ax = plotting.subplots(width=6.4, height=3.8)
    plot_iterates(ax, run(SGD(learning_rate), CUBIC, x0, steps), "gradient descent", plotting.colour(0))
    for i, beta in enumerate(betas, start=1):
        plot_iterates(ax, run(Momentum(learning_rate, beta), CUBIC, x0, steps),
                      f"momentum β = {beta:g}", plotting.colour(i))
    mark_stationary_points(ax)
    ax.set_ylim(-0.2, 2.0)
    plotting.label(ax, f"Cubic from x₀ = {x0:g}, α = {learning_rate:g}", "step t", "x_t")
    ax.legend(loc="lower right", fontsize=8)
    plt.show()
