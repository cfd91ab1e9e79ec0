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


def test_text_printed_in_several_flushes_is_saved_as_one_output(tmp_path):
    """The kernel splits printed text wherever a flush fell (timing): saved as one output
    per stream, so re-executing an unchanged notebook changes nothing."""
    path = notebook(tmp_path, "import sys, time\nfor k in range(3):\n    print(k, flush=True)\n    time.sleep(0.3)")
    result = execute(path)
    assert result.returncode == 0, result.stderr
    assert [(o["name"], o["text"]) for o in nbformat.read(path, 4).cells[0].outputs] == [("stdout", "0\n1\n2\n")]


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


def fake_parent_get_msg(monkeypatch, seen_on_call):
    """AsyncZMQSocketChannel.get_msg as it behaves when a wake-up is missed: the message is
    in the socket, but the poll only notices it when its own timeout ends (call number
    `seen_on_call`, counted from 1); earlier calls wait their whole timeout and find nothing."""
    import asyncio
    from queue import Empty

    from jupyter_client.channels import AsyncZMQSocketChannel

    calls = []

    async def get_msg(self, timeout=None):
        calls.append(timeout)
        if len(calls) >= seen_on_call:
            return {"msg_type": "execute_reply"}
        await asyncio.sleep(timeout)
        raise Empty

    monkeypatch.setattr(AsyncZMQSocketChannel, "get_msg", get_msg)
    return calls


def test_a_message_missed_by_one_poll_is_found_a_slice_later(monkeypatch):
    import asyncio
    import time

    from adam_teach.notebook_runner import POLL_SLICE, SlicedPollChannel

    calls = fake_parent_get_msg(monkeypatch, seen_on_call=2)
    channel = SlicedPollChannel.__new__(SlicedPollChannel)
    start = time.monotonic()
    assert asyncio.run(channel.get_msg(timeout=120)) == {"msg_type": "execute_reply"}
    assert time.monotonic() - start < POLL_SLICE + 5  # not the 120 s a single poll would wait
    assert calls[0] <= POLL_SLICE


def test_the_overall_timeout_still_holds(monkeypatch):
    import asyncio
    import time
    from queue import Empty

    from adam_teach.notebook_runner import SlicedPollChannel

    fake_parent_get_msg(monkeypatch, seen_on_call=10**6)
    channel = SlicedPollChannel.__new__(SlicedPollChannel)
    start = time.monotonic()
    with pytest.raises(Empty):
        asyncio.run(channel.get_msg(timeout=2.5))
    assert 2.4 < time.monotonic() - start < 8  # not before the deadline, nor long after


def test_notebooks_run_with_the_sliced_client(monkeypatch, tmp_path):
    from adam_teach import notebook_runner

    seen = []
    original = notebook_runner.NotebookClient.async_start_new_kernel_client

    async def spy(self):
        kc = await original(self)
        seen.append(type(kc))
        return kc

    monkeypatch.setattr(notebook_runner.NotebookClient, "async_start_new_kernel_client", spy)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")])
    notebook_runner.run_cells(nb, tmp_path)
    assert seen == [notebook_runner.SlicedPollKernelClient]
    assert nb.cells[0].outputs[0]["text"] == "1\n"
