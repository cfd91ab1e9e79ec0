"""The 2-D Adam explorer (notebook 07): Adam (paper Algorithm 1) on a surface of two
coordinates, drawn as one figure with three panels:

1. the path on the contours of f,
2. coordinate x: |g_t|, |m̂_t|, √v̂_t and the step |Δ_t| = α |m̂_t| / (√v̂_t + ε) against t,
3. coordinate y: the same four, on the same scale,

so that each coordinate's own step size shows: on the axis-aligned bowl √v̂ of y is about 25
times that of x (its gradient is), on the bowl turned by 45° both coordinates see the same
mix of the steep and the flat direction and get the same √v̂.

Each surface's figure is built once and redrawn in place for each slider move
(`plotting.LiveFigure`): a slider update has to be quick to feel live.
"""

import dataclasses
import functools
import math
import re

import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import display, objectives, plotting, run, validation
from ..optimizers import Adam
from . import controls

SURFACES = {
    "bowl": objectives.bowl,
    "rotated bowl": objectives.rotated_bowl,
    "Rosenbrock": objectives.rosenbrock,
    "saddle": objectives.saddle,
}
NAMES = {"bowl": "the bowl", "rotated bowl": "the rotated bowl", "Rosenbrock": "Rosenbrock's function",
         "saddle": "the saddle"}  # as the title says them
VIEW = ((-4.2, 4.2), (-4.2, 4.2))  # every surface over the whole range of the start sliders, and a little more
DEFAULTS = dict(surface="bowl", learning_rate=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                x0=-3.5, y0=1.2, steps=100)
SMALLEST = 1e-12  # a value of exactly 0 (a coordinate that never moves) drawn here, on the log scale

# (label, colour, line style, width) of the four lines of each coordinate's panel: each its
# own line style, so that they differ by more than colour
INTERNALS = (("|g_t|", "black", ":", 1.2), ("|m̂_t|", "orange", "--", 1.5),
             ("√v̂_t", "green", "-.", 1.5), ("step |Δ_t| = α|m̂_t|/(√v̂_t + ε)", "vermillion", "-", 2.2))


