"""Exercise 08: predictions. Numeric answers about Adam (Kingma & Ba 2015, Algorithm 1 and
the bias correction of §3; Keras's ε̂ form), each a variable the learner assigns and the
grader reads (`Case(name, read=True)`).

Every right answer is computed here with the course's own code (answer_key.references,
adam_teach.averages, adam_teach.optimizers), never typed in. Two judges per question:
- the notebook's self-check (`judge_kind`) says only whether the answer is a number of
  the right kind: a learner cannot find the right value by trying values against it;
- the autograder (`judge_answer`) grades it: within a relative tolerance (or exactly, for a
  whole number of steps); a wrong answer gets the reasoning that leads to the right one,
  and the likely misconception when the answer matches one (predictions_mistakes.py).
Anything that is not one finite number (text, None, a list, NaN, a function, ...) gets a
sentence, never an exception.
"""

import functools
import math
import numbers
from dataclasses import dataclass
from functools import partial
from typing import Callable

import numpy as np

from ..optimizers import Adam
from ..runner.wire import Unsupported
from . import predictions_mistakes as wrong
from .base import Assignment, Case, Item, Verdict
from .references import adam_step

EXERCISE = "08_predictions"
RELATIVE_TOLERANCE = 0.02  # two significant digits pass: 3.2 for 3.162, 100 for 100.45


@dataclass(frozen=True)
class Question:
    variable: str  # the name the learner assigns the answer to
    answer: Callable  # () -> the right number, computed with the course's code
    how: str  # the reasoning that leads to it, said when the answer is wrong
    whole: bool = False  # a whole number (of steps), graded exactly; else RELATIVE_TOLERANCE
    mistakes: tuple = ()  # of Mistake, each function () -> a likely wrong answer

    # judging.reference_namespace lists every item's (function, reference); for a question
    # they are the variable and its answer.
    @property
    def function(self):
        return self.variable

    @property
    def reference(self):
        return self.answer

    @property
    def tolerance_text(self):
        return "exactly" if self.whole else f"within {RELATIVE_TOLERANCE * 100:g} %"


@functools.lru_cache(maxsize=None)
def value_of(function):
    """A right or wrong answer, computed once per process (a batch grades many notebooks)."""
    return float(function())


# --- the right answers, from the course's code ------------------------------------------------


def first_step_length():
    """|x₁ − x₀| from exercise 03's reference Adam step (Algorithm 1) at t = 1."""
    x1, _, _ = adam_step(0.0, wrong.FIRST_GRADIENT, 0.0, 0.0, 1, learning_rate=wrong.ALPHA,
                         beta_1=wrong.BETA_1, beta_2=wrong.BETA_2, epsilon=wrong.EPSILON)
    return abs(float(x1))


def keras_effective_epsilon():
    """Keras's ε̂ at t = 1 in Algorithm 1's terms, from the course's ε̂-form Adam: at a zero
    gradient v̂ = 0, so Algorithm 1's step size α/(√v̂ + ε) is α/ε; with α = 1, ε = 1/size."""
    keras_form = Adam(learning_rate=1.0, beta_1=wrong.BETA_1, beta_2=wrong.BETA_2,
                      epsilon=wrong.EPSILON_HAT, epsilon_hat=True)
    x = np.zeros(1)
    _, _, info = keras_form.step(x, np.zeros(1), keras_form.init(x))
    return float(1.0 / info["step_size"][0])


def ema_steps_to_forget():
    """The first k at which an EMA with β = 0.9 gives its start m₀ less than 1 % weight."""
    return wrong.ema_steps_below(wrong.EMA_WEIGHT_LEFT)


def uncorrected_first_step():
    """The first step without bias correction, in units of α (constant gradient, ε = 0)."""
    return float(wrong.uncorrected_steps(1)[0])


def v_correction_factor():
    """v̂₁₀/v₁₀ with β₂ = 0.999, from the course's debiased and plain EMAs."""
    from .. import averages

    ones = np.ones(wrong.CORRECTION_STEP)
    return float(averages.debiased_ema(ones, wrong.BETA_2)[-1] / averages.ema(ones, wrong.BETA_2)[-1])


def steps_until_near_alpha():
    """The first t at which the uncorrected step (constant gradient, ε = 0) is below 1.1 α."""
    return wrong.steps_until_uncorrected_below(wrong.NEAR_ALPHA)


