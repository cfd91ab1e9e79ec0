"""Exercise 07: find the bug. Three broken Adam codes of the kinds found in real life, each
to be returned fixed:

a. `fixed_adam_step`: ε added to x instead of to the denominator, a precedence slip
   (`x - lr * m_hat / np.sqrt(v_hat) + eps`); the fix is Algorithm 1 of Kingma & Ba (2015),
   exercise 03's adam_step.
b. `fixed_run_adam`: a training loop whose t stays 1, so the bias correction (paper §3)
   stays at its first-step value; the fix is exercise 03's run_adam.
c. `fixed_article_path`: the source article's tf.keras.optimizers.Adam loop, whose list of
   x values is never appended to; the fix records x₀ and x after each step, exercise 04's
   keras_adam_path (real TensorFlow).

Each item is judged as in judging.py, with one addition: on a case where the learner's
output is the broken code's output (and not the right one), the sentence says "the bug is
still there: ..." instead of a generic "wrong value", even when that output has the wrong
shape (bug c returns an empty path).
"""

from collections import Counter
from dataclasses import replace
from functools import partial

import numpy as np

from . import find_the_bug_mistakes as bugs
from . import judging
from .base import Assignment, Case, Verdict
from .references import adam_step, keras_adam_path, run_adam

EXERCISE = "07_find_the_bug"
STILL_THERE = "the bug is still there: "

FIXED_ADAM_STEP = judging.Spec(
    "fixed_adam_step", adam_step, bugs.FIXED_ADAM_STEP, outputs=("x", "m", "v"),
    hint="m_t = β₁m + (1 − β₁)g, v_t = β₂v + (1 − β₂)g², m̂ = m_t/(1 − β₁ᵗ), "
         "v̂ = v_t/(1 − β₂ᵗ), x_t = x − α m̂/(√v̂ + ε)",
    forbidden=("adam_teach.optimizers", "adam_teach.trace"))
FIXED_RUN_ADAM = judging.Spec(
    "fixed_run_adam", run_adam, bugs.FIXED_RUN_ADAM, needs_array=True,
    length_hint="return steps + 1 iterates, x0 first",
    hint="start with m = v = 0 and use t = 1 at the first step, t = 2 at the second, ...",
    forbidden=("adam_teach.optimizers", "adam_teach.trace"))
FIXED_ARTICLE_PATH = judging.Spec(
    "fixed_article_path", keras_adam_path, bugs.FIXED_ARTICLE_PATH, needs_array=True,
    length_hint="record x0 before the first step and x after each step: steps + 1 values",
    hint="keep the article's loop (tf.keras.optimizers.Adam(learning_rate=learning_rate, "
         "epsilon=epsilon), GradientTape, apply_gradients) and record x.numpy()",
    forbidden=("adam_teach.keras_reference",))


def still_broken(spec, bug, case, outcome):
    """True if `outcome` is what the broken code gives on `case` and not the right answer."""
    if outcome.error:
        return False
    try:
        broken = judging.call_reference(bug.function, case)
        right = judging.expected_value(spec, case)
    except Exception:  # the broken code raises here: an error outcome would show it
        return False
    return (judging.close(outcome.value, broken, equal_nan=True)
            and not judging.close(outcome.value, right))


def judge_fix(spec, bug, cases, points, outcomes):
    """judging.judge's Verdict, with each case where the bug is untouched said so. As in
    judging.judge, when the bug and a known mistake both fit a case (a 0/0 gives NaN in
    both, say), the one that fits more cases is named; the bug wins a tie."""
    outcomes = list(outcomes)
    verdict = judging.judge(spec, cases, points, outcomes)
    summary, *lines = verdict.messages
    broken = [still_broken(spec, bug, case, outcome) for case, outcome in zip(cases, outcomes)]
    tally = Counter(mistake.name for case, outcome in zip(cases, outcomes) if not outcome.error
                    for mistake in judging.matching_mistakes(spec, case, outcome.value))
    if sum(broken) >= max(tally.values(), default=0):
        for index, case in enumerate(cases):
            if broken[index]:
                lines[index] = f"✗ {judging.describe(spec, case)}: {STILL_THERE}{bug.message}"
    return Verdict(verdict.score, verdict.max_score, (summary, *lines))


def make_fix_item(spec, grade_id, points, description, cases):
    """judging.make_item, judged by judge_fix with the bug of spec.function."""
    item = judging.make_item(spec, grade_id, points, description, cases)
    return replace(item, judge=partial(judge_fix, spec, bugs.BUGS[spec.function], item.cases, points))


