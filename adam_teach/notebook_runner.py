"""Execute notebooks with nbclient and store their outputs in place, the way the course
commits them: TensorFlow silenced, a fixed working directory, no stderr left behind.

Every cell has a time limit. A cell that runs past it, or fails, is named (its number and
first line) and the notebook file is left as it was: nothing half-executed is saved.

The kernel's messages are waited for in one-second slices (`SlicedPollChannel`): under load
a message from the kernel can sit unnoticed in its socket until the wait's deadline, so that
kernel and client both idle (seen here about once in 15 executions beside a CPU-heavy
process, with ipykernel 6 and 7 alike; `benchmarks/hangs.py` measures it). Looking again
every second finds such a message within a second."""

import os
import sys
import time
from pathlib import Path
from queue import Empty

import nbformat
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from traitlets import Type

QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "PYTHONHASHSEED": "0",
             "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
CELL_TIMEOUT = 600  # seconds per cell; the slowest course cell (notebook 09's Keras run) takes ~10 s
STARTUP_TIMEOUT = 120  # seconds for the kernel to start


POLL_SLICE = 1.0  # seconds: the longest a ready message can wait unseen


class SlicedPollChannel(AsyncZMQSocketChannel):
    """A kernel channel whose `get_msg(timeout)` waits in slices of POLL_SLICE seconds, up to
    the same overall timeout (None: for ever), instead of in one long poll."""

    async def get_msg(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = POLL_SLICE if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                return await super().get_msg(timeout=min(POLL_SLICE, left))
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise


class SlicedPollKernelClient(AsyncKernelClient):
    shell_channel_class = Type(SlicedPollChannel)
    iopub_channel_class = Type(SlicedPollChannel)


class NotebookFailed(Exception):
    """A notebook did not run to the end: which cell, and why."""


def _cell_name(nb, index):
    first_line = (nb.cells[index].source.strip().splitlines() or [""])[0][:60]
    return f"cell {index} ({first_line!r})"


def run_cells(nb, folder, timeout=CELL_TIMEOUT):
    """Execute `nb` in place in a fresh kernel started in `folder`. Raises NotebookFailed
    naming the cell that timed out or raised, or the kernel's death."""
    os.environ.update(QUIET_ENV)
    kernel = AsyncKernelManager(kernel_name="python3",
                                client_class=f"{__name__}.{SlicedPollKernelClient.__name__}")
    client = NotebookClient(nb, km=kernel, timeout=timeout, startup_timeout=STARTUP_TIMEOUT,
                            kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(folder)}})
    current = {"index": None}
    client.on_cell_start = lambda cell, cell_index: current.update(index=cell_index)
    where = lambda: _cell_name(nb, current["index"]) if current["index"] is not None else "kernel start-up"
    try:
        client.execute()
    except CellTimeoutError:
        raise NotebookFailed(f"{where()} did not finish within {timeout} s (the per-cell limit; "
                             f"raise it with --timeout if the cell is meant to be slow)") from None
    except DeadKernelError as error:
        raise NotebookFailed(f"the kernel died in {where()}: {error}") from None
    except CellExecutionError as error:
        raise NotebookFailed(f"{where()} raised {error.ename}: {error.evalue}") from None
    except (TimeoutError, RuntimeError) as error:  # the kernel did not start or answer
        raise NotebookFailed(f"{where()}: {error}") from None
    return nb


def execute(path, timeout=CELL_TIMEOUT):
    """Run every cell of the notebook at `path` in a fresh kernel and save it; return the
    indices of cells that wrote to stderr. The file is only written if every cell ran."""
    path = Path(path)
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

    nb = run_cells(nbformat.read(path, as_version=4), path.parent, timeout)
    # Re-executing an unchanged notebook changes nothing: no per-run timestamps, and printed
    # text merged into one output per stream (the kernel splits it wherever a flush fell).
    nb, _ = CoalesceStreamsPreprocessor().preprocess(nb, {})
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    stderr = [i for i, cell in enumerate(nb.cells) for out in cell.get("outputs", [])
              if out.get("output_type") == "stream" and out.get("name") == "stderr"]
    nbformat.write(nb, path)
    return stderr


def add_arguments(parser):
    parser.add_argument("notebooks", nargs="+", help="notebooks to execute in place")
    parser.add_argument("--timeout", type=int, default=CELL_TIMEOUT,
                        help=f"seconds per cell (default {CELL_TIMEOUT})")


def main(args):
    status = 0
    for name in args.notebooks:
        if not Path(name).is_file():
            print(f"adam-teach execute: no such notebook: {name}", file=sys.stderr)
            return 2
    if args.timeout <= 0:
        print(f"adam-teach execute: --timeout must be a number of seconds > 0, got {args.timeout}",
              file=sys.stderr)
        return 2
    for name in args.notebooks:
        try:
            stderr_cells = execute(name, args.timeout)
        except NotebookFailed as failure:
            print(f"{name}: not saved: {failure}", file=sys.stderr)
            status = 1
            continue
        if stderr_cells:
            print(f"{name}: stderr output in cells {stderr_cells}; silence it before committing",
                  file=sys.stderr)
            status = 1
        else:
            print(f"{name}: executed")
    return status