QUESTIONS = (
    Question("first_step_length", first_step_length,
             "At t = 1 the bias correction gives exactly m̂₁ = g₁ and v̂₁ = g₁², so the step "
             "is α·g₁/(|g₁| + ε), of length α·|g₁|/(|g₁| + ε): with |g₁| much larger than ε, "
             "that is α up to a tiny fraction, whatever the size of g₁.",
             mistakes=wrong.FIRST_STEP_LENGTH),
    Question("keras_effective_epsilon", keras_effective_epsilon,
             "Keras's step is α√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m_t/(√v_t + ε̂). Write m_t = (1 − β₁ᵗ) m̂_t "
             "and √v_t = √(1 − β₂ᵗ)·√v̂_t, then divide the fraction's top and bottom by "
             "√(1 − β₂ᵗ): it becomes α m̂_t/(√v̂_t + ε̂/√(1 − β₂ᵗ)). So Keras's ε̂ is "
             "Algorithm 1's ε = ε̂/√(1 − β₂ᵗ); evaluate it at t = 1.",
             mistakes=wrong.KERAS_EFFECTIVE_EPSILON),
    Question("ema_steps_to_forget", ema_steps_to_forget,
             "Unrolled, m_k = βᵏ m₀ + (1 − β)(g_k + β g_{k−1} + ... + β^(k−1) g₁): the start "
             "keeps the weight βᵏ. Find the first whole k with 0.9ᵏ < 0.01, e.g. k > ln 0.01 / "
             "ln 0.9, rounded up (or a loop).",
             whole=True, mistakes=wrong.EMA_STEPS_TO_FORGET),
    Question("uncorrected_first_step", uncorrected_first_step,
             "Without bias correction the first step is α·m₁/(√v₁ + ε), with m₁ = (1 − β₁)g₁ "
             "and v₁ = (1 − β₂)g₁², so √v₁ = √(1 − β₂)·|g₁|: for |g₁| much larger than ε its "
             "length is α·(1 − β₁)/√(1 − β₂).",
             mistakes=wrong.UNCORRECTED_FIRST_STEP),
    Question("v_correction_factor", v_correction_factor,
             "v̂_t = v_t/(1 − β₂ᵗ), so v̂₁₀ is v₁₀ times 1/(1 − β₂¹⁰); 1 − 0.999¹⁰ is a little "
             "less than 10 × 0.001.",
             mistakes=wrong.V_CORRECTION_FACTOR),
    Question("steps_until_near_alpha", steps_until_near_alpha,
             "With a constant gradient g and ε = 0, m_t = (1 − β₁ᵗ)g and v_t = (1 − β₂ᵗ)g², "
             "so the uncorrected step is α·(1 − β₁ᵗ)/√(1 − β₂ᵗ). The β₁ part is close to 1 "
             "after a few dozen steps; find the first t with (1 − β₁ᵗ)/√(1 − β₂ᵗ) < 1.1 (a "
             "loop, or 1 − 0.999ᵗ > 1/1.21 solved with logarithms).",
             whole=True, mistakes=wrong.STEPS_UNTIL_NEAR_ALPHA),
)
POINTS = 1


# --- reading an answer ----------------------------------------------------------------------


def _show(number):
    return f"{number:.6g}"


def as_number(question, value):
    """(the answer as a float, "") or (None, a sentence saying what is wrong with it)."""
    name = question.variable
    write = f"write one number: {name} = <your number>"
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if value is None:
        return None, f"{name} is None: {write}"
    if isinstance(value, (bool, np.bool_)):
        return None, f"{name} is {value}, a bool (True/False), not a number: {write}"
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return None, f"{name} is the text {value[:40]!r}, not a number: {write}"
        return None, (f"{name} is the text {value[:40]!r} (in quotes), not a number: remove "
                      "the quotes")
    if isinstance(value, (np.integer, np.floating, int, float)) and not isinstance(value, (bool, np.bool_)):
        number = float(value)
        if not math.isfinite(number):
            return None, f"{name} is {number}, not a finite number: {write}"
        return number, ""
    if isinstance(value, np.ndarray):
        return None, (f"{name} is an array of shape {value.shape}, not one number: {write} "
                      "(e.g. float(...) of one element)")
    if isinstance(value, (list, tuple, dict, set)):
        return None, (f"{name} is a {type(value).__name__} of {len(value)}, not one number: "
                      f"{write}")
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        return None, f"{name} is a complex number, not a real one: {write}"
    if isinstance(value, Unsupported):
        kind = value.type_name
    elif callable(value):
        return None, f"{name} is a function, not a number (did you forget to call it?): {write}"
    else:
        kind = type(value).__name__
    return None, f"{name} is a {kind}, not a plain number (int or float): {write}"


