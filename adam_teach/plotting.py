"""Shared plotting helpers: one colour-blind-safe palette, labelled axes, marked start
and end points. Every figure in the course is drawn with these."""

import matplotlib

import matplotlib.pyplot as plt
import numpy as np

# Okabe & Ito (2008), safe for the common forms of colour blindness.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
CYCLE = [PALETTE[c] for c in ("blue", "orange", "green", "vermillion", "purple", "sky", "black")]

STYLE = {
    "axes.prop_cycle": matplotlib.cycler(color=CYCLE),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 80,
    "savefig.dpi": 80,
    "font.size": 10,
    "legend.frameon": False,
    "image.cmap": "viridis",
}


def use_course_style():
    """Apply the course's style to every later figure."""
    matplotlib.rcParams.update(STYLE)


def colour(i):
    """The i-th colour of the palette (cycled)."""
    return CYCLE[i % len(CYCLE)]


def subplots(ncols=1, nrows=1, width=5.0, height=3.6, **kwargs):
    """A figure of nrows × ncols axes, each about width × height inches."""
    use_course_style()
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows),
                             squeeze=False, layout="constrained", **kwargs)
    return fig, axes.ravel() if nrows * ncols > 1 else axes[0, 0]


def label(ax, title, xlabel, ylabel, legend=None):
    """Title and axis labels; a legend whenever the axes hold more than one labelled artist."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    labelled = [h for h in ax.get_legend_handles_labels()[1] if not h.startswith("_")]
    if legend or (legend is None and len(labelled) > 1):
        ax.legend(loc="best", fontsize=8)
    return ax


def mark_start_end(ax, xs, ys, color, with_labels=False):
    """A hollow circle at the start of a path and a filled square at its end."""
    start_label, end_label = ("start", "end") if with_labels else ("_start", "_end")
    ax.plot(xs[0], ys[0], "o", mfc="white", mec=color, mew=2, ms=8, label=start_label, zorder=5)
    ax.plot(xs[-1], ys[-1], "s", color=color, ms=7, label=end_label, zorder=5)


def plot_function(ax, objective, low=None, high=None, num=400, color=PALETTE["black"]):
    """A 1-D objective f over [low, high] (its plot_range by default)."""
    (default_low, default_high), = objective.plot_range
    grid = np.linspace(default_low if low is None else low, default_high if high is None else high, num)
    ax.plot(grid, objective.f(grid), color=color, lw=1.5, label=f"f(x) = {_formula(objective)}")
    return grid


def plot_path_1d(ax, objective, xs, label=None, color=PALETTE["blue"], with_labels=False):
    """An optimisation path on the graph of a 1-D objective."""
    xs = np.ravel(xs)
    fs = objective.f(xs)
    ax.plot(xs, fs, ".-", color=color, lw=0.8, ms=4, alpha=0.8, label=label)
    mark_start_end(ax, xs, fs, color, with_labels=with_labels)


def plot_contours(ax, objective, levels=25, num=200, log=True):
    """Filled-line contours of a 2-D objective over its plot_range, its stationary points marked."""
    (x_low, x_high), (y_low, y_high) = objective.plot_range
    X, Y = np.meshgrid(np.linspace(x_low, x_high, num), np.linspace(y_low, y_high, num))
    Z = objective.f(np.stack([X, Y], axis=-1))
    if log:
        Z = np.log10(Z - Z.min() + 1e-3)
    ax.contour(X, Y, Z, levels=levels, cmap="viridis", linewidths=0.7, alpha=0.8)
    for point in objective.stationary_points:
        ax.plot(*point.x, "*", color=PALETTE["black"], ms=11, label=f"{point.kind}")
    ax.set_xlim(x_low, x_high)
    ax.set_ylim(y_low, y_high)


def plot_path_2d(ax, xs, label=None, color=PALETTE["blue"], with_labels=False):
    """A path of 2-D iterates, start and end marked."""
    xs = np.asarray(xs)
    ax.plot(xs[:, 0], xs[:, 1], ".-", color=color, lw=1, ms=3, label=label)
    mark_start_end(ax, xs[:, 0], xs[:, 1], color, with_labels=with_labels)


def _formula(objective):
    return objective.formula.split("=", 1)[-1].split("(")[0].strip() if objective.formula else objective.name
