"""Exercise 07's bugs and the likely wrong fixes, each a function with the learner's
signature and the sentence that names it (Mistake, as in answer_key.mistakes).

The three BUGS are the code the learner starts from (the notebook's locked cells
`broken_adam_step`, `broken_run_adam` and `broken_article_path` compute the same values;
tests/test_exercise_07_08.py checks it). Their messages follow "the bug is still there: ":
they say what goes wrong and where to look, without giving the line away. The mistakes
are fixes that went wrong in another way; the judge names them with "looks like ...".
Algorithm 1 of Kingma & Ba (2015):
    m_t = β₁ m_{t−1} + (1 − β₁) g_t,   v_t = β₂ v_{t−1} + (1 − β₂) g_t²
    m̂_t = m_t / (1 − β₁ᵗ),  v̂_t = v_t / (1 − β₂ᵗ),  x_t = x_{t−1} − α m̂_t / (√v̂_t + ε)
"""

from functools import partial

import numpy as np

from . import mistakes
from .mistakes import Mistake

# --- bug a: ε added to x instead of to the denominator ------------------------------------


def _adam_step_epsilon_variant(x, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999,
                               epsilon=1e-8, *, where):
    """One Adam step with ε in one of the wrong places `where`."""
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    m_hat = m / (1 - beta_1**t)
    v_hat = v / (1 - beta_2**t)
    if where == "added_to_x":  # the bug: x - lr * m_hat / np.sqrt(v_hat) + eps
        x = x - learning_rate * m_hat / np.sqrt(v_hat) + epsilon
    elif where == "subtracted_from_x":  # x - (lr * m_hat / np.sqrt(v_hat) + eps)
        x = x - (learning_rate * m_hat / np.sqrt(v_hat) + epsilon)
    elif where == "added_to_ratio":  # x - lr * (m_hat / np.sqrt(v_hat) + eps)
        x = x - learning_rate * (m_hat / np.sqrt(v_hat) + epsilon)
    elif where == "dropped":  # x - lr * m_hat / np.sqrt(v_hat)
        x = x - learning_rate * m_hat / np.sqrt(v_hat)
    else:
        raise ValueError(f"unknown place for epsilon: {where!r}")
    return x, m, v


EPSILON_ON_X = Mistake(
    "epsilon_added_to_x",
    "your function moves x by ε at every step, even where the gradient is 0, and when the "
    "first gradient is 0 it divides 0 by 0 (NaN). In Algorithm 1, ε has one job: keeping "
    "the division safe. Check which expression it is added to (mind operator precedence)",
    partial(_adam_step_epsilon_variant, where="added_to_x"))

FIXED_ADAM_STEP = (
    Mistake("epsilon_dropped", "ε was deleted instead of moved: without it a zero first "
            "gradient gives 0/0 = NaN. Algorithm 1 adds ε to the denominator: "
            "α m̂_t / (√v̂_t + ε)", partial(_adam_step_epsilon_variant, where="dropped")),
    Mistake("epsilon_subtracted_from_x", "ε is still part of the step, not of the denominator: "
            "x − (α m̂/√v̂ + ε) moves x by ε too. It belongs next to √v̂_t: "
            "α m̂_t / (√v̂_t + ε)", partial(_adam_step_epsilon_variant, where="subtracted_from_x")),
    Mistake("epsilon_added_to_ratio", "ε is added to the ratio m̂/√v̂ (so x moves by α·ε even "
            "at a zero gradient, and 0/0 is still possible); it belongs in the denominator: "
            "α m̂_t / (√v̂_t + ε)", partial(_adam_step_epsilon_variant, where="added_to_ratio")),
) + mistakes.ADAM_STEP


# --- bug b: t never incremented -------------------------------------------------------------


def _run_adam_loop(grad_fn, x0, steps, learning_rate=0.001, beta_1=0.9, beta_2=0.999,
                   epsilon=1e-8, *, first_t=1, t_increments=True):
    """The notebook's loop (the update written inline), with t = first_t, first_t + 1, ...
    or, if not t_increments, t = first_t at every step."""
    x = np.asarray(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    t = first_t
    path = [x]
    for _ in range(steps):
        g = grad_fn(x)
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        m_hat = m / (1 - beta_1**t)
        v_hat = v / (1 - beta_2**t)
        x = x - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)
        path.append(x)
        if t_increments:
            t += 1
    return np.array(path)


T_STUCK_AT_1 = Mistake(
    "t_never_incremented",
    "every step uses the first step's bias correction (m divided by 1 − β₁, v by 1 − β₂) "
    "however many steps have been taken, so m̂ and v̂ are too large by factors that grow "
    "towards 10 and 1000: with a steady gradient the steps grow to about 2 α within a dozen "
    "steps, then shrink towards (1 − β₁)/√(1 − β₂) ≈ 0.32 α, instead of staying near α. "
    "Which number in those corrections should change from one step to the next?",
    partial(_run_adam_loop, t_increments=False))

FIXED_RUN_ADAM = (
    Mistake("t_incremented_too_early", "t is off by one: the first step must use t = 1 "
            "(1 − β₁¹ = 1 − β₁), the second t = 2, ...; here the first step used t = 2. "
            "Increment t after the update, or start from t = 0 and increment before it",
            partial(_run_adam_loop, first_t=2)),
    Mistake("t_counts_from_0", "the first step used t = 0: 1 − β⁰ = 0, a division by zero "
            "(inf or NaN). t counts steps from 1", partial(_run_adam_loop, first_t=0)),
) + tuple(mistake for mistake in mistakes.RUN_ADAM
          if mistake.name not in ("t_not_incremented", "t_starts_at_0", "step_t_plus_one"))


# --- bug c: the article's path, never recorded ------------------------------------------------


def _article_path_never_recorded(x0, steps, learning_rate=0.05, epsilon=1e-7):
    """What the article's loop records: nothing. (The notebook's broken_article_path runs
    Keras's Adam and then returns np.array of its empty list; the values are the same.)"""
    return np.array([])


PATH_NOT_RECORDED = Mistake(
    "path_never_recorded",
    "the path comes back empty: the loop moves x, but nothing is ever put in the list it "
    "returns. The path is x₀ and then x after each of the steps: steps + 1 values",
    _article_path_never_recorded)

# appended the tf.Variable itself (every entry ends up the final x), ignored the arguments,
# used NumPy's Algorithm 1 instead of Keras: exercise 04's real-life mistakes.
FIXED_ARTICLE_PATH = mistakes.KERAS_ADAM_PATH

BUGS = {"fixed_adam_step": EPSILON_ON_X, "fixed_run_adam": T_STUCK_AT_1,
        "fixed_article_path": PATH_NOT_RECORDED}
