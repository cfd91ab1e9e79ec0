"""Training the two-moons network (notebook 09): loss curves, and the slider callback that
shows a training run with a chosen optimiser, learning rate α and number of epochs (its
loss curve and the decision boundary it ends with).

The slider replays recorded runs instead of training on every move. The first time the
explorer draws, it trains the network once for each optimiser and each α the slider offers
(`LEARNING_RATES`), for `MAX_EPOCHS` epochs, and keeps the loss at every epoch and θ every
`EPOCH_STEP` epochs. A slider position then slices a recorded run: training is
deterministic and the first n steps of a long run are the steps of a run of n, so the slice
is bit for bit what training for that many epochs gives. Any other setting (an α or a
number of epochs the slider cannot reach) is trained afresh. The recordings are keyed by
the perturbation mode's setting (adam_teach/perturbation.py) as well, so a run recorded
under one setting is never shown under another.

`explore_training(optimizer, learning_rate, epochs)` is the slider callback; its figure is
built once and redrawn in place for each slider move (`plotting.LiveFigure`). Its loss
panel keeps one frame, LOSS_FRAME, that every run the slider reaches fits in: a slider
move moves the curve against fixed axes, and the ticks are drawn once."""

import functools
from dataclasses import dataclass

import contourpy
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path
from matplotlib.ticker import MaxNLocator

from .. import display, network, perturbation, plotting, run, validation
from ..optimizers import SGD, Adam
from . import controls

TRAINERS = {"Adam": Adam, "SGD": SGD}
CLASS_STYLES = ((0, "blue", "o", 3), (1, "vermillion", "^", 4))  # class, colour, marker, size: not colour alone
REGION_COLOURS = (plotting.PALETTE["sky"], plotting.PALETTE["orange"])  # where z < 0 (class 0), z > 0

# The slider's learning rates: 1, 2 and 5 times each power of ten from 1e-4 to 10. They
# hold every α of the notebook's own runs (0.001 to 1 for Adam, 0.05 to 10 for SGD), from
# too small to chaotic for both optimisers.
LEARNING_RATES = (1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)
MAX_EPOCHS, EPOCH_STEP = 1000, 10  # the epochs slider: 10, 20, ..., 1000
# The loss panel's (epochs, loss) frame: every run above fits in it, at any number of
# epochs (tests/test_training_replay.py checks it).
LOSS_FRAME = ((-0.02 * MAX_EPOCHS, 1.02 * MAX_EPOCHS), (1e-4, 100.0))


def rate_label(learning_rate):
    """α as the slider's readout and the title show it: 3 significant digits (controls.readout)."""
    return controls.readout(learning_rate)


def learning_rate_options(rates=LEARNING_RATES):
    """(label, value) pairs for a SelectionSlider over `rates`, labelled by rate_label."""
    return [(rate_label(rate), rate) for rate in rates]


# --- the figure's parts, also for the notebook's static figures ----------------------------


