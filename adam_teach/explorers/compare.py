"""Optimisers side by side on the 2-D surfaces (notebook 07): the same start, the same
number of steps and, optionally, the same seeded gradient noise for every optimiser.

`compare(surface, optimizers, learning_rate, noise, steps)` is the slider callback; each
surface's figure is built once and redrawn in place for each slider move
(`plotting.LiveFigure`). `draw_paths` draws the notebook's static figures."""

import dataclasses
import functools
from typing import NamedTuple

import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import display, objectives, plotting, run, validation
from ..trace import Trace
from ..noisy import with_gradient_noise
from ..optimizers import SGD, Adam, Momentum, RMSprop
from . import controls, float_runs


class Surface(NamedTuple):
    objective: object
    start: tuple
    steps: int


def turned(point, angle):
    """The point turned by `angle` (radians) about the origin, as the rotated bowl is turned."""
    (x, y), c, s = point, np.cos(angle), np.sin(angle)
    return (float(c * x - s * y), float(s * x + c * y))


BOWL_START = (-3.5, 1.2)
SURFACES = {
    "Rosenbrock": Surface(objectives.rosenbrock, (-1.5, 2.5), 300),
    "saddle": Surface(objectives.saddle, (1.8, 0.01), 60),
    "ill-conditioned bowl": Surface(objectives.bowl, BOWL_START, 60),
    # the same bowl turned by 45°, started from the same point turned with it
    "rotated bowl": Surface(objectives.rotated_bowl, turned(BOWL_START, np.pi / 4), 60),
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
    # the aligned bowl's values, so that the turn is the only change
    "rotated bowl": {"SGD": 0.03, "Momentum": 0.03, "RMSprop": 0.1, "Adam": 0.1},
}


def run_paths(surface, learning_rates, noise=0.0, seed=0, steps=None):
    """One Trace per optimiser: `learning_rates` maps an optimiser's name (a key of
    OPTIMIZERS) to its α. Each run gets its own copy of the noise, same seed."""
    validation.one_of("surface", surface, SURFACES)
    objective, start, default_steps = SURFACES[surface]
    steps = default_steps if steps is None else steps
    traces = {}
    for name, learning_rate in learning_rates.items():
        optimizer = OPTIMIZERS[validation.one_of("optimizer", name, OPTIMIZERS)](learning_rate)
        traces[name] = run(optimizer, with_gradient_noise(objective, noise, seed), start, steps)
    return traces


def print_final(traces):
    """One line per optimiser: its α, where it ended and f there."""
    for name, trace in traces.items():
        end = "diverged" if trace.diverged else (
            f"ends at ({trace.x[-1, 0]:7.3f}, {trace.x[-1, 1]:7.3f}), f = {float(trace.f[-1]):9.4f}")
        print(f"{name:9s} α = {trace.optimizer.learning_rate:<6g} {end}")


def print_surfaces():
    """One line per surface: its start, its number of steps and the tuned learning rates."""
    for name, (_, (x, y), steps) in SURFACES.items():
        print(f"{name:21s} start ({x:.4g}, {y:.4g}), {steps} steps, learning rates {TUNED_LEARNING_RATES[name]}")


# --- how many steps to reach f < 1e-6 (notebook 07: the bowl, aligned and turned) ---------

# 16 starts evenly spread on the circle of radius 3 around the bowls' minimum, at
# (k + 1/2)·22.5°: turning the set by 45° gives the same set, so the aligned and the
# rotated bowl are started from the same points, and from the same points relative to
# their valleys.
CIRCLE_STARTS = 3.0 * np.column_stack([np.cos((np.arange(16) + 0.5) * np.pi / 8),
                                       np.sin((np.arange(16) + 0.5) * np.pi / 8)])
# α from 10⁻³ to 10 in quarter decades (17 values), the same grid for every optimiser.
LEARNING_RATE_GRID = tuple(float(10 ** (k / 4)) for k in range(-12, 5))


DIVERGED = 1e12  # a run whose f grows past this has diverged (f is at most 1800 at these starts)


