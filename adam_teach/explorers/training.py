"""Training the two-moons network (notebook 09): loss curves, and the slider callback that
trains it with a chosen optimiser and learning rate and shows the decision boundary."""

import matplotlib.pyplot as plt
import numpy as np

from .. import network, plotting, run
from ..optimizers import SGD, Adam

TRAINERS = {"Adam": Adam, "SGD": SGD}


def draw_loss_curves(ax, curves, title="Training loss"):
    """Loss against epoch, one line per entry of `curves` (label -> losses), log scale."""
    for i, (name, losses) in enumerate(curves.items()):
        epochs = np.arange(len(losses))
        ax.semilogy(epochs, losses, color=plotting.colour(i), ls=("-", "--", ":", "-.")[i % 4], label=name)
        plotting.mark_start_end(ax, epochs, losses, plotting.colour(i))
    plotting.label(ax, title, "epoch (one full-batch step)", "loss (log scale)", legend=True)


def draw_decision_boundary(ax, theta, X, y, title="Decision boundary"):
    """The data, coloured by class, and the region where the network says class 1."""
    (x_low, y_low), (x_high, y_high) = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    gx, gy = np.meshgrid(np.linspace(x_low, x_high, 120), np.linspace(y_low, y_high, 100))
    z, _ = network.forward(theta, np.stack([gx.ravel(), gy.ravel()], axis=1))
    ax.contourf(gx, gy, (z > 0).reshape(gx.shape), levels=[-0.5, 0.5, 1.5],
                colors=[plotting.PALETTE["sky"], plotting.PALETTE["orange"]], alpha=0.25)
    ax.contour(gx, gy, z.reshape(gx.shape), levels=[0], colors=plotting.PALETTE["black"], linewidths=1)
    for label, colour in ((0, "blue"), (1, "vermillion")):
        points = X[y == label]
        ax.plot(points[:, 0], points[:, 1], ".", color=plotting.PALETTE[colour], label=f"class {label}")
    plotting.label(ax, title, "x", "y", legend=True)


def training_trace(optimizer="Adam", learning_rate=0.01, epochs=300):
    """Full-batch training of the network on the two moons from the same θ₀: its Trace."""
    if optimizer not in TRAINERS:
        raise ValueError(f"optimizer must be one of {sorted(TRAINERS)}, got {optimizer!r}.")
    X, y = network.two_moons()
    return run(TRAINERS[optimizer](learning_rate), network.network_objective(X, y),
               network.initial_parameters(), epochs)


def explore_training(optimizer="Adam", learning_rate=0.01, epochs=300):
    """The slider callback: train the network from the same θ₀ and show loss and boundary."""
    trace = training_trace(optimizer, learning_rate, epochs)
    X, y = network.two_moons()
    fig, (ax_loss, ax_data) = plotting.subplots(ncols=2, width=5.0, height=3.8)
    name = f"{optimizer}, α = {learning_rate:g}" + (" (diverged)" if trace.diverged else "")
    draw_loss_curves(ax_loss, {name: trace.f}, title=f"Training loss: {trace.f[-1]:.3f} at the end")
    accuracy = network.accuracy(trace.x[-1], X, y)
    draw_decision_boundary(ax_data, trace.x[-1], X, y,
                           title=f"After {trace.steps} epochs: {100 * accuracy:.1f}% right")
    plt.show()
