"""How long the course takes to run: the wall time to execute each notebook headless
(nbclient, through adam_teach.notebook_runner, on a temporary copy so the committed
notebooks are untouched) and the median time of one Adam-explorer slider update.

    python benchmarks/notebooks.py            # every notebook, then the slider
    python benchmarks/notebooks.py --slider   # only the slider

Budgets: 20 s per NumPy notebook, 40 s per TensorFlow notebook, 50 ms per slider update.
A slider update is what the inline backend does: recompute, draw the figure and encode it
as PNG (savefig with bbox_inches="tight")."""

import argparse
import io
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


def time_slider(count=30):
    """Median wall and CPU seconds of explore_adam + PNG encoding, over `count` settings."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from adam_teach.explorers import adam

    def show_as_inline_backend():
        for number in plt.get_fignums():
            plt.figure(number).savefig(io.BytesIO(), format="png", bbox_inches="tight")
        plt.close("all")

    plt.show = show_as_inline_backend
    adam.explore_adam(**adam.DEFAULTS)  # warm up: font cache, imports
    walls, cpus, computes = [], [], []
    for settings in slider_settings(count):
        wall, cpu = time.perf_counter(), time.process_time()
        adam.explore_adam(**settings)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        start = time.perf_counter()
        adam.adam_trace(**settings)
        computes.append(time.perf_counter() - start)
    return statistics.median(walls), statistics.median(cpus), statistics.median(computes)


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
    wall, cpu, compute = time_slider(args.calls)
    flag = "" if wall <= BUDGET_SLIDER else "  OVER BUDGET"
    over |= bool(flag)
    print(f"Adam explorer, median of {args.calls} slider updates: {1e3 * wall:.0f} ms wall, "
          f"{1e3 * cpu:.0f} ms CPU (of which Adam's 1-500 steps: {1e3 * compute:.1f} ms); "
          f"budget {1e3 * BUDGET_SLIDER:.0f} ms{flag}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