def steps_until_most_reach(optimizer, objective, starts, tolerance=1e-6, max_steps=3000):
    """The first step t by which more than half of the runs from `starts` (the rows; all
    run at once, as the optimisers act on each coordinate alone) have reached
    f(x_t) < tolerance: the median run's number of steps. inf if that does not happen
    within max_steps (a run that diverges, f ≥ DIVERGED, never gets there)."""
    x = validation.finite_point("starts", starts, optimizer.dtype)
    if x.ndim != 2 or len(x) == 0:
        raise ValueError(f"starts must be a non-empty array of points, one per row, got shape {x.shape}.")
    tolerance = validation.positive_finite("tolerance", tolerance)
    max_steps = validation.step_count("max_steps", max_steps)
    needed = len(x) // 2 + 1
    f = objective.f(x)
    reached = f < tolerance
    state = optimizer.init(x)
    with np.errstate(all="ignore"):  # a diverging run overflows
        for t in range(max_steps + 1):
            if reached.sum() >= needed:
                return t
            still_running = ~reached & (f < DIVERGED)  # NaN and inf are not below it either
            if reached.sum() + still_running.sum() < needed or t == max_steps:
                return np.inf
            x, state, _ = optimizer.step(x, objective.grad(x), state)
            f = objective.f(x)
            reached |= f < tolerance


class BestRun(NamedTuple):
    steps: float  # steps until more than half of the runs reach the tolerance (inf: never)
    learning_rate: float  # the α of the grid that needs the fewest (the smallest such α)


def best_learning_rate(name, objective, starts=CIRCLE_STARTS, grid=LEARNING_RATE_GRID,
                       tolerance=1e-6, max_steps=3000):
    """The optimiser `name` (a key of OPTIMIZERS) with each α of the grid: the α after which
    more than half of the runs from `starts` reach f < tolerance soonest, and that step.
    (From the largest α down, each run stops once it can no longer do as well as the best so far.)"""
    factory = OPTIMIZERS[validation.one_of("optimizer", name, OPTIMIZERS)]
    best = BestRun(np.inf, max(grid))
    for alpha in sorted(grid, reverse=True):
        limit = max_steps if best.steps == np.inf else best.steps
        steps = steps_until_most_reach(factory(alpha), objective, starts, tolerance, limit)
        if steps <= best.steps:  # of equals, the smallest α
            best = BestRun(steps, alpha)
    return best


BOWL_PAIRS = {  # condition number -> (aligned bowl, the same bowl turned by 45°)
    kappa: (objectives.quadratic_bowl(kappa), objectives.rotated_quadratic_bowl(kappa, np.pi / 4))
    for kappa in (25.0, 400.0)
}


def steps_on_bowls(names=("SGD", "Momentum", "Adam"), pairs=None, **settings):
    """(κ, "aligned" or "rotated") -> optimiser name -> BestRun, for each pair of bowls."""
    pairs = BOWL_PAIRS if pairs is None else pairs
    return {(kappa, turn): {name: best_learning_rate(name, objective, **settings) for name in names}
            for kappa, bowls in pairs.items() for turn, objective in zip(("aligned", "rotated"), bowls)}


def print_steps_on_bowls(table, starts=CIRCLE_STARTS, tolerance=1e-6, max_steps=3000):
    """The table of steps_on_bowls (made with these settings): each optimiser's steps and best α."""
    names, runs = list(next(iter(table.values()))), len(starts)
    print(f"steps until {runs // 2 + 1} of the {runs} runs reach f < {tolerance:g}, "
          "each optimiser at its best α of the grid")
    print(f"{'':22s}" + "".join(f"{name:>20s}" for name in names))
    for (kappa, turn), runs in table.items():
        cells = [(f"> {max_steps}" if run.steps == np.inf else f"{run.steps}") + f" (α {run.learning_rate:.2g})"
                 for run in runs.values()]
        row = f"κ = {kappa:<4g} {turn + (' 45°' if turn == 'rotated' else ''):11s}"
        print(row + "".join(f"{cell:>20s}" for cell in cells))


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


def styled(path, name):
    """A path (its line, start and end markers) in the optimiser's colour, line style and
    marker (plotting.optimizer_style: each optimiser looks the same in every figure)."""
    style = plotting.optimizer_style(name)
    line, start, end = path
    line.set(linestyle=style["linestyle"], marker=style["marker"], markersize=4, color=style["color"])
    start.set_markeredgecolor(style["color"])
    end.set_color(style["color"])
    return path


def path_label(name, trace, alpha=None):
    """The legend entry of one optimiser's path: its name, its α (as `alpha` writes it, else
    plainly) and f where it ended."""
    return f"{name} {run_result(trace, alpha)}"


def run_result(trace, alpha=None):
    """"(α = 0.01): f = 4.9" or "(α = 3): diverged"."""
    status = "diverged" if trace.diverged else f"f = {float(trace.f[-1]):.2g}"
    rate = trace.optimizer.learning_rate
    return f"(α = {alpha(rate) if alpha else f'{rate:g}'}): {status}"


