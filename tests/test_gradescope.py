"""`adam-teach gradescope`: the autograder zip has Gradescope's layout, and its
run_autograder, unpacked into a folder laid out like /autograder, grades real notebooks
into a results.json in Gradescope's format (its "Autograder Specifications").

setup.sh is only checked for syntax (`bash -n`) and content: its installs are replaced by
the already-installed environment (AUTOGRADER_PYTHON), as the brief for this test says.
"""

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from adam_teach import answer_key as assignments
from grading_support import NEEDS_ROOT, uid_view

REPO = Path(__file__).resolve().parents[1]
EXERCISE = "03_adam"
TOP_LEVEL = {"score", "execution_time", "output", "output_format", "visibility", "stdout_visibility",
             "tests", "leaderboard", "extra_data"}
TEST_FIELDS = {"score", "max_score", "status", "name", "number", "output", "output_format", "tags", "visibility"}
VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
FORMATS = {"text", "html", "md", "ansi", "simple_format"}


def max_points(exercise):
    """What the grader's registry says the exercise is worth."""
    return sum(item.points for item in assignments.get(exercise).items)


def adam_teach_cli(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "adam_teach.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def build_zip(out, exercise):
    """`adam-teach gradescope --out OUT --exercise X`, which must succeed."""
    completed = adam_teach_cli("gradescope", "--out", str(out), "--exercise", exercise)
    assert completed.returncode == 0, completed.stderr
    assert out.is_file()
    return out


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory):
    return build_zip(tmp_path_factory.mktemp("zip") / "adam-teach-autograder.zip", EXERCISE)


@pytest.fixture
def open_dir():
    """A temporary folder every user can enter (pytest's own are closed to other users), as
    /autograder is on Gradescope: for the throwaway uids of the uid mode."""
    folder = Path(tempfile.mkdtemp(prefix="adam-teach-autograder-"))
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def autograder_dir(tmp_path, zip_path):
    """tmp_path/autograder/{source,submission,results}, the zip unpacked into source/ the
    way Gradescope does it (with the files' permissions, and readable by every user, as
    setup.sh makes them)."""
    root = tmp_path / "autograder"
    for name in ("source", "submission", "results"):
        (root / name).mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            target = root / "source" / info.filename
            archive.extract(info, root / "source")
            mode = info.external_attr >> 16
            if mode and not info.is_dir():
                os.chmod(target, stat.S_IMODE(mode))
    os.chmod(root, 0o755)
    subprocess.run(["chmod", "-R", "a+rX", str(root / "source")], check=True)  # as setup.sh does
    return root


