"""Exercises 07 (find the bug) and 08 (predictions).

07: the broken code in the notebook is the bug the grader recognises; an unfixed copy gets
"the bug is still there: ..." on every check; every catalogued wrong fix is named by the
self-check and by the hidden cases; correct fixes pass (vectorised, scalar loops, float32,
real Keras written differently); wrong types get a sentence.
08: every right answer, computed with the course's code, agrees with the closed forms (and
Keras's effective ε with real Keras); each misconception is named and none is mistaken for
the answer; the self-check never says whether an answer is right; bad input of any kind
gets a sentence, never an exception.
Both: wrong notebooks, edited as a learner would edit the solution, graded in one
`adam-teach grade` call, lose the points of the wrong items and are told why.
"""

import json
import math

import numpy as np
import pytest

from adam_teach import answer_key, checks, objectives
from adam_teach.answer_key import find_the_bug, predictions_quiz
from adam_teach.answer_key import find_the_bug_mistakes as bugs
from adam_teach.answer_key import predictions_mistakes
from adam_teach.answer_key.base import Outcome
from adam_teach.answer_key.judging import call_reference, close
from adam_teach.runner.wire import Unsupported, decode, encode
from grading_support import COURSE, ROOT, feedback_of, grade_in_one_call, item_scores, results_of, solution_answers, solved

EX_07, EX_08 = "07_find_the_bug", "08_predictions"
CATALOGUES = {"fixed_adam_step": bugs.FIXED_ADAM_STEP, "fixed_run_adam": bugs.FIXED_RUN_ADAM}


def verdicts(grade_id, function, exercise=EX_07):
    """The self-check verdict (visible cases) and the autograder's (hidden cases)."""
    hidden = answer_key.get_item(exercise, grade_id)
    return [checks.self_check(exercise, grade_id, function),
            checks.run_item(hidden, {grade_id: function})]


def tensorflow():
    from adam_teach.keras_reference import import_tensorflow

    return import_tensorflow()


# --- 07: the broken code is the bug the grader knows ------------------------------------------


def notebook_functions():
    """The locked broken_* functions of solutions/07, defined as the notebook defines them."""
    notebook = json.loads((ROOT / "solutions" / f"{EX_07}.ipynb").read_text(encoding="utf-8"))
    namespace = {"np": np, "tf": tensorflow()}
    for cell in notebook["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id", "").startswith("broken_"):
            exec("".join(cell["source"]), namespace)
    return namespace


@pytest.mark.parametrize("grade_id", sorted(bugs.BUGS))
def test_the_notebook_s_broken_code_is_the_bug_the_grader_recognises(grade_id):
    broken = notebook_functions()[grade_id.replace("fixed_", "broken_")]
    for visible in (True, False):
        for case in answer_key.get_item(EX_07, grade_id, visible).cases:
            args = [objectives.__dict__[a.split(":")[1].split(".")[0]].grad if isinstance(a, str) else a
                    for a in case.args]
            with np.errstate(all="ignore"):
                value = broken(*args, **case.kwargs)
            assert close(value, call_reference(bugs.BUGS[grade_id].function, case), equal_nan=True), case


@pytest.mark.parametrize("grade_id", sorted(bugs.BUGS))
def test_an_unfixed_copy_is_told_the_bug_is_still_there_on_every_check(grade_id):
    bug = bugs.BUGS[grade_id]
    for verdict in verdicts(grade_id, bug.function):
        assert verdict.score == 0
        assert all(line == line.split(": the bug")[0] + f": {find_the_bug.STILL_THERE}{bug.message}"
                   for line in verdict.messages[1:]), verdict.messages


def test_the_bug_messages_teach_without_giving_the_line_away():
    assert "np.sqrt(v_hat) + eps" not in bugs.EPSILON_ON_X.message
    assert "t += 1" not in bugs.T_STUCK_AT_1.message and "range(1" not in bugs.T_STUCK_AT_1.message
    assert ".append(" not in bugs.PATH_NOT_RECORDED.message


