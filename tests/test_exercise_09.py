"""Exercise 09, the tuning challenge: the learner's `choice` (a dict) is read, and run by the
judge itself from the self-check's or the grader's starts.

- The solution's choice and other good choices (Adam, momentum, AdaMax; NumPy numbers, names
  in capitals, a dict subclass) earn full marks from the self-check and the hidden judge.
- Each catalogued wrong choice (plain SGD, a learning rate that diverges, a lucky start,
  steps too short, Adam's or AdaMax's long memory, RMSprop, Adagrad) loses points and is
  named, by the self-check and by the hidden judge.
- The score falls monotonically with the worst run's final loss: 4 − log₁₀(f / 1e-4) in [0, 4].
- Hostile values (not a dict, unknown optimisers and keys, a "steps" key, text, None, NaN,
  inf, negative, overflowing and huge numbers, a dict subclass with a weird __eq__, ...)
  earn 0 with a sentence, in the learner's process and after the grader's wire, never an
  exception, a warning or a line on stderr; judging one takes well under a second.
- Wrong notebooks, edited as a learner would edit the solution's answer cell, graded in one
  `adam-teach grade` call, lose the right points and are told why.
"""

import json
import math
import time
import warnings

import nbformat
import numpy as np
import pytest

from adam_teach import answer_key, checks, tuning
from adam_teach.answer_key import tuning_challenge
from adam_teach.answer_key import tuning_challenge_mistakes as wrong
from adam_teach.answer_key.base import Case, Outcome, call_case
from adam_teach.runner import wire
from grading_support import COURSE, feedback_of, grade_in_one_call, item_scores, results_of, solution_answers, solved

EXERCISE, GRADE_ID = "09_tuning_challenge", "tuning_choice"


def through_the_wire(value):
    """The Outcome the grader's judge gets for `choice = value`: read in the learner's
    process (runner.calls), wire-encoded there, sent as a JSON line, decoded in the grader."""
    outcome = call_case(Case("choice", read=True), {"choice": value})
    try:
        data = wire.encode(outcome.value)
    except Exception as error:  # what runner.notebook.call_functions reports
        return Outcome(error=f"{type(error).__name__}: {error}")
    message = json.loads(wire.dumps({"value": data}))
    return Outcome(value=wire.decode(message["value"]), error=outcome.error)


def verdicts(value):
    """The self-check's verdict (in the learner's process) and the hidden judge's (after
    the wire, as `adam-teach grade` judges)."""
    hidden = answer_key.get_item(EXERCISE, GRADE_ID)
    return [checks.self_check(EXERCISE, GRADE_ID, value), hidden.judge([through_the_wire(value)])]


def text_of(verdict):
    return "\n".join(verdict.messages)


# --- good choices -----------------------------------------------------------------------------


class Ordered(dict):
    """A dict subclass a learner might use (collections.OrderedDict is one)."""


GOOD = {
    "solution": dict(tuning_challenge.MODEL_CHOICE),
    "adam_default_betas": {"optimizer": "adam", "learning_rate": 0.2},
    "adam_capitals_numpy": {"optimizer": "Adam", "learning_rate": np.float64(0.01),
                            "beta_1": np.float32(0.95), "beta_2": 0.95},
    "adam_0d_array": {"optimizer": "ADAM", "learning_rate": np.array(0.01), "beta_1": 0.95,
                      "beta_2": 0.95, "amsgrad": False},
    "momentum": {"optimizer": "momentum", "learning_rate": 0.001, "momentum": 0.95},
    "momentum_int_free": {"momentum": 0.9, "learning_rate": 0.0012, "optimizer": "Momentum"},
    "adamax_short_memory": {"optimizer": "adamax", "learning_rate": 0.015, "beta_1": 0.95, "beta_2": 0.99},
    "dict_subclass": Ordered(optimizer="adam", learning_rate=0.01, beta_1=0.95, beta_2=0.95),
}


@pytest.mark.parametrize("name", GOOD)
def test_good_choices_earn_full_marks(name):
    for verdict in verdicts(GOOD[name]):
        assert verdict.score == verdict.max_score == 4, text_of(verdict)
        assert verdict.messages[0].startswith("✓") and "4 of 4 points" in verdict.messages[0]
        assert "looks like" not in text_of(verdict)


