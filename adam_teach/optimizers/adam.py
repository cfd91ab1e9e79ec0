"""Adam (Kingma & Ba, 2015, arXiv:1412.6980), Algorithm 1 and the "more efficient" form.

Algorithm 1, with t counted from 1 and m_0 = v_0 = 0:
    m_t = β₁ m_{t−1} + (1 − β₁) g_t            first moment, a running mean of g
    v_t = β₂ v_{t−1} + (1 − β₂) g_t²           second moment, a running mean of g²
    m̂_t = m_t / (1 − β₁ᵗ),  v̂_t = v_t / (1 − β₂ᵗ)     bias correction (§3)
    x_t = x_{t−1} − α m̂_t / (√v̂_t + ε)

The efficient form (end of §2), which Keras implements:
    α_t = α √(1 − β₂ᵗ) / (1 − β₁ᵗ),   x_t = x_{t−1} − α_t m_t / (√v_t + ε̂)
It is Algorithm 1 with ε = ε̂ / √(1 − β₂ᵗ), so the two agree exactly when ε = 0.
"""

from dataclasses import dataclass
from typing import NamedTuple, Optional

import numpy as np

from .base import Optimizer


class AdamState(NamedTuple):
    t: int
    m: np.ndarray
    v: np.ndarray
    v_max: Optional[np.ndarray] = None  # only with amsgrad=True


@dataclass(frozen=True)
class Adam(Optimizer):
    """`epsilon_hat=False`: Algorithm 1 (ε added to √v̂, as PyTorch and optax do).
    `epsilon_hat=True`: the efficient form (ε̂ added to √v, as Keras does).
    `dtype="float32"` computes in float32 the way Keras does: β cast to float32, then
    β^t, and the operations in Keras's order, so it matches tf.keras step for step.
    `amsgrad=True`: Reddi et al. (2018), the denominator uses the largest v seen so far."""

    learning_rate: float = 0.001
    beta_1: float = 0.9
    beta_2: float = 0.999
    epsilon: float = 1e-8
    epsilon_hat: bool = False
    amsgrad: bool = False

    def init(self, x):
        v_max = self.zeros(x) if self.amsgrad else None
        return AdamState(t=0, m=self.zeros(x), v=self.zeros(x), v_max=v_max)

    def step(self, x, g, state):
        if self.epsilon_hat:
            return self._step_efficient(x, g, state)
        return self._step_algorithm_1(x, g, state)

    def _step_algorithm_1(self, x, g, state):
        alpha, beta_1, beta_2, eps = (self.cast(h) for h in
                                      (self.learning_rate, self.beta_1, self.beta_2, self.epsilon))
        one = self.cast(1)
        t = state.t + 1
        m = beta_1 * state.m + (one - beta_1) * g
        v = beta_2 * state.v + (one - beta_2) * (g * g)
        v_max = np.maximum(state.v_max, v) if self.amsgrad else None
        m_hat = m / (one - self.power(self.beta_1, t))
        v_hat = (v_max if self.amsgrad else v) / (one - self.power(self.beta_2, t))
        step_size = alpha / (np.sqrt(v_hat) + eps)
        update = step_size * m_hat
        info = {"m": m, "v": v, "m_hat": m_hat, "v_hat": v_hat, "step_size": step_size, "update": update}
        return x - update, AdamState(t, m, v, v_max), info

    def _step_efficient(self, x, g, state):
        # The order of operations of keras/src/optimizers/adam.py, so float32 matches Keras.
        lr, eps_hat = self.cast(self.learning_rate), self.cast(self.epsilon)
        one = self.cast(1)
        t = state.t + 1
        beta_1_power, beta_2_power = self.power(self.beta_1, t), self.power(self.beta_2, t)
        alpha_t = lr * np.sqrt(one - beta_2_power) / (one - beta_1_power)
        m = state.m + (g - state.m) * self.cast(1 - self.beta_1)
        v = state.v + (g * g - state.v) * self.cast(1 - self.beta_2)
        v_max = np.maximum(state.v_max, v) if self.amsgrad else None
        denominator = np.sqrt(v_max if self.amsgrad else v) + eps_hat
        update = (m * alpha_t) / denominator
        info = {"m": m, "v": v, "m_hat": m / (one - beta_1_power),
                "v_hat": (v_max if self.amsgrad else v) / (one - beta_2_power),
                "step_size": alpha_t * (one - beta_1_power) / denominator, "update": update}
        return x - update, AdamState(t, m, v, v_max), info


@dataclass(frozen=True)
class AdamW(Adam):
    """AdamW (Loshchilov & Hutter, 2019): weight decay decoupled from the gradient.
    Before each Adam step, x ← x − x·λ·α (the order Keras uses); Keras's default λ = 0.004."""

    weight_decay: float = 0.004

    def step(self, x, g, state):
        decayed = x - x * self.cast(self.weight_decay) * self.cast(self.learning_rate)
        return super().step(decayed, g, state)
