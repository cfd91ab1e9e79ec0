"""Known-wrong implementations of the exercise functions, each with the sentence that names
the mistake. A self-check (and the autograder) compares a learner's output with the correct
one and, if they differ, with each wrong one here: a match names the likely mistake.

Every wrong version has the learner's signature. The Adam ones are one function,
`adam_step_variant`, with one switch per mistake, so each mistake is a single visible change
to Algorithm 1 (Kingma & Ba 2015):
    m_t = β₁ m_{t−1} + (1 − β₁) g_t,   v_t = β₂ v_{t−1} + (1 − β₂) g_t²
    m̂_t = m_t / (1 − β₁ᵗ),  v̂_t = v_t / (1 − β₂ᵗ),  x_t = x_{t−1} − α m̂_t / (√v̂_t + ε)
"""

from dataclasses import dataclass
from functools import partial
from typing import Callable

import numpy as np

from .. import averages


@dataclass(frozen=True)
class Mistake:
    name: str
    message: str  # "what you probably did: how to fix it"
    function: Callable  # a wrong implementation with the learner's signature
    mutates: bool = False  # right values, but changes the caller's arrays in place


# --- 01: the cubic and gradient descent -------------------------------------------------

CUBIC = (
    Mistake("cubic_no_constant", "the constant term is missing: f(x) = x³ − 2x² + 2 ends with + 2",
            lambda x: x**3 - 2 * x**2),
    Mistake("cubic_linear_term", "2x instead of 2x²: f(x) = x³ − 2x² + 2",
            lambda x: x**3 - 2 * x + 2),
)

CUBIC_GRAD = (
    Mistake("cubic_grad_factor", "the derivative of 2x² is 4x, not 2x: f'(x) = 3x² − 4x",
            lambda x: 3 * x**2 - 2 * x),
    Mistake("cubic_grad_sign", "a sign is flipped: f'(x) = 3x² − 4x",
            lambda x: 3 * x**2 + 4 * x),
    Mistake("cubic_grad_is_f", "this is f(x), not its derivative f'(x) = 3x² − 4x",
            lambda x: x**3 - 2 * x**2 + 2),
)


def _gradient_descent_variant(grad_fn, x0, learning_rate, steps, *, sign=-1.0,
                              stale_gradient=False, in_place=False):
    x = np.array(x0, dtype=float)
    g0 = grad_fn(x)
    path = [x if in_place else x.copy()]
    for _ in range(steps):
        g = g0 if stale_gradient else grad_fn(x)
        if in_place:
            x += sign * learning_rate * g
        else:
            x = x + sign * learning_rate * g
        path.append(x)
    return np.array(path)


GRADIENT_DESCENT = (
    Mistake("gradient_ascent", "the step goes uphill: x_k = x_{k−1} − α f'(x_{k−1}) subtracts "
            "the gradient", partial(_gradient_descent_variant, sign=1.0)),
    Mistake("stale_gradient", "the gradient is computed once, at x0: compute grad_fn(x) again "
            "at every step", partial(_gradient_descent_variant, stale_gradient=True)),
    Mistake("path_aliases_x", "every iterate in the path is the same array: x was updated in "
            "place (x -= ...) and the same object appended each time; write x = x - ... "
            "instead", partial(_gradient_descent_variant, in_place=True)),
)


# --- 02: moving averages ------------------------------------------------------------------


def _ema_variant(values, beta, *, gain=None, swapped=False, start_at_first=False):
    values = np.asarray(values, dtype=float)
    means = np.empty_like(values)
    m = values[0] if start_at_first else np.zeros_like(values[0])
    for t, g in enumerate(values):
        if start_at_first and t == 0:
            means[t] = m
            continue
        if swapped:
            m = (1 - beta) * m + beta * g
        else:
            m = beta * m + (1 - beta if gain is None else gain) * g
        means[t] = m
    return means


def _debiased(means, beta, t_offset=0):
    t = np.arange(1, len(means) + 1) + t_offset
    return means / (1 - beta**t)


EMA = (
    Mistake("ema_undamped", "the (1 − β) factor is missing: m_t = β m_{t−1} + (1 − β) g_t "
            "(without it, the average grows to 1/(1 − β) times the values)",
            partial(_ema_variant, gain=1.0)),
    Mistake("ema_betas_swapped", "β and 1 − β are swapped: the old average gets the weight β, "
            "m_t = β m_{t−1} + (1 − β) g_t", partial(_ema_variant, swapped=True)),
    Mistake("ema_starts_at_first_value", "the average starts at the first value; the exercise "
            "(and Adam) start it at m_0 = 0", partial(_ema_variant, start_at_first=True)),
    Mistake("ema_is_debiased", "this is the bias-corrected average; ema should return m_t "
            "itself, without dividing by 1 − βᵗ", averages.debiased_ema),
)

