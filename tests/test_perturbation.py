"""Perturbation mode (ADAM_TEACH_PERTURB): what it nudges, what it leaves alone, bad values."""

import numpy as np
import pytest

from adam_teach import network, noisy, objectives, perturbation, run
from adam_teach.optimizers import SGD


THETA = network.initial_parameters(seed=1)
X, Y = network.two_moons(seed=1)


def nudged_things():
    """Every kind of value perturbation mode nudges, made afresh (the mode is read then)."""
    cubic = objectives.Objective("cubic", objectives.cubic.f, objectives.cubic.grad)  # made now
    return {"cubic gradient": cubic.grad(0.5), "network gradient": network.network_objective(X, Y).grad(THETA),
            "initial weights": network.initial_parameters(),
            "gradient noise": noisy.with_gradient_noise(cubic, 1.0).grad(0.0)}  # f'(0) = 0


def test_unset_changes_nothing(monkeypatch):
    monkeypatch.delenv(perturbation.VARIABLE, raising=False)
    values = np.array([0.25, -3.0])
    assert perturbation.nudge(values) is values
    assert perturbation.nudged_function(np.sin) is np.sin


@pytest.mark.parametrize("amount", ["1e-12", "-1e-12"])
def test_every_gradient_weight_and_noise_sample_is_nudged(monkeypatch, amount):
    monkeypatch.delenv(perturbation.VARIABLE, raising=False)
    plain = nudged_things()
    monkeypatch.setenv(perturbation.VARIABLE, amount)
    nudged = nudged_things()
    for name in plain:
        before, after = np.atleast_1d(plain[name]), np.atleast_1d(nudged[name])
        nonzero = before != 0
        assert np.count_nonzero(nonzero) > 0.5 * before.size, name
        relative = (after[nonzero] - before[nonzero]) / before[nonzero]
        # every nonzero value moved by the asked amount (to the rounding of the product)
        np.testing.assert_allclose(relative, float(amount), rtol=0.01, err_msg=name)
        assert np.all(after[~nonzero] == 0), name  # zero biases stay zero


def test_starting_points_are_left_as_written(monkeypatch):
    """So a loop written in a notebook and `run` from the same start still agree bit for bit."""
    monkeypatch.setenv(perturbation.VARIABLE, "1e-12")
    cubic = objectives.Objective("cubic", objectives.cubic.f, objectives.cubic.grad)
    trace = run(SGD(0.1), cubic, 0.5, 3)
    x = 0.5
    for _ in range(3):
        x = x - 0.1 * cubic.grad(x)
    assert trace.x[0] == 0.5 and trace.x[-1] == x


def test_the_two_moons_noise_is_nudged(monkeypatch):
    monkeypatch.delenv(perturbation.VARIABLE, raising=False)
    plain = network.two_moons()[0]
    monkeypatch.setenv(perturbation.VARIABLE, "1e-12")
    moved = network.two_moons()[0] - plain
    assert np.count_nonzero(moved) > 0.95 * moved.size  # the noise part of (almost) every coordinate
    assert np.max(np.abs(moved)) < 1e-11  # and by no more than a relative 1e-12 of noise ≲ 1


def test_a_nudged_gradient_is_not_nudged_twice(monkeypatch):
    monkeypatch.setenv(perturbation.VARIABLE, "1e-12")
    cubic = objectives.Objective("cubic", objectives.cubic.f, objectives.cubic.grad)
    again = objectives.Objective("again", cubic.f, cubic.grad)
    assert again.grad is cubic.grad


@pytest.mark.parametrize("text", ["abc", "nan", "0.5", "inf"])
def test_a_bad_amount_is_named_with_the_fix(monkeypatch, text):
    monkeypatch.setenv(perturbation.VARIABLE, text)
    with pytest.raises(ValueError, match=r"ADAM_TEACH_PERTURB must be a small relative amount.*unset it"):
        objectives.Objective("cubic", objectives.cubic.f, objectives.cubic.grad)


def test_exact_values_and_signatures_are_kept(monkeypatch):
    from fractions import Fraction
    import inspect

    monkeypatch.setenv(perturbation.VARIABLE, "1e-12")
    cubic = objectives.Objective("cubic", objectives.cubic.f, objectives.cubic.grad)
    assert cubic.grad(Fraction(4, 3)) == 0 and isinstance(cubic.grad(Fraction(4, 3)), Fraction)
    assert cubic.grad(2) == 4 and isinstance(cubic.grad(2), int)
    assert inspect.signature(cubic.grad) == inspect.signature(objectives.cubic.grad)
