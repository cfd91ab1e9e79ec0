"""Notebook 03: one step size per coordinate, Adagrad and RMSprop on the badly scaled bowl.

    Adagrad:  s_t = s_{t−1} + g_t²,               step size α / √(s_t + ε)
    RMSprop:  v_t = ρ v_{t−1} + (1 − ρ) g_t²,     step size α / √(v_t + ε)

`explore_adaptive(learning_rate, rho)` is the slider callback."""

import matplotlib.pyplot as plt
import numpy as np

from .. import plotting, run
from ..optimizers import Adagrad, RMSprop
from .momentum import BOWL, BOWL_START, drop_minor_ticks, plot_paths_on_contours

STEPS = 40
COORDINATES = ("x", "y")


def adaptive_traces(learning_rate, rho=0.9, steps=STEPS):
    """Adagrad and RMSprop on the bowl with the same α and start."""
    return [("Adagrad", run(Adagrad(learning_rate), BOWL, BOWL_START, steps)),
            (f"RMSprop ρ = {rho:g}", run(RMSprop(learning_rate, rho=rho), BOWL, BOWL_START, steps))]


def plot_step_sizes(ax, traces):
    """Each coordinate's step size α/√(·) against t: solid for x, dashed for y."""
    for i, (name, trace) in enumerate(traces):
        steps = np.arange(1, len(trace.step_size) + 1)
        for k, (coordinate, style) in enumerate(zip(COORDINATES, ("-", "--"))):
            ax.semilogy(steps, trace.step_size[:, k], style, color=plotting.colour(i), lw=1.5,
                        label=f"{name}, {coordinate}")
    drop_minor_ticks(ax)
    plotting.label(ax, "Step size of each coordinate", "step t", "step size (log scale)")


def explore_adaptive(learning_rate=0.3, rho=0.9):
    """Slider callback: paths of Adagrad and RMSprop (left), their per-coordinate step sizes (right)."""
    traces = adaptive_traces(learning_rate, rho)
    fig, (paths, sizes) = plotting.subplots(2, width=4.8, height=3.6)
    plot_paths_on_contours(paths, BOWL, traces)
    plotting.label(paths, f"{STEPS} steps with α = {learning_rate:g}", "x", "y")
    plot_step_sizes(sizes, traces)
    plt.show()