def _items(cases):
    return (
        make_fix_item(FIXED_ADAM_STEP, "fixed_adam_step", 2,
                      "fixed_adam_step: ε back in the denominator (Algorithm 1)",
                      cases["fixed_adam_step"]),
        make_fix_item(FIXED_RUN_ADAM, "fixed_run_adam", 2,
                      "fixed_run_adam: t counts the steps, so the bias correction fades",
                      cases["fixed_run_adam"]),
        make_fix_item(FIXED_ARTICLE_PATH, "fixed_article_path", 2,
                      "fixed_article_path: the article's Keras loop records its path",
                      cases["fixed_article_path"]),
    )


def _vector(*values):
    return np.array(values)


CUBIC_GRAD = "adam_teach.objectives:cubic.grad"

# Bug a shows where ε is large (x moves by ε a step) or where the first gradient is 0 (0/0);
# with ε = 1e-8 and g ≠ 0 it is a 1e-8 shift, inside the tolerance.
VISIBLE = {
    "fixed_adam_step": (
        Case("fixed_adam_step", (0.0, 0.0, 0.0, 0.0, 1)),
        Case("fixed_adam_step", (_vector(0.5, -1.5, 2.0), _vector(0.3, -0.8, 1.2),
                                 _vector(0.1, -0.2, 0.05), _vector(0.02, 0.5, 0.3), 3),
             {"learning_rate": 0.1, "epsilon": 0.1}),
        Case("fixed_adam_step", (_vector(1.0, -2.0), _vector(0.0, 0.4), _vector(0.0, 0.0),
                                 _vector(0.0, 0.0), 1), {"learning_rate": 0.05, "epsilon": 1e-3}),
    ),
    "fixed_run_adam": (
        Case("fixed_run_adam", (CUBIC_GRAD, 0.001, 100), {"learning_rate": 0.05, "epsilon": 1e-7}),
        Case("fixed_run_adam", ("adam_teach.objectives:bowl.grad", _vector(3.0, 1.0), 20),
             {"learning_rate": 0.1}),
    ),
    "fixed_article_path": (
        Case("fixed_article_path", (0.001, 100)),
        Case("fixed_article_path", (1.0, 20), {"learning_rate": 0.1, "epsilon": 1e-2}),
    ),
}

HIDDEN = {
    "fixed_adam_step": (
        Case("fixed_adam_step", (0.5, 0.0, 0.0, 0.0, 1)),
        Case("fixed_adam_step", (_vector(1.2, -0.7, 0.4), _vector(-0.06, 0.09, 0.15),
                                 _vector(-0.005, 0.012, 0.02), _vector(0.0008, 0.003, 0.0045), 4),
             {"learning_rate": 0.1, "epsilon": 0.1}),
        Case("fixed_adam_step", (np.array([[0.3, -2.0], [1.1, 0.0]]), np.array([[1.4, 0.0], [-0.7, 2.5]]),
                                 np.zeros((2, 2)), np.zeros((2, 2)), 1),
             {"learning_rate": 0.1, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-2}),
    ),
    "fixed_run_adam": (
        Case("fixed_run_adam", (CUBIC_GRAD, 2.0, 30), {"learning_rate": 0.05}),
        Case("fixed_run_adam", ("adam_teach.objectives:rosenbrock.grad", _vector(-0.5, 0.8), 20),
             {"learning_rate": 0.02, "beta_1": 0.8}),
        Case("fixed_run_adam", (CUBIC_GRAD, 1.0, 40),
             {"learning_rate": 0.02, "beta_2": 0.99, "epsilon": 1e-2}),
    ),
    "fixed_article_path": (
        Case("fixed_article_path", (1.5, 30), {"learning_rate": 0.05}),
        Case("fixed_article_path", (0.3, 20), {"learning_rate": 0.1, "epsilon": 1e-3}),
    ),
}

TITLE = "Find the bug: three broken Adam codes from real life"
FUNCTIONS = ("fixed_adam_step", "fixed_run_adam", "fixed_article_path")
ASSIGNMENT = Assignment(EXERCISE, TITLE, FUNCTIONS, _items(HIDDEN), needs_tensorflow=True)
SELF_CHECK = Assignment(EXERCISE, TITLE, FUNCTIONS, _items(VISIBLE), needs_tensorflow=True)
