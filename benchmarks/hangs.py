"""Does headless notebook execution hang? Execute every course notebook many times, two at a
time, while a CPU-heavy process runs beside them (the condition under which hangs were seen
with ipykernel 7: kernel and client both idle, forever), and count what did not finish.

    python benchmarks/hangs.py                 # 10 rounds of notebooks/*.ipynb, 2 at a time
    python benchmarks/hangs.py --rounds 3 --no-load

Each execution is `adam-teach execute` on a fresh copy, in its own process, with a per-cell
limit (--cell-timeout) and a wall-clock limit (--wall-timeout). A hang is an execution that
hit either limit; a failure is any other non-zero exit. Prints the versions of the packages
involved, a line per notebook (median and slowest wall time) and the totals."""

import argparse
import importlib.metadata
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ipykernel", "jupyter_client", "pyzmq", "nbclient", "tornado", "ipython", "numpy")
CPU_HOG = "while True:\n    sum(i * i for i in range(100_000))"


def execute_copy(notebook, scratch, run, cell_timeout, wall_timeout):
    """(notebook name, start, seconds, outcome) of one execution of a fresh copy of `notebook`;
    start is time.perf_counter() when it began."""
    folder = Path(scratch) / f"{notebook.stem}-{run}"
    folder.mkdir()
    copy = folder / notebook.name
    shutil.copy(notebook, copy)
    command = [sys.executable, "-m", "adam_teach.cli", "execute", str(copy), "--timeout", str(cell_timeout)]
    start = time.perf_counter()
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=wall_timeout, cwd=folder)
    except subprocess.TimeoutExpired:
        return notebook.name, start, time.perf_counter() - start, f"hang: no end after {wall_timeout} s"
    seconds = time.perf_counter() - start
    if result.returncode == 0:
        return notebook.name, start, seconds, "ok"
    if "did not finish within" in result.stderr:
        return notebook.name, start, seconds, "hang: " + result.stderr.strip().splitlines()[-1]
    return notebook.name, start, seconds, "failed: " + (result.stderr.strip().splitlines() or ["?"])[-1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10, help="executions of each notebook (default 10)")
    parser.add_argument("--jobs", type=int, default=2, help="executions at a time (default 2)")
    parser.add_argument("--cell-timeout", type=int, default=120, help="seconds per cell (default 120)")
    parser.add_argument("--wall-timeout", type=int, default=600, help="seconds per notebook (default 600)")
    parser.add_argument("--no-load", action="store_true", help="no CPU-heavy process beside them")
    parser.add_argument("notebooks", nargs="*", type=Path, default=sorted((ROOT / "notebooks").glob("*.ipynb")))
    args = parser.parse_args(argv)

    print("versions: " + ", ".join(f"{name} {importlib.metadata.version(name)}" for name in PACKAGES))
    print(f"{args.rounds} rounds × {len(args.notebooks)} notebooks, {args.jobs} at a time, "
          f"{'no load' if args.no_load else 'one CPU-heavy process beside them'}, "
          f"limits {args.cell_timeout} s per cell and {args.wall_timeout} s per notebook")
    began = time.perf_counter()
    hog = None if args.no_load else subprocess.Popen([sys.executable, "-c", CPU_HOG])
    jobs = [(notebook, run) for run in range(args.rounds) for notebook in args.notebooks]
    try:
        with tempfile.TemporaryDirectory() as scratch, ThreadPoolExecutor(args.jobs) as pool:
            futures = [pool.submit(execute_copy, notebook, scratch, run, args.cell_timeout, args.wall_timeout)
                       for notebook, run in jobs]
            results = [future.result() for future in tqdm(futures, desc="executions", unit="notebook")]
    finally:
        if hog is not None:
            hog.kill()
            hog.wait()

    print(f"\n{'notebook':32s} {'runs':>4s} {'median s':>9s} {'slowest s':>9s}  not ok")
    for notebook in args.notebooks:
        mine = [(seconds, outcome) for name, _, seconds, outcome in results if name == notebook.name]
        seconds = [s for s, _ in mine]
        bad = [outcome for _, outcome in mine if outcome != "ok"]
        print(f"{notebook.name:32s} {len(mine):4d} {statistics.median(seconds):9.1f} {max(seconds):9.1f}  "
              + ("; ".join(bad) if bad else "-"))
    medians = {name: statistics.median(s for n, _, s, _ in results if n == name) for name, *_ in results}
    slow = [(start - began, name, seconds) for name, start, seconds, _ in results if seconds > 3 * medians[name]]
    if slow:  # stalls that overlap in time point at the machine, not at one kernel
        print("\nslower than 3× their median (started at, notebook, took): "
              + "; ".join(f"{at:.0f} s {name} {seconds:.0f} s" for at, name, seconds in sorted(slow)))
    hangs = sum(outcome.startswith("hang") for *_, outcome in results)
    failures = sum(outcome.startswith("failed") for *_, outcome in results)
    print(f"\n{len(results)} executions: {hangs} hangs, {failures} other failures, "
          f"{len(results) - hangs - failures} ran to the end")
    return 1 if hangs or failures else 0


if __name__ == "__main__":
    sys.exit(main())
