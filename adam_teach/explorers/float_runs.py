"""The comparison explorer's runs (notebook 07) stepped in plain Python floats.

A float64 is Python's float, and each update below does its optimiser's operations
(`adam_teach.optimizers`, float64) in the same order, one coordinate at a time (the
optimisers act on each coordinate alone), so a run is the same numbers bit for bit as
`run` makes them (tests/test_rotated_bowl.py checks it against `compare.run_paths`), about
ten times sooner: NumPy's cost per call, not the arithmetic, is most of a step on a 2-D
point, and a slider update has 50 ms for up to four runs of 1000 steps.

    update, state = coordinate_update(Adam(0.01))
    x, state = update(x, g, state, t)    # one coordinate's step t (t = 1, 2, ...)
"""

import math

import numpy as np

from ..optimizers import SGD, Adam, Momentum, RMSprop


def _sgd(optimizer):
    """SGD.step: x − α·g."""
    alpha = float(optimizer.learning_rate)

    def update(x, g, state, t):
        return x - alpha * g, state
    return update, None


def _momentum(optimizer):
    """Momentum.step, undamped: m = μ·m + g, x − α·m."""
    if optimizer.damped:
        raise ValueError("float_runs steps undamped momentum only (Momentum(damped=False))")
    alpha, mu = float(optimizer.learning_rate), float(optimizer.momentum)

    def update(x, g, m, t):
        m = mu * m + g
        return x - alpha * m, m
    return update, 0.0


def _rmsprop(optimizer):
    """RMSprop.step: v = ρ·v + (1 − ρ)·g², x − α/√(v + ε)·g."""
    alpha, rho, eps = float(optimizer.learning_rate), float(optimizer.rho), float(optimizer.epsilon)
    gain = float(1 - optimizer.rho)

    def update(x, g, v, t):
        v = rho * v + gain * (g * g)
        step_size = alpha / math.sqrt(v + eps)
        return x - step_size * g, v
    return update, 0.0


def _adam(optimizer):
    """Adam.step, Algorithm 1 (Kingma & Ba, §2): the moments, their bias corrections, then
    x − α·m̂/(√v̂ + ε)."""
    if optimizer.epsilon_hat or optimizer.amsgrad:
        raise ValueError("float_runs steps Algorithm 1 only (Adam(epsilon_hat=False, amsgrad=False))")
    alpha, beta_1, beta_2, eps = (float(h) for h in (optimizer.learning_rate, optimizer.beta_1,
                                                      optimizer.beta_2, optimizer.epsilon))

    def update(x, g, state, t):
        m, v = state
        m = beta_1 * m + (1.0 - beta_1) * g
        v = beta_2 * v + (1.0 - beta_2) * (g * g)
        m_hat = m / (1.0 - beta_1**t)
        v_hat = v / (1.0 - beta_2**t)
        step_size = alpha / (math.sqrt(v_hat) + eps)
        return x - step_size * m_hat, (m, v)
    return update, (0.0, 0.0)


UPDATES = {SGD: _sgd, Momentum: _momentum, RMSprop: _rmsprop, Adam: _adam}


def coordinate_update(optimizer):
    """(update, initial state) of one coordinate for this float64 optimiser (one of
    UPDATES' types exactly: a subclass may step differently)."""
    if type(optimizer) not in UPDATES or optimizer.dtype != "float64":
        raise ValueError(f"float_runs steps float64 {', '.join(t.__name__ for t in UPDATES)} only, "
                         f"not {optimizer!r}; use adam_teach.run")
    return UPDATES[type(optimizer)](optimizer)


def run_in_floats(optimizer, objective, start, steps, kicks=None):
    """The iterates x_0 … x_steps and the gradients there (arrays of steps + 1 rows) of the
    optimiser on a 2-D objective (one with grad_xy) from `start`; `kicks` (steps + 1 rows,
    or None) is added to each gradient, as with_gradient_noise adds its noise. A run that
    diverges goes on with inf and nan, as NumPy's would."""
    update, initial = coordinate_update(optimizer)
    grad_xy = objective.grad_xy
    kicks = None if kicks is None else kicks.tolist()

    def gradient(x, y, k):
        gx, gy = grad_xy(x, y)
        return (gx, gy) if kicks is None else (gx + kicks[k][0], gy + kicks[k][1])

    x, y = (float(coordinate) for coordinate in start)
    state_x = state_y = initial
    points, gradients = [(x, y)], [gradient(x, y, 0)]
    for t in range(1, steps + 1):
        gx, gy = gradients[-1]
        x, state_x = update(x, gx, state_x, t)
        y, state_y = update(y, gy, state_y, t)
        points.append((x, y))
        gradients.append(gradient(x, y, t))
    return np.array(points), np.array(gradients)