def test_the_printed_self_check_has_one_line_per_start(capsys):
    checks.check_tuning_choice(dict(tuning_challenge.MODEL_CHOICE))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("✓ Adam(learning_rate=0.01, beta_1=0.95, beta_2=0.95, epsilon=1e-08)")
    assert [line.split(":")[0] for line in lines[1:]] == [
        "  ✓ from (-1.5, 2.5)", "  ✓ from (-1.4, 2.5)", "  ✓ from (-1.5, 2.6)"]


def test_hidden_starts_are_the_exercise_s_and_two_others_nearby():
    visible = answer_key.get_item(EXERCISE, GRADE_ID, visible=True).cases[0].args[0]
    hidden = answer_key.get_item(EXERCISE, GRADE_ID).cases[0].args[0]
    assert visible == tuning.PRACTICE_STARTS and hidden == tuning_challenge.GRADER_STARTS
    assert visible[0] == hidden[0] == tuning.START == (-1.5, 2.5)
    assert set(visible[1:]).isdisjoint(hidden[1:])
    for start in visible[1:] + hidden[1:]:
        assert math.dist(start, tuning.START) == pytest.approx(0.1)


# --- the mistakes -------------------------------------------------------------------------------


@pytest.mark.parametrize("mistake", wrong.MISTAKES, ids=lambda m: m.name)
def test_each_known_mistake_loses_points_and_is_named(mistake):
    for verdict in verdicts(mistake.example):
        assert verdict.score < verdict.max_score, text_of(verdict)
        named = [line for line in verdict.messages if line.startswith("looks like")]
        assert any(line.startswith(f"looks like {mistake.message.split(':')[0].split('{')[0]}")
                   for line in named), f"{mistake.name} not named:\n{text_of(verdict)}"


def test_a_diverging_choice_earns_0_and_says_diverged():
    for verdict in verdicts({"optimizer": "sgd", "learning_rate": 0.003}):
        assert verdict.score == 0
        assert "diverged from (-1.5, 2.5) at step" in verdict.messages[0]
        assert "0 of 4 points (a run that diverges earns 0)" in verdict.messages[0]
        assert "looks like a learning rate too large" in text_of(verdict)


def test_lucky_sgd_is_caught_by_the_other_starts():
    """α = 0.002 ends near the target from the exercise's start, and diverges from a start
    0.1 away: the worst run counts."""
    lucky = {"optimizer": "sgd", "learning_rate": 0.002}
    [alone] = tuning.runs(tuning.read_choice(lucky).optimizer, (tuning.START,))
    assert alone.f < 3 * tuning.TARGET and not alone.diverged_at
    for verdict in verdicts(lucky):
        assert verdict.score == 0 and "looks like a result that depends on luck" in text_of(verdict)


def test_plain_sgd_never_reaches_the_target():
    """The notebook's "a finer scan (41 learning rates from 1e-4 to 0.004, from these starts
    and the grader's) finds no α worth 1.5 points or more"."""
    cells = nbformat.read(COURSE / "solutions" / f"{EXERCISE}.ipynb", as_version=4).cells
    prose = " ".join(" ".join(cell.source for cell in cells if cell.cell_type == "markdown").split())
    assert "A finer scan (41 learning rates from $10^{-4}$ to $0.004$, from these starts and the " \
           "grader's) finds no $\\alpha$ worth 1.5 points or more" in prose
    for starts in (tuning.PRACTICE_STARTS, tuning_challenge.GRADER_STARTS):
        best = 0.0
        for learning_rate in np.geomspace(1e-4, 4e-3, 41):
            worst = tuning.worst(tuning.runs(tuning.SGD(float(learning_rate)), starts))
            best = max(best, tuning.points_for(worst.f))
        assert best < 1.5


def test_adam_with_its_default_learning_rate_earns_nothing():
    for verdict in verdicts({"optimizer": "adam", "learning_rate": 0.001}):
        assert verdict.score == 0
        assert "looks like steps too short to get round the valley" in text_of(verdict)
        assert "with α = 0.001 the 1000 steps add up to about 1 per coordinate" in text_of(verdict)


