"""The Adam explorer (notebook 05): Adam (paper Algorithm 1) on the cubic for given
slider values, drawn as one figure with three panels:

1. the path on the graph of f,
2. the iterate x_t against the step t,
3. the internals: |m̂_t|, √v̂_t and the effective step size α / (√v̂_t + ε).
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import LogFormatter, LogLocator, MaxNLocator, NullLocator

from .. import objectives, plotting, run
from ..optimizers import Adam

DEFAULTS = dict(learning_rate=0.05, beta_1=0.9, beta_2=0.999, epsilon=1e-7, x0=0.001, steps=100)


def adam_trace(learning_rate=0.05, beta_1=0.9, beta_2=0.999, epsilon=1e-7, x0=0.001, steps=100):
    """Adam (Algorithm 1, float64) on the cubic: the Trace the explorer draws."""
    optimizer = Adam(learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
    return run(optimizer, objectives.cubic, x0, steps)


def _view(xs, margin=0.25):
    """The x-range to draw f over: the plot range, widened to hold the whole path."""
    (low, high), = objectives.cubic.plot_range
    return min(low, float(xs.min()) - margin), max(high, float(xs.max()) + margin)


def _three_panels():
    """Three axes side by side with fixed margins. A constrained layout would look the
    same here but costs a second layout pass on every slider move."""
    plotting.use_course_style()
    fig, axes = plt.subplots(1, 3, figsize=(12.6, 3.5), gridspec_kw=dict(
        left=0.055, right=0.99, bottom=0.15, top=0.80, wspace=0.27))
    for ax in axes:  # few ticks: tick labels are most of the drawing time
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.yaxis.set_major_locator(MaxNLocator(5))
    return fig, axes


def draw_adam(trace):
    """Draw a Trace of Adam on a 1-D objective: path on f, x against t, internals."""
    objective = trace.objective
    xs = np.ravel(trace.x)
    t = np.arange(len(xs))
    fig, (ax_f, ax_x, ax_in) = _three_panels()

    low, high = _view(xs)
    plotting.plot_function(ax_f, objective, low, high, num=200)
    plotting.plot_path_1d(ax_f, objective, xs, label="Adam path", color=plotting.PALETTE["blue"],
                          with_labels=True)
    status = trace.message or f"x = {xs[-1]:.4f}, f = {float(objective.f(xs[-1])):.4f} after {trace.steps} steps"
    plotting.label(ax_f, "Path on f", "x", "f(x)", legend=True)
    ax_f.set_ylim(min(0.0, float(objective.f(xs).min())) - 0.3, max(4.0, float(objective.f(xs).max())) + 0.3)

    minimum = objectives.cubic.stationary_points[1].x
    ax_x.axhline(minimum, color=plotting.PALETTE["black"], ls="--", lw=1, label="minimum x = 4/3")
    ax_x.plot(t, xs, color=plotting.PALETTE["blue"], lw=1.5, label="x_t")
    plotting.mark_start_end(ax_x, t, xs, plotting.PALETTE["blue"])
    plotting.label(ax_x, "Iterate against step", "step t", "x_t", legend=True)

    if trace.steps:
        steps = np.arange(1, trace.steps + 1)
        ax_in.plot(steps, np.abs(np.ravel(trace.m_hat)), color=plotting.PALETTE["orange"], label="|m̂_t|")
        ax_in.plot(steps, np.sqrt(np.ravel(trace.v_hat)), color=plotting.PALETTE["green"], label="√v̂_t")
        ax_in.plot(steps, np.ravel(trace.step_size), color=plotting.PALETTE["vermillion"],
                   label="α / (√v̂_t + ε)")
        ax_in.set_yscale("log")
        ax_in.yaxis.set_major_locator(LogLocator(numticks=5))
        ax_in.yaxis.set_minor_locator(NullLocator())
        ax_in.yaxis.set_major_formatter(LogFormatter())  # plain "0.01", not math text: faster
    plotting.label(ax_in, "Adam's internals", "step t", "value (log scale)", legend=True)
    fig.suptitle(f"Adam on the cubic (α = {trace.optimizer.learning_rate:g}, "
                 f"β₁ = {trace.optimizer.beta_1:g}, β₂ = {trace.optimizer.beta_2:g}, "
                 f"ε = {trace.optimizer.epsilon:.0e}, x₀ = {xs[0]:g}): {status}", fontsize=10)
    return fig


def explore_adam(learning_rate=0.05, beta_1=0.9, beta_2=0.999, epsilon=1e-7, x0=0.001, steps=100):
    """The slider callback: run Adam with these values and show the three panels."""
    draw_adam(adam_trace(learning_rate, beta_1, beta_2, epsilon, x0, steps))
    plt.show()
