"""`adam-teach grade` on the course's own notebooks: every solution gets full marks, every
untouched exercise gets 0 without crashing, and the command's exit statuses."""

import csv
import shutil
import subprocess
import sys

import pytest

from adam_teach.answer_key import ASSIGNMENTS
from adam_teach.grading.course import load as load_course
from grading_support import COURSE, ROOT, feedback_of, grade, item_scores, results_of

EXERCISES = sorted(ASSIGNMENTS)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Solutions and released exercises, graded in one call (two jobs)."""
    inbox = tmp_path_factory.mktemp("inbox")
    for exercise in EXERCISES:
        shutil.copy(ROOT / "solutions" / f"{exercise}.ipynb", inbox / f"solution_{exercise}.ipynb")
        shutil.copy(COURSE / "exercises" / f"{exercise}.ipynb", inbox / f"untouched_{exercise}.ipynb")
    out = tmp_path_factory.mktemp("out")
    done = grade(inbox, "--out", out, "--jobs", "2", "--timeout", "120")
    return done, out


def test_exit_status_0_and_a_result_for_every_notebook(graded):
    done, out = graded
    assert done.returncode == 0, done.stderr
    for exercise in EXERCISES:
        for kind in ("solution", "untouched"):
            assert (out / f"{kind}_{exercise}" / "results.json").is_file()
            assert (out / f"{kind}_{exercise}" / "feedback.md").is_file()


@pytest.mark.parametrize("exercise", EXERCISES)
def test_solution_gets_full_marks(graded, exercise):
    _, out = graded
    results = results_of(out, f"solution_{exercise}")
    assignment = ASSIGNMENTS[exercise]
    assert [t["name"].split(":")[0] for t in results["tests"]] == [i.grade_id for i in assignment.items]
    assert all(t["status"] == "passed" and t["score"] == t["max_score"] for t in results["tests"]), results
    assert results["score"] == sum(item.points for item in assignment.items)


@pytest.mark.parametrize("exercise", EXERCISES)
def test_untouched_exercise_gets_0_and_says_not_written(graded, exercise):
    _, out = graded
    results = results_of(out, f"untouched_{exercise}")
    assert results["score"] == 0
    assert all(t["status"] == "failed" and t["score"] == 0 for t in results["tests"])
    assert all("not written yet" in t["output"] for t in results["tests"]), results["tests"]


def test_results_json_has_gradescopes_fields(graded):
    _, out = graded
    results = results_of(out, "solution_03_adam")
    assert {"score", "execution_time", "output", "tests"} <= set(results)
    for test in results["tests"]:
        assert {"name", "score", "max_score", "status", "output", "visibility"} <= set(test)
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] in ("hidden", "after_due_date", "after_published", "visible")


def test_gradebook_has_a_row_per_submission_and_a_column_per_item(graded):
    _, out = graded
    rows = list(csv.DictReader((out / "gradebook.csv").open(encoding="utf-8")))
    assert len(rows) == 2 * len(EXERCISES)
    course = load_course(COURSE)
    grade_ids = [g for e in EXERCISES for g in [item.grade_id for item in ASSIGNMENTS[e].items]
                 + [grade_id for grade_id, _ in course.manual_items(e)]]
    assert list(rows[0]) == ["submission", "file", "exercise", *grade_ids, "total", "max_total",
                             "by_hand_max", "isolation"]
    for row in rows:
        scores = item_scores(out, row["submission"])
        assert float(row["total"]) == pytest.approx(sum(scores.values()))
        for grade_id, score in scores.items():
            assert float(row[grade_id]) == pytest.approx(score)
        assert row["isolation"] == "bubblewrap"


def test_hand_graded_items_are_awaiting_manual_grading_everywhere(graded):
    """Exercise 03's written question (1 point, graded by hand) is in feedback.md,
    results.json and the gradebook, and the totals say what is auto-graded."""
    _, out = graded
    results = results_of(out, "solution_03_adam")
    assert results["extra_data"]["awaiting_manual_grading"] == {"first_step_answer": 1.0}
    assert "6 of 6 auto-graded points (+1 by hand, awaiting manual grading)" in results["output"]
    assert "first_step_answer: awaiting manual grading (1 point)" in results["output"]
    assert "## first_step_answer (awaiting manual grading, 1 point)" in feedback_of(out, "solution_03_adam")
    rows = {row["submission"]: row for row in csv.DictReader((out / "gradebook.csv").open(encoding="utf-8"))}
    assert rows["solution_03_adam"]["first_step_answer"] == "awaiting manual grading (1)"
    assert rows["solution_03_adam"]["by_hand_max"] == "1" and rows["solution_03_adam"]["max_total"] == "6"


def test_the_learners_process_does_not_import_tensorflow_or_the_answer_key_by_itself():
    """Only a notebook that imports TensorFlow (exercise 04) pays for it; and the answer
    key is never in the learner's process, not even as an imported module."""
    from adam_teach.grading import course, judge
    from adam_teach.grading.sandbox.execute import execute
    from adam_teach.grading.sandbox.limits import Limits

    probe = {"index": 0, "source": "import sys\nprint('tensorflow' in sys.modules, "
                                   "any(m.startswith(('adam_teach.answer_key', 'adam_teach.grading')) for m in sys.modules))"}
    calls = judge.calls_for(course.load(COURSE).assignments["03_adam"])
    execution = execute([probe], calls, Limits(timeout=30))
    assert execution.output.strip().splitlines()[0] == "False False"
    assert len(execution.outcomes) == len(calls)


