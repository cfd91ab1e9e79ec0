"""The correct functions of exercise 06, with the learners' signatures, from
adam_teach.optimizers.Adam(amsgrad=True) and adam_teach.optimizers.AdamW.

AMSGrad (Reddi, Kale & Kumar, ICLR 2018, "On the Convergence of Adam and Beyond"), in the
bias-corrected form of PyTorch's Adam(amsgrad=True) and Keras's Adam(amsgrad=True): the
maximum is kept over the uncorrected v_t, and corrected in the step,
    v_max,t = max(v_max,t−1, v_t),   x_t = x_{t−1} − α m̂_t / (√(v_max,t / (1 − β₂ᵗ)) + ε).

AdamW (Loshchilov & Hutter, ICLR 2019, "Decoupled Weight Decay Regularization"), in the
order of PyTorch's AdamW and Keras's AdamW: first x ← x − α λ x, then Algorithm 1 of
Kingma & Ba (2015) with the gradient g.

Keras adds its ε̂ to √v (not to √v̂): it is these forms with ε = ε̂ / √(1 − β₂ᵗ), the same
as for plain Adam; tests/test_exercise_05_06.py checks both against real tf.keras.
"""

import numpy as np

from ..optimizers import Adam, AdamW
from ..optimizers.adam import AdamState


def _float64(value):
    return np.asarray(value, dtype=np.float64)


def amsgrad_step(x, g, m, v, v_max, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-8):
    """(x_t, m_t, v_t, v_max,t): step t of AMSGrad, given the state after step t − 1."""
    optimizer = Adam(learning_rate, beta_1, beta_2, epsilon, amsgrad=True)
    x, state, _ = optimizer.step(_float64(x), _float64(g),
                                 AdamState(t - 1, _float64(m), _float64(v), _float64(v_max)))
    return x, state.m, state.v, state.v_max


def adamw_step(x, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
               weight_decay=0.01):
    """(x_t, m_t, v_t): x ← x − αλx, then step t of Algorithm 1 with g."""
    optimizer = AdamW(learning_rate, beta_1, beta_2, epsilon, weight_decay=weight_decay)
    x, state, _ = optimizer.step(_float64(x), _float64(g),
                                 AdamState(t - 1, _float64(m), _float64(v)))
    return x, state.m, state.v
