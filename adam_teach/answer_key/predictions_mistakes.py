"""Exercise 08's likely wrong answers: each a Mistake (answer_key.mistakes) whose function
takes no argument and returns the wrong number, computed the way the misconception
computes it, and whose message names the misconception.

Notation of Kingma & Ba (2015): α, β₁ = 0.9, β₂ = 0.999, ε; t counts steps from 1.
"""

import math

import numpy as np

from .. import averages
from .mistakes import Mistake, adam_step_variant

# The settings the questions give (predictions_quiz.py states them to the learner).
ALPHA, FIRST_GRADIENT, EPSILON = 0.01, 3.0, 1e-8
BETA_1, BETA_2 = 0.9, 0.999
EPSILON_HAT = 1e-7  # Keras's default ε̂
EMA_BETA, EMA_WEIGHT_LEFT = 0.9, 0.01
CORRECTION_STEP = 10
NEAR_ALPHA = 1.1  # "within 10 % of α"
LONGEST_RUN = 100_000  # searched for the first step where a condition holds


def first_step(t):
    """The first t = 1, 2, ... with `t` → True (no bound in sight: LONGEST_RUN)."""
    for step in range(1, LONGEST_RUN + 1):
        if t(step):
            return step
    raise ValueError("no such step within LONGEST_RUN")


def start_weight(beta, steps):
    """The weight an EMA started at m₀ still gives m₀ after `steps` values: 1 minus the
    weights (1 − β)β^(t−i) of the values, which sum to 1 − βᵗ (averages.ema_weights)."""
    return 1 - float(np.sum(averages.ema_weights(beta, steps)))


def ema_steps_below(weight, beta=EMA_BETA):
    """The first k at which the start's weight βᵏ is below `weight`."""
    return first_step(lambda k: start_weight(beta, k) < weight)


def uncorrected_steps(steps=5000):
    """Without bias correction, with a constant gradient and ε = 0: the step m_t/√v_t in
    units of α at t = 1..steps, from the course's EMA (m_t and v_t started at 0)."""
    ones = np.ones(steps)
    return averages.ema(ones, BETA_1) / np.sqrt(averages.ema(ones, BETA_2))


def steps_until_uncorrected_below(level):
    """The first t at which the uncorrected step is shorter than `level` α."""
    below = uncorrected_steps() < level
    if not below.any():
        raise ValueError(f"the uncorrected step stays above {level} α")
    return int(np.argmax(below)) + 1


def _uncorrected_first_step_length():
    x, _, _ = adam_step_variant(0.0, FIRST_GRADIENT, 0.0, 0.0, 1, ALPHA, BETA_1, BETA_2, EPSILON,
                                bias_correction=False)
    return abs(float(x))


FIRST_STEP_LENGTH = (
    Mistake("gradient_descent_step", "that is gradient descent's step α·|g₁|; Adam divides "
            "m̂₁ by √v̂₁, and √v̂₁ = |g₁|, so the size of the gradient cancels",
            lambda: ALPHA * FIRST_GRADIENT),
    Mistake("uncorrected_first_step", "that is the first step without bias correction, "
            "α·(1 − β₁)/√(1 − β₂) ≈ 3.16 α; Adam divides m₁ by 1 − β₁ and v₁ by 1 − β₂ first",
            _uncorrected_first_step_length),
    Mistake("alpha_times_m", "that is α·m₁ = α(1 − β₁)g₁: the step is α m̂₁/(√v̂₁ + ε), with "
            "m̂₁ = m₁/(1 − β₁) and divided by √v̂₁", lambda: ALPHA * (1 - BETA_1) * FIRST_GRADIENT),
    Mistake("default_learning_rate", "that is the first step for Adam's default α = 0.001; "
            "this question's α is 0.01", lambda: 0.001 * FIRST_GRADIENT / (FIRST_GRADIENT + EPSILON)),
)

KERAS_EFFECTIVE_EPSILON = (
    Mistake("epsilon_hat_itself", "that is ε̂ itself, the number Keras adds to √v_t. Algorithm 1 "
            "adds its ε to √v̂_t, which is √v_t/√(1 − β₂ᵗ): rewritten that way, Keras's ε̂ "
            "becomes ε̂/√(1 − β₂ᵗ)", lambda: EPSILON_HAT),
    Mistake("multiplied_by_root", "ε̂ was multiplied by √(1 − β₂ᵗ) instead of divided: "
            "√v̂_t = √v_t/√(1 − β₂ᵗ), so everything in Keras's denominator gets divided by "
            "√(1 − β₂ᵗ), ε̂ included", lambda: EPSILON_HAT * math.sqrt(1 - BETA_2)),
    Mistake("without_square_root", "divided by 1 − β₂ᵗ without the square root: v̂_t is v_t "
            "divided by 1 − β₂ᵗ, so √v̂_t is √v_t divided by √(1 − β₂ᵗ)",
            lambda: EPSILON_HAT / (1 - BETA_2)),
    Mistake("paper_default", "that is the paper's default ε = 10⁻⁸, not what Keras's "
            "ε̂ = 10⁻⁷ amounts to", lambda: 1e-8),
)

