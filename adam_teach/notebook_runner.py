"""Execute notebooks with nbclient and store their outputs in place, the way the course
commits them: TensorFlow silenced, a fixed working directory, no stderr left behind."""

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "PYTHONHASHSEED": "0",
             "MPLBACKEND": "module://matplotlib_inline.backend_inline"}


def execute(path, timeout=600):
    """Run every cell of the notebook at `path` in a fresh kernel and save it."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    os.environ.update(QUIET_ENV)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    for cell in nb.cells:  # no per-run timestamps: re-executing an unchanged notebook changes nothing
        cell.metadata.pop("execution", None)
    stderr = [i for i, cell in enumerate(nb.cells) for out in cell.get("outputs", [])
              if out.get("output_type") == "stream" and out.get("name") == "stderr"]
    nbformat.write(nb, path)
    return stderr


def add_arguments(parser):
    parser.add_argument("notebooks", nargs="+", help="notebooks to execute in place")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")


def main(args):
    status = 0
    for name in args.notebooks:
        if not Path(name).is_file():
            print(f"adam-teach execute: no such notebook: {name}", file=sys.stderr)
            return 2
    for name in args.notebooks:
        stderr_cells = execute(name, args.timeout)
        if stderr_cells:
            print(f"{name}: stderr output in cells {stderr_cells}; silence it before committing",
                  file=sys.stderr)
            status = 1
        else:
            print(f"{name}: executed")
    return status
