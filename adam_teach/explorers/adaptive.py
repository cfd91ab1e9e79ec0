"""Notebook 03: one step size per coordinate, Adagrad and RMSprop on the badly scaled bowl.

    Adagrad:  s_t = s_{t−1} + g_t²,               step size α / √(s_t + ε)
    RMSprop:  v_t = ρ v_{t−1} + (1 − ρ) g_t²,     step size α / √(v_t + ε)

`draw_adaptive(learning_rate, rho)` draws the explorer's figure (controls.explore calls it
on every slider move): the figure is built once and redrawn in place
(`plotting.LiveFigure`); `explore_adaptive` shows it for given values."""

import functools

import numpy as np

from . import controls
from .. import display, plotting, run
from ..optimizers import Adagrad, RMSprop
from .momentum import BOWL, BOWL_START, BowlFigure, style_of

STEPS = 40
COORDINATES = ("x", "y")
LINE_STYLES = ("-", "--")  # of the coordinates x and y; each optimiser has its colour and marker
# The step-size axis is fixed over the sliders' range (α from 0.01 to 1, ρ from 0.5 to 0.99:
# step sizes from 5.6e-5 to 8.5), so that lines can be compared while dragging (and its
# ticks are drawn once); it spans the 6 decades the step sizes take.
STEP_SIZE_VIEW = (3e-5, 20)


def adaptive_traces(learning_rate, rho=0.9, steps=STEPS):
    """Adagrad and RMSprop on the bowl with the same α and start."""
    return [("Adagrad", run(Adagrad(learning_rate), BOWL, BOWL_START, steps)),
            ("RMSprop", run(RMSprop(learning_rate, rho=rho), BOWL, BOWL_START, steps))]


def plot_step_sizes(ax, traces):
    """Each coordinate's step size α/√(·) against t, in its optimiser's colour and marker:
    solid for x, dashed for y; the lines."""
    lines = []
    for name, trace in traces:
        steps = np.arange(1, len(trace.step_size) + 1)
        for k, (coordinate, line_style) in enumerate(zip(COORDINATES, LINE_STYLES)):
            style = dict(style_of(name), linestyle=line_style)
            lines += ax.semilogy(steps, trace.step_size[:, k], lw=1.5, ms=5, markevery=(k * 2, 4),
                                 label=f"{name}, {coordinate}", **style)
    ax.set_ylim(*STEP_SIZE_VIEW)
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
            for k in range(len(COORDINATES)):
                next(lines).set_data(steps, trace.step_size[:, k])


def paths_title(learning_rate, rho=0.9):
    """The explorer's left title: α and ρ as their sliders read them out."""
    return f"{STEPS} steps, α = {controls.readout(learning_rate)}, RMSprop ρ = {controls.readout(rho, decimals=2)}"


@functools.cache
def _adaptive_figure():
    """The one figure every call of draw_adaptive redraws (one per kernel)."""
    return AdaptiveFigure(adaptive_traces(0.3, 0.9), paths_title(0.3, 0.9))


def draw_adaptive(learning_rate=0.3, rho=0.9):
    """The explorer's figure for these values, and its PNG bytes."""
    figure = _adaptive_figure()
    return figure.figure, figure.show(adaptive_traces(learning_rate, rho), paths_title(learning_rate, rho))


def explore_adaptive(learning_rate=0.3, rho=0.9):
    """Paths of Adagrad and RMSprop (left), their per-coordinate step sizes (right), shown."""
    display.show(*draw_adaptive(learning_rate, rho))
