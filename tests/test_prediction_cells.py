"""Issue 10, "exercises that make learners think". Every notebook 01-08 asks for a prediction
before anything reveals the answer, then checks it (adam_teach.predictions); the answers the
notebooks print are recomputed here from adam_teach, at digits that do not hang on the last
bits (`stable`). Notebooks 01, 02 and 05 let the learner write the exercise's function, and
self-check it, before they show the course's version."""

import contextlib
import inspect
import io
from pathlib import Path

import nbformat
import numpy as np
import pytest

from adam_teach import objectives, predictions, run
from adam_teach.explorers import bias_correction
from adam_teach.explorers.compare import TUNED_LEARNING_RATES, run_paths
from adam_teach.explorers.momentum import BOWL_START
from adam_teach.memory import state_memory
from adam_teach.optimizers import SGD, Adagrad, Adam, Momentum, RMSprop
from notebook_support import read_notebook, stable

ROOT = Path(__file__).resolve().parent.parent
NAMES = ["01_gradient_descent", "02_momentum", "03_adaptive_steps", "04_bias_correction",
         "05_adam_from_scratch", "06_adam_vs_keras", "07_beyond_the_cubic", "08_myths_and_limits"]
CHOICES = {"07_beyond_the_cubic", "08_myths_and_limits"}

# The cells that show the answer (by id; each must come after the check), and text that would
# give it away (it must not appear in any cell, source or output, before the prediction cell).
REVEALS = {
    "01_gradient_descent": (["fd8de429", "dd387646"], ["x_5", "x_{5}"]),
    "02_momentum": (["e3c4c78f", "6639a6c0"], ["0.35", "1.685", "overshoots"]),
    "03_adaptive_steps": (["9e4c8e60", "795452a4"], ["3.16", "0.948", "0.95", "same length"]),
    "04_bias_correction": (["first-step-derivation", "b1655004", "1ebb9d16"], ["3.16", "0.1/\\sqrt", "too long"]),
    "05_adam_from_scratch": (["cell-07b", "cell-08"], ["0.0499", "first step is $\\alpha$", "whatever the gradient"]),
    "06_adam_vs_keras": (["cell-09b", "cell-10"], ["3.16e-06", "3.2 \\times 10^{-6}", "\\epsilon_\\text{eff} ="]),
    "07_beyond_the_cubic": (["cell-04", "cell-05"], ["0.0524", "beats Adam", "gets furthest"]),
    "08_myths_and_limits": (["cell-02b", "cell-03", "cell-04"], ["8.0", "**false**", "twice their memory"]),
}


def cells(name):
    return read_notebook(name).cells


def index_of(name, predicate, what):
    found = [i for i, cell in enumerate(cells(name)) if predicate(cell)]
    assert len(found) == 1, f"{name}: {len(found)} {what} cells"
    return found[0]


def prediction_index(name):
    return index_of(name, lambda c: c.cell_type == "code" and "my_prediction = None" in c.source, "prediction")


def check_index(name):
    return index_of(name, lambda c: c.cell_type == "code" and "predictions.check" in c.source, "check")


def stdout(cell):
    return "".join(out["text"] for out in cell.get("outputs", []) if out.get("name") == "stdout")


def everything_in(cell):
    return cell.source + stdout(cell) + "".join(
        str(out.get("data", {}).get("text/plain", "")) for out in cell.get("outputs", []))


# --- the order: predict, check, then reveal --------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_the_prediction_comes_before_the_check_and_the_reveal(name):
    nb = cells(name)
    predict, check = prediction_index(name), check_index(name)
    assert check == predict + 1, "the check runs right after the learner's prediction"
    assert nb[predict - 1].cell_type == "markdown" and "### Predict, then run" in nb[predict - 1].source
    placeholder = "your choice here, in quotes" if name in CHOICES else "your number here"
    assert nb[predict].source.endswith(f"my_prediction = None  # {placeholder}")
    assert nb[predict].source.startswith("# ") and nb[predict].outputs == []
    assert f"predictions.check{'_choice' if name in CHOICES else ''}(my_prediction, " in nb[check].source
    reveal_ids, giveaways = REVEALS[name]
    ids = [c.get("id") for c in nb]
    for reveal in reveal_ids:
        assert ids.index(reveal) > check, f"{name}: cell {reveal} reveals the answer before the check"
    for cell in nb[:predict]:
        for text in giveaways:
            assert text not in everything_in(cell), f"{name}: {text!r} appears before the prediction"


