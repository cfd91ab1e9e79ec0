"""Gradient descent with momentum (the heavy ball).

Two conventions, both correct within their own formulas:
- undamped (PyTorch's SGD, d2l, Keras's SGD(momentum=...)): m_t = μ m_{t−1} + g_t
- damped (Adam's first moment): m_t = μ m_{t−1} + (1 − μ) g_t
then x_t = x_{t−1} − α m_t. With the same α the damped form takes steps 1 − μ times
smaller on a constant gradient; α/(1 − μ) in the damped form equals α in the undamped one.
"""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .base import Optimizer


class MomentumState(NamedTuple):
    t: int
    m: np.ndarray


@dataclass(frozen=True)
class Momentum(Optimizer):
    learning_rate: float = 0.01
    momentum: float = 0.9
    damped: bool = False

    def init(self, x):
        return MomentumState(t=0, m=self.zeros(x))

    def step(self, x, g, state):
        alpha, mu = self.cast(self.learning_rate), self.cast(self.momentum)
        gain = self.cast(1 - self.momentum) if self.damped else self.cast(1)
        m = mu * state.m + gain * g
        return x - alpha * m, MomentumState(t=state.t + 1, m=m), {"m": m}
