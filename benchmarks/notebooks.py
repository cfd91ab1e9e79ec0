"""How long the course takes to run: the wall time to execute each notebook headless
(nbclient, through adam_teach.notebook_runner, on a temporary copy so the committed
notebooks are untouched) and the median time of one Adam-explorer slider update.

    python benchmarks/notebooks.py            # every notebook, then the slider
    python benchmarks/notebooks.py --slider   # only the slider

Budgets: 20 s per NumPy notebook, 40 s per TensorFlow notebook, 50 ms per slider update.
A slider update is timed the way the kernel runs it: an IPython shell with Jupyter's inline
matplotlib backend (as in every Jupyter kernel) calls `interactive.update()` of ipywidgets,
which clears the widget's output, calls explore_adam with the sliders' values, flushes any
pyplot figure (the inline backend then encodes it as PNG, bbox_inches="tight") and formats
each displayed object into the base64 PNG the browser receives. Only sending that message
over ZeroMQ is left out. Each update must leave exactly one PNG in the widget's output."""

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


def slider_settings(count, seed=0):
    import numpy as np

    rng = np.random.default_rng(seed)
    for _ in range(count):
        yield dict(learning_rate=float(10 ** rng.uniform(-3, 0)), beta_1=float(rng.uniform(0, 0.99)),
                   beta_2=float(rng.uniform(0.9, 0.9999)), epsilon=float(10.0 ** rng.integers(-10, 0)),
                   x0=float(rng.uniform(-1, 2.5)), steps=int(rng.integers(1, 501)))


def slider_widget(callback):
    """ipywidgets.interactive around `callback`, with notebook 05's sliders; manual, so that
    setting several sliders runs one update, and `update()` runs it."""
    from ipywidgets import FloatLogSlider, FloatSlider, IntSlider, interactive

    return interactive(
        callback, {"manual": True},
        learning_rate=FloatLogSlider(value=0.05, base=10, min=-3, max=0, step=0.1),
        beta_1=FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01),
        beta_2=FloatSlider(value=0.999, min=0.9, max=0.9999, step=0.0001),
        epsilon=FloatLogSlider(value=1e-7, base=10, min=-10, max=0, step=1),
        x0=FloatSlider(value=0.001, min=-1.0, max=2.5, step=0.001),
        steps=IntSlider(value=100, min=1, max=500, step=1))


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


def time_slider(count=30, callback=None):
    """Median wall and CPU seconds of one slider update (see the module docstring), the
    median seconds of Adam alone, and the median size of the PNG sent, over `count` settings."""
    import base64

    from IPython.utils.capture import capture_output

    from adam_teach.explorers import adam

    inline_shell()
    widget = slider_widget(callback or adam.explore_adam)

    def update(settings):
        for slider in widget.kwargs_widgets:
            slider.value = settings[slider._kwarg]
        with capture_output() as shown:  # stdout: clear_output also prints a terminal escape
            widget.update()
        pngs = [output.data["image/png"] for output in shown.outputs if "image/png" in output.data]
        if len(shown.outputs) != 1 or len(pngs) != 1:
            raise AssertionError(f"a slider update should show one PNG, it showed {shown.outputs}")
        return base64.b64decode(pngs[0])

    update(adam.DEFAULTS)  # warm up: font cache, imports, the figure
    walls, cpus, computes, sizes = [], [], [], []
    for settings in slider_settings(count):
        wall, cpu = time.perf_counter(), time.process_time()
        png = update(settings)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        sizes.append(len(png))
        start = time.perf_counter()
        adam.adam_trace(**settings)
        computes.append(time.perf_counter() - start)
    return (statistics.median(walls), statistics.median(cpus), statistics.median(computes),
            statistics.median(sizes))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slider", action="store_true", help="time only the slider update")
    parser.add_argument("--calls", type=int, default=30, help="slider updates to time (default 30)")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    over = False
    if not args.slider:
        print(f"{'notebook':36s} {'seconds':>8s} {'budget':>7s}")
        for name, seconds, budget, stderr_cells in time_notebooks():
            flag = "" if seconds <= budget else "  OVER BUDGET"
            flag += f"  stderr in cells {stderr_cells}" if stderr_cells else ""
            over |= bool(flag)
            print(f"{name:36s} {seconds:8.1f} {budget:7.0f}{flag}")
    wall, cpu, compute, size = time_slider(args.calls)
    flag = "" if wall <= BUDGET_SLIDER else "  OVER BUDGET"
    over |= bool(flag)
    print(f"Adam explorer, median of {args.calls} slider updates: {1e3 * wall:.0f} ms wall, "
          f"{1e3 * cpu:.0f} ms CPU (of which Adam's 1-500 steps: {1e3 * compute:.1f} ms), "
          f"{size / 1e3:.0f} kB of PNG each; budget {1e3 * BUDGET_SLIDER:.0f} ms{flag}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