def draw_loss_curves(ax, curves, title="Training loss", optimizers=None):
    """Loss against epoch, one line per entry of `curves` (label -> losses), log scale.
    `optimizers`: the optimiser each curve stands for (its name, in the order of `curves`),
    drawn in that optimiser's style (plotting.optimizer_style); else the palette's colours."""
    for i, (name, losses) in enumerate(curves.items()):
        epochs = np.arange(len(losses))
        if optimizers is None:
            style = dict(color=plotting.colour(i), linestyle=("-", "--", ":", "-.")[i % 4])
        else:  # a marker on every tenth of the curve
            style = dict(plotting.optimizer_style(optimizers[i]), markevery=max(1, len(losses) // 10))
        ax.semilogy(epochs, losses, label=name, **style)
        plotting.mark_start_end(ax, epochs, losses, style["color"])
    plotting.label(ax, title, "epoch (one full-batch step)", "loss (log scale)", legend=False)
    # below the axes, in two columns: the curves fill the panel, a legend inside would hide some
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, borderaxespad=0.0)


def boundary_grid(X):
    """The points (gx, gy) where the network's output is evaluated: the data's range and a margin."""
    (x_low, y_low), (x_high, y_high) = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    return np.meshgrid(np.linspace(x_low, x_high, 120), np.linspace(y_low, y_high, 100))


GRID_CHUNK = 1000  # grid points per forward pass


def logits_on_grid(theta, gx, gy):
    """The network's logit z at every grid point. Computed GRID_CHUNK points at a time:
    OpenBLAS shares a 12,000-row matrix product between threads, and on a busy 2-core
    machine the threads waiting for each other made it ten times slower than the same
    rows in chunks that one thread multiplies (to the same values, up to rounding)."""
    points = np.stack([gx.ravel(), gy.ravel()], axis=1)
    z = np.concatenate([network.forward(theta, points[start:start + GRID_CHUNK])[0]
                        for start in range(0, len(points), GRID_CHUNK)])
    return z.reshape(gx.shape)


def region_paths(gx, gy, z):
    """Where the network says class 0 (z < 0), class 1 (z > 0) and the boundary z = 0
    between them, as three matplotlib Paths (contourpy's marching squares, as contourf
    and contour use it). An empty region or boundary is an empty Path."""
    contours = contourpy.contour_generator(gx, gy, z, fill_type="ChunkCombinedCode",
                                           line_type="ChunkCombinedNan")

    def path(points, codes=None):
        return Path(np.empty((0, 2))) if points is None else Path(points, codes)

    regions = [path(points[0], codes[0]) for points, codes in
               (contours.filled(-np.inf, 0.0), contours.filled(0.0, np.inf))]
    (boundary,), = contours.lines(0.0)
    return regions[0], regions[1], path(boundary)


class DecisionRegions:
    """The two class regions (filled, translucent) and the boundary z = 0 of a network
    on a grid: three artists made once, whose paths `show(theta)` replaces. Above the
    grid lines (zorder 1.6 and 1.7) and below the data."""

    def __init__(self, ax, theta, gx, gy):
        self.grid = gx, gy
        self.regions = [ax.add_patch(PathPatch(Path(np.empty((0, 2))), facecolor=colour, edgecolor="none",
                                               alpha=0.25, antialiased=False, zorder=1.6))
                        for colour in REGION_COLOURS]
        self.boundary = PathPatch(Path(np.empty((0, 2))), facecolor="none", lw=1,
                                  edgecolor=plotting.PALETTE["black"], zorder=1.7)
        ax.add_patch(self.boundary)
        self.show(theta)

    @property
    def artists(self):
        return [*self.regions, self.boundary]

    def show(self, theta):
        paths = region_paths(*self.grid, logits_on_grid(theta, *self.grid))
        for artist, path in zip(self.artists, paths):
            artist.set_path(path)


def draw_points(ax, X, y):
    """The data, by class: one line of markers per class, each its own colour and marker."""
    return [ax.plot(X[y == label, 0], X[y == label, 1], marker, ms=size, ls="none", color=plotting.PALETTE[colour],
                    label=f"class {label}")[0]
            for label, colour, marker, size in CLASS_STYLES]


def legend_of_regions(ax):
    """The data's classes, the two regions and the boundary: a legend right of the axes,
    outside them (it hides no point)."""
    handles = ax.get_lines() + [Patch(facecolor=colour, alpha=0.25, label=f"says {label}")
                                for label, colour in enumerate(REGION_COLOURS)]
    handles.append(Line2D([], [], color=plotting.PALETTE["black"], lw=1, label="z = 0"))
    return ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.03, 1.0), borderaxespad=0.0,
                     handlelength=1.5)


def draw_decision_boundary(ax, theta, X, y, title="Decision boundary"):
    """The data, by class, the regions where the network says class 0 and class 1 and the
    boundary between them."""
    gx, gy = boundary_grid(X)
    DecisionRegions(ax, theta, gx, gy)
    ax.set_xlim(gx.min(), gx.max())
    ax.set_ylim(gy.min(), gy.max())
    draw_points(ax, X, y)
    plotting.label(ax, title, "x", "y", legend=False)
    legend_of_regions(ax)


# --- training runs, recorded and replayed --------------------------------------------------


@functools.cache
def _two_moons_problem(perturb=0.0):
    """The data (X, y), the training loss and θ₀ under the perturbation setting `perturb`:
    the same for every run, so made once per setting (read-only, as every run and the
    figure share them)."""
    X, y = network.two_moons()
    theta_0 = network.initial_parameters()
    for array in (X, y, theta_0):
        array.setflags(write=False)
    return X, y, network.network_objective(X, y), theta_0


def _problem():
    return _two_moons_problem(perturbation.relative_amount())


def training_trace(optimizer="Adam", learning_rate=0.01, epochs=300):
    """Full-batch training of the network on the two moons from the same θ₀: its Trace."""
    validation.one_of("optimizer", optimizer, TRAINERS)
    _, _, objective, theta_0 = _problem()
    return run(TRAINERS[optimizer](learning_rate), objective, theta_0, epochs)