DEBIASED_EMA = (
    Mistake("missing_bias_correction", "missing bias correction: divide m_t by 1 − βᵗ",
            averages.ema),
    Mistake("t_off_by_one", "t is off by one: the first average is m_1, divided by 1 − β¹ "
            "(count t from 1, not 0)",
            lambda values, beta: _debiased(averages.ema(values, beta), beta, t_offset=-1)),
    Mistake("t_plus_one", "t is off by one: the first average is m_1, divided by 1 − β¹, "
            "not 1 − β²",
            lambda values, beta: _debiased(averages.ema(values, beta), beta, t_offset=1)),
    Mistake("ema_undamped", "the (1 − β) factor is missing in the moving average: "
            "m_t = β m_{t−1} + (1 − β) g_t",
            lambda values, beta: _debiased(_ema_variant(values, beta, gain=1.0), beta)),
)


# --- 03 and 04: Adam ------------------------------------------------------------------------


def adam_step_variant(x, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999,
                      epsilon=1e-8, *, epsilon_hat=False, bias_correction=True, t_offset=0,
                      epsilon_inside_sqrt=False, betas_swapped=False, v_from_g=False,
                      update_with_m=False, damped=True, in_place=False):
    """Adam step t with at most a few deliberate mistakes switched on. With every switch
    off it is Algorithm 1 (epsilon_hat=False) or Keras's ε̂ form (epsilon_hat=True)."""
    if betas_swapped:
        beta_1, beta_2 = beta_2, beta_1
    t = t + t_offset
    gain_1, gain_2 = (1 - beta_1, 1 - beta_2) if damped else (1.0, 1.0)
    second = g if v_from_g else g * g
    if in_place:
        m *= beta_1
        m += gain_1 * g
        v *= beta_2
        v += gain_2 * second
    else:
        m = beta_1 * m + gain_1 * g
        v = beta_2 * v + gain_2 * second
    correction_1 = 1 - beta_1**t if bias_correction and not update_with_m else 1.0
    correction_2 = 1 - beta_2**t if bias_correction else 1.0
    if epsilon_hat:  # x_t = x_{t−1} − α_t m_t / (√v_t + ε̂),  α_t = α √(1 − β₂ᵗ) / (1 − β₁ᵗ)
        alpha_t = learning_rate * np.sqrt(correction_2) / correction_1
        root = np.sqrt(v + epsilon) if epsilon_inside_sqrt else np.sqrt(v) + epsilon
        update = alpha_t * m / root
    else:
        v_hat = v / correction_2
        root = np.sqrt(v_hat + epsilon) if epsilon_inside_sqrt else np.sqrt(v_hat) + epsilon
        update = learning_rate * (m / correction_1) / root
    if in_place:
        x -= update
        return x, m, v
    return x - update, m, v


def _adam_mistakes(epsilon_hat):
    """The mistakes of one Adam variant: the paper's (03) or Keras's ε̂ form (04)."""
    step = partial(adam_step_variant, epsilon_hat=epsilon_hat)
    wrong_place = (
        Mistake("epsilon_hat_form", "ε is added in Keras's place (to √v_t, with the step size "
                "α√(1 − β₂ᵗ)/(1 − β₁ᵗ)); Algorithm 1 adds ε to √v̂_t: "
                "x_t = x_{t−1} − α m̂_t / (√v̂_t + ε)",
                partial(adam_step_variant, epsilon_hat=True))
        if not epsilon_hat else
        Mistake("paper_form", "ε is added in the paper's place (to √v̂_t); Keras adds ε̂ to "
                "√v_t: x_t = x_{t−1} − α_t m_t / (√v_t + ε̂) with α_t = α√(1 − β₂ᵗ)/(1 − β₁ᵗ)",
                partial(adam_step_variant, epsilon_hat=False))
    )
    return (
        Mistake("missing_bias_correction", "missing bias correction: divide m_t by 1 − β₁ᵗ "
                "and v_t by 1 − β₂ᵗ (paper §3)", partial(step, bias_correction=False)),
        Mistake("t_off_by_one", "t is off by one: use β₁ᵗ and β₂ᵗ with the t you are given "
                "(t = 1 at the first step), not t − 1", partial(step, t_offset=-1)),
        Mistake("t_plus_one", "t is off by one: use β₁ᵗ and β₂ᵗ with the t you are given, "
                "not t + 1", partial(step, t_offset=1)),
        Mistake("epsilon_inside_sqrt", "ε is inside the square root: the denominator is "
                "√v̂ + ε, not √(v̂ + ε)", partial(step, epsilon_inside_sqrt=True)),
        wrong_place,
        Mistake("betas_swapped", "β₁ and β₂ are swapped: β₁ (0.9) averages g into m, "
                "β₂ (0.999) averages g² into v", partial(step, betas_swapped=True)),
        Mistake("v_from_g", "v is updated with g instead of g²: v_t = β₂ v_{t−1} + (1 − β₂) g_t²",
                partial(step, v_from_g=True)),
        Mistake("update_with_m", "the update uses m instead of m̂ = m / (1 − β₁ᵗ)",
                partial(step, update_with_m=True)),
        Mistake("undamped_moments", "the (1 − β) factors are missing: m_t = β₁ m_{t−1} + "
                "(1 − β₁) g_t and v_t = β₂ v_{t−1} + (1 − β₂) g_t²", partial(step, damped=False)),
        Mistake("in_place", "the caller's arrays were changed in place (x -= ..., m *= ...); "
                "return new arrays instead: m = beta_1 * m + (1 - beta_1) * g",
                partial(step, in_place=True), mutates=True),
    )


