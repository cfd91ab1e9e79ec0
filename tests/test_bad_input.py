"""Every bad input gets a ValueError naming the parameter, the value and what is allowed,
and nothing is half-done."""

import math
import subprocess
import sys
import warnings

import numpy as np
import pytest

from adam_teach import objectives, run
from adam_teach.optimizers import SGD, Adagrad, Adam, AdaMax, AdamW, Momentum, RMSprop


@pytest.mark.parametrize("value", [0, -0.1, math.inf, math.nan, "0.1", None, True])
@pytest.mark.parametrize("cls", [SGD, Momentum, Adagrad, RMSprop, Adam, AdaMax, AdamW])
def test_learning_rate(cls, value):
    with pytest.raises(ValueError, match=r"learning_rate must be a finite number > 0, got") as error:
        cls(learning_rate=value)
    assert repr(value) in str(error.value)


@pytest.mark.parametrize("name", ["beta_1", "beta_2"])
@pytest.mark.parametrize("value", [-0.1, 1.0, 1.5, math.nan])
def test_betas(name, value):
    with pytest.raises(ValueError, match=rf"{name} must be in \[0, 1\), got {value!r}"):
        Adam(**{name: value})


@pytest.mark.parametrize("cls, name", [(Momentum, "momentum"), (RMSprop, "rho")])
def test_other_decay_rates(cls, name):
    with pytest.raises(ValueError, match=rf"{name} must be in \[0, 1\)"):
        cls(**{name: 1.0})


@pytest.mark.parametrize("value", [-1e-8, math.nan, -math.inf])
def test_epsilon(value):
    with pytest.raises(ValueError, match=r"epsilon must be a finite number >= 0, got"):
        Adam(epsilon=value)


def test_dtype():
    with pytest.raises(ValueError, match=r"dtype must be 'float32' or 'float64', got 'int8'"):
        Adam(dtype="int8")


@pytest.mark.parametrize("steps", [-1, 2.5, "10", None, True])
def test_steps(steps):
    with pytest.raises(ValueError, match=r"steps must be an integer >= 0, got"):
        run(Adam(), objectives.cubic, 1.0, steps)


@pytest.mark.parametrize("x0", [math.nan, math.inf, [1.0, math.nan], "one"])
def test_x0(x0):
    with pytest.raises(ValueError, match=r"x0 must be"):
        run(Adam(), objectives.cubic, x0, 5)


def test_objective_without_grad():
    class OnlyF:
        def f(self, x):
            return x * x

    with pytest.raises(ValueError, match=r"objective must have callable f\(x\) and grad\(x\).*no grad\(\)"):
        run(Adam(), OnlyF(), 1.0, 5)


def test_rejected_calls_change_nothing():
    x0 = np.array([1.0, 2.0])
    before = x0.copy()
    with pytest.raises(ValueError):
        run(Adam(), objectives.bowl, x0, -3)
    np.testing.assert_array_equal(x0, before)
    opt = Adam(0.1)
    with pytest.raises(Exception):
        opt.learning_rate = -1  # frozen: an optimiser cannot be half-updated
    assert opt.learning_rate == 0.1
    trace = run(Adam(0.1), objectives.bowl, x0, 3)
    np.testing.assert_array_equal(x0, before)  # run does not write into the caller's x0
    assert trace.x[0] is not x0


def test_zero_steps():
    trace = run(Adam(), objectives.cubic, 1.0, 0)
    assert trace.x.shape == (1,) and trace.steps == 0 and trace.internals == {}


def test_trace_shapes():
    trace = run(Adam(0.1), objectives.bowl, [1.0, 2.0], 7)
    assert trace.x.shape == (8, 2) and trace.f.shape == (8,) and trace.grad.shape == (8, 2)
    assert trace.m_hat.shape == (7, 2) and trace.step_size.shape == (7, 2)
    np.testing.assert_array_equal(trace.x[0], [1.0, 2.0])


@pytest.mark.parametrize("optimizer", [SGD(0.1), Adam(1e300)], ids=["gradient descent", "Adam"])
def test_divergence_is_reported_not_warned(optimizer):
    """From x0 = −1 the cubic runs away to −∞: the trace says so and no warning escapes."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trace = run(optimizer, objectives.cubic, -1.0, 1000)
    assert trace.diverged
    assert "diverged at step" in trace.message
    assert trace.steps < 1000
    assert np.all(np.isfinite(trace.x)) and np.all(np.isfinite(trace.f))


def test_adam_from_minus_one_runs_away_without_diverging_numerically():
    """Adam's steps are bounded by about α, so from x0 = −1 it heads to −∞ linearly."""
    trace = run(Adam(0.05, epsilon=1e-7), objectives.cubic, -1.0, 200)
    assert not trace.diverged
    assert np.all(np.diff(trace.x) < 0)
    assert trace.x[-1] < -8


def test_importing_adam_teach_does_not_import_tensorflow():
    code = ("import sys, adam_teach, adam_teach.objectives, adam_teach.optimizers, adam_teach.keras_reference; "
            "assert 'tensorflow' not in sys.modules, 'tensorflow was imported'; "
            "import adam_teach.keras_reference as k; k.import_tensorflow(); assert 'tensorflow' in sys.modules")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", "TensorFlow wrote to stderr on import: " + result.stderr[:500]