def test_a_near_miss_earns_partial_credit_and_a_hint():
    # Momentum with a slightly too small α: f ≈ 2e-4 from every start.
    for verdict in verdicts({"optimizer": "momentum", "learning_rate": 0.0009}):
        assert 3 < verdict.score < 4, text_of(verdict)
        assert "Nearly there" in text_of(verdict)


# --- the score --------------------------------------------------------------------------------------


def test_points_fall_by_one_per_factor_of_ten():
    assert tuning.points_for(0.0) == tuning.points_for(1e-9) == tuning.points_for(1e-4) == 4
    assert tuning.points_for(1e-3) == 3 and tuning.points_for(1e-2) == 2
    assert tuning.points_for(0.1) == 1 and tuning.points_for(1.0) == 0
    assert tuning.points_for(12.5) == 0
    assert tuning.points_for(math.inf) == tuning.points_for(math.nan) == tuning.points_for(None) == 0
    assert tuning.points_for(3.2e-4) == pytest.approx(4 - math.log10(3.2), abs=0.005)


def test_points_never_increase_with_the_final_loss():
    losses = np.sort(np.concatenate([np.geomspace(1e-8, 1e3, 2000), [1e-4, 1.0, math.inf]]))
    points = [tuning.points_for(float(f)) for f in losses]
    assert all(a >= b for a, b in zip(points, points[1:]))
    assert points[0] == 4 and points[-1] == 0


def test_the_judge_s_score_is_monotone_in_the_worst_final_loss():
    """Over real choices, ordered by the worst run's final loss, the scores only fall."""
    hidden = answer_key.get_item(EXERCISE, GRADE_ID)
    starts = tuning_challenge.GRADER_STARTS
    judged = []
    for choice in [*GOOD.values(), *(m.example for m in wrong.MISTAKES),
                   *({"optimizer": "sgd", "learning_rate": a} for a in (0.0005, 0.001, 0.0013, 0.0015)),
                   *({"optimizer": "adam", "learning_rate": a} for a in (0.003, 0.01, 0.03, 0.1))]:
        worst = tuning.worst(tuning.runs(tuning.read_choice(choice).optimizer, starts))
        judged.append((worst.f, hidden.judge([Outcome(value=choice)]).score))
    judged.sort()
    assert all(a[1] >= b[1] for a, b in zip(judged, judged[1:])), judged
    assert judged[0][1] == 4 and judged[-1][1] == 0


# --- hostile input --------------------------------------------------------------------------------


class WeirdEquality(dict):
    """A dict that claims to equal everything (and whose keys do too)."""

    def __eq__(self, other):
        return True

    __hash__ = None


class AlwaysEqualText(str):
    def __eq__(self, other):
        return True

    def __hash__(self):
        return 0

    def lower(self):
        return "adam"


class Learner:
    """A learner's own object."""


