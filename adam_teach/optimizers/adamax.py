"""AdaMax (Kingma & Ba, 2015, §7.1): Adam with the infinity norm in place of √v.
    m_t = β₁ m_{t−1} + (1 − β₁) g_t
    u_t = max(β₂ u_{t−1}, |g_t|)
    x_t = x_{t−1} − (α / (1 − β₁ᵗ)) m_t / (u_t + ε)
The paper has no ε; Keras adds ε = 1e-7 so that a zero gradient at t = 1 does not divide by 0."""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .base import Optimizer


class AdaMaxState(NamedTuple):
    t: int
    m: np.ndarray
    u: np.ndarray


@dataclass(frozen=True)
class AdaMax(Optimizer):
    learning_rate: float = 0.002
    beta_1: float = 0.9
    beta_2: float = 0.999
    epsilon: float = 1e-7

    def init(self, x):
        return AdaMaxState(t=0, m=self.zeros(x), u=self.zeros(x))

    def step(self, x, g, state):
        alpha, beta_1, beta_2, eps = (self.cast(h) for h in
                                      (self.learning_rate, self.beta_1, self.beta_2, self.epsilon))
        one = self.cast(1)
        t = state.t + 1
        m = beta_1 * state.m + (one - beta_1) * g
        u = np.maximum(beta_2 * state.u, np.abs(g))
        step_size = alpha / (one - self.power(self.beta_1, t)) / (u + eps)
        update = step_size * m
        return x - update, AdaMaxState(t, m, u), {"m": m, "u": u, "step_size": step_size, "update": update}
