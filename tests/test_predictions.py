"""adam_teach.predictions: the placeholder None reveals the answer, a prediction is told how
close it is, bad input gets a message (never a traceback), and try_first tells a placeholder
from a learner's own function, which it self-checks."""

from pathlib import Path

import numpy as np
import pytest

from adam_teach import predictions

ROOT = Path(__file__).resolve().parent.parent


def output(capsys, function, *args, **kwargs):
    assert function(*args, **kwargs) is None  # nothing for Jupyter to echo as Out[...]
    return capsys.readouterr().out


# --- check: numbers -------------------------------------------------------------------------


def test_placeholder_reveals_the_answer_and_why(capsys):
    text = output(capsys, predictions.check, None, 5, tolerance=1, why="Because.", spec="d")
    assert text == ("No prediction yet: write yours in the cell above and re-run; "
                    "the answer is revealed below.\nThe answer: 5.\nWhy: Because.\n")


def test_spec_and_unit_format_the_answer(capsys):
    text = output(capsys, predictions.check, None, 10**0.5, tolerance=0.1, relative=True,
                  spec=".2f", unit="α", why="W.")
    assert "The answer: 3.16α.\n" in text


@pytest.mark.parametrize("prediction, verdict", [
    (3, "✗ Not quite: off by 2, too low (within 1 counts as close)."),
    (4, "✓ Close: off by 1, too low (within 1 counts as close)."),
    (6.5, "✗ Not quite: off by 1.5, too high (within 1 counts as close)."),
    (5, "✓ Spot on."),
    (5.0, "✓ Spot on."),
    (np.int64(6), "✓ Close: off by 1, too high (within 1 counts as close)."),
])
def test_absolute_tolerance(capsys, prediction, verdict):
    text = output(capsys, predictions.check, prediction, 5, tolerance=1, why="Because.", spec="d")
    assert text == f"Your prediction: {prediction:g}; the answer: 5.\n{verdict}\nWhy: Because.\n"
    assert "No prediction yet" not in text


@pytest.mark.parametrize("prediction, verdict", [
    (3, "✓ Close: off by 5.1%, too low (within 10% counts as close)."),
    (1, "✗ Not quite: off by 68%, too low (within 10% counts as close)."),
    (3.5, "✗ Not quite: off by 11%, too high (within 10% counts as close)."),
    (3.16, "✓ Spot on."),
])
def test_relative_tolerance(capsys, prediction, verdict):
    text = output(capsys, predictions.check, prediction, 10**0.5, tolerance=0.1, relative=True,
                  spec=".2f", unit="α", why="W.")
    assert text == f"Your prediction: {prediction:g}α; the answer: 3.16α.\n{verdict}\nWhy: W.\n"


def test_tolerance_is_inclusive_and_negative_answers_work(capsys):
    assert "✓ Close" in output(capsys, predictions.check, -2.5, -2.0, tolerance=0.5, why="W.")
    assert "too low" in output(capsys, predictions.check, -2.5, -2.0, tolerance=0.5, why="W.")
    assert "✗ Not quite" in output(capsys, predictions.check, -2.6, -2.0, tolerance=0.5, why="W.")


@pytest.mark.parametrize("prediction, problem", [
    ("3", "'3' is text (it is in quotes), not a number. Remove the quotes: my_prediction = 3"),
    (" 0.5 ", "' 0.5 ' is text (it is in quotes), not a number. Remove the quotes: my_prediction = 0.5"),
    ("three", "'three' is text, not a number. Write a number, e.g. my_prediction = 2.5"),
    ([3, 4], "[3, 4] is a list, not a number. Write one number, e.g. my_prediction = 2.5"),
    (True, "True is a bool, not a number. Write one number, e.g. my_prediction = 2.5"),
    (1 + 2j, "(1+2j) is a complex, not a number. Write one number, e.g. my_prediction = 2.5"),
    (float("nan"), "nan is not a finite number. Write one, e.g. my_prediction = 2.5"),
    (float("inf"), "inf is not a finite number. Write one, e.g. my_prediction = 2.5"),
    (2**1100, f"{2**1100!r} is not a finite number. Write one, e.g. my_prediction = 2.5"),
])
def test_bad_numbers_get_a_message_and_no_answer(capsys, prediction, problem):
    text = output(capsys, predictions.check, prediction, 5, tolerance=1, why="Because.")
    assert text == (f"Can't check your prediction: {problem}\n"
                    "Fix it and re-run this cell to see the answer (or set it back to None).\n")


def test_the_variable_is_named_in_the_fix(capsys):
    text = output(capsys, predictions.check, "x", 5, tolerance=1, why="W.", name="my_steps")
    assert "e.g. my_steps = 2.5" in text


