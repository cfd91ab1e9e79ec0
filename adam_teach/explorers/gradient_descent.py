"""Notebook 01: gradient descent on the cubic, x_t = x_{t−1} − α f′(x_{t−1}).

`explore_gradient_descent(learning_rate, x0)` is the slider callback; the other two
functions draw the notebook's static figures."""

import matplotlib.pyplot as plt
import numpy as np

from .. import objectives, plotting, run
from ..optimizers import SGD

CUBIC = objectives.cubic
LOCAL_MIN = 4 / 3
X_VIEW = (-1.0, 2.5)  # the part of the x axis every cubic figure shows
F_VIEW = (-1.5, 4.0)


def gradient_descent_trace(learning_rate, x0, steps=30):
    """adam_teach's SGD on the cubic: the path x_0 .. x_steps (shorter if it diverged)."""
    return run(SGD(learning_rate), CUBIC, x0, steps)


def outcome(trace):
    """A few words on where a cubic run ended."""
    if trace.diverged:
        return f"ran off towards −∞ (diverged at step {trace.steps + 1})"
    return f"after {trace.steps} steps: x = {float(trace.final):.6f}"


def plot_iterates(ax, trace, label, color):
    """x_t against t, start and end marked."""
    steps = np.arange(len(trace.x))
    ax.plot(steps, trace.x, ".-", color=color, lw=1, ms=4, label=label)
    plotting.mark_start_end(ax, steps, trace.x, color)


def mark_stationary_points(ax):
    """Dashed horizontal lines at the cubic's local minimum 4/3 and local maximum 0."""
    ax.axhline(LOCAL_MIN, color=plotting.PALETTE["black"], ls="--", lw=0.8, label="local min x = 4/3")
    ax.axhline(0.0, color=plotting.PALETTE["vermillion"], ls=":", lw=0.8, label="local max x = 0")


def explore_gradient_descent(learning_rate=0.1, x0=0.5, steps=30):
    """Slider callback: the path of gradient descent on f (left) and x_t against t (right)."""
    trace = gradient_descent_trace(learning_rate, x0, steps)
    fig, (on_f, over_time) = plotting.subplots(2, width=4.6, height=3.4)
    plotting.plot_function(on_f, CUBIC, *X_VIEW)
    plotting.plot_path_1d(on_f, CUBIC, trace.x, label="gradient descent", with_labels=True)
    on_f.set_xlim(*X_VIEW)
    on_f.set_ylim(*F_VIEW)
    plotting.label(on_f, f"α = {learning_rate:g}, x₀ = {x0:g}", "x", "f(x)")

    plot_iterates(over_time, trace, "x_t", plotting.PALETTE["blue"])
    mark_stationary_points(over_time)
    over_time.set_xlim(-1, steps + 1)
    over_time.set_ylim(*X_VIEW)
    if trace.diverged:
        over_time.annotate("to −∞", xy=(trace.steps, X_VIEW[0]), xytext=(trace.steps + 2, X_VIEW[0] + 0.4),
                           arrowprops={"arrowstyle": "->"}, color=plotting.PALETTE["vermillion"])
    plotting.label(over_time, outcome(trace), "step t", "x_t")
    plt.show()


def compare_learning_rates(rates, x0=0.5, steps=30):
    """x_t against t for several learning rates, in one axes."""
    fig, ax = plotting.subplots(width=6.4, height=3.8)
    for i, (name, rate) in enumerate(rates.items()):
        trace = gradient_descent_trace(rate, x0, steps)
        plot_iterates(ax, trace, f"{name}: α = {rate:g}", plotting.colour(i))
    mark_stationary_points(ax)
    ax.set_xlim(-1, steps + 1)
    ax.set_ylim(*X_VIEW)
    plotting.label(ax, f"Gradient descent on the cubic from x₀ = {x0:g}", "step t", "x_t")
    ax.legend(loc="lower right", fontsize=8)
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
    plotting.label(ax, f"Where gradient descent ends (α = {learning_rate:g})", "start x₀", "end point")
    ax.legend(loc="center right", fontsize=8)
    plt.show()
