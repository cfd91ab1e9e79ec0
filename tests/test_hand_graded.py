"""Every exercise has at least one question graded by hand, whose solution cell holds a
model answer and a rubric; the numbers in the model answers written for exercises 01–04
are recomputed here."""

import math
from pathlib import Path

import nbformat
import pytest

from adam_teach import objectives

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "solutions").glob("*.ipynb"))


def hand_graded_cells(path):
    return [cell for cell in nbformat.read(path, as_version=4).cells
            if cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("grade")]


def hand_graded_answer(exercise, grade_id):
    cells = hand_graded_cells(ROOT / "solutions" / f"{exercise}.ipynb")
    return next(" ".join(c.source.split()) for c in cells if c.metadata["nbgrader"]["grade_id"] == grade_id)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_each_exercise_has_a_hand_graded_question_with_model_answer_and_rubric(source):
    cells = hand_graded_cells(source)
    assert cells, f"{source.name} has no question graded by hand"
    for cell in cells:
        meta = cell.metadata["nbgrader"]
        assert meta["solution"] and meta["points"] > 0
        assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
        assert "Model answer" in cell.source or "At $t = 1$" in cell.source, cell.source[:200]
        assert "Rubric" in cell.source, f"{meta['grade_id']} has no rubric"


def first_t_below(beta, share=0.01):
    t = 1
    while beta**t >= share:
        t += 1
    return t


def test_01_step_factor_is_one_minus_4_alpha():
    text = hand_graded_answer("01_gradient_descent", "step_factor_answer")
    h = 1e-6
    second = (objectives.cubic.grad(4 / 3 + h) - objectives.cubic.grad(4 / 3 - h)) / (2 * h)
    assert second == pytest.approx(4.0)
    assert "$f''(4/3) = 4$" in text and "$0 < \\alpha < 0.5$" in text
    assert all(objectives.cubic.grad(x) > 0 for x in (-3.0, -1.0, -1e-3))  # x < 0 moves left


def test_02_forgetting_times_and_the_uncorrected_step_at_1000():
    text = hand_graded_answer("02_moving_averages", "forgetting_answer")
    assert (first_t_below(0.9), first_t_below(0.999)) == (44, 4603)
    assert "$t = 44$" in text and "$t = 4603$" in text
    assert round(100 * 0.9**10) == 35 and round(100 * 0.999**1000) == 37
    t = 1000
    assert round(100 * ((1 - 0.9**t) / math.sqrt(1 - 0.999**t) - 1)) == 26
    assert "26 % too long at $t = 1000$" in text


def test_04_effective_epsilon_at_t_1():
    text = hand_graded_answer("04_adam_vs_keras", "epsilon_hat_answer")
    assert f"{1e-7 / math.sqrt(1 - 0.999):.2e}" == "3.16e-06" and "3.16 \\times 10^{-6}" in text
    assert round(1 / math.sqrt(1 - 0.999), 1) == 31.6 and "31.6 times" in text
    assert objectives.cubic.grad(0.001) == pytest.approx(-0.004, rel=0.01)
