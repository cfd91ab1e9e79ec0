"""Reddi, Kale & Kumar (ICLR 2018), "On the Convergence of Adam and Beyond", Theorem 1:
an online convex problem on which Adam converges to the worst point.

On the feasible set [−1, 1] the loss at step t is
    f_t(x) = C·x  when t mod 3 = 1,   f_t(x) = −x  otherwise        (C > 2),
so over every three steps the losses add up to (C − 2)·x, which is smallest at x = −1.
The paper's Adam here has no bias correction and no ε, a decaying step α_t = α/√t, and
projects each iterate back onto [−1, 1]:
    m_t = β₁ m_{t−1} + (1 − β₁) g_t,   v_t = β₂ v_{t−1} + (1 − β₂) g_t²
    x_t = clip(x_{t−1} − α_t m_t / √v_t, −1, 1)
AMSGrad divides by √v̂_t with v̂_t = max(v̂_{t−1}, v_t) instead, so a large gradient's
memory is never forgotten.
"""

import numpy as np

from . import validation


def gradient(t, C=3.0):
    """g_t = f_t'(x): C on steps t = 1, 4, 7, ..., otherwise −1."""
    return C if t % 3 == 1 else -1.0


def online_adam(steps=30_000, C=3.0, alpha=0.5, beta_1=0.0, beta_2=None, amsgrad=False, x0=0.0):
    """The iterates x_0..x_steps of the paper's Adam (or AMSGrad) on the online problem.
    β₂ defaults to the theorem's 1/(1 + C²)."""
    steps = validation.step_count("steps", steps)
    if not C > 2:
        raise ValueError(f"C must be > 2 for the counterexample (the optimum is then x = −1), got {C!r}.")
    alpha = validation.positive_finite("alpha", alpha)
    beta_1 = validation.decay_rate("beta_1", beta_1)
    beta_2 = validation.decay_rate("beta_2", 1 / (1 + C**2) if beta_2 is None else beta_2)
    x, m, v, v_max = float(x0), 0.0, 0.0, 0.0
    path = np.empty(steps + 1)
    path[0] = x
    for t in range(1, steps + 1):
        g = gradient(t, C)
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g * g
        v_max = max(v_max, v)
        denominator = np.sqrt(v_max if amsgrad else v)
        x = min(1.0, max(-1.0, x - alpha / np.sqrt(t) * m / denominator))
        path[t] = x
    return path


def average_regret(path, C=3.0):
    """R_T / T = (1/T) Σ_t [f_t(x_t) − f_t(−1)] for T = 1..steps, where x_t is the point
    played at step t (before its update). An algorithm that converges has R_T / T → 0."""
    t = np.arange(1, len(path))
    slope = np.where(t % 3 == 1, C, -1.0)
    return np.cumsum(slope * (path[:-1] + 1.0)) / t