def adam_2d_trace(surface="bowl", learning_rate=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                  x0=-3.5, y0=1.2, steps=100):
    """Adam (Algorithm 1, float64) on one of SURFACES from (x0, y0): the Trace drawn."""
    objective = SURFACES[validation.one_of("surface", surface, SURFACES)]
    optimizer = Adam(learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
    return run(optimizer, objective, validation.finite_point("start", (x0, y0), "float64"), steps)


def per_coordinate(trace):
    """t = 1..T and, for each coordinate (the last axis), |g_t|, |m̂_t|, √v̂_t and the step
    |Δ_t| = α |m̂_t| / (√v̂_t + ε) (paper Algorithm 1): four arrays of shape (T, 2)."""
    steps = np.arange(1, trace.steps + 1)
    if not trace.steps:
        return steps, (np.zeros((0, 2)),) * 4
    return steps, (np.abs(trace.grad[:-1]), np.abs(trace.m_hat), np.sqrt(trace.v_hat), np.abs(trace.update))


def describe(trace, surface):
    """The figure's title: the run's settings and where it ended."""
    adam, (x, y) = trace.optimizer, trace.x[0]
    # each value as its slider's readout shows it
    settings = (f"α = {controls.readout(adam.learning_rate)}, β₁ = {adam.beta_1:.2f}, β₂ = {adam.beta_2:.4f}, "
                f"ε = {controls.readout(adam.epsilon, scientific=True)}")
    end = trace.message or f"f = {float(trace.f[-1]):.2g} after {trace.steps} steps"
    return f"Adam ({settings}) on {NAMES[surface]} from ({x:.1f}, {y:.1f}): {end}"


# the panels' bottom and top (figure fractions), and how far below them the legends are (axes fraction)
BOTTOM, TOP, LEGEND_BELOW = 0.28, 0.8, 0.22


class Adam2dFigure:
    """The three panels for one surface, built once with fixed margins, label positions and
    title heights and a few places for each legend; `show(trace)` moves the lines to a new
    run and returns the figure as PNG bytes."""

    def __init__(self, surface):
        self.surface = surface
        objective = dataclasses.replace(SURFACES[surface], plot_range=VIEW)
        fig = plotting.live_figure(9.4, 4.3)
        # the two lines of titles at the top, the legends below the panels
        self.axes = ax_path, ax_x, ax_y = fig.subplots(1, 3, gridspec_kw=dict(
            left=0.07, right=0.99, bottom=BOTTOM, top=TOP, wspace=0.3, width_ratios=(1.0, 1.1, 1.1)))
        for ax in (ax_x, ax_y):  # few ticks: tick labels are most of the drawing time
            ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
        ax_path.xaxis.set_major_locator(MaxNLocator(5))
        ax_path.yaxis.set_major_locator(MaxNLocator(5))
        ax_y.tick_params(labelleft=False)  # the same scale as x's panel, labelled there only

        plotting.plot_contours(ax_path, objective, levels=15, num=100)  # few lines: a smaller PNG
        adam = plotting.optimizer_style("Adam")
        self.path = plotting.plot_path_2d(ax_path, np.zeros((1, 2)), label="Adam path", color=adam["color"],
                                          with_labels=True)
        self.path[0].set(linestyle=adam["linestyle"], marker=adam["marker"], markersize=4)
        plotting.label(ax_path, re.sub(r" \([^()]*\)$", "", objective.formula), "x", "y", legend=False, title_y=1.0)
        below = dict(loc="upper center", borderaxespad=0.0, ncols=2, columnspacing=1.0, handlelength=2.5)
        ax_path.legend(bbox_to_anchor=(0.5, -LEGEND_BELOW), **below)

        self.internals = []
        for ax, coordinate in ((ax_x, "x"), (ax_y, "y")):
            self.internals.append([ax.plot([], [], color=plotting.PALETTE[colour], ls=style, lw=width,
                                           label=name)[0] for name, colour, style, width in INTERNALS])
            ax.set_yscale("log")
            plotting.label(ax, f"Coordinate {coordinate}: its √v̂ and step", "step t",
                           "size (log scale)" if coordinate == "x" else "size (the same scale)",
                           legend=False, title_y=1.0)
        # one legend for both coordinates' panels (their lines look the same), below them
        centre = 0.5 * (ax_x.get_position().x0 + ax_y.get_position().x1)
        ax_x.legend(bbox_to_anchor=(centre, BOTTOM - LEGEND_BELOW * (TOP - BOTTOM)), bbox_transform=fig.transFigure,
                    **below)

        plotting.fix_label_positions(self.axes, lefts=(-0.17, -0.21, -0.06), below=-0.11)
        self.title = fig.suptitle("", fontsize=10, y=0.975)
        fig.text(0.5, 0.9, "Compare the two coordinates: each one's step (red, solid) is α·m̂/(√v̂ + ε) "
                 "with its own √v̂ (green, dash-dot).", ha="center", fontsize=10)
        lines = [line for ax in self.axes for line in ax.get_lines()]
        self.live = plotting.LiveFigure(fig, lines + [self.title])
        self.figure = fig

    def show(self, trace):
        """Redraw the panels for this trace; the PNG bytes of the figure."""
        _, ax_x, ax_y = self.axes
        plotting.move_path(self.path, trace.x[:, 0], trace.x[:, 1])
        steps, values = per_coordinate(trace)
        for coordinate, lines in enumerate(self.internals):
            for line, value in zip(lines, values):
                line.set_data(steps, np.maximum(value[:, coordinate], SMALLEST))
        low, high = shared_range(values)
        last = STEP_AXIS_UNIT * math.ceil(max(trace.steps, 1) / STEP_AXIS_UNIT)
        for ax in (ax_x, ax_y):  # a small margin: no grid line on a spine
            ax.set_xlim(-0.02 * last, 1.02 * last)  # changes only every STEP_AXIS_UNIT steps
            ax.set_ylim(low / 1.5, high * 1.5)
            plotting.plain_log_ticks(ax.yaxis, numticks=6)
            plotting.drop_minor_ticks(ax)
        self.title.set_text(describe(trace, self.surface))
        return self.live.png()


# The step axes end at the next multiple of STEP_AXIS_UNIT steps: moving the steps slider
# keeps their ticks (kept as pixels) for 25 steps at a time; drawing new ticks on two axes
# made the steps slider the slowest control in the browser (p90 157 ms).
STEP_AXIS_UNIT = 25

# The log axes are clipped to the decades that carry information: at most DECADES below the
# largest value drawn. A size 10⁻⁸ times the largest changes no step a learner can see, and
# more decades would squeeze the ones that matter (a size of exactly 0, a coordinate that never
# moves, is drawn at SMALLEST, below every range: not drawn, as notebook 07 says).
DECADES = 8


def shared_range(values, decades=DECADES):
    """One log-scale range for both coordinates' panels, so that their sizes compare: whole
    powers of ten from above the largest value down to below the smallest, but at most
    `decades` of them (whole decades: most slider moves keep the range, and its ticks)."""
    positive = np.concatenate([np.ravel(v) for v in values] + [[1.0]])
    positive = positive[np.isfinite(positive) & (positive > 0)]
    high = np.ceil(np.log10(positive.max()))
    low = max(np.floor(np.log10(positive.min())), high - decades)
    return 10.0**low, 10.0**high


@functools.cache
def _adam_2d_figures():
    """The figure every call of explore_adam_2d redraws, one per surface and kernel (each
    keeps its own contours as pixels), all built and drawn on the first call: switching to
    another surface then only redraws its lines (building one took 100 to 300 ms)."""
    figures = {surface: Adam2dFigure(surface) for surface in SURFACES}
    for surface, figure in figures.items():
        figure.show(adam_2d_trace(surface))  # its kept pixels and its ticks drawn once
    return figures


def draw_adam_2d(surface="bowl", learning_rate=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 x0=-3.5, y0=1.2, steps=100):
    """The explorer's figure for these values, and its PNG bytes."""
    trace = adam_2d_trace(surface, learning_rate, beta_1, beta_2, epsilon, x0, y0, steps)
    figure = _adam_2d_figures()[surface]
    return figure.figure, figure.show(trace)


def explore_adam_2d(surface="bowl", learning_rate=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                    x0=-3.5, y0=1.2, steps=100):
    """The slider callback: run Adam with these values and show the three panels."""
    display.show(*draw_adam_2d(surface, learning_rate, beta_1, beta_2, epsilon, x0, y0, steps))
