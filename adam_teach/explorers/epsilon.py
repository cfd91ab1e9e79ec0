"""Paper vs Keras as ε changes (notebook 06). Both runs are float64, so the only
difference is where ε sits: Algorithm 1 adds ε to √v̂_t, Keras adds ε̂ to √v_t, which is
Algorithm 1 with ε_eff = ε̂ / √(1 − β₂ᵗ) (paper, end of §2).

`draw_epsilon(epsilon, learning_rate, steps)` draws the explorer's figure; it is built once,
as wide as the notebook, and redrawn in place for each slider move (`plotting.LiveFigure`).
Each panel's legend stands below it, so that it never hides a line."""

import functools
import math

import numpy as np
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .. import display, objectives, plotting, run
from ..optimizers import Adam
from . import controls
from .adam import (clip_note, clipped_log_range, label_lefts, legend_below, padded, short_log_label,
                   snap_limits)

FORMS = ("paper Algorithm 1 (ε)", "Keras form (ε̂)")
# The gap's log axis shows at most DECADES decades below the largest gap: a gap of exactly 0
# (or of one rounding, 1e-16) would squash the rest into a few pixels. Smaller gaps are drawn
# on the bottom edge, and the panel says so.
DECADES = 6


def paper_and_keras_traces(epsilon=1e-7, learning_rate=0.05, x0=0.001, steps=100):
    """(paper Algorithm 1, Keras's ε̂ form), both float64 on the cubic."""
    paper = run(Adam(learning_rate, epsilon=epsilon), objectives.cubic, x0, steps)
    keras = run(Adam(learning_rate, epsilon=epsilon, epsilon_hat=True), objectives.cubic, x0, steps)
    return paper, keras


def paper_and_keras_paths(epsilon=1e-7, learning_rate=0.05, x0=0.001, steps=100):
    """x_0, …, x_steps of both forms: the paths of paper_and_keras_traces, bit for bit (a
    float64 is Python's float, and the loop does Adam's operations in its order), in a tenth
    of the time, which a slider update needs. If a path is not finite, the traces' paths."""
    Adam(learning_rate, epsilon=epsilon)  # rejects what the runs would reject
    beta_1, beta_2, alpha, eps = Adam.beta_1, Adam.beta_2, float(learning_rate), float(epsilon)
    paper, keras = [float(x0)], [float(x0)]
    with np.errstate(all="ignore"):
        x, m, v = paper[0], 0.0, 0.0
        for t in range(1, steps + 1):  # Adam._step_algorithm_1
            g = 3 * (x * x) - 4 * x  # the cubic's gradient, as objectives.cubic computes it
            m = beta_1 * m + (1.0 - beta_1) * g
            v = beta_2 * v + (1.0 - beta_2) * (g * g)
            m_hat, v_hat = m / (1.0 - beta_1**t), v / (1.0 - beta_2**t)
            x = x - alpha / (math.sqrt(v_hat) + eps) * m_hat
            paper.append(x)
        x, m, v = keras[0], 0.0, 0.0
        for t in range(1, steps + 1):  # Adam._step_efficient
            g = 3 * (x * x) - 4 * x
            alpha_t = alpha * math.sqrt(1.0 - beta_2**t) / (1.0 - beta_1**t)
            m = m + (g - m) * (1 - beta_1)
            v = v + (g * g - v) * (1 - beta_2)
            x = x - (m * alpha_t) / (math.sqrt(v) + eps)
            keras.append(x)
    paths = np.array(paper), np.array(keras)
    if not all(np.all(np.isfinite(path)) for path in paths):
        return gap_between(*paper_and_keras_traces(epsilon, learning_rate, x0, steps))[1]
    return paths


def gap_between(paper, keras):
    """Over the steps both runs took: t, each run's x_t and |x_paper − x_Keras|."""
    n = min(paper.steps, keras.steps)
    paths = [np.ravel(trace.x[:n + 1]) for trace in (paper, keras)]
    return np.arange(n + 1), paths, np.abs(paths[0] - paths[1])


