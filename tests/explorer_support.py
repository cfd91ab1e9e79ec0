"""Helpers for the tests of the slider callbacks: PNG pixels, a from-scratch drawing of a
figure to compare a live figure's PNG with, and the kernel-like harness of
benchmarks/notebooks.py (an IPython shell with Jupyter's inline backend)."""

import importlib.util
import io
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from PIL import Image

from adam_teach import plotting


def png_pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def full_draw(fig):
    """The figure drawn from scratch by matplotlib (savefig), as RGB pixels. Figure-level
    animated artists (a suptitle) are left out by savefig."""
    buffer = io.BytesIO()
    with matplotlib.rc_context(plotting.LiveFigure.TEXT_STYLE):
        fig.savefig(buffer, format="png", dpi=fig.dpi)
    return png_pixels(buffer.getvalue())


@pytest.fixture
def kernel_like():
    """benchmarks/notebooks.py's harness (an IPython shell with Jupyter's inline backend;
    `slider_widget(notebook)` builds the notebook's own explorer); the backend is put back
    afterwards."""
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "notebooks.py"
    spec = importlib.util.spec_from_file_location("notebooks_benchmark", path)
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    backend = matplotlib.get_backend()
    try:
        benchmark.inline_shell()
        yield benchmark
    finally:
        from IPython.core.interactiveshell import InteractiveShell

        type(InteractiveShell.instance()).clear_instance()
        matplotlib.use(backend)