@dataclass(frozen=True)
class TrainingRun:
    """What the explorer shows of a run: the loss after each epoch 0, 1, ..., steps, θ
    after the last one, and whether the run diverged (it then stops at the last finite θ)."""

    losses: np.ndarray
    theta: np.ndarray
    diverged: bool = False

    @property
    def steps(self):
        return len(self.losses) - 1

    @classmethod
    def of(cls, trace):
        return cls(trace.f, trace.x[-1], trace.diverged)


@dataclass(frozen=True)
class RecordedRun:
    """A run of MAX_EPOCHS epochs kept for replay: the loss at every epoch, θ after every
    EPOCH_STEP-th epoch and θ where the run stopped (read-only arrays)."""

    losses: np.ndarray
    thetas: np.ndarray  # thetas[k]: θ after k · EPOCH_STEP epochs
    final_theta: np.ndarray
    diverged: bool

    @classmethod
    def of(cls, trace):
        arrays = trace.f.copy(), trace.x[::EPOCH_STEP].copy(), trace.x[-1].copy()
        for array in arrays:
            array.setflags(write=False)
        return cls(*arrays, trace.diverged)

    def replay(self, epochs):
        """The TrainingRun that training for `epochs` epochs gives (a multiple of
        EPOCH_STEP, at most MAX_EPOCHS): a run of fewer steps stops where a longer one was."""
        if not replayable(epochs):
            raise ValueError(f"epochs must be a multiple of {EPOCH_STEP} from 0 to {MAX_EPOCHS} to be "
                             f"replayed, got {epochs!r}.")
        steps = len(self.losses) - 1
        if self.diverged and epochs > steps:  # it diverged at step steps + 1 <= epochs
            return TrainingRun(self.losses, self.final_theta, diverged=True)
        theta = self.final_theta if epochs == steps else self.thetas[epochs // EPOCH_STEP]
        return TrainingRun(self.losses[:epochs + 1], theta)


def replayable(epochs):
    """Whether a recorded run holds θ after `epochs` epochs."""
    return 0 <= epochs <= MAX_EPOCHS and epochs % EPOCH_STEP == 0


@functools.cache
def _recorded_run(optimizer, learning_rate, perturb):
    # perturb: part of the key only; training_trace reads the same setting from the environment
    return RecordedRun.of(training_trace(optimizer, learning_rate, MAX_EPOCHS))


def recorded_run(optimizer, learning_rate):
    """The recorded MAX_EPOCHS-epoch run of this optimiser and α (one of LEARNING_RATES),
    trained on first use under the current perturbation setting, then kept."""
    validation.one_of("optimizer", optimizer, TRAINERS)
    validation.one_of("learning_rate", learning_rate, LEARNING_RATES)
    return _recorded_run(optimizer, float(learning_rate), perturbation.relative_amount())


def record_slider_runs():
    """Train and keep every run the slider can reach: each optimiser with each α."""
    for optimizer in TRAINERS:
        for learning_rate in LEARNING_RATES:
            recorded_run(optimizer, learning_rate)


def training_run(optimizer="Adam", learning_rate=0.01, epochs=300):
    """The TrainingRun of this optimiser, α and number of epochs from θ₀: replayed from a
    recorded run when the slider can reach these values, else trained afresh."""
    validation.one_of("optimizer", optimizer, TRAINERS)
    validation.positive_finite("learning_rate", learning_rate)
    validation.step_count("epochs", epochs)
    if learning_rate in LEARNING_RATES and replayable(epochs):
        return recorded_run(optimizer, learning_rate).replay(epochs)
    return TrainingRun.of(training_trace(optimizer, learning_rate, epochs))


def run_name(optimizer, learning_rate, diverged=False):
    return f"{optimizer}, α = {rate_label(learning_rate)}" + (" (diverged)" if diverged else "")


# --- the explorer's figure -----------------------------------------------------------------


class TrainingFigure:
    """The loss against epoch (left) and the decision boundary over the data (right), built
    once with fixed margins; `show(training, optimizer, learning_rate)` moves the loss
    curve, reshapes the regions, retitles both panels and returns the figure as PNG bytes."""

    def __init__(self):
        self.X, self.y, _, theta_0 = _problem()
        fig = plotting.live_figure(9.4, 3.8)
        # the data panel's legend stands right of it, in the last eighth of the figure
        self.ax_loss, self.ax_data = fig.subplots(1, 2, gridspec_kw=dict(
            left=0.085, right=0.83, bottom=0.13, top=0.92, wspace=0.25, width_ratios=(1.15, 1.0)))
        for ax in (self.ax_loss, self.ax_data):  # few ticks: tick labels are most of the drawing time
            ax.xaxis.set_major_locator(MaxNLocator(6))

        self.loss = self.ax_loss.semilogy([], [], label="loss")[0]
        self.loss_ends = plotting.mark_start_end(self.ax_loss, [1], [1], plotting.colour(0))
        # one curve, named in the title: no legend to hide it
        plotting.label(self.ax_loss, "", "epoch (one full-batch step)", "loss (log scale)", legend=False,
                       title_y=1.0)
        self._frame = None
        self.fit_frame(np.ones(1))

        gx, gy = boundary_grid(self.X)
        self.regions = DecisionRegions(self.ax_data, theta_0, gx, gy)
        self.ax_data.set_xlim(gx.min(), gx.max())
        self.ax_data.set_ylim(gy.min(), gy.max())
        points = draw_points(self.ax_data, self.X, self.y)
        plotting.label(self.ax_data, "", "x", "y", legend=False, title_y=1.0)
        legend_of_regions(self.ax_data)  # never changes: kept in the background

        plotting.fix_label_positions((self.ax_loss, self.ax_data), lefts=(-0.15, -0.09))
        # the regions cover the data panel's spines: drawn again, on top, as in a full draw
        changing = [self.loss, *self.loss_ends, self.ax_loss.title, *self.regions.artists, *points,
                    *self.ax_data.spines.values(), self.ax_data.title]
        self.live = plotting.LiveFigure(fig, changing)
        self.figure = fig

    def fit_frame(self, losses):
        """The loss panel's limits: LOSS_FRAME, widened (to whole decades) only for a run
        that does not fit in it, one the slider cannot reach."""
        (x_low, x_high), (y_low, y_high) = LOSS_FRAME
        x_high = max(x_high, 1.02 * (len(losses) - 1))
        y_low = min(y_low, 10.0 ** np.floor(np.log10(losses.min())))
        y_high = max(y_high, 10.0 ** np.ceil(np.log10(losses.max())))
        if self._frame != (x_high, y_low, y_high):
            self._frame = x_high, y_low, y_high
            self.ax_loss.set_xlim(x_low, x_high)
            self.ax_loss.set_ylim(y_low, y_high)
            plotting.drop_minor_ticks(self.ax_loss)
            plotting.plain_log_ticks(self.ax_loss.yaxis, numticks=8)

    def show(self, training, optimizer, learning_rate):
        """Redraw both panels for this TrainingRun; the PNG bytes of the figure."""
        epochs = np.arange(len(training.losses))
        plotting.move_path((self.loss, *self.loss_ends), epochs, training.losses)
        style = plotting.optimizer_style(optimizer)  # a marker on every tenth of the curve
        self.loss.set(**style, markevery=max(1, training.steps // 10))
        for end in self.loss_ends:
            end.set_markeredgecolor(style["color"])
        self.loss_ends[1].set_markerfacecolor(style["color"])
        self.loss.set_label(run_name(optimizer, learning_rate, training.diverged))
        self.ax_loss.title.set_text(f"{self.loss.get_label()}: loss {training.losses[-1]:.3g}")
        self.fit_frame(training.losses)

        self.regions.show(training.theta)
        accuracy = network.accuracy(training.theta, self.X, self.y)
        self.ax_data.title.set_text(f"After {training.steps} epochs: {100 * accuracy:.1f}% right")
        return self.live.png()


@functools.cache
def _training_figure(perturb):
    """The one figure every call of explore_training redraws (one per kernel and
    perturbation setting, never closed)."""
    return TrainingFigure()


def draw_training(optimizer="Adam", learning_rate=0.01, epochs=300):
    """The slider's figure for these values, and its PNG bytes. The first call records
    every run the slider can reach (record_slider_runs), so that later calls only replay."""
    training = training_run(optimizer, learning_rate, epochs)
    record_slider_runs()
    figure = _training_figure(perturbation.relative_amount())
    return figure.figure, figure.show(training, optimizer, learning_rate)


def explore_training(optimizer="Adam", learning_rate=0.01, epochs=300):
    """The slider callback: the run from the same θ₀, its loss curve and decision boundary."""
    display.show(*draw_training(optimizer, learning_rate, epochs))