class EpsilonFigure:
    """Both paths (left) and the gap between them on a log scale (right), built once with
    fixed margins; `show(paths, epsilon)` moves the lines, retitles the left panel,
    relabels the largest gap and returns the figure as PNG bytes."""

    def __init__(self):
        width, height = plotting.NOTEBOOK_WIDTH, 3.9
        fig = plotting.live_figure(width, height)
        # in inches: 0.75 for the first y label, 0.9 between the panels, 1.3 under the axes
        # (ticks, x label, two legend rows, the note), 0.35 above
        self.ax_x, self.ax_gap = fig.subplots(1, 2, gridspec_kw=dict(
            left=0.75 / width, right=1 - 0.15 / width, bottom=1.3 / height, top=1 - 0.35 / height,
            wspace=0.9 / ((width - 0.9 - 0.9) / 2)))
        for ax in (self.ax_x, self.ax_gap):  # few ticks: tick labels are most of the drawing time
            ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
        self.ax_x.yaxis.set_major_locator(MaxNLocator(5))
        self.paths = []
        for i, name in enumerate(FORMS):
            line = self.ax_x.plot([], [], color=plotting.colour(i), ls=("-", "--")[i], label=name)[0]
            path = (line, *plotting.mark_start_end(self.ax_x, [0], [0], plotting.colour(i)))
            for marker in path[1:]:
                marker.set_clip_on(False)  # a start or end on the frame is drawn whole
            self.paths.append(path)
        plotting.label(self.ax_x, "", "step t", "x_t", legend=False, title_y=1.0)
        legend_below(self.ax_x)  # drawn once: its entries never change

        self.gap = self.ax_gap.semilogy([], [], color=plotting.PALETTE["vermillion"], ls="-",
                                        label="|x_paper − x_Keras|")[0]
        self.largest = self.ax_gap.plot([], [], "o", color=plotting.PALETTE["black"], label="largest")[0]
        self.largest.set_clip_on(False)
        plotting.label(self.ax_gap, "Gap between the two forms", "step t", "|difference| (log scale)",
                       legend=False, title_y=1.0)
        # under the panel, its second entry retitled on each update (the largest gap)
        self.gap_legend = legend_below(self.ax_gap)
        self.note = self.ax_gap.text(1.0, -1.05 / (self.ax_gap.get_position().height * height), "",
                                     transform=self.ax_gap.transAxes, ha="right", va="top")

        axes = (self.ax_x, self.ax_gap)
        plotting.fix_label_positions(axes, lefts=label_lefts(axes, (0.5, 0.5)),
                                     below=-0.3 / (self.ax_x.get_position().height * height))
        changing = [*self.ax_x.get_lines(), *self.ax_gap.get_lines(), self.ax_x.title, self.note,
                    self.gap_legend]
        self.live = plotting.LiveFigure(fig, changing)
        self.figure = fig

    def show(self, paths, epsilon):
        """Redraw both panels for these two paths (paper, Keras); the PNG bytes of the figure."""
        n = min(len(path) for path in paths) - 1  # the steps both runs took
        paths = [path[:n + 1] for path in paths]
        t, gap = np.arange(n + 1), np.abs(paths[0] - paths[1])
        for path, xs in zip(self.paths, paths):
            plotting.move_path(path, t, xs)
        self.ax_x.title.set_text(f"Iterates, ε = ε̂ = {controls.readout(epsilon, scientific=True)}")
        worst = int(np.argmax(gap))
        (bottom, top), clipped = clipped_log_range([gap[1:]], DECADES)
        self.gap.set_data(t[1:], np.maximum(gap[1:], bottom))  # below the axis: on its bottom edge
        self.gap.set_marker("o" if len(t) <= 21 else "None")  # a line of one point is not seen
        self.largest.set_data([worst], [max(gap[worst], bottom)])
        self.largest.set_label(f"largest: {controls.readout(gap[worst], scientific=True)} at t = {worst}")
        self.gap_legend.get_texts()[1].set_text(self.largest.get_label())
        # limits as matplotlib's autoscaling would set them (5 % margins), without its search
        # through every line
        self.ax_x.set_xlim(*padded(0, max(t[-1], 1)))
        self.ax_x.set_ylim(*padded(min(xs.min() for xs in paths), max(xs.max() for xs in paths)))
        snap_limits(self.ax_x)
        self.ax_gap.set_xlim(0, max(t[-1], 1) + 0.5)
        self.ax_gap.set_ylim(bottom, top)
        plotting.drop_minor_ticks(self.ax_gap)
        plotting.plain_log_ticks(self.ax_gap.yaxis)
        self.ax_gap.yaxis.set_major_formatter(FuncFormatter(short_log_label))
        self.note.set_text(clip_note(bottom, clipped))
        return self.live.png()


@functools.cache
def _epsilon_figure():
    """The one figure every call of explore_epsilon redraws (one per kernel, never closed)."""
    return EpsilonFigure()


def draw_epsilon(epsilon=1e-7, learning_rate=0.05, steps=100):
    """The slider's figure for these values, and its PNG bytes."""
    figure = _epsilon_figure()
    paths = paper_and_keras_paths(epsilon, learning_rate, 0.001, steps)
    return figure.figure, figure.show(paths, epsilon)


def explore_epsilon(epsilon=1e-7, learning_rate=0.05, steps=100):
    """The slider callback: both paths, and the gap between them on a log scale."""
    display.show(*draw_epsilon(epsilon, learning_rate, steps))
