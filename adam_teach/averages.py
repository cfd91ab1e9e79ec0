"""Exponential moving averages, the building block of momentum and Adam (paper §3).

    m_t = β m_{t−1} + (1 − β) g_t,  m_0 = 0          (ema)
    m̂_t = m_t / (1 − βᵗ)                              (debiased_ema)
"""

import numpy as np

from . import validation


def ema(values, beta):
    """Running averages m_1..m_T of `values` (along the first axis), started at m_0 = 0."""
    beta = validation.decay_rate("beta", beta)
    values = np.asarray(values, dtype=float)
    averages = np.empty_like(values)
    m = np.zeros_like(values[0]) if len(values) else 0.0
    for t, g in enumerate(values):
        m = beta * m + (1 - beta) * g
        averages[t] = m
    return averages


def debiased_ema(values, beta):
    """Bias-corrected running averages m̂_t = m_t / (1 − βᵗ), t = 1..T."""
    averages = ema(values, beta)
    t = np.arange(1, len(averages) + 1).reshape((-1,) + (1,) * (averages.ndim - 1))
    return averages / (1 - beta**t)


def ema_weights(beta, steps):
    """The weight (1 − β) β^(t−i) that m_t gives to g_i, for i = 1..t with t = steps
    (most recent last). They sum to 1 − βᵗ, which is the bias."""
    beta = validation.decay_rate("beta", beta)
    steps = validation.step_count("steps", steps)
    return (1 - beta) * beta ** np.arange(steps - 1, -1, -1)


def effective_window(beta):
    """1 / (1 − β): roughly how many recent values an EMA averages over."""
    return 1 / (1 - validation.decay_rate("beta", beta))
