"""RMSprop (Tieleman & Hinton, 2012), in the form Keras uses:
v_t = ρ v_{t−1} + (1 − ρ) g_t²,  x_t = x_{t−1} − α g_t / √(v_t + ε).
Like Adagrad, but old squared gradients are forgotten, so step sizes can grow again."""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .base import Optimizer


class RMSpropState(NamedTuple):
    t: int
    v: np.ndarray


@dataclass(frozen=True)
class RMSprop(Optimizer):
    learning_rate: float = 0.001
    rho: float = 0.9
    epsilon: float = 1e-7

    def init(self, x):
        return RMSpropState(t=0, v=self.zeros(x))

    def step(self, x, g, state):
        alpha, rho, eps = self.cast(self.learning_rate), self.cast(self.rho), self.cast(self.epsilon)
        v = rho * state.v + self.cast(1 - self.rho) * (g * g)
        step_size = alpha / np.sqrt(v + eps)
        return x - step_size * g, RMSpropState(t=state.t + 1, v=v), {"v": v, "step_size": step_size}
