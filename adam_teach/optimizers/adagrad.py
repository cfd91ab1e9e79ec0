"""Adagrad (Duchi et al., 2011), in the form Keras uses:
s_t = s_{t−1} + g_t²,  x_t = x_{t−1} − α g_t / √(s_t + ε).
Each coordinate gets its own step size α/√(s_t + ε), which only shrinks."""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .base import Optimizer


class AdagradState(NamedTuple):
    t: int
    s: np.ndarray


@dataclass(frozen=True)
class Adagrad(Optimizer):
    learning_rate: float = 0.001
    initial_accumulator_value: float = 0.1
    epsilon: float = 1e-7

    def init(self, x):
        return AdagradState(t=0, s=self.zeros(x) + self.cast(self.initial_accumulator_value))

    def step(self, x, g, state):
        alpha, eps = self.cast(self.learning_rate), self.cast(self.epsilon)
        s = state.s + g * g
        step_size = alpha / np.sqrt(s + eps)
        return x - step_size * g, AdagradState(t=state.t + 1, s=s), {"s": s, "step_size": step_size}
