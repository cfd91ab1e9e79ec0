"""The corpus of wrong and hostile submissions of exercise 03 (tests/corpus/03_adam, built by
tests/corpus/build_corpus.py), graded in one `adam-teach grade --jobs 2` call: each gets a
result, the right score, and feedback that names its mistake or says what went wrong."""

import csv
import json

import pytest

from adam_teach.answer_key import mistakes
from adam_teach.answer_key import ASSIGNMENTS
from grading_support import CORPUS, NEEDS_ROOT, feedback_of, grade, item_scores, results_of

FULL = {item.grade_id: item.points for item in ASSIGNMENTS["03_adam"].items}  # adam_step, run_adam
STEP_MISTAKE = {m.name: m.message for m in mistakes.ADAM_STEP}
RUN_MISTAKE = {m.name: m.message for m in mistakes.RUN_ADAM}

# name -> (adam_step score, run_adam score, sentences the feedback must contain). run_adam is
# graded with a correct adam_step, so a wrong adam_step costs only its own points.
EARLIER = ("run_adam was called with a correct adam_step, so it is judged on its own; with your "
           "adam_step, whose mistake is described above, its results would differ too.")
WRONG = {
    "wrong_no_bias_correction": (0, FULL["run_adam"], [STEP_MISTAKE["missing_bias_correction"], EARLIER]),
    "wrong_epsilon_inside_sqrt": (None, FULL["run_adam"], [STEP_MISTAKE["epsilon_inside_sqrt"]]),  # partly right
    "wrong_betas_swapped": (0, FULL["run_adam"], [STEP_MISTAKE["betas_swapped"]]),
    "wrong_v_from_g": (0, FULL["run_adam"], [STEP_MISTAKE["v_from_g"]]),
    "wrong_update_with_m": (0, FULL["run_adam"], [STEP_MISTAKE["update_with_m"]]),
    "wrong_undamped": (0, FULL["run_adam"], [STEP_MISTAKE["undamped_moments"]]),
    "wrong_in_place": (None, FULL["run_adam"], ["changed the caller's arrays in place"]),
    "wrong_run_t_from_0": (FULL["adam_step"], 0, [RUN_MISTAKE["t_starts_at_0"]]),
    "wrong_run_stale_gradient": (FULL["adam_step"], 0, [RUN_MISTAKE["stale_gradient"]]),
    "wrong_returns_none": (0, FULL["run_adam"], ["returned None: did you forget `return`?"]),
    "wrong_returns_dict": (0, FULL["run_adam"], ["adam_step must return a tuple (x, m, v)"]),
    "wrong_returns_string": (0, FULL["run_adam"], ["adam_step must return a tuple (x, m, v)"]),
    "wrong_returns_nan": (0, FULL["run_adam"], ["adam_step", "wrong"]),
    "wrong_raises": (0, FULL["run_adam"], ["raised ValueError: I give up"]),
}
HOSTILE = {
    "hostile_patches_numpy": (0, 0, []),
    "hostile_patches_checks": (0, FULL["run_adam"], []),
    "hostile_prints_fake_score": (0, FULL["run_adam"], ['"score": 6']),  # printed, shown, not believed
    "hostile_writes_results": (0, FULL["run_adam"], ["Cell 3 raised"]),  # it cannot even find the output folder
    "hostile_exits_in_run_adam": (FULL["adam_step"], 0, ["exited with status 0", "calling run_adam on a hidden test"]),
    "hostile_segfault": (0, 0, ["SIGSEGV"]),
    # its parent is outside its PID namespace (bubblewrap) or root's (uid): it kills nothing
    "hostile_kills_its_parent": (FULL["adam_step"], FULL["run_adam"], []),
    "hostile_forges_messages": (FULL["adam_step"], FULL["run_adam"], []),  # the real outcomes count
    "hostile_infinite_loop": (FULL["adam_step"], FULL["run_adam"] / 2, ["raised CellTimeout: ran longer than the time limit"]),
    "hostile_ignores_signals": (FULL["adam_step"], 0, ["did not stop when interrupted, so its process was killed"]),
    "hostile_memory_bomb": (FULL["adam_step"], FULL["run_adam"], ["raised MemoryError"]),
    "hostile_huge_output": (FULL["adam_step"], FULL["run_adam"], ["printed more than the 20000 bytes of output kept"]),
    "hostile_cell_raises": (FULL["adam_step"], FULL["run_adam"], ["raised RuntimeError: a cell that fails"]),
    "hostile_deleted_locked_cells": (FULL["adam_step"], FULL["run_adam"], ["Locked cell 'setup' had been deleted; it was put back."]),
    "hostile_edited_locked_cells": (FULL["adam_step"], FULL["run_adam"], ["Locked cell 'setup' had been edited; the original was run instead."]),
    "hostile_answer_as_markdown": (FULL["adam_step"], FULL["run_adam"], ["had become a markdown cell; it was run as code"]),
    "alice_03_adam": (FULL["adam_step"], FULL["run_adam"], ["told from its cell grade_ids"]),
    "bob_03_adam": (FULL["adam_step"], FULL["run_adam"], ["told from its file name"]),
    "invalid_json_03_adam": (0, 0, ["not a notebook: the file is not valid JSON"]),
    "no_cells": (0, 0, ["Locked cell 'adam_step' had been deleted; it was put back.", "not defined"]),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus_out")
    done = grade(CORPUS, "--out", out, "--jobs", "2", "--timeout", "5", "--memory", "1024")
    return done, out


def test_every_submission_gets_a_result_and_exit_status_0(graded):
    done, out = graded
    assert done.returncode == 0, done.stderr
    names = sorted(path.stem for path in CORPUS.glob("*.ipynb"))
    assert set(WRONG) | set(HOSTILE) | {"empty_file", "hostile_memory_bomb_kept"} == set(names)
    for name in names:
        assert json.loads((out / name / "results.json").read_text())["tests"] is not None
    rows = list(csv.DictReader((out / "gradebook.csv").open()))
    assert sorted(row["submission"] for row in rows) == names


IN_UID_MODE = ["alice_03_adam", "hostile_writes_results", "hostile_ignores_signals", "hostile_exits_in_run_adam",
               "hostile_patches_checks", "hostile_deleted_locked_cells", "hostile_kills_its_parent"]


@NEEDS_ROOT
def test_the_same_verdicts_in_the_throwaway_uid_mode(graded, tmp_path):
    """--isolation uid (where bubblewrap cannot run): the same scores as in the sandbox."""
    _, sandboxed = graded
    out = tmp_path / "out"
    done = grade(*[CORPUS / f"{name}.ipynb" for name in IN_UID_MODE], "--out", out, "--jobs", "2",
                 "--timeout", "5", isolation="uid")
    assert done.returncode == 0, done.stderr
    for name in IN_UID_MODE:
        assert item_scores(out, name) == item_scores(sandboxed, name), feedback_of(out, name)
        assert results_of(out, name)["extra_data"]["isolation"] == "uid"
    assert results_of(out, "alice_03_adam")["score"] == sum(FULL.values())


@pytest.mark.parametrize("name", sorted({**WRONG, **HOSTILE}))
def test_score_and_feedback(graded, name):
    _, out = graded
    step, run, sentences = {**WRONG, **HOSTILE}[name]
    scores = item_scores(out, name)
    assert set(scores) == set(FULL)
    if step is not None:
        assert scores["adam_step"] == pytest.approx(step), feedback_of(out, name)
    else:
        assert 0 < scores["adam_step"] < FULL["adam_step"], feedback_of(out, name)
    if run is not None:
        assert scores["run_adam"] == pytest.approx(run), feedback_of(out, name)
    results = results_of(out, name)
    assert results["score"] == pytest.approx(sum(scores.values()))
    feedback = feedback_of(out, name)
    shown_on_gradescope = "\n".join([results["output"], *(test["output"] for test in results["tests"])])
    for sentence in sentences:
        assert sentence in feedback
        assert sentence in shown_on_gradescope


def test_a_memory_bomb_that_keeps_its_memory_is_reported(graded):
    _, out = graded
    feedback = feedback_of(out, "hostile_memory_bomb_kept")
    assert "raised MemoryError" in feedback
    scores = item_scores(out, "hostile_memory_bomb_kept")
    assert set(scores.values()) <= {0, FULL["adam_step"], FULL["run_adam"]}
    if sum(scores.values()) == 0:  # the rest of the notebook had no memory to run in
        assert "ran out of memory (the limit is 1024 MB)" in feedback


def test_an_unreadable_file_of_no_known_exercise_still_gets_a_result(graded):
    _, out = graded
    results = results_of(out, "empty_file")
    assert results["score"] == 0 and results["tests"] == []
    assert "could not tell which exercise this is" in results["output"]


def test_a_submission_cannot_overwrite_results(graded):
    """hostile_writes_results tries to write score 100 into every results.json it finds and
    a fake gradebook; it scores what its correct run_adam earns, no more."""
    _, out = graded
    assert results_of(out, "hostile_writes_results")["score"] == FULL["run_adam"]
    assert results_of(out, "alice_03_adam")["score"] == sum(FULL.values())
    assert "hacked" not in feedback_of(out, "alice_03_adam")
    rows = {row["submission"]: row for row in csv.DictReader((out / "gradebook.csv").open())}
    assert float(rows["hostile_writes_results"]["total"]) == FULL["run_adam"]
    assert float(rows["alice_03_adam"]["total"]) == sum(FULL.values())
    assert not list(out.rglob("*.tmp"))  # atomic writes leave no temporary files


def test_a_fake_score_printed_by_the_notebook_is_only_output(graded):
    _, out = graded
    results = results_of(out, "hostile_prints_fake_score")
    assert results["score"] == FULL["run_adam"]  # its run_adam is right; its adam_step is not
    assert '"score": 6' in feedback_of(out, "hostile_prints_fake_score")  # shown, not believed