EMA_STEPS_TO_FORGET = (
    Mistake("effective_window", "that is 1/(1 − β) = 10, the EMA's effective window (about "
            "how many recent values it averages), not the time to forget its start: after 10 "
            "steps m₀ still has the weight 0.9¹⁰ ≈ 35 %",
            lambda: averages.effective_window(EMA_BETA)),
    Mistake("rounded_down", "rounded down: at that step 0.9ᵏ is still just above 1 %. The "
            "answer is the first whole k with 0.9ᵏ < 0.01",
            lambda: ema_steps_below(EMA_WEIGHT_LEFT) - 1),
    Mistake("not_whole", "that solves 0.9ᵏ = 0.01 exactly; a number of steps is whole, and the "
            "answer is the first whole k with 0.9ᵏ < 0.01 (round up)",
            lambda: math.log(EMA_WEIGHT_LEFT) / math.log(EMA_BETA)),
    Mistake("ten_percent", "that is when the start's weight falls below 10 %, not 1 %",
            lambda: ema_steps_below(0.1)),
    Mistake("half_life", "that is when the start's weight falls below one half (the "
            "half-life), not below 1 %", lambda: ema_steps_below(0.5)),
)

UNCORRECTED_FIRST_STEP = (
    Mistake("corrected_step", "that is the first step WITH bias correction (m̂₁ = g₁, "
            "v̂₁ = g₁²); without it m₁ = (1 − β₁)g₁ and v₁ = (1 − β₂)g₁² are used as they are",
            lambda: 1.0),
    Mistake("only_m_biased", "that is 1 − β₁ alone: m₁ = (1 − β₁)g₁ is small, but it is divided "
            "by √v₁ = √(1 − β₂)·|g₁|, which is smaller still", lambda: 1 - BETA_1),
    Mistake("without_square_root", "the square root of v₁ is missing: the step divides by "
            "√v₁ = √(1 − β₂)·|g₁|, not by v₁", lambda: (1 - BETA_1) / (1 - BETA_2)),
    Mistake("upside_down", "upside down: m₁/√v₁ = (1 − β₁)/√(1 − β₂), not √(1 − β₂)/(1 − β₁)",
            lambda: math.sqrt(1 - BETA_2) / (1 - BETA_1)),
)

V_CORRECTION_FACTOR = (
    Mistake("factor_at_t_1", "that is the factor at t = 1, 1/(1 − β₂); at t = 10 it is "
            "1/(1 − β₂¹⁰)", lambda: 1 / (1 - BETA_2)),
    Mistake("divisor", "that is 1 − β₂¹⁰, the number v₁₀ is divided by; the factor that "
            "multiplies v₁₀ is its inverse", lambda: 1 - BETA_2**CORRECTION_STEP),
    Mistake("factor_of_root", "that is the factor of √v̂ (the step's denominator), "
            "1/√(1 − β₂¹⁰); the question asks for v̂ itself",
            lambda: 1 / math.sqrt(1 - BETA_2**CORRECTION_STEP)),
    Mistake("beta_1", "that uses β₁: it is m's factor 1/(1 − β₁¹⁰); v is averaged with β₂",
            lambda: 1 / (1 - BETA_1**CORRECTION_STEP)),
)

STEPS_UNTIL_NEAR_ALPHA = (
    Mistake("without_square_root", "without the square root of v: the step divides by √v_t, "
            "so the condition is (1 − β₁ᵗ)/√(1 − β₂ᵗ) < 1.1, not 1/(1 − β₂ᵗ) < 1.1",
            lambda: first_step(lambda t: 1 / (1 - BETA_2**t) < NEAR_ALPHA)),
    Mistake("v_start_weight", "that is when v's start keeps less than 10 % weight "
            "(0.999ᵗ < 0.1); the step is too long by the factor 1/√(1 − β₂ᵗ), which must fall "
            "below 1.1", lambda: first_step(lambda t: BETA_2**t < 0.1)),
    Mistake("m_timescale", "that is m's timescale (β₁ = 0.9, a few dozen steps); the step's "
            "excess comes from v, averaged with β₂ = 0.999, whose bias lasts thousands of steps",
            lambda: first_step(lambda t: 1 - BETA_1**t > 1 / NEAR_ALPHA)),
    Mistake("effective_window", "that is 1/(1 − β₂) = 1000, v's effective window; at t = 1000 "
            "the uncorrected step is still about 1.26 α", lambda: averages.effective_window(BETA_2)),
    Mistake("rounded_down", "one step early: at that step the uncorrected step is still above "
            "1.1 α; the answer is the first t where it is below",
            lambda: steps_until_uncorrected_below(NEAR_ALPHA) - 1),
)
