"""The simpler optimisers against their textbook formulas, and dtype handling."""

import numpy as np
import pytest

from adam_teach import objectives, run
from adam_teach.optimizers import SGD, Adagrad, Adam, AdaMax, AdamW, Momentum, RMSprop

ALL = [SGD(0.01), Momentum(0.01), Momentum(0.01, damped=True), Adagrad(0.1), RMSprop(0.01),
       Adam(0.01), Adam(0.01, epsilon_hat=True, amsgrad=True), AdaMax(0.01), AdamW(0.01)]


def test_sgd_is_x_minus_alpha_g():
    trace = run(SGD(0.1), objectives.cubic, 2.0, 3)
    x = 2.0
    for k in range(1, 4):
        x = x - 0.1 * (3 * x * x - 4 * x)
        assert trace.x[k] == pytest.approx(x, abs=1e-15)


@pytest.mark.parametrize("damped", [False, True])
def test_momentum_conventions(damped):
    trace = run(Momentum(0.05, momentum=0.8, damped=damped), objectives.bowl, [1.0, 1.0], 5)
    x, m = np.array([1.0, 1.0]), np.zeros(2)
    for k in range(1, 6):
        g = np.array([x[0], 25 * x[1]])
        m = 0.8 * m + ((1 - 0.8) if damped else 1.0) * g
        x = x - 0.05 * m
        np.testing.assert_allclose(trace.x[k], x, rtol=1e-14)


def test_adagrad_and_rmsprop_follow_keras_formulas():
    x, s, v = np.array([1.0, 1.0]), np.full(2, 0.1), np.zeros(2)
    xa, xr = x.copy(), x.copy()
    ada = run(Adagrad(0.1), objectives.bowl, x, 4)
    rms = run(RMSprop(0.01, rho=0.9), objectives.bowl, x, 4)
    for k in range(1, 5):
        g = np.array([xa[0], 25 * xa[1]])
        s = s + g * g
        xa = xa - 0.1 * g / np.sqrt(s + 1e-7)
        np.testing.assert_allclose(ada.x[k], xa, rtol=1e-14)
        g = np.array([xr[0], 25 * xr[1]])
        v = 0.9 * v + 0.1 * g * g
        xr = xr - 0.01 * g / np.sqrt(v + 1e-7)
        np.testing.assert_allclose(rms.x[k], xr, rtol=1e-14)


@pytest.mark.parametrize("optimizer", ALL, ids=lambda o: o.name)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dtype_is_kept(optimizer, dtype):
    opt = type(optimizer)(**{**optimizer.__dict__, "dtype": dtype})
    trace = run(opt, objectives.rosenbrock, np.array([-1.0, 1.5]), 20)
    assert trace.x.dtype == np.dtype(dtype)
    assert trace.grad.dtype == np.dtype(dtype)
    for name, values in trace.internals.items():
        assert values.dtype == np.dtype(dtype), name


@pytest.mark.parametrize("optimizer", ALL, ids=lambda o: o.name)
def test_every_optimizer_descends_the_bowl(optimizer):
    trace = run(optimizer, objectives.bowl, [3.0, 1.0], 300)
    assert trace.f[-1] < trace.f[0]
    assert not trace.diverged


@pytest.mark.parametrize("optimizer", ALL, ids=lambda o: o.name)
def test_state_is_explicit(optimizer):
    state = optimizer.init(np.zeros(3))
    assert state.t == 0
    x, new_state, _ = optimizer.step(np.zeros(3), np.ones(3), state)
    assert new_state.t == 1 and state.t == 0
    assert x.shape == (3,)