def run_autograder(root, *notebooks, as_files=None, isolation="auto"):
    """Copy the notebooks into submission/ and run source/run_autograder with
    AUTOGRADER_ISOLATION=`isolation` (uid: in grading_support.uid_view); return results.json."""
    for notebook in notebooks:
        target = root / "submission" / Path(notebook).name
        target.write_bytes(Path(notebook).read_bytes())
    for name, text in (as_files or {}).items():
        (root / "submission" / name).write_text(text, encoding="utf-8")
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=sys.executable,
               AUTOGRADER_ISOLATION=isolation)
    env.pop("PYTHONPATH", None)
    prefix = uid_view() if isolation == "uid" else []
    completed = subprocess.run(prefix + ["bash", str(root / "source" / "run_autograder")], env=env, cwd=root,
                               capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr
    results = root / "results" / "results.json"
    assert results.is_file(), f"run_autograder wrote no results.json:\n{completed.stdout}\n{completed.stderr}"
    return json.loads(results.read_text(encoding="utf-8"))


def assert_gradescope_format(results):
    assert set(results) <= TOP_LEVEL, set(results) - TOP_LEVEL
    assert isinstance(results["score"], (int, float))
    assert isinstance(results["execution_time"], (int, float)) and results["execution_time"] >= 0
    assert isinstance(results["output"], str)
    assert results.get("output_format", "text") in FORMATS
    assert results.get("visibility", "visible") in VISIBILITY
    assert results.get("stdout_visibility", "hidden") in VISIBILITY
    for test in results["tests"]:
        assert set(test) <= TEST_FIELDS, set(test) - TEST_FIELDS
        assert {"score", "max_score", "status", "name", "output"} <= set(test)
        assert test["status"] in {"passed", "failed"}
        assert 0 <= test["score"] <= test["max_score"]
        assert (test["status"] == "passed") == (test["score"] == test["max_score"])
        assert test.get("visibility", "visible") in VISIBILITY
        assert test.get("output_format", "text") in FORMATS
    assert results["score"] == pytest.approx(sum(test["score"] for test in results["tests"]))


def wrong_adam(tmp_path):
    """The solution of 03_adam with ε moved inside the square root (a common learner mistake)."""
    notebook = json.loads((REPO / "solutions" / "03_adam.ipynb").read_text(encoding="utf-8"))
    changed = 0
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if "np.sqrt(v_hat) + epsilon" in source:
            cell["source"] = source.replace("np.sqrt(v_hat) + epsilon", "np.sqrt(v_hat + epsilon)")
            changed += 1
    assert changed == 1, "the solution no longer has the line this test changes"
    path = tmp_path / "03_adam.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return path


def test_zip_has_gradescopes_layout(autograder_zip, tmp_path):
    with zipfile.ZipFile(autograder_zip) as archive:
        names = set(archive.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
        config = json.loads(archive.read("autograder.json"))
        setup = archive.read("setup.sh").decode()
    assert {"setup.sh", "run_autograder", "adam-teach/pyproject.toml",
            "adam-teach/adam_teach/grading/command.py", "adam-teach/adam_teach/gradescope.py"} <= names
    assert {f"adam-teach/exercises/{name}" for name in os.listdir(REPO / "exercises")} <= names
    assert not [n for n in names if n.startswith("adam-teach/solutions") or "__pycache__" in n or n.endswith(".pyc")]
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    assert config == {"exercise": EXERCISE, "points": max_points(EXERCISE), "tensorflow": False, "visibility": "visible"}
    assert '"./adam-teach"' in setup and "[keras]" not in setup  # no TensorFlow for 01 and 03

    root = autograder_dir(tmp_path, autograder_zip)
    for script in ("setup.sh", "run_autograder"):
        check = subprocess.run(["bash", "-n", str(root / "source" / script)], capture_output=True, text=True)
        assert check.returncode == 0, f"{script}: {check.stderr}"


def test_tensorflow_only_when_the_keras_exercise_is_graded(tmp_path):
    out = build_zip(tmp_path / "keras.zip", "04_adam_vs_keras")
    with zipfile.ZipFile(out) as archive:
        assert '"./adam-teach[keras]"' in archive.read("setup.sh").decode()
        assert json.loads(archive.read("autograder.json"))["tensorflow"] is True


def test_unknown_exercise_is_a_clear_error(tmp_path):
    completed = adam_teach_cli("gradescope", "--out", str(tmp_path / "x.zip"), "--exercise", "03_adma")
    assert completed.returncode == 2
    assert "unknown exercise 03_adma" in completed.stderr and "03_adam" in completed.stderr
    assert not (tmp_path / "x.zip").exists()


@pytest.mark.parametrize("isolation", ["auto", pytest.param("uid", marks=NEEDS_ROOT)])
def test_solution_gets_full_marks(autograder_zip, open_dir, isolation):
    """auto is bubblewrap here; uid is what Gradescope's containers get."""
    results = run_autograder(autograder_dir(open_dir, autograder_zip), REPO / "solutions" / "03_adam.ipynb",
                             isolation=isolation)
    assert results["extra_data"]["isolation"] == {"auto": "bubblewrap", "uid": "uid"}[isolation]
    assert_gradescope_format(results)
    assert results["tests"], results["output"]
    assert all(test["status"] == "passed" for test in results["tests"]), results["tests"]
    assert results["score"] == pytest.approx(max_points("03_adam"))


def test_wrong_submission_loses_points_and_says_why(autograder_zip, tmp_path):
    results = run_autograder(autograder_dir(tmp_path, autograder_zip), wrong_adam(tmp_path))
    assert_gradescope_format(results)
    failed = [test for test in results["tests"] if test["status"] == "failed"]
    assert failed and any(test["name"].startswith("adam_step") for test in failed), results["tests"]
    assert 0 < results["score"] < max_points("03_adam")  # partial credit for the items it gets right
    assert all(test["output"].strip() for test in failed)
    assert any("square root" in test["output"] for test in failed), "the grader's diagnosis did not reach results.json"


def test_unfilled_exercise_scores_zero(autograder_zip, tmp_path):
    results = run_autograder(autograder_dir(tmp_path, autograder_zip), REPO / "exercises" / "03_adam.ipynb")
    assert_gradescope_format(results)
    assert results["score"] == 0 and results["tests"]
    assert sum(test["max_score"] for test in results["tests"]) == pytest.approx(max_points("03_adam"))


def test_notebooks_of_other_exercises_add_nothing(autograder_zip, tmp_path):
    """The attack: the untouched 03 with the solutions of 01 and 02 in one upload. Only one
    notebook counts, graded as 03, and the score never exceeds 03's points."""
    results = run_autograder(autograder_dir(tmp_path, autograder_zip), REPO / "exercises" / "03_adam.ipynb",
                             REPO / "solutions" / "01_gradient_descent.ipynb",
                             REPO / "solutions" / "02_moving_averages.ipynb")
    assert_gradescope_format(results)
    assert results["score"] == 0
    assert sum(test["max_score"] for test in results["tests"]) == pytest.approx(max_points(EXERCISE))
    assert "this assignment grades 03_adam only" in results["output"]


def test_a_zip_needs_exactly_one_exercise(tmp_path):
    completed = adam_teach_cli("gradescope", "--out", str(tmp_path / "x.zip"))
    assert completed.returncode == 2 and "--exercise" in completed.stderr
    assert not (tmp_path / "x.zip").exists()


def test_the_same_exercise_twice_counts_once(autograder_zip, tmp_path):
    root = autograder_dir(tmp_path, autograder_zip)
    copy = tmp_path / "copy of 03_adam.ipynb"
    copy.write_bytes((REPO / "solutions" / "03_adam.ipynb").read_bytes())
    results = run_autograder(root, REPO / "solutions" / "03_adam.ipynb", copy)
    assert_gradescope_format(results)
    assert results["score"] == pytest.approx(max_points("03_adam"))
    assert "copy of 03_adam.ipynb was not counted: only the best notebook" in results["output"]
    assert results["extra_data"]["isolation"] == "bubblewrap"


def test_exercise_not_graded_by_this_assignment_scores_zero(autograder_zip, tmp_path):
    results = run_autograder(autograder_dir(tmp_path, autograder_zip), REPO / "solutions" / "02_moving_averages.ipynb")
    assert_gradescope_format(results)
    assert results["score"] == 0
    assert "This notebook is exercise 02_moving_averages" in results["output"]
    assert "but this assignment grades 03_adam: it was not graded" in results["output"]


def test_no_notebook_submitted(autograder_zip, tmp_path):
    results = run_autograder(autograder_dir(tmp_path, autograder_zip), as_files={"answer.py": "print(1)\n"})
    assert_gradescope_format(results)
    assert results["score"] == 0 and results["tests"] == []
    assert ".ipynb" in results["output"] and "answer.py" in results["output"]


@pytest.mark.parametrize("exercise", sorted(set(assignments.ASSIGNMENTS) - {EXERCISE}))
def test_every_exercise_s_autograder_gives_its_solution_full_marks_and_the_untouched_exercise_0(tmp_path, exercise):
    """Each exercise's own zip (03's is tested above): real tf.keras for those whose hidden
    tests need it (04, 07), the same points as the grader's registry."""
    out = build_zip(tmp_path / f"{exercise}.zip", exercise)
    with zipfile.ZipFile(out) as archive:
        config = json.loads(archive.read("autograder.json"))
    # answers a learner could find by resubmitting are shown only once grades are published
    visibility = "after_published" if exercise == "08_predictions" else "visible"
    assert assignments.get(exercise).feedback_after_publishing == (visibility == "after_published")
    assert config == {"exercise": exercise, "points": max_points(exercise),
                      "tensorflow": assignments.get(exercise).needs_tensorflow, "visibility": visibility}
    solved = run_autograder(autograder_dir(tmp_path / "solved", out), REPO / "solutions" / f"{exercise}.ipynb")
    assert_gradescope_format(solved)
    assert results_are_full(solved, exercise), solved["output"]
    assert {solved["visibility"], *(test["visibility"] for test in solved["tests"])} == {visibility}
    untouched = run_autograder(autograder_dir(tmp_path / "untouched", out), REPO / "exercises" / f"{exercise}.ipynb")
    assert_gradescope_format(untouched)
    assert untouched["score"] == 0 and untouched["tests"], untouched["output"]
    assert sum(test["max_score"] for test in untouched["tests"]) == pytest.approx(max_points(exercise))


def results_are_full(results, exercise):
    return (results["score"] == pytest.approx(max_points(exercise))
            and all(test["status"] == "passed" for test in results["tests"]))


@pytest.mark.parametrize("isolation", ["auto", pytest.param("uid", marks=NEEDS_ROOT)])
def test_a_process_left_behind_cannot_rewrite_results_json(autograder_zip, tmp_path, open_dir, isolation):
    """The attack: a notebook leaves a process that rewrites results/results.json with a
    score of 100 after run_autograder has exited. auto is bubblewrap here; uid is what
    Gradescope's containers (root, no namespaces) get."""
    sys.path.insert(0, str(REPO / "tests" / "corpus"))
    import attacks
    from build_corpus import WRONG_STEP, fill

    root = autograder_dir(open_dir, autograder_zip)
    results_json = root / "results" / "results.json"
    marker = f"adam-teach-attack-gradescope-{os.getpid()}"
    released = json.loads((REPO / "exercises" / "03_adam.ipynb").read_text(encoding="utf-8"))
    answers = {"adam_step_solution": WRONG_STEP, "run_adam_solution": attacks.UNSOLVED_RUN}
    notebook = fill(released, answers, attacks.rewriter(marker, results_json))
    results = run_autograder(root, attacks.write(tmp_path, "03_adam", notebook), isolation=isolation)
    assert results["score"] == 0 and results["extra_data"]["isolation"] in ("bubblewrap", "uid")
    time.sleep(4)
    assert json.loads(results_json.read_text(encoding="utf-8")) == results
    assert not [pid for pid in filter(str.isdigit, os.listdir("/proc"))
                if marker.encode() in _cmdline(pid)]


def _cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""
