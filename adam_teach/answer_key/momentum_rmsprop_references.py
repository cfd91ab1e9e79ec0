"""The correct functions of exercise 05, with the learners' signatures.

momentum_step is Keras's SGD with momentum (keras/src/optimizers/sgd.py, nesterov=False):
    velocity_t = μ velocity_{t−1} − α g_t,   x_t = x_{t−1} + velocity_t.
It follows the same path as adam_teach.optimizers.Momentum (notebook 02's undamped
m_t = μ m_{t−1} + g_t, x_t = x_{t−1} − α m_t): with a constant α, velocity_t = −α m_t.

rmsprop_step is RMSprop (Tieleman & Hinton, 2012) in the form notebook 03 defines and Keras
uses (keras/src/optimizers/rmsprop.py), adam_teach.optimizers.RMSprop:
    v_t = ρ v_{t−1} + (1 − ρ) g_t²,   x_t = x_{t−1} − α g_t / √(v_t + ε).
"""

import numpy as np

from ..optimizers import RMSprop
from ..optimizers.rmsprop import RMSpropState


def _float64(value):
    return np.asarray(value, dtype=np.float64)


def momentum_step(x, g, velocity, learning_rate=0.01, momentum=0.9):
    """(x_t, velocity_t), Keras's convention: the velocity is the step x takes."""
    velocity = momentum * _float64(velocity) - learning_rate * _float64(g)
    return _float64(x) + velocity, velocity


def rmsprop_step(x, g, v, learning_rate=0.001, rho=0.9, epsilon=1e-7):
    """(x_t, v_t) from adam_teach.optimizers.RMSprop, ε inside the square root."""
    optimizer = RMSprop(learning_rate, rho, epsilon)
    x, state, _ = optimizer.step(_float64(x), _float64(g), RMSpropState(0, _float64(v)))
    return x, state.v
