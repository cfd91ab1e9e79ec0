"""Plain gradient descent: x_t = x_{t−1} − α g_t."""

from dataclasses import dataclass
from typing import NamedTuple

from .base import Optimizer


class SGDState(NamedTuple):
    t: int


@dataclass(frozen=True)
class SGD(Optimizer):
    learning_rate: float = 0.01

    def init(self, x):
        return SGDState(t=0)

    def step(self, x, g, state):
        alpha = self.cast(self.learning_rate)
        return x - alpha * g, SGDState(t=state.t + 1), {}
