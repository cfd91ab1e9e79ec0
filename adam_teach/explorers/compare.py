"""Optimisers side by side on the 2-D surfaces (notebook 07): the same start, the same
number of steps and, optionally, the same seeded gradient noise for every optimiser."""

import dataclasses
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np

from .. import objectives, plotting, run
from ..noisy import with_gradient_noise
from ..optimizers import SGD, Adam, Momentum, RMSprop


class Surface(NamedTuple):
    objective: object
    start: tuple
    steps: int


SURFACES = {
    "Rosenbrock": Surface(objectives.rosenbrock, (-1.5, 2.5), 300),
    "saddle": Surface(objectives.saddle, (1.8, 0.01), 60),
    "ill-conditioned bowl": Surface(objectives.bowl, (-3.5, 1.2), 60),
}

OPTIMIZERS = {
    "SGD": SGD,
    "Momentum": lambda learning_rate: Momentum(learning_rate, momentum=0.9),
    "RMSprop": RMSprop,
    "Adam": Adam,
}


# A learning rate that suits each optimiser on each surface (found by trying a few):
# an α means different things to different optimisers, so one α for all is not fair.
TUNED_LEARNING_RATES = {
    "Rosenbrock": {"SGD": 0.001, "Momentum": 0.001, "RMSprop": 0.01, "Adam": 0.1},
    "saddle": {"SGD": 0.03, "Momentum": 0.005, "RMSprop": 0.03, "Adam": 0.03},
    "ill-conditioned bowl": {"SGD": 0.03, "Momentum": 0.03, "RMSprop": 0.1, "Adam": 0.1},
}


def _check(name, value, allowed):
    if value not in allowed:
        raise ValueError(f"{name} must be one of {sorted(allowed)}, got {value!r}.")
    return value


def run_paths(surface, learning_rates, noise=0.0, seed=0, steps=None):
    """One Trace per optimiser: `learning_rates` maps an optimiser's name (a key of
    OPTIMIZERS) to its α. Each run gets its own copy of the noise, same seed."""
    _check("surface", surface, SURFACES)
    objective, start, default_steps = SURFACES[surface]
    steps = default_steps if steps is None else steps
    traces = {}
    for name, learning_rate in learning_rates.items():
        optimizer = OPTIMIZERS[_check("optimizer", name, OPTIMIZERS)](learning_rate)
        traces[name] = run(optimizer, with_gradient_noise(objective, noise, seed), start, steps)
    return traces


def print_final(traces):
    """One line per optimiser: its α, where it ended and f there."""
    for name, trace in traces.items():
        end = "diverged" if trace.diverged else (
            f"ends at ({trace.x[-1, 0]:7.3f}, {trace.x[-1, 1]:7.3f}), f = {float(trace.f[-1]):9.4f}")
        print(f"{name:9s} α = {trace.optimizer.learning_rate:<6g} {end}")


def mean_final_loss(surface, learning_rates, noise, seeds=range(20), steps=None):
    """name -> the mean of f at the last iterate over runs with the given noise seeds."""
    finals = {name: [] for name in learning_rates}
    for seed in seeds:
        for name, trace in run_paths(surface, learning_rates, noise, seed, steps).items():
            finals[name].append(np.inf if trace.diverged else float(trace.f[-1]))
    return {name: float(np.mean(values)) for name, values in finals.items()}


def _view(objective, traces, limit=3.0):
    """The objective's plot range, widened (at most `limit`× its size) to hold every path."""
    ranges = []
    for axis, (low, high) in enumerate(objective.plot_range):
        values = np.concatenate([[low, high]] + [t.x[:, axis] for t in traces.values()])
        pad, width = 0.05 * (high - low), limit * (high - low)
        ranges.append((max(values.min() - pad, high - width), min(values.max() + pad, low + width)))
    return dataclasses.replace(objective, plot_range=tuple(ranges))


def draw_paths(surface, traces, noise=0.0):
    """Contours of the surface with every optimiser's path, start and end marked."""
    objective = SURFACES[surface].objective
    fig, ax = plotting.subplots(width=6.4, height=4.6)
    plotting.plot_contours(ax, _view(objective, traces), num=120)
    for i, (name, trace) in enumerate(traces.items()):
        status = "diverged" if trace.diverged else f"f = {float(trace.f[-1]):.2g}"
        plotting.plot_path_2d(ax, trace.x, label=f"{name} (α = {trace.optimizer.learning_rate:g}): {status}",
                              color=plotting.colour(i), with_labels=(i == len(traces) - 1))
    noise_text = f", gradient noise σ = {noise:g}" if noise else ""
    plotting.label(ax, f"{objective.formula}{noise_text}", "x", "y", legend=True)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=8)
    return fig


def show_paths(surface, learning_rates, noise=0.0, steps=None):
    """Run the optimisers named in `learning_rates` (name -> α) and show their paths."""
    draw_paths(surface, run_paths(surface, learning_rates, noise, steps=steps), noise)
    plt.show()


def compare(surface="Rosenbrock", optimizers=("SGD", "Momentum", "RMSprop", "Adam"),
            learning_rate=0.01, noise=0.0, steps=None):
    """The slider callback: the chosen optimisers, all with the same α, on one surface."""
    show_paths(surface, {name: learning_rate for name in optimizers}, noise, steps)
