"""Training the two-moons network (notebook 09): loss curves, and the slider callback that
trains it with a chosen optimiser and learning rate and shows the decision boundary.

`explore_training(optimizer, learning_rate, epochs)` is the slider callback; its figure is
built once and redrawn in place for each slider move (`plotting.LiveFigure`)."""

import functools

import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import network, plotting, run, validation
from ..optimizers import SGD, Adam

TRAINERS = {"Adam": Adam, "SGD": SGD}
CLASS_COLOURS = ((0, "blue"), (1, "vermillion"))


def draw_loss_curves(ax, curves, title="Training loss"):
    """Loss against epoch, one line per entry of `curves` (label -> losses), log scale."""
    for i, (name, losses) in enumerate(curves.items()):
        epochs = np.arange(len(losses))
        ax.semilogy(epochs, losses, color=plotting.colour(i), ls=("-", "--", ":", "-.")[i % 4], label=name)
        plotting.mark_start_end(ax, epochs, losses, plotting.colour(i))
    plotting.label(ax, title, "epoch (one full-batch step)", "loss (log scale)", legend=True)


def boundary_grid(X):
    """The points (gx, gy) where the network's output is evaluated: the data's range and a margin."""
    (x_low, y_low), (x_high, y_high) = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    return np.meshgrid(np.linspace(x_low, x_high, 120), np.linspace(y_low, y_high, 100))


def draw_regions(ax, theta, gx, gy):
    """The region where the network says class 1 (z > 0), the other one, and the boundary
    z = 0 between them: the two contour sets. Above the grid (zorder 1.6), as a live figure
    draws them over its kept grid."""
    z, _ = network.forward(theta, np.stack([gx.ravel(), gy.ravel()], axis=1))
    z = z.reshape(gx.shape)
    regions = ax.contourf(gx, gy, z, levels=[-np.inf, 0, np.inf], zorder=1.6,
                          colors=[plotting.PALETTE["sky"], plotting.PALETTE["orange"]], alpha=0.25)
    boundary = ax.contour(gx, gy, z, levels=[0], colors=plotting.PALETTE["black"], linewidths=1, zorder=1.7)
    return regions, boundary


def draw_points(ax, X, y):
    """The data, coloured by class: one line of markers per class."""
    return [ax.plot(X[y == label, 0], X[y == label, 1], ".", color=plotting.PALETTE[colour],
                    label=f"class {label}")[0]
            for label, colour in CLASS_COLOURS]


def draw_decision_boundary(ax, theta, X, y, title="Decision boundary"):
    """The data, coloured by class, and the region where the network says class 1."""
    draw_regions(ax, theta, *boundary_grid(X))
    draw_points(ax, X, y)
    plotting.label(ax, title, "x", "y", legend=True)


@functools.cache
def _two_moons_problem():
    """The data (X, y), the training loss and θ₀: the same for every run, so made once
    (read-only, as every run and the figure share them)."""
    X, y = network.two_moons()
    theta_0 = network.initial_parameters()
    for array in (X, y, theta_0):
        array.setflags(write=False)
    return X, y, network.network_objective(X, y), theta_0


def training_trace(optimizer="Adam", learning_rate=0.01, epochs=300):
    """Full-batch training of the network on the two moons from the same θ₀: its Trace."""
    validation.one_of("optimizer", optimizer, TRAINERS)
    _, _, objective, theta_0 = _two_moons_problem()
    return run(TRAINERS[optimizer](learning_rate), objective, theta_0, epochs)


def run_name(optimizer, learning_rate, trace):
    return f"{optimizer}, α = {learning_rate:g}" + (" (diverged)" if trace.diverged else "")


class TrainingFigure:
    """The loss against epoch (left) and the decision boundary over the data (right), built
    once with fixed margins; `show(trace, optimizer, learning_rate)` moves the loss curve,
    draws the new boundary, retitles both panels and returns the figure as PNG bytes."""

    def __init__(self):
        self.X, self.y, _, theta_0 = _two_moons_problem()
        self.grid = boundary_grid(self.X)
        fig = plotting.live_figure(10.0, 3.8)
        self.ax_loss, self.ax_data = fig.subplots(1, 2, gridspec_kw=dict(
            left=0.09, right=0.99, bottom=0.13, top=0.92, wspace=0.22))
        for ax in (self.ax_loss, self.ax_data):  # few ticks: tick labels are most of the drawing time
            ax.xaxis.set_major_locator(MaxNLocator(6))

        self.loss = self.ax_loss.semilogy([], [], color=plotting.colour(0), label=" ")[0]
        self.loss_ends = plotting.mark_start_end(self.ax_loss, [1], [1], plotting.colour(0))
        plotting.label(self.ax_loss, "", "epoch (one full-batch step)", "loss (log scale)", legend=True,
                       title_y=1.0)

        self.regions = draw_regions(self.ax_data, theta_0, *self.grid)
        points = draw_points(self.ax_data, self.X, self.y)
        plotting.label(self.ax_data, "", "x", "y", legend=True, title_y=1.0)

        plotting.fix_label_positions((self.ax_loss, self.ax_data), lefts=(-0.16, -0.08))
        # the regions cover the data panel's spines: drawn again, on top, as in a full draw
        changing = [self.loss, *self.loss_ends, self.ax_loss.title, *self.regions, *points,
                    *self.ax_data.spines.values(), self.ax_data.title]
        places = ("upper right", "lower left", "upper left", "lower right")  # the first is preferred
        self.live = plotting.LiveFigure(fig, changing, {self.ax_data.get_legend(): places},
                                        rebuilt_legends=[self.ax_loss])
        self.figure = fig

    def show(self, trace, optimizer, learning_rate):
        """Redraw both panels for this run; the PNG bytes of the figure."""
        epochs = np.arange(len(trace.f))
        plotting.move_path((self.loss, *self.loss_ends), epochs, trace.f)
        self.loss.set_label(run_name(optimizer, learning_rate, trace))
        self.ax_loss.title.set_text(f"Training loss: {trace.f[-1]:.3f} at the end")
        self.ax_loss.relim()
        self.ax_loss.autoscale_view()
        plotting.drop_minor_ticks(self.ax_loss)
        plotting.plain_log_ticks(self.ax_loss.yaxis)
        self.ax_loss.legend(loc="best", fontsize=8)

        regions = draw_regions(self.ax_data, trace.x[-1], *self.grid)
        for old, new in zip(self.regions, regions):
            self.live.replace(old, new)
        self.regions = regions
        accuracy = network.accuracy(trace.x[-1], self.X, self.y)
        self.ax_data.title.set_text(f"After {trace.steps} epochs: {100 * accuracy:.1f}% right")
        return self.live.png()


@functools.cache
def _training_figure():
    """The one figure every call of explore_training redraws (one per kernel, never closed)."""
    return TrainingFigure()


def draw_training(optimizer="Adam", learning_rate=0.01, epochs=300):
    """The slider's figure for these values, and its PNG bytes."""
    trace = training_trace(optimizer, learning_rate, epochs)
    figure = _training_figure()
    return figure.figure, figure.show(trace, optimizer, learning_rate)


def explore_training(optimizer="Adam", learning_rate=0.01, epochs=300):
    """The slider callback: train the network from the same θ₀ and show loss and boundary."""
    plotting.show_png(draw_training(optimizer, learning_rate, epochs)[1])
