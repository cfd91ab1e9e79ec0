"""How long the course takes to run: the wall time to execute each notebook headless
(nbclient, through adam_teach.notebook_runner, on a temporary copy so the committed
notebooks are untouched) and the median time of one update of each notebook's sliders.

    python benchmarks/notebooks.py                          # every notebook, then the sliders
    python benchmarks/notebooks.py --slider                 # only the sliders
    python benchmarks/notebooks.py --slider 01_gradient_descent   # one notebook's sliders
    python benchmarks/notebooks.py --slider 07_beyond_the_cubic:draw_adam_2d  # one of its explorers

Budgets: 20 s per NumPy notebook, 40 s per TensorFlow notebook, 50 ms per slider update.
A slider update is timed the way the kernel runs it: in an IPython shell with Jupyter's
inline matplotlib backend (as in every Jupyter kernel), the notebook's own explorer
(`controls.explore(...)` cell: its draw function, its controls) gets random control values
and redraws: the draw function recomputes, redraws the figure and encodes the PNG (2x
pixels) that the explorer's image sends to the browser. Only sending that message over
ZeroMQ is left out. Each update must put a new PNG in the image and leave no pyplot figure."""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_NUMPY, BUDGET_TENSORFLOW, BUDGET_SLIDER = 20.0, 40.0, 0.050


def time_notebooks(folder=ROOT / "notebooks"):
    from adam_teach import notebook_runner

    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for path in sorted(folder.glob("*.ipynb")):
            copy = Path(scratch) / path.name
            shutil.copy(path, copy)
            start = time.perf_counter()
            stderr_cells = notebook_runner.execute(copy)
            seconds = time.perf_counter() - start
            budget = BUDGET_TENSORFLOW if "import_tensorflow" in path.read_text() else BUDGET_NUMPY
            rows.append((path.name, seconds, budget, stderr_cells))
    return rows


def explorer_cell(notebook):
    """The draw function, fixed values and controls of the notebook's `controls.explore(...)`
    cell, exactly as the notebook defines them: its import statements run, then that cell,
    with `explore` replaced by a function that records what it is given. "NAME:DRAW" picks
    the explorer of that draw function in a notebook with several; "NAME", the first."""
    import ast

    import nbformat

    from adam_teach.explorers import controls

    notebook, _, draw_name = notebook.partition(":")
    cells = [cell.source for cell in nbformat.read(ROOT / "notebooks" / f"{notebook}.ipynb", 4).cells
             if cell.cell_type == "code"]
    imports = [ast.unparse(statement) for source in cells for statement in ast.parse(source).body
               if isinstance(statement, (ast.Import, ast.ImportFrom))]
    explorer_cells = [source for source in cells if "controls.explore(" in source]
    widget_cell = next(source for source in explorer_cells if draw_name in source)
    given = []
    original = controls.explore
    controls.explore = lambda draw, fixed=None, **widgets: given.append((draw, fixed, widgets))
    try:
        namespace = {}
        exec("\n".join(imports), namespace)
        exec(widget_cell, namespace)
    finally:
        controls.explore = original
    (draw, fixed, widgets), = given
    return draw, fixed, widgets


def slider_widget(notebook):
    """The notebook's explorer (controls.Explorer) with the notebook's own draw function and
    controls; `set_values(**settings)` sets several controls and draws once."""
    from adam_teach.explorers import controls

    draw, fixed, widgets = explorer_cell(notebook)
    return controls.Explorer(draw, fixed=fixed, **widgets)


def random_value(widget, rng):
    """A value a learner can set with this widget (a slider's value lies on its steps)."""
    from ipywidgets import FloatLogSlider, SelectMultiple

    if isinstance(widget, SelectMultiple):
        chosen = rng.choice(len(widget.options), size=rng.integers(1, len(widget.options) + 1), replace=False)
        return tuple(widget.options[i] for i in sorted(chosen))
    if hasattr(widget, "options"):  # Dropdown, SelectionSlider; an option may be a (label, value) pair
        option = widget.options[rng.integers(len(widget.options))]
        return option[1] if isinstance(option, tuple) and len(option) == 2 and isinstance(option[0], str) else option
    position = widget.min + widget.step * rng.integers(round((widget.max - widget.min) / widget.step) + 1)
    position = min(position, widget.max)
    if isinstance(widget, FloatLogSlider):
        return float(widget.base ** position)
    return type(widget.value)(position)