def test_every_hidden_case_shows_each_bug():
    """Each bug changes the result of every hidden case by far more than the tolerance."""
    for grade_id, bug in bugs.BUGS.items():
        item = answer_key.get_item(EX_07, grade_id)
        spec = item.judge.args[0]
        for case in item.cases:
            assert not close(call_reference(bug.function, case), call_reference(spec.reference, case),
                             equal_nan=True), (grade_id, case)


# --- 07: the wrong fixes ------------------------------------------------------------------------


def mistake_params(mutating=False):
    return [pytest.param(grade_id, mistake, id=f"{grade_id}-{mistake.name}")
            for grade_id, table in CATALOGUES.items() for mistake in table if mistake.mutates == mutating]


@pytest.mark.parametrize("grade_id, mistake", mistake_params())
def test_each_wrong_fix_is_named(grade_id, mistake):
    """Named on every failed check, and never called 'the bug is still there'."""
    for verdict in verdicts(grade_id, mistake.function):
        text = "\n".join(verdict.messages)
        assert not verdict.passed, text
        failed = [line for line in verdict.messages[1:] if line.startswith("✗")]
        assert failed and all(f"looks like {mistake.message}" in line for line in failed), text
        assert find_the_bug.STILL_THERE not in text


@pytest.mark.parametrize("grade_id, mistake", mistake_params(mutating=True))
def test_in_place_fix_is_named_and_costs_points(grade_id, mistake):
    for verdict in verdicts(grade_id, mistake.function):
        assert 0 < verdict.score < verdict.max_score
        assert any("changed the caller's arrays in place" in line for line in verdict.messages)


def test_the_brief_s_mistakes_are_in_the_catalogues():
    assert {"epsilon_dropped", "epsilon_subtracted_from_x", "epsilon_added_to_ratio", "epsilon_inside_sqrt",
            "epsilon_hat_form", "missing_bias_correction"} <= {m.name for m in bugs.FIXED_ADAM_STEP}
    assert {"t_incremented_too_early", "t_counts_from_0", "step_missing_bias_correction",
            "stale_gradient"} <= {m.name for m in bugs.FIXED_RUN_ADAM}
    assert "appended_variable" in {m.name for m in bugs.FIXED_ARTICLE_PATH}


def output_or_error(function, case):
    """What `function` returns on `case`, or the name of the exception it raises."""
    try:
        return call_reference(function, case)
    except Exception as error:
        return type(error).__name__


def same(a, b):
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return close(a, b, equal_nan=True)


@pytest.mark.parametrize("grade_id", sorted(CATALOGUES))
def test_hidden_cases_tell_the_wrong_fixes_and_the_bug_apart(grade_id):
    item = answer_key.get_item(EX_07, grade_id)
    table = [m for m in CATALOGUES[grade_id] if not m.mutates] + [bugs.BUGS[grade_id]]
    outputs = {m.name: [output_or_error(m.function, case) for case in item.cases] for m in table}
    for i, a in enumerate(table):
        for b in table[i + 1:]:
            assert not all(same(x, y) for x, y in zip(outputs[a.name], outputs[b.name])), \
                f"{a.name} and {b.name} agree on every hidden case"


def keras_path(x0, steps, learning_rate=0.05, epsilon=1e-7, *, record="numpy", ignore_arguments=False):
    """The article's loop, fixed or wrongly fixed as a learner would."""
    tf = tensorflow()
    if ignore_arguments:
        learning_rate, epsilon = 0.05, 1e-7
    optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate, epsilon=epsilon)
    x = tf.Variable(x0, dtype=tf.float32)
    path = [] if record == "after_each_step" else [x if record == "variable" else x.numpy()]
    for _ in range(steps):
        with tf.GradientTape() as tape:
            y = x**3 - 2 * x**2 + 2
            gradient = tape.gradient(y, x)
        optimizer.apply_gradients([(gradient, x)])
        path.append(x if record == "variable" else x.numpy())
    return np.array(path)


@pytest.mark.parametrize("options, expected", [
    ({"record": "variable"}, f"looks like {bugs.FIXED_ARTICLE_PATH[0].message}"),
    ({"ignore_arguments": True}, f"looks like {bugs.FIXED_ARTICLE_PATH[1].message}"),
    ({"record": "after_each_step"}, "record x0 before the first step and x after each step: steps + 1 values"),
])
def test_wrong_fixes_of_the_article_s_loop_are_named(options, expected):
    for verdict in verdicts("fixed_article_path", lambda *a, **k: keras_path(*a, **k, **options)):
        assert not verdict.passed
        assert any(expected in line for line in verdict.messages[1:]), verdict.messages