@pytest.mark.parametrize("answer, kwargs", [
    (None, {}), ("5", {}), (float("nan"), {}), (True, {}), (0.0, {"relative": True}),
])
def test_an_invalid_answer_is_the_course_authors_error(answer, kwargs):
    with pytest.raises(ValueError):
        predictions.check(None, answer, tolerance=1, why="W.", **kwargs)


# --- check_choice ---------------------------------------------------------------------------

OPTIONS = ["SGD", "Momentum", "RMSprop", "Adam"]


def test_choice_placeholder_reveals(capsys):
    text = output(capsys, predictions.check_choice, None, "Momentum", OPTIONS, why="W.")
    assert text == f"{predictions.NO_PREDICTION}\nThe answer: Momentum.\nWhy: W.\n"


@pytest.mark.parametrize("prediction, shown, verdict", [
    ("Momentum", "Momentum", "✓ Right."),
    ("  momentum ", "Momentum", "✓ Right."),
    ("ADAM", "Adam", "✗ Not this time."),
])
def test_choice_verdicts(capsys, prediction, shown, verdict):
    text = output(capsys, predictions.check_choice, prediction, "Momentum", OPTIONS, why="W.")
    assert text == f"Your prediction: {shown}; the answer: Momentum.\n{verdict}\nWhy: W.\n"


@pytest.mark.parametrize("prediction", ["Nadam", 3, np.array([1, 2]), ["Adam"]])
def test_choice_not_an_option(capsys, prediction):
    text = output(capsys, predictions.check_choice, prediction, "Momentum", OPTIONS, why="W.")
    assert text.startswith(f"Can't check your prediction: {prediction!r} is not one of the options "
                           "'SGD', 'Momentum', 'RMSprop', 'Adam'. Write one of them, e.g. my_prediction = 'SGD'\n")
    assert "The answer" not in text


def test_numeric_options(capsys):
    assert "✓ Right." in output(capsys, predictions.check_choice, 0.8, 0.8, [0.2, 0.8], why="W.")
    assert "✗ Not this time." in output(capsys, predictions.check_choice, 0.2, 0.8, [0.2, 0.8], why="W.")
    assert "Can't check" in output(capsys, predictions.check_choice, "0.8", 0.8, [0.2, 0.8], why="W.")
    assert "Can't check" in output(capsys, predictions.check_choice, True, 1, [0, 1], why="W.")


def test_choice_answer_must_be_an_option():
    with pytest.raises(ValueError, match="not one of the options"):
        predictions.check_choice(None, "Nadam", OPTIONS, why="W.")


# --- try_first ------------------------------------------------------------------------------


def placeholder_adam_step(x, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
    return None


def not_implemented_ema(values, beta):
    raise NotImplementedError()


def correct_ema(values, beta):
    m, out = 0.0, []
    for g in values:
        m = beta * m + (1 - beta) * g
        out.append(m)
    return np.array(out)


def uncorrected_adam_step(x, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g * g
    return x - learning_rate * m / (np.sqrt(v) + epsilon), m, v


def crashing_gradient_descent(grad_fn, x0, learning_rate, steps):
    return [x0] + 1


@pytest.mark.parametrize("function, grade_id, reason, exercise", [
    (placeholder_adam_step, "adam_step", "it returns None; if you wrote it, does it end with `return`?", "03_adam"),
    (not_implemented_ema, "ema", "it raises NotImplementedError", "02_moving_averages"),
    (None, "gradient_descent", "None is not a function: define it with `def gradient_descent(...):`",
     "01_gradient_descent"),
])
def test_a_placeholder_is_not_tried_yet(capsys, function, grade_id, reason, exercise):
    text = output(capsys, predictions.try_first, function, grade_id)
    assert text == (f"{grade_id}: not tried yet ({reason}).\nWrite your version in the cell above and "
                    f"re-run this cell, or do exercise {exercise} (exercises/{exercise}.ipynb) first.\n"
                    "The next cell shows the course's version.\n")
    assert (ROOT / "exercises" / f"{exercise}.ipynb").is_file()
    assert "✓" not in text and "✗" not in text


def test_a_correct_function_is_self_checked(capsys):
    text = output(capsys, predictions.try_first, correct_ema, "ema")
    assert text.startswith("✓ ema: all 2 checks passed.\n") and "not tried" not in text


def test_a_wrong_function_gets_the_self_checks_diagnosis(capsys):
    text = output(capsys, predictions.try_first, uncorrected_adam_step, "adam_step")
    assert text.startswith("✗ adam_step: 0 of 3 checks passed") and "bias correction" in text


def test_a_crashing_function_is_reported_not_raised(capsys):
    text = output(capsys, predictions.try_first, crashing_gradient_descent, "gradient_descent")
    assert text.startswith("✗ gradient_descent:") and "raised TypeError" in text


def test_an_unknown_grade_id_is_the_course_authors_error():
    with pytest.raises(KeyError, match="no exercise has a graded item"):
        predictions.try_first(correct_ema, "no_such_item")
