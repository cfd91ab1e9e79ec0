"""Paper vs Keras as ε changes (notebook 06). Both runs are float64, so the only
difference is where ε sits: Algorithm 1 adds ε to √v̂_t, Keras adds ε̂ to √v_t, which is
Algorithm 1 with ε_eff = ε̂ / √(1 − β₂ᵗ) (paper, end of §2).

`explore_epsilon(epsilon, learning_rate, steps)` is the slider callback; its figure is built
once and redrawn in place for each slider move (`plotting.LiveFigure`)."""

import functools

import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import display, objectives, plotting, run
from ..optimizers import Adam

FORMS = ("paper Algorithm 1 (ε)", "Keras form (ε̂)")
SMALLEST_GAP = 1e-18  # a gap of exactly 0 drawn here, on the log scale


def paper_and_keras_traces(epsilon=1e-7, learning_rate=0.05, x0=0.001, steps=100):
    """(paper Algorithm 1, Keras's ε̂ form), both float64 on the cubic."""
    paper = run(Adam(learning_rate, epsilon=epsilon), objectives.cubic, x0, steps)
    keras = run(Adam(learning_rate, epsilon=epsilon, epsilon_hat=True), objectives.cubic, x0, steps)
    return paper, keras


def gap_between(paper, keras):
    """Over the steps both runs took: t, each run's x_t and |x_paper − x_Keras|."""
    n = min(paper.steps, keras.steps)
    paths = [np.ravel(trace.x[:n + 1]) for trace in (paper, keras)]
    return np.arange(n + 1), paths, np.abs(paths[0] - paths[1])


class EpsilonFigure:
    """Both paths (left) and the gap between them on a log scale (right), built once with
    fixed margins; `show(paper, keras, epsilon)` moves the lines, retitles the left panel,
    relabels the largest gap and returns the figure as PNG bytes."""

    def __init__(self):
        fig = plotting.live_figure(10.4, 3.5)
        self.ax_x, self.ax_gap = fig.subplots(1, 2, gridspec_kw=dict(
            left=0.085, right=0.99, bottom=0.14, top=0.91, wspace=0.25))
        for ax in (self.ax_x, self.ax_gap):  # few ticks: tick labels are most of the drawing time
            ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
        self.ax_x.yaxis.set_major_locator(MaxNLocator(5))
        self.paths = []
        for i, name in enumerate(FORMS):
            line = self.ax_x.plot([], [], color=plotting.colour(i), ls=("-", "--")[i], label=name)[0]
            self.paths.append((line, *plotting.mark_start_end(self.ax_x, [0], [0], plotting.colour(i))))
        plotting.label(self.ax_x, "", "step t", "x_t", legend=True, title_y=1.0)

        self.gap = self.ax_gap.semilogy([], [], color=plotting.PALETTE["vermillion"],
                                        label="|x_paper − x_Keras|")[0]
        self.largest = self.ax_gap.plot([], [], "o", color=plotting.PALETTE["black"], label="largest")[0]
        plotting.label(self.ax_gap, "Gap between the two forms", "step t", "|difference| (log scale)",
                       legend=True, title_y=1.0)

        plotting.fix_label_positions((self.ax_x, self.ax_gap), lefts=(-0.16, -0.15))
        changing = [*self.ax_x.get_lines(), *self.ax_gap.get_lines(), self.ax_x.title]
        places = ("lower right", "center right", "upper left", "upper right")  # the first is preferred
        self.live = plotting.LiveFigure(fig, changing, {self.ax_x.get_legend(): places},
                                        rebuilt_legends=[self.ax_gap])
        self.figure = fig

    def show(self, paper, keras, epsilon):
        """Redraw both panels for these two runs; the PNG bytes of the figure."""
        t, paths, gap = gap_between(paper, keras)
        for path, xs in zip(self.paths, paths):
            plotting.move_path(path, t, xs)
        self.ax_x.title.set_text(f"Iterates, ε = ε̂ = {epsilon:.0e}")
        worst = int(np.argmax(gap))
        self.gap.set_data(t[1:], np.maximum(gap[1:], SMALLEST_GAP))
        self.largest.set_data([worst], [max(gap[worst], SMALLEST_GAP)])
        self.largest.set_label(f"largest: {gap[worst]:.1e} at t = {worst}")
        for ax in (self.ax_x, self.ax_gap):
            ax.relim()
            ax.autoscale_view()
        plotting.drop_minor_ticks(self.ax_gap)
        plotting.plain_log_ticks(self.ax_gap.yaxis)
        self.ax_gap.legend(loc="best", fontsize=8)
        return self.live.png()


@functools.cache
def _epsilon_figure():
    """The one figure every call of explore_epsilon redraws (one per kernel, never closed)."""
    return EpsilonFigure()


def draw_epsilon(epsilon=1e-7, learning_rate=0.05, steps=100):
    """The slider's figure for these values, and its PNG bytes."""
    figure = _epsilon_figure()
    paper, keras = paper_and_keras_traces(epsilon, learning_rate, 0.001, steps)
    return figure.figure, figure.show(paper, keras, epsilon)


def explore_epsilon(epsilon=1e-7, learning_rate=0.05, steps=100):
    """The slider callback: both paths, and the gap between them on a log scale."""
    display.show(*draw_epsilon(epsilon, learning_rate, steps))
