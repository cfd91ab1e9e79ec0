"""The correct versions of the functions learners write, with the learners' signatures.

Built on the course's own optimisers (adam_teach.optimizers) and, for exercise 04, real
Keras. The exercises (what is graded) and the catalogue of mistakes (what is likely wrong)
both import from here, and from nothing else in the answer key.
"""

import numpy as np

from ..optimizers import SGD, Adam
from ..optimizers.adam import AdamState


def optimizer_path(optimizer, grad_fn, x0, steps):
    """The steps + 1 iterates of `optimizer` fed grad_fn(x), x0 first."""
    x = np.array(x0, dtype=optimizer.dtype)
    state = optimizer.init(x)
    path = [x]
    for _ in range(steps):
        x, state, _ = optimizer.step(x, grad_fn(x), state)
        path.append(x)
    return np.array(path)


def gradient_descent(grad_fn, x0, learning_rate, steps):
    """Plain gradient descent, adam_teach.optimizers.SGD."""
    return optimizer_path(SGD(learning_rate), grad_fn, x0, steps)


def reference_adam_step(x, g, m, v, t, learning_rate, beta_1, beta_2, epsilon, epsilon_hat):
    """(x_t, m_t, v_t) from adam_teach.optimizers.Adam, given the state after step t − 1."""
    optimizer = Adam(learning_rate, beta_1, beta_2, epsilon, epsilon_hat=epsilon_hat)
    as_array = lambda value: np.asarray(value, dtype=np.float64)  # noqa: E731
    x, state, _ = optimizer.step(as_array(x), as_array(g),
                                 AdamState(t - 1, as_array(m), as_array(v)))
    return x, state.m, state.v


def adam_step(x, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
    """Algorithm 1 (ε added to √v̂_t)."""
    return reference_adam_step(x, g, m, v, t, learning_rate, beta_1, beta_2, epsilon,
                               epsilon_hat=False)


def run_adam(grad_fn, x0, steps, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
    """The steps + 1 iterates of Algorithm 1."""
    return optimizer_path(Adam(learning_rate, beta_1, beta_2, epsilon), grad_fn, x0, steps)


def adam_step_keras(x, g, m, v, t, learning_rate, beta_1, beta_2, epsilon):
    """x_t = x_{t−1} − α_t m_t / (√v_t + ε̂), α_t = α √(1 − β₂ᵗ) / (1 − β₁ᵗ)."""
    return reference_adam_step(x, g, m, v, t, learning_rate, beta_1, beta_2, epsilon,
                               epsilon_hat=True)


def keras_adam_path(x0, steps, learning_rate=0.05, epsilon=1e-7):
    """Real tf.keras.optimizers.Adam on the cubic, gradients from GradientTape."""
    from ..keras_reference import adam_path_with_tape

    return adam_path_with_tape(x0, steps, learning_rate, epsilon=epsilon).x