@pytest.mark.parametrize("name", NAMES)
def test_the_stored_check_says_no_prediction_yet_then_reveals(name):
    text = stdout(cells(name)[check_index(name)])
    lines = text.splitlines()
    assert lines[0] == predictions.NO_PREDICTION
    assert lines[1].startswith("The answer: ") and lines[2].startswith("Why: ") and len(lines) == 3
    for word in ("about", "always", "never"):  # words that would be claims to test
        assert f" {word} " not in text


# --- each revealed answer, recomputed ---------------------------------------------------------


def revealed(name):
    return stdout(cells(name)[check_index(name)])


def test_01_steps_to_within_a_hundredth():
    errors = lambda d: np.abs(run(SGD(0.2 * (1 + d)), objectives.cubic, 0.5, 30).x - 4 / 3)  # noqa: E731
    first_close = int(np.argmax(errors(0) < 0.01))
    for d in (1e-10, -1e-10):  # the answer does not hang on the last bits
        assert int(np.argmax(errors(d) < 0.01)) == first_close
    assert first_close == 5 and errors(0)[4] > 0.03 and errors(0)[5] < 0.008
    linear = int(np.ceil(np.log(0.01 / errors(0)[0]) / np.log(0.2)))
    ratios = errors(0)[1:13] / errors(0)[:12]
    assert linear == 3 and np.all(np.diff(ratios) < 0) and abs(ratios[-1] - 0.2) < 1e-4  # "falls towards 0.2"
    text = revealed("01_gradient_descent")
    assert f"The answer: {first_close}.\n" in text
    assert (f"1 − 4α = 0.2; from |e_0| = {stable(errors(0)[0], '.2f')} that alone would take {linear} steps"
            in text)
    assert f"the first step multiplies the error by {stable(ratios[0], '.2f')}, and the factor falls towards 0.2" in text


def test_02_momentum_overshoot():
    def overshoot(beta):
        return lambda d: run(Momentum(0.02 * (1 + d), momentum=beta), objectives.cubic, 0.1, 40).x.max() - 4 / 3

    text = revealed("02_momentum")
    assert f"The answer: {stable(overshoot(0.9), '.2f')}.\n" in text
    assert f"x goes only {stable(overshoot(0.7), '.2f')} past 4/3" in text
    assert 0 < overshoot(0.7)(0) < overshoot(0.9)(0)
    assert run(SGD(0.02), objectives.cubic, 0.1, 40).x.max() < 4 / 3  # "still short of it after 40 steps"


def test_03_rmsprop_first_step():
    def step(d):
        first = run(RMSprop(0.3 * (1 + d), rho=0.9), objectives.bowl, BOWL_START, steps=1)
        return np.abs(first.x[1] - first.x[0]) / (0.3 * (1 + d))

    text = revealed("03_adaptive_steps")
    assert f"The answer: {stable(lambda d: step(d)[1], '.2f')}α.\n" in text
    assert f"α/√(1 − ρ) = {stable(1 / np.sqrt(0.1), '.2f')}α" in text
    assert step(0) == pytest.approx(1 / np.sqrt(0.1), rel=1e-6)  # "whatever the size of g_1"
    g_1 = objectives.bowl.grad(np.array(BOWL_START))
    assert f"{stable(abs(g_1[1] / g_1[0]), '.1f')} times smaller, the first step is {stable(lambda d: step(d)[0], '.2f')}α" in text


def test_04_uncorrected_first_step():
    first = bias_correction.relative_steps(beta_1=0.9, beta_2=0.999, steps=1)["no correction"][0]
    assert first == pytest.approx(0.1 / np.sqrt(0.001), rel=1e-6)
    text = revealed("04_bias_correction")
    assert f"The answer: {stable(first, '.2f')}α.\n" in text
    assert f"√1000/10 = {stable(np.sqrt(1000) / 10, '.2f')} times too long" in text
    assert "starts 10 times too small, the average of g² 1000 times too small" in text


