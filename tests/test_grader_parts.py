"""The grader's parts on small inputs: the JSON wire, cell restoration, telling the exercise,
the sandbox's limits, atomic files."""

import json
import os
import time
from pathlib import Path

import numpy as np
import pytest

from adam_teach.grading import files, identify, restore
from adam_teach.runner import wire
from adam_teach.grading.course import Course
from adam_teach.grading.sandbox.execute import execute
from adam_teach.grading.sandbox.limits import Limits

# -- wire ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    (np.float32(0.1), np.array([1e-7, np.pi], dtype=np.float32)),
    np.array([[np.nan, np.inf], [-np.inf, 5e-324]]),
    [1, 2.5, None, True, "text"],
    {"x": np.arange(3, dtype=np.int64)},
])
def test_wire_round_trips_bit_for_bit(value):
    back = wire.decode(json.loads(json.dumps(wire.encode(value))))
    flat_in, flat_out = _leaves(value), _leaves(back)
    assert len(flat_in) == len(flat_out)
    for a, b in zip(flat_in, flat_out):
        assert type(a) is type(b)
        if isinstance(a, (np.ndarray, np.generic)):
            assert a.dtype == b.dtype and np.shape(a) == np.shape(b)
            assert np.asarray(a).tobytes() == np.asarray(b).tobytes()
        else:
            assert a == b


def _leaves(value):
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _leaves(item)]
    if isinstance(value, dict):
        return [leaf for key in sorted(value) for leaf in _leaves(value[key])]
    return [value]


def test_wire_never_builds_objects_it_does_not_know():
    class Trace:
        pass

    assert isinstance(wire.decode(wire.encode(Trace())), wire.Unsupported)
    hostile = [{"__ndarray__": [1, 2], "dtype": "object", "shape": [2]},
               {"__ndarray__": [1, 2], "dtype": "float64", "shape": [3]},
               {"__ndarray__": [[1], [2, 3]], "dtype": "float64", "shape": [2, 2]},
               {"__scalar__": "os.system('x')", "dtype": "float64"},
               {"__reduce__": "os.system"}]
    for data in hostile:
        assert isinstance(wire.decode(data), wire.Unsupported), data
    assert wire.loads(b"[" * 100_000) is None  # too deep: not a crash
    big = wire.encode(np.zeros(wire.MAX_ELEMENTS + 1))
    assert "__unsupported__" in big


# -- restore ------------------------------------------------------------------------------


def _cell(grade_id, source, cell_type="code", **flags):
    meta = {"nbgrader": {"grade_id": grade_id, "schema_version": 3, "grade": False,
                         "solution": False, "locked": False, **flags}} if grade_id else {}
    return {"cell_type": cell_type, "metadata": meta, "source": source}


RELEASED = [_cell("setup", "import numpy as np", locked=True),
            _cell("answer", "def f(x):\n    raise NotImplementedError()", solution=True),
            _cell("test_f", "assert f(1) == 2", grade=True, locked=True),
            _cell("answer2", "def g(x):\n    raise NotImplementedError()", solution=True),
            _cell("test_g", "assert g(1) == 3", grade=True, locked=True)]


def test_restore_puts_deleted_locked_cells_back_in_place_and_undoes_edits():
    submitted = [_cell("answer", "def f(x): return 2 * x", solution=True),
                 _cell(None, "helper = 1"),
                 _cell("answer2", "def g(x): return 3 * x", solution=True),
                 _cell("test_g", "print('all passed')", grade=True, locked=True)]
    cells, notes = restore.restore(submitted, RELEASED)
    assert [c["source"] for c in cells] == [
        "import numpy as np", "def f(x): return 2 * x", "assert f(1) == 2", "helper = 1",
        "def g(x): return 3 * x", "assert g(1) == 3"]
    assert "Locked cell 'setup' had been deleted; it was put back." in notes
    assert "Locked cell 'test_g' had been edited; the original was run instead." in notes
    assert submitted[3]["source"] == "print('all passed')"  # the input is not changed


def test_restore_runs_an_answer_turned_markdown_as_code_and_drops_copied_locked_cells():
    submitted = [*RELEASED[:1], _cell("answer", "def f(x): return 2 * x", "markdown", solution=True),
                 *RELEASED[2:], RELEASED[2]]
    cells, notes = restore.restore(submitted, RELEASED)
    assert cells[1]["cell_type"] == "code" and len(cells) == len(RELEASED)
    assert any("had become a markdown cell" in n for n in notes)
    assert any("appears twice" in n for n in notes)


# -- identify -----------------------------------------------------------------------------


class _Course(Course):
    def released(self, exercise):
        return {"cells": [_cell(f"{exercise}_answer", "", solution=True)]}


COURSE = _Course(Path("."), {"01_gd": None, "03_adam": None, "03_adam_extra": None})


def _nb(metadata=None, grade_ids=()):
    return {"metadata": metadata or {}, "cells": [_cell(g, "") for g in grade_ids]}


