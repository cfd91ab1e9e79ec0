"""Does plotting.LiveFigure earn its place? For each explorer, the median time of one
update drawn the LiveFigure way (kept pixels, only what changed redrawn, PNG encoded) against
the same figure drawn from scratch by matplotlib (savefig to pixels at the same 2x pixels, then
the same PNG encoder), over the same settings.

    python benchmarks/live_figure.py            # every explorer, 20 settings each
    python benchmarks/live_figure.py --calls 5

The settings are those benchmarks/notebooks.py draws (random values of the notebook's own
controls); both ways run in this process, one after the other, for each setting."""

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import notebooks as notebook_benchmark  # noqa: E402
import numpy as np  # noqa: E402

from adam_teach import plotting  # noqa: E402


def from_scratch(figure):
    """The whole figure drawn by matplotlib, then encoded by the same plotting.png_bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="rgba", dpi=figure.dpi)
    width, height = (int(size) for size in figure.bbox.size)  # as Agg sizes its canvas
    return plotting.png_bytes(np.frombuffer(buffer.getbuffer(), np.uint8).reshape(height, width, 4))


def compare(notebook, calls):
    explorer = notebook_benchmark.slider_widget(notebook)
    live, scratch = [], []
    for settings in notebook_benchmark.slider_settings(explorer, calls + 1, seed=2):
        values = {**explorer.fixed, **settings}
        start = time.perf_counter()
        figure, _ = explorer.draw(**values)
        live.append(time.perf_counter() - start)
        start = time.perf_counter()
        from_scratch(figure)
        scratch.append(time.perf_counter() - start)
    # the first call of each builds what the rest reuse
    return statistics.median(live[1:]), statistics.median(scratch[1:])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args(argv)
    print(f"{'explorer':40s} {'LiveFigure ms (with runs)':>26s} {'from scratch ms (drawing only)':>31s}")
    for notebook in notebook_benchmark.SLIDER_NOTEBOOKS:
        live, scratch = compare(notebook, args.calls)
        print(f"{notebook:40s} {1e3 * live:26.0f} {1e3 * scratch:31.0f}")


if __name__ == "__main__":
    main()