ADAM_STEP = _adam_mistakes(epsilon_hat=False)
ADAM_STEP_KERAS = _adam_mistakes(epsilon_hat=True)


def _run_adam_variant(grad_fn, x0, steps, learning_rate=0.001, beta_1=0.9, beta_2=0.999,
                      epsilon=1e-8, *, step=adam_step_variant, first_t=1, t_increments=True,
                      stale_gradient=False):
    x = np.array(x0, dtype=float)
    m, v = np.zeros_like(x), np.zeros_like(x)
    g0 = grad_fn(x)
    path = [x]
    for k in range(steps):
        t = first_t + k if t_increments else first_t
        g = g0 if stale_gradient else grad_fn(x)
        x, m, v = step(x, g, np.array(m), np.array(v), t, learning_rate, beta_1, beta_2, epsilon)
        x = np.array(x)
        path.append(x)
    return np.array(path)


RUN_ADAM = (
    Mistake("t_starts_at_0", "the first step is called with t = 0 (1 − β⁰ = 0 divides by "
            "zero); count t from 1", partial(_run_adam_variant, first_t=0)),
    Mistake("t_not_incremented", "t is never incremented: call adam_step with t = 1, 2, 3, ...",
            partial(_run_adam_variant, t_increments=False)),
    Mistake("stale_gradient", "the gradient is computed once, at x0: compute grad_fn(x) at "
            "every step", partial(_run_adam_variant, stale_gradient=True)),
) + tuple(
    Mistake(f"step_{mistake.name}", f"the path of an adam_step with this mistake: "
            f"{mistake.message}", partial(_run_adam_variant, step=mistake.function))
    for mistake in ADAM_STEP
    if not mistake.mutates and mistake.name != "t_off_by_one"  # that one is t_starts_at_0
)


def _keras_path_of_final_value(x0, steps, learning_rate=0.05, epsilon=1e-7):
    from ..keras_reference import adam_path_with_tape

    final = adam_path_with_tape(x0, steps, learning_rate, epsilon=epsilon).x[-1]
    return np.full(steps + 1, final, dtype=np.float32)


def _keras_path_ignoring_arguments(x0, steps, learning_rate=0.05, epsilon=1e-7):
    from ..keras_reference import adam_path_with_tape

    return adam_path_with_tape(x0, steps).x


def _paper_adam_path(x0, steps, learning_rate=0.05, epsilon=1e-7):
    from ..objectives import cubic
    from .references import run_adam  # exercise 03's reference, Algorithm 1

    return run_adam(cubic.grad, x0, steps, learning_rate, epsilon=epsilon)


KERAS_ADAM_PATH = (
    Mistake("appended_variable", "every entry is the final x: the tf.Variable itself was "
            "appended, and it keeps changing; append x.numpy()", _keras_path_of_final_value),
    Mistake("ignored_arguments", "this is the path for learning_rate=0.05 and epsilon=1e-7 "
            "whatever the arguments: pass learning_rate and epsilon on to "
            "tf.keras.optimizers.Adam", _keras_path_ignoring_arguments),
    Mistake("paper_adam", "this is the paper's Algorithm 1, not Keras: use "
            "tf.keras.optimizers.Adam, which adds ε̂ to √v_t", _paper_adam_path),
)