def title(objective, noise):
    """The surface's formula, and the noise if there is any (as the noise slider reads it)."""
    return objective.formula + (f", gradient noise σ = {noise:.1f}" if noise else "")


# Both legends stand right of the contours, outside them: they never hide a path.
LEGEND_X = 1.03  # axes fraction


def legend_of_markers(ax, path_lines):
    """What every figure of a surface shows the same (its stationary points, start, end):
    a legend right of the axes, at the bottom, below `legend_of_paths`."""
    handles = [line for line in ax.get_lines()
               if line not in path_lines and not line.get_label().startswith("_")]
    ax.add_artist(ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(LEGEND_X, 0.0),
                            borderaxespad=0.0))


def legend_of_paths(ax, path_lines):
    """One entry per drawn path, right of the axes at the top."""
    return ax.legend(handles=[line for line in path_lines if line.get_visible()], loc="upper left",
                     bbox_to_anchor=(LEGEND_X, 1.0), borderaxespad=0.0)


def draw_paths(surface, traces, noise=0.0):
    """Contours of the surface with every optimiser's path, start and end marked; the
    view is widened to hold the paths."""
    objective = SURFACES[surface].objective
    fig, ax = plotting.subplots(width=9.2, height=4.4)  # 9.4 in with the margins savefig adds
    plotting.plot_contours(ax, _view(objective, traces), num=120)
    path_lines = [styled(plotting.plot_path_2d(ax, trace.x, label=path_label(name, trace),
                                               with_labels=(i == len(traces) - 1)), name)[0]
                  for i, (name, trace) in enumerate(traces.items())]
    plotting.label(ax, title(objective, noise), "x", "y", legend=False)
    legend_of_markers(ax, path_lines)
    legend_of_paths(ax, path_lines)
    return fig


class CompareFigure:
    """One surface's contours with a path for each optimiser, built once with fixed
    margins over a fixed view, the surface's plot range (a path that leaves it runs off
    the edge; its legend entry says where it ended). `show(traces, noise)` moves the
    chosen optimisers' paths, hides the others, retitles and writes each run's result in the
    legend; PNG bytes.

    The legends are kept in the background pixels: the paths' legend names every optimiser
    in its line style, and what changes, each run's α and end, is a text right of its name
    (rebuilding the legend on each update took 15 of its 35 ms)."""

    def __init__(self, surface):
        self.objective = SURFACES[surface].objective
        fig = plotting.live_figure(9.4, 4.4)
        # the contours on the left, the legends in the right 40 % of the figure
        self.ax = ax = fig.add_axes((0.075, 0.115, 0.53, 0.8))  # left, bottom, width, height
        ax.xaxis.set_major_locator(MaxNLocator(6))
        ax.yaxis.set_major_locator(MaxNLocator(6))
        plotting.plot_contours(ax, _view(self.objective, {}), levels=15, num=120)  # fewer lines: a smaller PNG, sooner
        self.paths = {name: styled(plotting.plot_path_2d(ax, np.zeros((1, 2)), label=name,
                                                         with_labels=(name == list(OPTIMIZERS)[-1])), name)
                      for name in OPTIMIZERS}
        plotting.label(ax, "", "x", "y", legend=False, title_y=1.0)
        plotting.fix_label_positions([ax], lefts=(-0.085,), below=-0.09)
        path_lines = [path[0] for path in self.paths.values()]
        legend_of_markers(ax, path_lines)
        names = legend_of_paths(ax, path_lines).get_texts()
        self.results = {name: ax.annotate("", xy=(1, 0), xycoords=text, va="bottom", fontsize=text.get_fontsize())
                        for name, text in zip(self.paths, names)}
        changing = [line for path in self.paths.values() for line in path] + [ax.title, *self.results.values()]
        self.live = plotting.LiveFigure(fig, changing)
        self.figure = fig

    def show(self, traces, noise):
        """Redraw the paths of these (name -> Trace) runs; the PNG bytes of the figure. The
        legend writes α as the slider's readout does."""
        for name, path in self.paths.items():
            for artist in path:
                artist.set_visible(name in traces)
            if name in traces:
                plotting.move_path(path, traces[name].x[:, 0], traces[name].x[:, 1])
            result = run_result(traces[name], alpha=controls.readout) if name in traces else "(not chosen)"
            self.results[name].set_text(" " + result)
        self.ax.title.set_text(title(self.objective, noise))
        return self.live.png()