HOSTILE = {
    "unknown_optimizer": ({"optimizer": "adm", "learning_rate": 0.01}, 'unknown optimiser "adm". Did you mean "adam"?'),
    "adamw": ({"optimizer": "AdamW", "learning_rate": 0.01}, "AdamW is not part of this challenge"),
    "key_typo": ({"optimizer": "adam", "learning_rate": 0.01, "beta1": 0.95},
                 'Adam has no "beta1": write "beta_1" instead'),
    "misspelt_setting": ({"optimizer": "adam", "learning_rate": 0.01, "betta_2": 0.95},
                         'Adam has no "betta_2": did you mean "beta_2"?'),
    "british_spelling": ({"optimiser": "adam", "learning_rate": 0.01},
                         'you wrote "optimiser": the key is spelt "optimizer"'),
    "lr_for_learning_rate": ({"optimizer": "adam", "lr": 0.01}, 'Adam has no "lr": write "learning_rate" instead'),
    "no_learning_rate": ({"optimizer": "adam"}, 'choice has no "learning_rate"'),
    "steps": ({"optimizer": "adam", "learning_rate": 0.01, "steps": 10**6},
              "the budget is fixed: every choice gets 1000 steps"),
    "num_iterations": ({"optimizer": "sgd", "learning_rate": 0.001, "num_iterations": 50_000},
                       "the budget is fixed"),
    "start": ({"optimizer": "adam", "learning_rate": 0.01, "x0": [1.0, 1.0]}, "the start points are fixed"),
    "dtype": ({"optimizer": "adam", "learning_rate": 0.01, "dtype": "float16"}, "the arithmetic is fixed (float64)"),
    "sgd_with_momentum": ({"optimizer": "sgd", "learning_rate": 0.001, "momentum": 0.9},
                          'write "optimizer": "momentum"'),
    "text_number": ({"optimizer": "adam", "learning_rate": "0.01"}, 'is the text "0.01": remove the quotes'),
    "text": ({"optimizer": "adam", "learning_rate": "fast"}, 'not the text "fast"'),
    "none": ({"optimizer": "adam", "learning_rate": None}, "must be a finite number > 0, such as 0.01, not None"),
    "nan": ({"optimizer": "adam", "learning_rate": math.nan}, "got nan"),
    "inf": ({"optimizer": "adam", "learning_rate": math.inf}, "got inf"),
    "negative": ({"optimizer": "adam", "learning_rate": -0.1}, "a learning rate ≤ 0 does not go downhill"),
    "zero": ({"optimizer": "momentum", "learning_rate": 0}, "a learning rate ≤ 0 does not go downhill"),
    "bool": ({"optimizer": "sgd", "learning_rate": True}, "not True, a bool"),
    "beta_too_large": ({"optimizer": "adam", "learning_rate": 0.01, "beta_1": 1.5}, '"beta_1" must be a number in [0, 1)'),
    "beta_nan": ({"optimizer": "adam", "learning_rate": 0.01, "beta_2": math.nan}, '"beta_2" must be a number in [0, 1)'),
    "negative_epsilon": ({"optimizer": "adam", "learning_rate": 0.01, "epsilon": -1e-8}, '"epsilon" must be a finite number ≥ 0'),
    "flag_text": ({"optimizer": "adam", "learning_rate": 0.01, "amsgrad": "yes"}, '"amsgrad" must be True or False'),
    "array": ({"optimizer": "adam", "learning_rate": np.array([0.01, 0.02])}, "not an array of shape (2,)"),
    "nested": ({"optimizer": "adam", "learning_rate": {"value": 0.01}}, "not a dict of 1"),
    "optimizer_object": ({"optimizer": tuning.Adam(learning_rate=0.01)}, '"optimizer" must be the name of an optimiser in quotes'),
    "optimizer_number": ({"optimizer": 3, "learning_rate": 0.01}, "it is an int"),
    "list": (["adam", 0.01], "choice must be a dict; it is a list of 2"),
    "pairs": ((("optimizer", "adam"), ("learning_rate", 0.01)), "becomes one with dict(...)"),
    "none_choice": (None, "choice must be a dict; it is None"),
    "text_choice": ("adam", 'choice must be a dict; it is the text "adam"'),
    "learner_object": (Learner(), "choice must be a dict; it is a Learner"),
    "function": (len, "choice must be a dict"),
    "empty": ({}, 'choice has no "optimizer"'),
    "huge_dict": ({str(i): i for i in range(5000)}, "keys; an optimiser takes at most 7"),
    "weird_equality_empty": (WeirdEquality(), 'choice has no "optimizer"'),
    "weird_equality_sgd": (WeirdEquality(optimizer="sgd", learning_rate=0.001), "looks like plain SGD's limit"),
    "always_equal_keys": ({AlwaysEqualText("optimizer"): AlwaysEqualText("sgd"), "learning_rate": 0.0001},
                          "looks like plain SGD's limit"),
    "huge_learning_rate": ({"optimizer": "adam", "learning_rate": 1e300}, "diverged from (-1.5, 2.5) at step 1"),
    "huge_momentum_rate": ({"optimizer": "momentum", "learning_rate": 1e10, "momentum": 0.9}, "diverged"),
    "huge_epsilon": ({"optimizer": "adam", "learning_rate": 0.01, "epsilon": 1e300}, "looks like an ε (1e+300) that is not small"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_choices_earn_0_with_a_sentence_and_no_noise(name, capfd):
    value, sentence = HOSTILE[name]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = verdicts(value)
    for verdict in results:
        assert verdict.score == 0, text_of(verdict)
        assert verdict.messages[0].startswith("✗")
        assert sentence in text_of(verdict), text_of(verdict)
    assert not caught, [str(w.message) for w in caught]
    assert capfd.readouterr().err == ""


def test_an_int_too_large_for_a_float_gets_a_sentence_on_both_sides():
    choice = {"optimizer": "adam", "learning_rate": 10**400}
    mine, graders = verdicts(choice)
    assert mine.score == graders.score == 0
    assert "not a number too large for a float" in text_of(mine)
    # The learner's process cannot put it on the wire: the grader is told, and says so.
    assert "could not be read (OverflowError" in text_of(graders)


def test_a_dict_subclass_is_judged_on_what_it_holds():
    plain = {"optimizer": "momentum", "learning_rate": 0.0004, "momentum": 0.9}
    for subclass, ordinary in zip(verdicts(WeirdEquality(plain)), verdicts(dict(plain))):
        assert subclass == ordinary and 0 < ordinary.score < 4


def test_not_written_yet_says_so():
    """The released answer cell raises NotImplementedError, so `choice` is never defined."""
    outcome = call_case(Case("choice", read=True), {"something_else": 1})
    verdict = answer_key.get_item(EXERCISE, GRADE_ID).judge([outcome])
    assert verdict.score == 0 and "not written yet" in verdict.messages[0]
    assert "Replace `raise NotImplementedError()`" in verdict.messages[0]


def test_judging_is_quick_whatever_the_choice():
    """Every judgement runs at most 3 × 1000 steps of NumPy on two numbers: measured here
    without the cache (new learning rates), far below the grader's time limits."""
    hidden = answer_key.get_item(EXERCISE, GRADE_ID)
    slowest = 0.0
    for learning_rate in (0.0101, 0.2001, 3e-7, 1e-300, 5e-324):
        for optimizer in ("adam", "adagrad", "momentum"):
            start = time.perf_counter()
            hidden.judge([Outcome(value={"optimizer": optimizer, "learning_rate": learning_rate,
                                         "epsilon" if optimizer != "momentum" else "momentum": 0.5})])
            slowest = max(slowest, time.perf_counter() - start)
    assert slowest < 2.0


def test_try_choice_and_scan_print_and_never_raise(capsys):
    import matplotlib

    matplotlib.use("Agg")
    tuning.try_choice({"optimizer": "adm", "learning_rate": 0.01})
    tuning.try_choice(["adam"])
    tuning.try_choice({"optimizer": "sgd", "learning_rate": 0.002}, plot=False)
    table = tuning.scan({"optimizer": "momentum", "momentum": 0.9}, [0.0005, 0.01])
    out = capsys.readouterr().out
    assert 'unknown optimiser "adm"' in out and "choice must be a dict" in out
    assert "from (-1.4, 2.5): diverged at step 13" in out
    assert "Momentum(learning_rate=0.01, momentum=0.9): diverged from (-1.5, 2.5)" in out
    assert table[0.0005] > 0 and table[0.01] == math.inf


# --- notebooks as learners write them, graded by `adam-teach grade` in one call -------------

SOLUTION_CELL = "tuning_choice_solution"
NOTEBOOKS = {
    # name: (the answer cell as the learner wrote it, expected score, sentences in the feedback)
    "solution": (None, 4.0, ["brings f below the target 1e-4 from all 3 starts"]),
    "plain_sgd": ('choice = {"optimizer": "sgd", "learning_rate": 0.0015}\n', 0.63,
                  ["SGD(learning_rate=0.0015): its worst run ends at f = 0.23", "looks like plain SGD's limit"]),
    "diverges": ('choice = {"optimizer": "momentum", "learning_rate": 0.01, "momentum": 0.9}\n', 0.0,
                 ["diverged from (-1.5, 2.5) at step 6", "looks like a learning rate too large"]),
    "key_typo": ('choice = {"optimizer": "adam", "learning_rate": 0.01, "beta1": 0.95, "beta_2": 0.95}\n', 0.0,
                 ['not a valid choice, 0 of 4 points: Adam has no "beta1": write "beta_1" instead']),
    "steps_key": ('choice = {"optimizer": "adam", "learning_rate": 0.001, "steps": 100000}\n', 0.0,
                  ["the budget is fixed: every choice gets 1000 steps"]),
    "default_adam": ('choice = {"optimizer": "adam", "learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999}\n',
                     0.0, ["looks like steps too short to get round the valley"]),
    "lucky_sgd": ('choice = {"optimizer": "sgd", "learning_rate": 0.002}\n', 0.0,
                  ["diverged from (-1.6, 2.5)", "looks like a result that depends on luck"]),
    "adam_default_betas": ('choice = {"optimizer": "adam", "learning_rate": 0.03}\n', 2.05,
                           ["looks like v̂_t with β₂ = 0.999 averages g²"]),
    "list": ('choice = ["adam", 0.01]\n', 0.0, ["choice must be a dict; it is a list of 2"]),
    "text_learning_rate": ('choice = {"optimizer": "adam", "learning_rate": "0.01"}\n', 0.0,
                           ['"learning_rate" is the text "0.01": remove the quotes']),
    "nan": ('choice = {"optimizer": "adam", "learning_rate": float("nan")}\n', 0.0, ["got nan"]),
    "overflowing_int": ('choice = {"optimizer": "adam", "learning_rate": 10**400}\n', 0.0,
                        ["could not be read (OverflowError"]),
    "weird_dict": ("class Choice(dict):\n    def __eq__(self, other):\n        return True\n\n"
                   'choice = Choice(optimizer="sgd", learning_rate=0.0015)\n', 0.63, ["looks like plain SGD's limit"]),
    "learner_object": ("class Choice:\n    learning_rate = 0.01\n\nchoice = Choice()\n", 0.0,
                       ["choice must be a dict; it is a Choice (which the grader cannot read)"]),
    "overflowing_learning_rate": ('choice = {"optimizer": "adam", "learning_rate": 1e300}\n', 0.0,
                                  ["diverged from (-1.5, 2.5) at step 1: 0 of 4 points (a run that diverges earns 0)"]),
    "junk": ('choice = {"optimizer": "adam", "learning_rate": 0.01, "junk": list(range(10**6))}\n', 0.0,
             ['Adam has no setting "junk": remove it']),
    # Correct, written the ways learners write them: picked by a scan, NumPy numbers.
    "picked_by_scan": ('results = tuning.scan({"optimizer": "momentum", "momentum": 0.9}, [0.0008, 0.001, 0.0012])\n'
                       'best = min(results, key=results.get)\n'
                       'choice = {"optimizer": "momentum", "momentum": 0.9, "learning_rate": best}\n', 4.0,
                       ["Momentum(learning_rate=0.0012, momentum=0.9) brings f below the target"]),
    "numpy_float32": ('choice = {"optimizer": "Adam", "learning_rate": np.float32(0.2)}\n', 4.0,
                      ["Adam(learning_rate=0.2) brings f below the target 1e-4 from all 3 starts"]),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    released = json.loads((COURSE / "exercises" / f"{EXERCISE}.ipynb").read_text(encoding="utf-8"))
    notebooks = {}
    for name, (answer, _, _) in NOTEBOOKS.items():
        answers = solution_answers(EXERCISE)
        if answer is not None:
            answers[SOLUTION_CELL] = answer
        notebooks[name] = solved(json.loads(json.dumps(released)), answers)
    done, out = grade_in_one_call(tmp_path_factory, notebooks, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    return out


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebooks_edited_as_a_learner_would_get_the_right_points_and_feedback(graded, name):
    _, score, sentences = NOTEBOOKS[name]
    assert item_scores(graded, name) == {GRADE_ID: pytest.approx(score)}
    feedback = feedback_of(graded, name)
    for sentence in sentences:
        assert sentence in feedback, feedback
    [test] = results_of(graded, name)["tests"]
    assert test["status"] == ("passed" if score == 4 else "failed")


# --- the numbers of the notebook's text and of the model answer -------------------------------------


def model_answer():
    import nbformat

    from grading_support import ROOT

    cells = nbformat.read(ROOT / "solutions" / f"{EXERCISE}.ipynb", as_version=4).cells
    [cell] = [c for c in cells if c.metadata.get("nbgrader", {}).get("grade_id") == "tuning_question_answer"]
    return " ".join(cell.source.split())


def test_the_model_answer_s_numbers():
    text = model_answer()
    from adam_teach import objectives

    def floor_curvatures(x):
        along, across = np.linalg.eigvalsh(np.array([[2 + 800 * x**2, -400 * x], [-400 * x, 200.0]]))
        return across, along

    assert [round(v, 1) for v in floor_curvatures(-1.5)] == [2001.8, 0.2]
    assert [round(v, 1) for v in floor_curvatures(1.0)] == [1001.6, 0.4]
    assert [round(v, 1) for v in floor_curvatures(0.0)] == [200.0, 2.0]
    assert "Across the valley $\\lambda$ is about 1000 to 2000" in text
    assert "only 0.2 to 0.4 near the start and near the minimum (2 at most, at $x = 0$)" in text
    assert 2 / 2001.8 == pytest.approx(0.001, rel=0.01) and 2 / 1001.6 == pytest.approx(0.002, rel=0.01)
    # SGD at the edge: finite from all three starts at 0.0016, diverged from one at 0.0018.
    assert not any(r.diverged_at for r in tuning.runs(tuning.SGD(0.0016), tuning.PRACTICE_STARTS))
    assert any(r.diverged_at for r in tuning.runs(tuning.SGD(0.0018), tuning.PRACTICE_STARTS))
    assert "diverges from $\\alpha = 0.0018$ on" in text
    assert 0.0015 * 0.2 == pytest.approx(0.0003) and 0.0015 * 0.4 == pytest.approx(0.0006)
    assert "$e^{-0.3}$ to $e^{-0.6}$" in text and "(2500 to 10 000)" in text
    assert 2001.8 / 0.1998 == pytest.approx(10_000, rel=0.01) and 1001.6 / 0.3994 == pytest.approx(2500, rel=0.01)
    assert objectives.rosenbrock.grad(np.array(tuning.START)) == pytest.approx([145.0, 50.0])
    assert "($|g| = 145$ and $50$)" in text


def adam_on_the_floor(beta_2):
    """√v̂_t / |g_t| and |step| / α, per coordinate, medians over steps 100–600 (on the
    valley floor) of Adam with α = 0.01, β₁ = 0.95, from the exercise's start."""
    from adam_teach import objectives, run
    from adam_teach.optimizers import Adam

    trace = run(Adam(0.01, beta_1=0.95, beta_2=beta_2), objectives.rosenbrock, tuning.START, 600)
    steps = slice(100, 600)
    ratio = np.sqrt(trace.v_hat[steps]) / np.abs(trace.grad[steps])
    return np.median(ratio, axis=0), np.median(np.abs(trace.update[steps]) / 0.01, axis=0)


def test_adam_s_long_memory_as_the_model_answer_and_the_feedback_say():
    ratio, step = adam_on_the_floor(0.999)
    assert 4 <= ratio.min() and ratio.max() <= 12.5
    assert 0.07 <= step.min() and step.max() <= 0.26  # "a tenth to a quarter of α"
    assert "would be 4 to 12 times $|g_t|$, and the steps a tenth to a quarter of $\\alpha$" in model_answer()
    ratio, step = adam_on_the_floor(0.95)
    assert 1.1 <= ratio.min() and ratio.max() <= 2.1  # "1.2 to 2 times |g_t|"
    assert 0.45 <= step.min() and step.max() <= 0.8  # "half to four fifths of α"


def test_adamax_keeps_the_start_s_gradient_for_the_whole_budget():
    assert 0.999**1000 * 145 == pytest.approx(53, abs=0.5)
    [mistake] = [m for m in wrong.MISTAKES if m.name == "adamax_long_memory"]
    optimizer = tuning.read_choice(mistake.example).optimizer
    [(_, sentence)] = wrong.named(optimizer, tuning.runs(optimizer, tuning.PRACTICE_STARTS))
    assert "0.999^1000 × 145 ≈ 53" in sentence