def test_numpy_adam_instead_of_the_article_s_keras_loop_is_named():
    from adam_teach.answer_key.references import run_adam

    def numpy_adam(x0, steps, learning_rate=0.05, epsilon=1e-7):
        return run_adam(objectives.cubic.grad, x0, steps, learning_rate, epsilon=epsilon)

    verdict = verdicts("fixed_article_path", numpy_adam)[1]
    assert any(f"looks like {bugs.FIXED_ARTICLE_PATH[2].message}" in line for line in verdict.messages)


# --- 07: correct fixes pass, and odd returns get a sentence ---------------------------------------


def step_vectorised(x, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g * g
    m_hat, v_hat = m / (1 - beta_1**t), v / (1 - beta_2**t)
    return x - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), m, v


def step_scalar_loop(x, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
    """Element by element with math.sqrt."""
    shape = np.shape(x)
    xs, gs, ms, vs = (np.ravel(np.asarray(a, dtype=float)).tolist() for a in (x, g, m, v))
    for i in range(len(xs)):
        ms[i] = beta_1 * ms[i] + (1 - beta_1) * gs[i]
        vs[i] = beta_2 * vs[i] + (1 - beta_2) * gs[i] ** 2
        xs[i] -= learning_rate * (ms[i] / (1 - beta_1**t)) / (math.sqrt(vs[i] / (1 - beta_2**t)) + epsilon)
    return tuple(np.reshape(a, shape) for a in (xs, ms, vs))


def step_float32(x, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
    f32 = lambda a: np.asarray(a, dtype=np.float32)  # noqa: E731
    return step_vectorised(f32(x), f32(g), f32(m), f32(v), t, np.float32(learning_rate), np.float32(beta_1),
                           np.float32(beta_2), np.float32(epsilon))


def run_with_range(grad_fn, x0, steps, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
    x = np.asarray(x0, dtype=float)
    m, v = np.zeros_like(x), np.zeros_like(x)
    path = [x]
    for t in range(1, steps + 1):
        x, m, v = step_vectorised(x, grad_fn(x), m, v, t, learning_rate, beta_1, beta_2, epsilon)
        path.append(x)
    return np.array(path)


def run_float32_preallocated(grad_fn, x0, steps, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
    x = np.asarray(x0, dtype=np.float32)
    path = np.empty((steps + 1,) + x.shape, dtype=np.float32)
    path[0] = x
    m, v, t = np.zeros_like(x), np.zeros_like(x), 0
    for k in range(steps):
        t += 1
        x, m, v = step_float32(x, grad_fn(x), m, v, t, learning_rate, beta_1, beta_2, epsilon)
        path[k + 1] = x
    return path


def article_path_tidy(x0, steps, learning_rate=0.05, epsilon=1e-7):
    """Gradient after the tape, the start as a Python float, a list of floats."""
    tf = tensorflow()
    optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate, epsilon=epsilon)
    x = tf.Variable(float(x0))
    values = [float(x.numpy())]
    for _ in range(steps):
        with tf.GradientTape() as tape:
            y = x**3 - 2 * x**2 + 2
        optimizer.apply_gradients([(tape.gradient(y, x), x)])
        values.append(float(x.numpy()))
    return np.array(values)


@pytest.mark.parametrize("grade_id, function", [
    ("fixed_adam_step", step_vectorised), ("fixed_adam_step", step_scalar_loop), ("fixed_adam_step", step_float32),
    ("fixed_run_adam", run_with_range), ("fixed_run_adam", run_float32_preallocated),
    ("fixed_article_path", keras_path), ("fixed_article_path", article_path_tidy),
], ids=lambda value: getattr(value, "__name__", value))
def test_correct_fixes_pass(grade_id, function):
    for verdict in verdicts(grade_id, function):
        assert verdict.passed, "\n".join(verdict.messages)


@pytest.mark.parametrize("grade_id, function, expected", [
    ("fixed_adam_step", lambda *a, **k: None, "returned None: did you forget `return`?"),
    ("fixed_adam_step", lambda *a, **k: step_vectorised(*a, **k)[0], "must return a tuple (x, m, v)"),
    ("fixed_adam_step", lambda *a, **k: "x", "must return a tuple (x, m, v)"),
    ("fixed_run_adam", lambda *a, **k: list(run_with_range(*a, **k)), "must return a NumPy array"),
    ("fixed_run_adam", lambda *a, **k: run_with_range(*a, **k)[1:], "return steps + 1 iterates, x0 first"),
    ("fixed_run_adam", lambda *a, **k: 1 / 0, "raised ZeroDivisionError: division by zero"),
    ("fixed_article_path", lambda *a, **k: {"path": 1}, "must return a NumPy array"),
    ("fixed_article_path", lambda *a, **k: np.array(["a", "b"]), "returned a numpy.ndarray, not numbers"),
])
def test_odd_returns_get_a_sentence(grade_id, function, expected):
    for verdict in verdicts(grade_id, function):
        assert verdict.score == 0
        assert any(expected in line for line in verdict.messages[1:]) or expected in verdict.messages[0], \
            verdict.messages


# --- 08: the answers --------------------------------------------------------------------------------

QUESTIONS = {q.variable: q for q in predictions_quiz.QUESTIONS}
CLOSED_FORMS = {
    "first_step_length": 0.01 * 3 / (3 + 1e-8),
    "keras_effective_epsilon": 1e-7 / math.sqrt(1 - 0.999),
    "ema_steps_to_forget": 44,
    "uncorrected_first_step": 0.1 / math.sqrt(0.001),
    "v_correction_factor": 1 / (1 - 0.999**10),
    "steps_until_near_alpha": 1751,
}


def test_every_question_is_an_item_of_one_point_and_the_answers_agree_with_the_closed_forms():
    assert [item.grade_id for item in answer_key.get(EX_08).items] == list(CLOSED_FORMS)
    for variable, value in CLOSED_FORMS.items():
        assert predictions_quiz.value_of(QUESTIONS[variable].answer) == pytest.approx(value, rel=1e-12)
    assert 0.9**43 >= 0.01 > 0.9**44
    ratio = lambda t: (1 - 0.9**t) / math.sqrt(1 - 0.999**t)  # noqa: E731
    assert ratio(1750) >= 1.1 > ratio(1751) and max(ratio(t) for t in range(1, 1751)) > 6.5


def test_keras_effective_epsilon_is_what_keras_does_at_t_1():
    """Keras's ε̂ form (the course's, float64; and real tf.keras, float32) takes the same
    first step as Algorithm 1 with ε = keras_effective_epsilon, for gradients as small as
    ε, where ε matters."""
    from adam_teach.answer_key.references import adam_step, adam_step_keras

    tf = tensorflow()
    epsilon = predictions_quiz.value_of(QUESTIONS["keras_effective_epsilon"].answer)
    for gradient in (1e-6, 3e-6, 1e-5):
        paper, _, _ = adam_step(0.0, gradient, 0.0, 0.0, 1, learning_rate=1.0, epsilon=epsilon)
        keras_form, _, _ = adam_step_keras(0.0, gradient, 0.0, 0.0, 1, 1.0, 0.9, 0.999, 1e-7)
        assert float(keras_form) == pytest.approx(float(paper), rel=1e-12)
        x = tf.Variable(0.0)
        tf.keras.optimizers.Adam(learning_rate=1.0, epsilon=1e-7).apply_gradients([(tf.constant(gradient), x)])
        assert float(x.numpy()) == pytest.approx(float(paper), rel=1e-4)  # float32
        assert abs(float(paper)) < 0.8  # ε is not negligible here


def mistake_params_08():
    return [pytest.param(q, m, id=f"{q.variable}-{m.name}") for q in predictions_quiz.QUESTIONS for m in q.mistakes]


@pytest.mark.parametrize("question, mistake", mistake_params_08())
def test_each_misconception_is_named_and_never_taken_for_the_answer(question, mistake):
    wrong = predictions_quiz.value_of(mistake.function)
    assert not predictions_quiz.matches(question, wrong, predictions_quiz.value_of(question.answer))
    others = [m for m in question.mistakes if m is not mistake]
    assert not any(predictions_quiz.matches(question, wrong, predictions_quiz.value_of(m.function)) for m in others)
    verdict = checks.run_item(answer_key.get_item(EX_08, question.variable), {question.variable: wrong})
    assert verdict.score == 0
    assert verdict.messages == (f"✗ {question.variable} = {wrong:.6g}: {mistake.message}. How to get it: {question.how}",)


def test_the_brief_s_misconceptions_are_named():
    names = {q.variable: {m.name for m in q.mistakes} for q in predictions_quiz.QUESTIONS}
    assert "uncorrected_first_step" in names["first_step_length"]  # corrected vs uncorrected
    assert "corrected_step" in names["uncorrected_first_step"]
    assert "effective_window" in names["ema_steps_to_forget"]  # 10 instead of 44
    assert predictions_quiz.value_of(predictions_mistakes.EMA_STEPS_TO_FORGET[0].function) == pytest.approx(10)
    assert "epsilon_hat_itself" in names["keras_effective_epsilon"]  # ε̂ instead of ε


@pytest.mark.parametrize("variable", list(CLOSED_FORMS))
def test_right_answers_in_every_numeric_type_get_the_point(variable):
    right = CLOSED_FORMS[variable]
    item = answer_key.get_item(EX_08, variable)
    forms = [right, np.float32(right), np.float64(right), np.array(right), right * 1.004]
    if QUESTIONS[variable].whole:
        forms = [right, float(right), np.int64(right), np.array(right), np.float32(right)]
    for form in forms:
        verdict = checks.run_item(item, {variable: decode(encode(form))})  # as it comes back from the sandbox
        assert verdict.passed, (form, verdict.messages)
        assert verdict.messages[0].startswith(f"✓ {variable} = ")


@pytest.mark.parametrize("variable, rounded", [("first_step_length", 0.01), ("keras_effective_epsilon", 3.2e-6),
                                               ("uncorrected_first_step", 3.2), ("v_correction_factor", 100)])
def test_two_significant_digits_are_enough(variable, rounded):
    assert checks.run_item(answer_key.get_item(EX_08, variable), {variable: rounded}).passed
    assert not checks.run_item(answer_key.get_item(EX_08, variable), {variable: rounded * 1.03}).passed


@pytest.mark.parametrize("variable", list(CLOSED_FORMS))
def test_a_wrong_number_gets_the_reasoning(variable):
    question = QUESTIONS[variable]
    wrong = CLOSED_FORMS[variable] * 1.37
    verdict = checks.run_item(answer_key.get_item(EX_08, variable), {variable: wrong})
    assert verdict.score == 0
    assert verdict.messages[0].endswith(f"How to get it: {question.how}")


def test_a_fractional_number_of_steps_is_not_rounded_for_the_learner():
    item = answer_key.get_item(EX_08, "ema_steps_to_forget")
    assert checks.run_item(item, {"ema_steps_to_forget": 44.2}).messages[0].startswith(
        "✗ ema_steps_to_forget = 44.2: not a whole number, and the answer is a number of steps.")
    visible = answer_key.get_item(EX_08, "ema_steps_to_forget", visible=True)
    assert checks.run_item(visible, {"ema_steps_to_forget": 44.2}).score == 0


def test_the_self_check_never_says_whether_an_answer_is_right(capsys):
    """The same verdict for the right answer, a misconception and any other number (only
    the number shown differs), so trying values against the self-check tells nothing."""
    for question in predictions_quiz.QUESTIONS:
        right = predictions_quiz.value_of(question.answer)
        values = [right, right * 3 + 1] + [predictions_quiz.value_of(m.function) for m in question.mistakes]
        values = [round(v) if question.whole else v for v in values]
        seen = set()
        for value in values:
            verdict = checks.self_check(EX_08, question.variable, value)
            assert verdict.passed
            seen.add(verdict.messages[0].replace(f" = {value:.6g} ", " = N "))
        assert len(seen) == 1, seen
        assert "right is graded by the autograder" in seen.pop()
    checks.check_first_step_length(0.0316)
    printed = capsys.readouterr().out
    assert printed.startswith("✓ first_step_length = 0.0316 recorded") and "uncorrected" not in printed


class Opaque:
    pass


BAD_INPUT = [
    ("0.01", "is the text '0.01' (in quotes), not a number: remove the quotes"),
    ("three", "is the text 'three', not a number"),
    (None, "is None"),
    ([0.01], "is a list of 1, not one number"),
    ((0.01, 0.02), "is a tuple of 2, not one number"),
    ({"answer": 0.01}, "is a dict of 1, not one number"),
    (np.array([0.01]), "is an array of shape (1,), not one number"),
    (float("nan"), "is nan, not a finite number"),
    (float("inf"), "is inf, not a finite number"),
    (np.float64("-inf"), "is -inf, not a finite number"),
    (True, "is True, a bool (True/False), not a number"),
    (np.bool_(False), "is False, a bool (True/False), not a number"),
    (1 + 2j, "is a complex number"),
    (len, "is a function, not a number (did you forget to call it?)"),
    (Opaque(), "is a Opaque, not a plain number"),
    (Unsupported("Fraction", "Fraction(1, 100)"), "is a Fraction, not a plain number"),
]


@pytest.mark.parametrize("value, expected", BAD_INPUT, ids=lambda v: repr(v)[:20])
def test_bad_input_gets_a_sentence_from_both_judges(value, expected):
    for visible in (True, False):
        item = answer_key.get_item(EX_08, "first_step_length", visible)
        verdict = item.judge([Outcome(value=value)])
        assert verdict.score == 0
        assert verdict.messages == (f"✗ first_step_length {expected}" + verdict.messages[0].split(expected, 1)[1],)
        assert "first_step_length = <your number>" in verdict.messages[0] or "quotes" in expected


def test_bad_input_survives_the_wire_and_the_self_check(capsys):
    for value, _ in BAD_INPUT:
        checks.check_first_step_length(value)
        decoded = decode(encode(value))
        verdict = answer_key.get_item(EX_08, "first_step_length").judge([Outcome(value=decoded)])
        assert verdict.score == 0 and verdict.messages[0].startswith("✗ first_step_length")
    assert capsys.readouterr().out.count("✗ first_step_length") == len(BAD_INPUT)


def test_a_missing_or_unreadable_answer_gets_a_sentence():
    for visible in (True, False):
        item = answer_key.get_item(EX_08, "v_correction_factor", visible)
        missing = item.judge([Outcome(error="NameError: name 'v_correction_factor' is not defined")])
        assert missing.messages == ("✗ v_correction_factor: not written yet: replace `raise NotImplementedError()` "
                                    "with `v_correction_factor = <your number>` and run the cell.",)
        unreadable = item.judge([Outcome(error="RecursionError: too deep")])
        assert unreadable.score == 0 and "could not be read (RecursionError: too deep)" in unreadable.messages[0]


# --- both: wrong notebooks, as a learner would write them, graded in one call --------------------


def _answers(exercise, **edits):
    """The solution's answer cells, with (old, new) replacements in the named cells, or a
    whole new source (a str) for a cell."""
    answers = solution_answers(exercise)
    for cell, edit in edits.items():
        if isinstance(edit, str):
            answers[cell] = edit
            continue
        for old, new in edit:
            assert old in answers[cell], (cell, old)
            answers[cell] = answers[cell].replace(old, new)
    return answers


def _broken_copies():
    """What a learner who copied each broken function and fixed nothing submits."""
    notebook = json.loads((ROOT / "solutions" / f"{EX_07}.ipynb").read_text(encoding="utf-8"))
    sources = {cell["metadata"]["nbgrader"]["grade_id"]: "".join(cell["source"]) for cell in notebook["cells"]
               if cell["metadata"].get("nbgrader", {}).get("grade_id", "").startswith("broken_")}
    return {f"{name.replace('broken_', 'fixed_')}_solution": source.replace("def broken_", "def fixed_")
            for name, source in sources.items()}


STEP_UPDATE = "x = x - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)  # ε guards the division"
T_INCREMENT = "        t += 1  # t counts the steps: the bias correction fades as m and v fill up\n"
MESSAGE = {m.name: m.message for table in (bugs.FIXED_ADAM_STEP, bugs.FIXED_RUN_ADAM, bugs.FIXED_ARTICLE_PATH)
           for m in table}
QUESTION_MESSAGE = {(q.variable, m.name): m.message for q in predictions_quiz.QUESTIONS for m in q.mistakes}
FULL_07 = {item.grade_id: item.points for item in answer_key.get(EX_07).items}
FULL_08 = {item.grade_id: item.points for item in answer_key.get(EX_08).items}


def _quiz(**answers):
    return {f"{variable}_solution": f"{variable} = {value}\n" for variable, value in answers.items()}


# name -> (exercise, edits, {grade_id: score or None for "partly right"}, sentences)
WRONG = {
    "copied_not_fixed": (EX_07, _broken_copies(), {"fixed_adam_step": 0, "fixed_run_adam": 0, "fixed_article_path": 0},
                         [find_the_bug.STILL_THERE + bugs.EPSILON_ON_X.message,
                          find_the_bug.STILL_THERE + bugs.T_STUCK_AT_1.message,
                          find_the_bug.STILL_THERE + bugs.PATH_NOT_RECORDED.message]),
    "epsilon_deleted": (EX_07, {"fixed_adam_step_solution": [(STEP_UPDATE, "x = x - learning_rate * m_hat / np.sqrt(v_hat)")]},
                        {"fixed_adam_step": 0}, [MESSAGE["epsilon_dropped"]]),
    "epsilon_parenthesised_with_the_step": (
        EX_07, {"fixed_adam_step_solution": [(STEP_UPDATE, "x = x - (learning_rate * m_hat / np.sqrt(v_hat) + epsilon)")]},
        {"fixed_adam_step": 0}, [MESSAGE["epsilon_subtracted_from_x"]]),
    "epsilon_inside_the_root": (
        EX_07, {"fixed_adam_step_solution": [(STEP_UPDATE, "x = x - learning_rate * m_hat / np.sqrt(v_hat + epsilon)")]},
        {"fixed_adam_step": None}, [MESSAGE["epsilon_inside_sqrt"]]),
    "step_in_place": (EX_07, {"fixed_adam_step_solution": [(STEP_UPDATE, "x -= learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)")]},
                      {"fixed_adam_step": None}, ["changed the caller's arrays in place"]),
    "t_incremented_first": (EX_07, {"fixed_run_adam_solution": [(T_INCREMENT, ""), ("        g = grad_fn(x)\n",
                                                                                      "        t += 1\n        g = grad_fn(x)\n")]},
                            {"fixed_run_adam": 0}, [MESSAGE["t_incremented_too_early"]]),
    "t_from_0": (EX_07, {"fixed_run_adam_solution": [("    t = 1\n", "    t = 0\n")]},
                 {"fixed_run_adam": 0}, [MESSAGE["t_counts_from_0"]]),
    "bias_correction_removed": (EX_07, {"fixed_run_adam_solution": [("m_hat = m / (1 - beta_1**t)", "m_hat = m"),
                                                                    ("v_hat = v / (1 - beta_2**t)", "v_hat = v")]},
                                {"fixed_run_adam": 0}, [MESSAGE["step_missing_bias_correction"]]),
    "appended_the_variable": (EX_07, {"fixed_article_path_solution": [("x_values = [x.numpy()]", "x_values = [x]"),
                                                                      ("x_values.append(x.numpy())", "x_values.append(x)")]},
                              {"fixed_article_path": 0}, [MESSAGE["appended_variable"]]),
    "start_not_recorded": (EX_07, {"fixed_article_path_solution": [("x_values = [x.numpy()]", "x_values = []")]},
                           {"fixed_article_path": 0},
                           ["record x0 before the first step and x after each step: steps + 1 values"]),
    "misconceptions": (EX_08, _quiz(first_step_length=0.03, keras_effective_epsilon=1e-7, ema_steps_to_forget=10,
                                    uncorrected_first_step=1, v_correction_factor=1000, steps_until_near_alpha=23),
                       dict.fromkeys(FULL_08, 0),
                       [QUESTION_MESSAGE[key] for key in [
                           ("first_step_length", "gradient_descent_step"), ("keras_effective_epsilon", "epsilon_hat_itself"),
                           ("ema_steps_to_forget", "effective_window"), ("uncorrected_first_step", "corrected_step"),
                           ("v_correction_factor", "factor_at_t_1"), ("steps_until_near_alpha", "m_timescale")]]),
    "more_misconceptions": (EX_08, _quiz(first_step_length=0.0316, keras_effective_epsilon=1e-4, ema_steps_to_forget=43,
                                         uncorrected_first_step=100, v_correction_factor=0.00995, steps_until_near_alpha=2397),
                            dict.fromkeys(FULL_08, 0),
                            [QUESTION_MESSAGE[key] for key in [
                                ("first_step_length", "uncorrected_first_step"),
                                ("keras_effective_epsilon", "without_square_root"), ("ema_steps_to_forget", "rounded_down"),
                                ("uncorrected_first_step", "without_square_root"), ("v_correction_factor", "divisor"),
                                ("steps_until_near_alpha", "without_square_root")]]),
    "bad_input": (EX_08, {**_quiz(first_step_length="'0.01'", keras_effective_epsilon=None, ema_steps_to_forget=[44],
                                  uncorrected_first_step="float('nan')", v_correction_factor="np.array([100.45])"),
                          "steps_until_near_alpha_solution": "class Steps:\n    pass\n\nsteps_until_near_alpha = Steps()\n"},
                  dict.fromkeys(FULL_08, 0),
                  ["first_step_length is the text '0.01' (in quotes), not a number: remove the quotes",
                   "keras_effective_epsilon is None", "ema_steps_to_forget is a list of 1, not one number",
                   "uncorrected_first_step is nan, not a finite number",
                   "v_correction_factor is an array of shape (1,), not one number",
                   "steps_until_near_alpha is a Steps, not a plain number"]),
    "right_in_other_types_one_left_out": (
        EX_08, {**_quiz(first_step_length="np.float32(0.01)", keras_effective_epsilon="np.sqrt(1e-14 / 1e-3)",
                        ema_steps_to_forget=44.0, uncorrected_first_step="np.array(3.16)", v_correction_factor=100),
                "steps_until_near_alpha_solution": "# not done yet\nraise NotImplementedError()\n"},
        {**FULL_08, "steps_until_near_alpha": 0},
        ["steps_until_near_alpha: not written yet: replace `raise NotImplementedError()` with "
         "`steps_until_near_alpha = <your number>` and run the cell"]),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Every wrong notebook graded in one `adam-teach grade --jobs 2` call."""
    notebooks = {name: solved(json.loads((COURSE / "exercises" / f"{exercise}.ipynb").read_text(encoding="utf-8")),
                              _answers(exercise, **edits))
                 for name, (exercise, edits, _, _) in WRONG.items()}
    return grade_in_one_call(tmp_path_factory, notebooks, timeout=120)


def test_the_grade_call_succeeds_for_every_notebook(graded):
    done, out = graded
    assert done.returncode == 0, done.stderr
    for name in WRONG:
        assert results_of(out, name)["tests"], name


@pytest.mark.parametrize("name", list(WRONG))
def test_wrong_notebook_loses_the_points_of_its_wrong_items_and_is_told_why(graded, name):
    _, out = graded
    exercise, _, expected, sentences = WRONG[name]
    full = FULL_07 if exercise == EX_07 else FULL_08
    scores = item_scores(out, name)
    feedback = feedback_of(out, name)
    assert set(scores) == set(full)
    for grade_id, points in full.items():
        want = expected.get(grade_id, points)
        if want is None:
            assert 0 < scores[grade_id] < points, feedback
        else:
            assert scores[grade_id] == pytest.approx(want), (grade_id, feedback)
    results = results_of(out, name)
    shown_on_gradescope = "\n".join([results["output"], *(test["output"] for test in results["tests"])])
    for sentence in sentences:
        assert sentence in feedback, (sentence, feedback)
        assert sentence in shown_on_gradescope