@functools.cache
def _compare_figures():
    """The figure every call of compare redraws, one per surface and kernel (each keeps its
    own contours as pixels), all built and drawn on the first call: switching to another
    surface then only redraws its paths (building one took 100 to 250 ms)."""
    figures = {surface: CompareFigure(surface) for surface in SURFACES}
    for figure in figures.values():
        figure.show({}, 0.0)  # its kept pixels and its ticks drawn once
    return figures


def explorer_run(surface, name, learning_rate, noise=0.0, steps=None, seed=0):
    """One optimiser's run as run_paths makes it (same start, same noise seed, the same
    numbers bit for bit; tests/test_rotated_bowl.py checks it), for the explorer: stepped in
    plain floats (float_runs), f computed for all iterates at once at the end, and the
    check that they are finite made then too. As in `run`, the run stops at the first
    iterate where x, f or the gradient is not finite (diverged). The Trace has no internals."""
    objective, start, default_steps = SURFACES[validation.one_of("surface", surface, SURFACES)]
    steps = validation.step_count("steps", default_steps if steps is None else steps)
    optimizer = OPTIMIZERS[validation.one_of("optimizer", name, OPTIMIZERS)](learning_rate)
    # with_gradient_noise's noise (σ·z, z from a generator seeded with `seed`), drawn for all
    # steps at once: the same numbers as its one draw per gradient
    noise = validation.non_negative("noise", noise)
    kicks = noise * np.random.default_rng(seed).standard_normal((steps + 1, 2)) if noise else None
    validation.finite_point("x0", start, optimizer.dtype)
    xs, gs = float_runs.run_in_floats(optimizer, objective, start, steps, kicks)
    with np.errstate(all="ignore"):  # a diverging run overflows
        fs = objective.f(xs)
    finite = np.isfinite(xs).all(axis=1) & np.isfinite(fs) & np.isfinite(gs).all(axis=1)
    if finite.all():
        return Trace(optimizer, objective, xs, fs, gs)
    kept = int(np.argmin(finite))  # the first iterate that is not finite (x0 is)
    return Trace(optimizer, objective, xs[:kept], fs[:kept], gs[:kept], diverged=True)


def first_steps(trace, steps):
    """The Trace of the same run stopped after `steps` steps: a prefix of `trace` (a run of
    at least that many steps, or one that diverged earlier, when it is returned as it is)."""
    if trace.steps < steps:
        if not trace.diverged:
            raise ValueError(f"a run of {trace.steps} steps has no first {steps} steps")
        return trace
    return Trace(trace.optimizer, trace.objective, trace.x[:steps + 1], trace.f[:steps + 1],
                 trace.grad[:steps + 1])


_KEPT_RUNS = {}  # (surface, name, α, noise) -> the run of the most steps asked so far
_KEPT_LIMIT = 256


def _explorer_run(surface, name, learning_rate, noise, steps):
    """One optimiser's run for the explorer, kept by its arguments: a slider move that leaves
    them as they are (choosing the optimisers shown) runs nothing again, and one that only
    asks for fewer steps (the steps slider, down) shows the first steps of the kept run,
    which are those of a run of that many steps (the same start and noise)."""
    steps = SURFACES[surface].steps if steps is None else steps
    key = surface, name, learning_rate, noise
    kept = _KEPT_RUNS.pop(key, None)  # put back last: the most recently used is kept longest
    if kept is None or (kept.steps < steps and not kept.diverged):
        kept = explorer_run(surface, name, learning_rate, noise, steps)
    _KEPT_RUNS[key] = kept
    if len(_KEPT_RUNS) > _KEPT_LIMIT:
        del _KEPT_RUNS[next(iter(_KEPT_RUNS))]
    return first_steps(kept, steps)


def draw_compare(surface="Rosenbrock", optimizers=("SGD", "Momentum", "RMSprop", "Adam"),
                 learning_rate=0.01, noise=0.0, steps=None):
    """The slider's figure for these values, and its PNG bytes."""
    validation.one_of("surface", surface, SURFACES)
    for name in optimizers:
        validation.one_of("optimizer", name, OPTIMIZERS)
    traces = {name: _explorer_run(surface, name, float(learning_rate), float(noise), steps) for name in optimizers}
    figure = _compare_figures()[surface]
    return figure.figure, figure.show(traces, noise)


def compare(surface="Rosenbrock", optimizers=("SGD", "Momentum", "RMSprop", "Adam"),
            learning_rate=0.01, noise=0.0, steps=None):
    """The slider callback: the chosen optimisers, all with the same α, on one surface."""
    display.show(*draw_compare(surface, optimizers, learning_rate, noise, steps))
