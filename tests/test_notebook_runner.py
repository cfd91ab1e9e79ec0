"""`adam-teach execute`: a cell that runs too long or fails is named, and the notebook file
is left exactly as it was; a notebook that runs is saved with its outputs."""

import re
import subprocess
import sys

import nbformat
import pytest


def notebook(tmp_path, *sources):
    path = tmp_path / "trial.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nbformat.write(nb, path)
    return path


def execute(*arguments):
    return subprocess.run([sys.executable, "-m", "adam_teach.cli", "execute", *map(str, arguments)],
                          capture_output=True, text=True, timeout=300)


def test_a_notebook_that_runs_is_saved_with_its_outputs(tmp_path):
    path = notebook(tmp_path, "print(6 * 7)")
    result = execute(path)
    assert result.returncode == 0, result.stderr
    assert nbformat.read(path, 4).cells[0].outputs[0]["text"] == "42\n"


@pytest.mark.parametrize("cell, expected", [
    ("import time\ntime.sleep(60)", r"cell 1 \('import time'\) did not finish within 3 s \(the per-cell limit"),
    ("raise ValueError('no luck')", r"cell 1 \(\"raise ValueError\('no luck'\)\"\) raised ValueError: no luck"),
    ("import os\nos._exit(3)", r"the kernel died in cell 1 \('import os'\)"),
])
def test_a_failing_cell_is_named_and_nothing_is_saved(tmp_path, cell, expected):
    path = notebook(tmp_path, "x = 1", cell, "print(x)")
    before = path.read_bytes()
    result = execute(path, "--timeout", 3)
    assert result.returncode == 1
    assert re.search(expected, result.stderr), result.stderr
    assert "not saved" in result.stderr and path.read_bytes() == before


def test_a_bad_timeout_is_refused(tmp_path):
    result = execute(notebook(tmp_path, "1"), "--timeout", 0)
    assert result.returncode == 2 and "--timeout must be a number of seconds > 0" in result.stderr