@pytest.mark.parametrize("notebook, name, expected", [
    (_nb({"adam_teach": {"exercise": "01_gd"}}, ["03_adam_answer"]), "03_adam.ipynb", ("01_gd", "notebook metadata")),
    (_nb({}, ["03_adam_answer"]), "homework.ipynb", ("03_adam", "cell grade_ids")),
    (_nb({"adam_teach": {"exercise": "99_unknown"}}), "alice_03_adam.ipynb", ("03_adam", "file name")),
    (_nb(), "bob-03_adam_extra (1).ipynb", ("03_adam_extra", "file name")),
    (_nb(), "carol_01.ipynb", ("01_gd", "file name")),
    (None, "dave_03_adam.ipynb", ("03_adam", "file name")),
])
def test_identify(notebook, name, expected):
    assert identify.exercise_of(notebook, Path(name), COURSE) == expected


def test_identify_gives_up_with_a_reason():
    with pytest.raises(identify.UnknownExercise, match="could not tell which exercise"):
        identify.exercise_of(_nb(), Path("homework.ipynb"), COURSE)


# -- the sandbox --------------------------------------------------------------------------


def test_sigkill_reaches_a_loop_that_ignores_signals_and_its_children():
    marker = f"adam-teach-test-{os.getpid()}-{time.monotonic_ns()}"
    cells = [{"index": 0, "source": (
        "import signal, subprocess, sys\n"
        "for s in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM):\n    signal.signal(s, signal.SIG_IGN)\n"
        f"child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)', {marker!r}],\n"
        "                         start_new_session=True)\n"
        "while True:\n    pass\n")}]
    started = time.monotonic()
    execution = execute(cells, [], Limits(timeout=2, grace=1))
    assert time.monotonic() - started < 30  # killed at 2 s + 1 s grace; the loop never ends by itself
    assert "did not stop when interrupted, so its process was killed" in execution.stopped
    assert alive_with(marker) == []  # its child, in a session of its own, was killed too


def alive_with(marker):
    """Pids of live processes (not zombies) whose command line contains `marker`."""
    alive = []
    for entry in os.listdir("/proc"):
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            state = Path(f"/proc/{entry}/stat").read_text().rpartition(")")[2].split()[0]
        except (OSError, IndexError):
            continue
        if marker.encode() in cmdline and state not in ("Z", "X"):
            alive.append(int(entry))
    return alive


def test_memory_limit_is_set_before_any_cell():
    cells = [{"index": 0, "source": "import resource\nprint(resource.getrlimit(resource.RLIMIT_DATA))"},
             {"index": 1, "source": "import numpy as np\nx = np.ones(300 * 2**20 // 8)"}]
    execution = execute(cells, [], Limits(timeout=20, memory_mb=200))
    assert execution.output.splitlines()[0] == f"({200 * 2**20}, {200 * 2**20})"
    assert execution.cell_errors and execution.cell_errors[0][1].startswith("MemoryError")


def test_the_learners_stdout_is_not_the_channel():
    cells = [{"index": 0, "source": 'print(\'{"event": "outcome", "item": 0, "case": 0, "value": 1}\')'}]
    execution = execute(cells, [], Limits(timeout=20))
    assert execution.outcomes == {}
    assert '"event": "outcome"' in execution.output


# -- files --------------------------------------------------------------------------------


def test_write_atomically_replaces_a_symlinked_folder_and_leaves_no_temporary(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "alice").symlink_to(elsewhere)
    files.write_atomically(tmp_path / "out" / "alice" / "results.json", "{}")
    assert not (tmp_path / "out" / "alice").is_symlink()
    assert (tmp_path / "out" / "alice" / "results.json").read_text() == "{}"
    assert list(elsewhere.iterdir()) == []
    assert [p.name for p in (tmp_path / "out" / "alice").iterdir()] == ["results.json"]


def test_a_read_case_copies_the_learners_variable_and_calls_nothing():
    from adam_teach.runner.calls import Case, call_case

    answer = {"optimizer": "adam", "learning_rate": np.array([0.1])}
    outcome = call_case(Case("choice", read=True), {"choice": answer})
    assert outcome.error == "" and outcome.value == {"optimizer": "adam", "learning_rate": np.array([0.1])}
    outcome.value["learning_rate"][0] = 5.0
    assert answer["learning_rate"][0] == 0.1  # a copy, not the learner's object
    assert call_case(Case("choice", read=True), {"choice": len}).value is len  # not called
    missing = call_case(Case("first_step", read=True), {})
    assert missing.error.startswith("NameError") and "assign your answer to first_step" in missing.error


def test_the_hidden_inputs_of_a_read_case_stay_in_the_grader():
    """Exercise 09's judge runs the learner's choice from starts the learner has not seen;
    what is sent to the learner's process names the variable and nothing else."""
    from adam_teach.answer_key import get
    from adam_teach.answer_key.tuning_challenge import GRADER_STARTS
    from adam_teach.grading.judge import calls_for

    calls = calls_for(get("09_tuning_challenge"))
    assert [call["read"] for call in calls] == [True]
    sent = json.dumps(calls)
    assert wire.decode(calls[0]["args"]) == () and wire.decode(calls[0]["kwargs"]) == {}
    for x, y in GRADER_STARTS[1:]:
        assert str(x) not in sent or str(y) not in sent, sent