def test_05_adams_first_step():
    def step(d):
        first = run(Adam(learning_rate=0.05, epsilon=1e-7 * (1 + d)), objectives.cubic, 0.001, steps=1)
        return first.x[1] - first.x[0]

    g_1 = objectives.cubic.grad(0.001)
    assert step(0) == pytest.approx(0.05 * abs(g_1) / (abs(g_1) + 1e-7), rel=1e-12)
    assert 0.05 - 2e-6 < step(0) < 0.05  # "shortened only a little by ε"
    assert f"The answer: {stable(step, '.7f')}.\n" in revealed("05_adam_from_scratch")


def test_06_keras_effective_epsilon_at_the_first_step():
    """Measured from adam_teach's Keras form: the ε for which Algorithm 1's first step,
    α g/(|g| + ε), is the Keras form's first step."""
    g_1 = abs(objectives.cubic.grad(0.001))
    keras_form = run(Adam(learning_rate=0.05, epsilon=1e-7, epsilon_hat=True), objectives.cubic, 0.001, steps=1)
    measured = 0.05 * g_1 / abs(keras_form.x[1] - keras_form.x[0]) - g_1
    assert measured == pytest.approx(1e-7 / np.sqrt(1 - 0.999), rel=1e-6)
    text = revealed("06_adam_vs_keras")
    assert f"The answer: {stable(measured, '.2e')}.\n" in text
    assert f"√(1 − β₂) = {stable(np.sqrt(0.001), '.4f')}, so Keras's ε acts {stable(1 / np.sqrt(0.001), '.1f')} times" in text


def test_07_lowest_on_rosenbrock():
    final_f = {name: trace.f[-1] for name, trace in run_paths("Rosenbrock", TUNED_LEARNING_RATES["Rosenbrock"]).items()}
    winner = min(final_f, key=final_f.get)
    assert winner == "Momentum" and sorted(final_f.values())[1] > 2 * final_f[winner]  # a clear winner
    adam = run_paths("Rosenbrock", {"Adam": TUNED_LEARNING_RATES["Rosenbrock"]["Adam"]})["Adam"]
    assert adam.x[-1, 0] > 0 and np.linalg.norm(adam.x[-1] - 1) > 0.5  # round the bend (x > 0), not at (1, 1)
    text = revealed("07_beyond_the_cubic")
    assert f"The answer: {winner}.\n" in text
    assert f"ends lowest, at f = {stable(final_f['Momentum'], '.4f')}" in text
    assert f"to (1, 1), at f = {stable(final_f['Adam'], '.4f')}" in text


def test_08_memory_claim():
    state = {name: state_memory(optimizer, 1_000_000) for name, optimizer in
             [("Adagrad", Adagrad(dtype="float32")), ("RMSprop", RMSprop(dtype="float32")), ("Adam", Adam(dtype="float32"))]}
    assert state["Adam"].nbytes == 2 * state["RMSprop"].nbytes == 2 * state["Adagrad"].nbytes
    text = revealed("08_myths_and_limits")
    assert "The answer: false.\n" in text
    assert "Adagrad keeps s (4 MB); RMSprop keeps v (4 MB); Adam keeps m, v (8 MB)" in text


# --- the check cells work with a learner's prediction -------------------------------------------

ANSWERS = {  # a right and a wrong prediction for each notebook
    "01_gradient_descent": (5, 3), "02_momentum": (0.35, 0.0), "03_adaptive_steps": (3.16, 30),
    "04_bias_correction": (3.2, 1), "05_adam_from_scratch": (0.05, 0.0002), "06_adam_vs_keras": (3e-6, 1e-7),
    "07_beyond_the_cubic": ("momentum", "Adam"), "08_myths_and_limits": ("False", "true"),
}


def run_check_cell(name, prediction):
    """The notebook's import cell, then its check cell with `prediction`; what they print."""
    nb = cells(name)
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(next(c for c in nb if c.cell_type == "code").source, namespace)
    namespace["my_prediction"] = prediction
    with contextlib.redirect_stdout(io.StringIO()) as out:
        exec(nb[check_index(name)].source, namespace)
    return out.getvalue()


@pytest.mark.parametrize("name", NAMES)
def test_the_check_cell_judges_a_prediction(name):
    right, wrong = ANSWERS[name]
    answer_line = revealed(name).splitlines()[1]
    assert run_check_cell(name, None) == revealed(name)  # the committed output, recomputed
    text = run_check_cell(name, right)
    assert text.splitlines()[1].startswith("✓") and answer_line.replace("The answer:", "the answer:") in text
    text = run_check_cell(name, wrong)
    assert text.splitlines()[1].startswith("✗") and "Why: " in text
    text = run_check_cell(name, [right])  # neither a number nor an option
    assert text.startswith("Can't check your prediction: ") and "The answer" not in text