def slider_settings(explorer, count, seed=0):
    """`count` random settings of the explorer's controls (name -> value)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    for _ in range(count):
        yield {name: random_value(control, rng) for name, control in explorer.controls.items()}


def inline_shell():
    """An IPython shell with Jupyter's inline matplotlib backend, as in a notebook kernel
    (one per process: IPython's shell is a singleton)."""
    from IPython.core.interactiveshell import InteractiveShell

    class KernelShell(InteractiveShell):
        def enable_gui(self, gui=None):  # the inline backend needs no GUI event loop
            pass

    shell = InteractiveShell.instance() if InteractiveShell.initialized() else KernelShell.instance()
    shell.enable_matplotlib("inline")
    return shell


# What each slider callback recomputes before it draws (its settings -> the runs drawn).
RECOMPUTE = {
    "01_gradient_descent": lambda s: _explorer("gradient_descent").gradient_descent_trace(**s),
    "02_momentum": lambda s: _explorer("momentum").bowl_traces(**s),
    "03_adaptive_steps": lambda s: _explorer("adaptive").adaptive_traces(**s),
    "04_bias_correction": lambda s: _explorer("bias_correction").relative_steps(**s),
    "05_adam_from_scratch": lambda s: _explorer("adam").adam_run(**s),
    "06_adam_vs_keras": lambda s: _explorer("epsilon").paper_and_keras_paths(**s),
    "07_beyond_the_cubic": lambda s: [_explorer("compare").explorer_run(  # (its uncached runs)
        s["surface"], name, s["learning_rate"], s["noise"], s["steps"]) for name in s["optimizers"]],
    "07_beyond_the_cubic:draw_adam_2d": lambda s: _explorer("adam_2d").adam_2d_trace(**s),
    "09_training_a_network": lambda s: _explorer("training").training_run(**s),  # replayed
}
SLIDER_NOTEBOOKS = list(RECOMPUTE)


def _explorer(name):
    import importlib

    return importlib.import_module(f"adam_teach.explorers.{name}")


def time_slider(notebook="05_adam_from_scratch", count=30):
    """Median wall and CPU seconds of one update of the notebook's explorer (see the module
    docstring), the median seconds of its recomputation alone, and the median size of the
    PNG sent, over `count` random settings of its controls."""
    inline_shell()
    explorer = slider_widget(notebook)

    def update(settings):
        before = explorer.image.value
        explorer.set_values(**settings)
        if explorer.image.value is before or plt_figures():
            raise AssertionError("an update should put a new PNG in the explorer's image, "
                                 "and leave no pyplot figure")
        return explorer.image.value

    update({name: control.value for name, control in explorer.controls.items()})  # warm up
    walls, cpus, computes, sizes = [], [], [], []
    for settings in slider_settings(explorer, count):
        wall, cpu = time.perf_counter(), time.process_time()
        png = update(settings)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        sizes.append(len(png))
        start = time.perf_counter()
        RECOMPUTE[notebook]({**(explorer.fixed or {}), **settings})
        computes.append(time.perf_counter() - start)
    return (statistics.median(walls), statistics.median(cpus), statistics.median(computes),
            statistics.median(sizes))


def plt_figures():
    import matplotlib.pyplot as plt

    return plt.get_fignums()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slider", action="store_true", help="time only the slider update")
    parser.add_argument("--calls", type=int, default=30, help="slider updates to time (default 30)")
    parser.add_argument("notebooks", nargs="*", metavar="NOTEBOOK",
                        help=f"time only these notebooks' sliders, of {', '.join(SLIDER_NOTEBOOKS)}")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.notebooks) - set(SLIDER_NOTEBOOKS))
    if unknown:
        parser.error(f"no slider callback in {unknown}; choose from {SLIDER_NOTEBOOKS}")
    os.chdir(ROOT)
    over = False
    if not args.slider:
        print(f"{'notebook':36s} {'seconds':>8s} {'budget':>7s}")
        for name, seconds, budget, stderr_cells in time_notebooks():
            flag = "" if seconds <= budget else "  OVER BUDGET"
            flag += f"  stderr in cells {stderr_cells}" if stderr_cells else ""
            over |= bool(flag)
            print(f"{name:36s} {seconds:8.1f} {budget:7.0f}{flag}")
    print(f"slider callback (median of {args.calls} updates)   wall ms  CPU ms  recompute ms  PNG kB")
    for notebook in args.notebooks or SLIDER_NOTEBOOKS:
        wall, cpu, compute, size = time_slider(notebook, args.calls)
        flag = "" if wall <= BUDGET_SLIDER else "  OVER BUDGET"
        over |= bool(flag)
        print(f"{notebook:40s} {1e3 * wall:8.0f} {1e3 * cpu:7.0f} {1e3 * compute:13.1f} {size / 1e3:7.0f}"
              f"  budget {1e3 * BUDGET_SLIDER:.0f} ms{flag}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
