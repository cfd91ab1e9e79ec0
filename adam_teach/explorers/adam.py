"""The Adam explorer (notebook 05): Adam (paper Algorithm 1) on the cubic for given
slider values, drawn as one figure with three panels:

1. the path on the graph of f,
2. the iterate x_t against the step t,
3. the internals: |m̂_t|, √v̂_t and the effective step size α / (√v̂_t + ε).

The figure is built once and then redrawn in place for each slider move
(`plotting.LiveFigure`): a slider update has to be quick to feel live.
"""

import functools

import numpy as np
from matplotlib.ticker import LogFormatter, LogLocator, MaxNLocator, NullLocator

from .. import display, objectives, plotting, run
from ..optimizers import Adam

DEFAULTS = dict(learning_rate=0.05, beta_1=0.9, beta_2=0.999, epsilon=1e-7, x0=0.001, steps=100)
CUBIC = objectives.cubic
MINIMUM = CUBIC.stationary_points[1].x  # 4/3


def adam_trace(learning_rate=0.05, beta_1=0.9, beta_2=0.999, epsilon=1e-7, x0=0.001, steps=100):
    """Adam (Algorithm 1, float64) on the cubic: the Trace the explorer draws."""
    optimizer = Adam(learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
    return run(optimizer, CUBIC, x0, steps)


def _view(xs, margin=0.25):
    """The x-range to draw f over: the plot range, widened to hold the whole path."""
    (low, high), = CUBIC.plot_range
    return min(low, float(xs.min()) - margin), max(high, float(xs.max()) + margin)


def describe(trace):
    """The figure's title: where the run ended (the sliders, or the call, show its settings)."""
    xs = np.ravel(trace.x)
    status = trace.message or f"x = {xs[-1]:.4f}, f = {float(CUBIC.f(xs[-1])):.4f} after {trace.steps} steps"
    return f"Adam on the cubic from x₀ = {xs[0]:g}: {status}"


class AdamFigure:
    """The three panels, built once with fixed margins, label positions and title heights
    (nothing that matplotlib would recompute on every draw) and a few places for each
    legend; `show(trace)` moves the lines to a new run and returns the figure as PNG."""

    def __init__(self, trace):
        fig = plotting.live_figure(12.6, 3.5)
        self.axes = ax_f, ax_x, ax_in = fig.subplots(1, 3, gridspec_kw=dict(
            left=0.07, right=0.99, bottom=0.15, top=0.80, wspace=0.27))
        for ax in self.axes:  # few ticks: tick labels are most of the drawing time
            ax.xaxis.set_major_locator(MaxNLocator(4))
            ax.yaxis.set_major_locator(MaxNLocator(5))
        xs, blue = np.ravel(trace.x), plotting.PALETTE["blue"]

        plotting.plot_function(ax_f, CUBIC, *_view(xs), num=200)
        self.graph_of_f = ax_f.get_lines()[-1]
        self.path_on_f = plotting.plot_path_1d(ax_f, CUBIC, xs, label="Adam path", color=blue,
                                               with_labels=True)
        plotting.label(ax_f, "Path on f", "x", "f(x)", legend=True, title_y=1.0)

        ax_x.axhline(MINIMUM, color=plotting.PALETTE["black"], ls="--", lw=1, label="minimum x = 4/3")
        self.iterates = (ax_x.plot(np.arange(len(xs)), xs, color=blue, lw=1.5, label="x_t")[0],
                         *plotting.mark_start_end(ax_x, np.arange(len(xs)), xs, blue))
        plotting.label(ax_x, "Iterate against step", "step t", "x_t", legend=True, title_y=1.0)

        for name, key in (("|m̂_t|", "orange"), ("√v̂_t", "green"), ("α / (√v̂_t + ε)", "vermillion")):
            ax_in.plot([], [], color=plotting.PALETTE[key], label=name)
        ax_in.set_yscale("log")
        ax_in.yaxis.set_major_locator(LogLocator(numticks=5))
        ax_in.yaxis.set_minor_locator(NullLocator())
        ax_in.yaxis.set_major_formatter(LogFormatter())  # plain "0.01", not math text: faster
        plotting.label(ax_in, "Adam's internals", "step t", "value (log scale)", legend=True,
                       title_y=1.0)

        # fixed, so that they can stay in the kept background (log tick labels are wider)
        plotting.fix_label_positions(self.axes, lefts=(-0.18, -0.18, -0.21), below=-0.14)
        self.title = fig.suptitle("", fontsize=10)
        lines = [line for ax in self.axes for line in ax.get_lines()]
        places = (("upper left", "lower right", "lower left", "upper right"),  # the first is preferred
                  ("lower right", "upper right", "center right", "lower left"),
                  ("upper right", "lower right", "lower left", "upper left"))
        self.live = plotting.LiveFigure(fig, lines + [self.title],
                                        {ax.get_legend(): p for ax, p in zip(self.axes, places)})
        self.figure = fig

    def show(self, trace):
        """Redraw the panels for this trace; the PNG bytes of the figure."""
        ax_f, _, ax_in = self.axes
        xs = np.ravel(trace.x)
        t, fs = np.arange(len(xs)), CUBIC.f(xs)
        grid = np.linspace(*_view(xs), 200)
        self.graph_of_f.set_data(grid, CUBIC.f(grid))
        plotting.move_path(self.path_on_f, xs, fs)
        plotting.move_path(self.iterates, t, xs)
        steps = np.arange(1, trace.steps + 1)
        internals = (np.abs(trace.m_hat), np.sqrt(trace.v_hat), trace.step_size) if trace.steps else ([],) * 3
        for line, values in zip(ax_in.get_lines(), internals):
            line.set_data(steps, np.ravel(values))
        for ax in self.axes:
            ax.relim()
            ax.autoscale_view()
        ax_f.set_ylim(min(0.0, float(fs.min())) - 0.3, max(4.0, float(fs.max())) + 0.3)
        self.title.set_text(describe(trace))
        return self.live.png()


@functools.cache
def _adam_figure():
    """The one figure every call of explore_adam redraws (one per kernel, never closed)."""
    return AdamFigure(adam_trace(**DEFAULTS))


def draw_adam(trace):
    """The explorer's figure showing this Trace of Adam on the cubic, and its PNG bytes."""
    figure = _adam_figure()
    return figure.figure, figure.show(trace)


def draw_adam_run(learning_rate=0.05, beta_1=0.9, beta_2=0.999, epsilon=1e-7, x0=0.001, steps=100):
    """Run Adam with these values: the explorer's figure and its PNG bytes."""
    return draw_adam(adam_trace(learning_rate, beta_1, beta_2, epsilon, x0, steps))


def explore_adam(learning_rate=0.05, beta_1=0.9, beta_2=0.999, epsilon=1e-7, x0=0.001, steps=100):
    """Run Adam with these values and show the three panels."""
    display.show(*draw_adam_run(learning_rate, beta_1, beta_2, epsilon, x0, steps))