def _unreadable(question, outcome):
    """The sentence for an outcome whose value could not be read, or ""."""
    if not outcome.error:
        return ""
    if outcome.error.startswith("NameError"):
        return (f"{question.variable}: not written yet: replace `raise NotImplementedError()` "
                f"with `{question.variable} = <your number>` and run the cell")
    return f"{question.variable} could not be read ({outcome.error[:200]})"


def _problem(question, outcome):
    """(number, "") or (None, the sentence saying why the outcome is not an answer)."""
    unreadable = _unreadable(question, outcome)
    if unreadable:
        return None, unreadable
    number, problem = as_number(question, outcome.value)
    if problem:
        return None, problem
    if question.whole and not number.is_integer():
        return number, "not a whole number, and the answer is a number of steps"
    return number, ""


def _single(outcomes):
    outcomes = list(outcomes)
    if len(outcomes) != 1:
        raise ValueError(f"a question has one outcome, got {len(outcomes)}")
    return outcomes[0]


def matches(question, number, expected):
    """`number` is `expected`: exactly for a whole number of steps, within 0.1 % for a
    fractional one (a misconception such as ln 0.01 / ln 0.9 = 43.7), else within
    RELATIVE_TOLERANCE."""
    if question.whole:
        if float(expected).is_integer():
            return number == expected
        return math.isclose(number, expected, rel_tol=0.001)
    return math.isclose(number, expected, rel_tol=RELATIVE_TOLERANCE)


# --- the two judges ---------------------------------------------------------------------------


def judge_kind(question, points, outcomes):
    """The self-check: is it an answer of the right kind? Says nothing about its value."""
    number, problem = _problem(question, _single(outcomes))
    if problem:
        shown = "" if number is None else f"{question.variable} = {_show(number)}: "
        return Verdict(0.0, points, (f"✗ {shown}{problem}.",))
    kind = "a whole number" if question.whole else "a finite number"
    return Verdict(points, points, (
        f"✓ {question.variable} = {_show(number)} recorded ({kind}, as asked). Whether it is "
        f"right is graded by the autograder ({question.tolerance_text}).",))


def judge_answer(question, points, outcomes):
    """The autograder: right (within the tolerance) or wrong, and why."""
    outcome = _single(outcomes)
    number, problem = _problem(question, outcome)
    if number is None:
        return Verdict(0.0, points, (f"✗ {problem}.",))
    shown = f"{question.variable} = {_show(number)}"
    if matches(question, number, value_of(question.answer)):
        return Verdict(points, points, (f"✓ {shown}: right ({question.tolerance_text}).",))
    for mistake in question.mistakes:
        if matches(question, number, value_of(mistake.function)):
            return Verdict(0.0, points, (f"✗ {shown}: {mistake.message}. "
                                         f"How to get it: {question.how}",))
    why = f"{problem}." if problem else f"not right (graded {question.tolerance_text})."
    return Verdict(0.0, points, (f"✗ {shown}: {why} How to get it: {question.how}",))


def question_item(question, judge, points=POINTS):
    return Item(grade_id=question.variable, points=points,
                description=f"{question.variable}: a prediction, graded {question.tolerance_text}",
                cases=(Case(question.variable, read=True),), judge=partial(judge, question, points))


TITLE = "Predictions: Adam's numbers, worked out before they are run"
FUNCTIONS = ()  # answers are variables, not functions
ASSIGNMENT = Assignment(EXERCISE, TITLE, FUNCTIONS,
                        tuple(question_item(q, judge_answer) for q in QUESTIONS),
                        feedback_after_publishing=True)
SELF_CHECK = Assignment(EXERCISE, TITLE, FUNCTIONS,
                        tuple(question_item(q, judge_kind) for q in QUESTIONS))