@pytest.mark.parametrize("arguments, message", [
    (["no_such_file.ipynb"], "no such submission: no_such_file.ipynb"),
    (["solutions/03_adam.ipynb", "--jobs", "0"], "--jobs must be at least 1"),
    (["solutions/03_adam.ipynb", "--timeout", "-1"], "--timeout must be a positive number"),
    (["solutions/03_adam.ipynb", "--memory", "10"], "--memory must be at least 128"),
    (["solutions/03_adam.ipynb", "also_missing.ipynb"], "no such submission: also_missing.ipynb"),
])
def test_bad_arguments_exit_2_and_write_nothing(tmp_path, arguments, message):
    out = tmp_path / "out"
    done = grade(*arguments, "--out", out)
    assert done.returncode == 2
    assert message in done.stderr
    assert not out.exists()


def test_empty_folder_and_missing_course_exit_2(tmp_path):
    (tmp_path / "empty").mkdir()
    done = grade(tmp_path / "empty", "--out", tmp_path / "out")
    assert done.returncode == 2 and "no .ipynb files in the folder" in done.stderr
    done = subprocess.run([sys.executable, "-m", "adam_teach.cli", "grade", str(ROOT / "solutions/03_adam.ipynb"),
                           "--out", str(tmp_path / "out"), "--course", str(tmp_path / "empty")],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "has no exercises/ folder" in done.stderr
    assert not (tmp_path / "out").exists()


def test_same_file_name_twice_gets_two_result_folders(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(ROOT / "solutions" / "01_gradient_descent.ipynb", tmp_path / folder / "hw.ipynb")
    done = grade(tmp_path / "a", tmp_path / "b", "--out", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    full = sum(item.points for item in ASSIGNMENTS["01_gradient_descent"].items)
    assert results_of(tmp_path / "out", "hw")["score"] == full
    assert results_of(tmp_path / "out", "hw_2")["score"] == full


def test_isolation_option_refuses_what_it_cannot_do(tmp_path):
    """--isolation uid switches each submission to a throwaway uid; when the grader cannot
    (not root, or such a uid cannot run this Python) it stops before writing anything."""
    from adam_teach.grading.sandbox import isolation

    done = subprocess.run([sys.executable, "-m", "adam_teach.cli", "grade", str(ROOT / "solutions" / "03_adam.ipynb"),
                           "--out", str(tmp_path / "out"), "--course", str(COURSE), "--isolation", "uid"],
                          capture_output=True, text=True)  # outside grading_support.uid_view
    problem = isolation.throwaway_uid_problem()
    if problem:
        assert done.returncode == 2 and f"--isolation uid: {problem}" in done.stderr
        assert not (tmp_path / "out").exists()
    else:
        assert done.returncode == 0, done.stderr
        assert results_of(tmp_path / "out", "03_adam")["score"] == sum(i.points for i in ASSIGNMENTS["03_adam"].items)
    done = grade(ROOT / "solutions" / "03_adam.ipynb", "--out", tmp_path / "out", isolation="chroot")
    assert done.returncode == 2 and "invalid choice: 'chroot'" in done.stderr


def test_without_isolation_the_grader_says_so_loudly_and_records_it(tmp_path):
    done = grade(ROOT / "solutions" / "03_adam.ipynb", "--out", tmp_path / "out", isolation="none")
    assert done.returncode == 0, done.stderr
    assert "WARNING: learners' code runs as the grader's own user" in done.stderr
    results = results_of(tmp_path / "out", "03_adam")
    assert results["extra_data"]["isolation"] == "none"
    assert "Graded in isolation mode: none." in results["output"]
