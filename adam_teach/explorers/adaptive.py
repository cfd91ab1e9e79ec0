"""Notebook 03: one step size per coordinate, Adagrad and RMSprop on the badly scaled bowl.

    Adagrad:  s_t = s_{t−1} + g_t²,               step size α / √(s_t + ε)
    RMSprop:  v_t = ρ v_{t−1} + (1 − ρ) g_t²,     step size α / √(v_t + ε)

`explore_adaptive(learning_rate, rho)` is the slider callback; its figure is built once
and redrawn in place for each slider move (`plotting.LiveFigure`)."""

import functools

import numpy as np

from .. import display, plotting, run
from ..optimizers import Adagrad, RMSprop
from .momentum import BOWL, BOWL_START, BowlFigure

STEPS = 40
COORDINATES = ("x", "y")


def adaptive_traces(learning_rate, rho=0.9, steps=STEPS):
    """Adagrad and RMSprop on the bowl with the same α and start."""
    return [("Adagrad", run(Adagrad(learning_rate), BOWL, BOWL_START, steps)),
            (f"RMSprop ρ = {rho:g}", run(RMSprop(learning_rate, rho=rho), BOWL, BOWL_START, steps))]


def plot_step_sizes(ax, traces):
    """Each coordinate's step size α/√(·) against t: solid for x, dashed for y; the lines."""
    lines = []
    for i, (name, trace) in enumerate(traces):
        steps = np.arange(1, len(trace.step_size) + 1)
        for k, (coordinate, style) in enumerate(zip(COORDINATES, ("-", "--"))):
            lines += ax.semilogy(steps, trace.step_size[:, k], style, color=plotting.colour(i), lw=1.5,
                                 label=f"{name}, {coordinate}")
    plotting.drop_minor_ticks(ax)
    plotting.label(ax, "Step size of each coordinate", "step t", "step size (log scale)", title_y=1.0)
    return lines


class AdaptiveFigure(BowlFigure):
    """Adagrad and RMSprop on the bowl: paths (left), per-coordinate step sizes (right)."""

    def draw_curves(self, ax, traces):
        return plot_step_sizes(ax, traces)

    def move_curves(self, traces):
        lines = iter(self.curves)
        for name, trace in traces:
            steps = np.arange(1, len(trace.step_size) + 1)
            for k, coordinate in enumerate(COORDINATES):
                line = next(lines)
                line.set_data(steps, trace.step_size[:, k])
                line.set_label(f"{name}, {coordinate}")


def paths_title(learning_rate):
    return f"{STEPS} steps with α = {learning_rate:g}"


@functools.cache
def _adaptive_figure():
    """The one figure every call of explore_adaptive redraws (one per kernel)."""
    return AdaptiveFigure(adaptive_traces(0.3, 0.9), paths_title(0.3))


def draw_adaptive(learning_rate=0.3, rho=0.9):
    """The slider's figure for these values, and its PNG bytes."""
    figure = _adaptive_figure()
    return figure.figure, figure.show(adaptive_traces(learning_rate, rho), paths_title(learning_rate))


def explore_adaptive(learning_rate=0.3, rho=0.9):
    """Slider callback: paths of Adagrad and RMSprop (left), their per-coordinate step sizes (right)."""
    display.show(*draw_adaptive(learning_rate, rho))