# --- try it first ---------------------------------------------------------------------------

TRY_FIRST = {  # notebook: (the function, its exercise, a line of the course's own code it hides)
    "01_gradient_descent": ("gradient_descent", "01_gradient_descent", "def gradient_descent(grad,"),
    "02_momentum": ("ema", "02_moving_averages", "def moving_average("),
    "05_adam_from_scratch": ("adam_step", "03_adam", "def adam_from_scratch("),
}


def solution_function(exercise, function):
    """The function as the exercise's solution notebook writes it."""
    nb = nbformat.read(ROOT / "solutions" / f"{exercise}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and f"def {function}(" in c.source)
    namespace = {"np": np}
    exec(cell.source, namespace)
    return namespace[function]


def try_first_cells(name):
    function, exercise, course = TRY_FIRST[name]
    nb = cells(name)
    code = index_of(name, lambda c: c.cell_type == "code" and f"def {function}(" in c.source
                    and c.source.rstrip().endswith("return None"), "placeholder")
    check = index_of(name, lambda c: c.cell_type == "code" and "predictions.try_first(" in c.source, "try_first")
    theirs = index_of(name, lambda c: c.cell_type == "code" and course in c.source, "course's code")
    return nb, code, check, theirs


@pytest.mark.parametrize("name", list(TRY_FIRST))
def test_try_it_first_comes_before_the_code_it_hides(name):
    function, exercise, course = TRY_FIRST[name]
    nb, code, check, theirs = try_first_cells(name)
    assert code < check == code + 1 < theirs
    intro = nb[code - 1]
    assert intro.cell_type == "markdown" and "Try it first" in intro.source
    assert f"(../exercises/{exercise}.ipynb)" in intro.source and (ROOT / "exercises" / f"{exercise}.ipynb").is_file()
    assert nb[check].source == f'predictions.try_first({function}, grade_id="{function}")'
    assert all(cell.cell_type == "markdown" for cell in nb[check + 1:theirs]), "nothing runs in between"
    for cell in nb[:code]:  # nothing before it shows the course's version
        assert course not in cell.source


@pytest.mark.parametrize("name", list(TRY_FIRST))
def test_try_it_first_has_the_exercises_signature_and_says_not_tried_yet(name):
    function, exercise, _ = TRY_FIRST[name]
    nb, code, check, _ = try_first_cells(name)
    namespace = {"np": np}
    exec(nb[code].source, namespace)
    assert inspect.signature(namespace[function]) == inspect.signature(solution_function(exercise, function))
    assert stdout(nb[check]) == (
        f"{function}: not tried yet (it returns None; if you wrote it, does it end with `return`?).\n"
        f"Write your version in the cell above and re-run this cell, or do exercise {exercise} "
        f"(exercises/{exercise}.ipynb) first.\nThe next cell shows the course's version.\n")
    assert [out.get("name") for out in nb[check].outputs] == ["stdout"]  # no Out[...], no stderr


@pytest.mark.parametrize("name", list(TRY_FIRST))
def test_try_it_first_self_checks_a_learners_function(name):
    function, exercise, _ = TRY_FIRST[name]
    nb, _, check, _ = try_first_cells(name)
    namespace = {}
    exec(next(c for c in nb if c.cell_type == "code").source, namespace)  # the notebook's imports
    namespace[function] = solution_function(exercise, function)
    with contextlib.redirect_stdout(io.StringIO()) as out:
        exec(nb[check].source, namespace)
    assert out.getvalue().startswith(f"✓ {function}: all ")

    def wrong(*args, **kwargs):  # right shape of answer, wrong numbers
        result = solution_function(exercise, function)(*args, **kwargs)
        return tuple(np.asarray(r) + 1 for r in result) if isinstance(result, tuple) else np.asarray(result) + 1

    namespace[function] = wrong
    with contextlib.redirect_stdout(io.StringIO()) as out:
        exec(nb[check].source, namespace)
    assert out.getvalue().startswith(f"✗ {function}: ")
