"""Issue 11, point 1: the bowl turned by 45° (adam_teach.objectives.rotated_bowl), the 2-D
Adam explorer (adam_teach.explorers.adam_2d) and what notebook 07 measures and says with
them. The measurements are recomputed here with hand-written loops, not with the course's
optimisers."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adam_teach import objectives

ROTATED = objectives.rotated_bowl
ALIGNED = objectives.bowl


def hessian(objective):
    """The Hessian of a quadratic objective, column by column from its gradient."""
    return np.column_stack([objective.grad(np.array(e)) for e in ([1.0, 0.0], [0.0, 1.0])])


# --- the objective ----------------------------------------------------------------------------


def test_rotated_bowl_has_the_eigenvalues_of_the_aligned_bowl():
    h_rotated, h_aligned = hessian(ROTATED), hessian(ALIGNED)
    assert np.array_equal(h_rotated, h_rotated.T)
    np.testing.assert_allclose(np.linalg.eigvalsh(h_rotated), np.linalg.eigvalsh(h_aligned), rtol=1e-14)
    np.testing.assert_allclose(np.linalg.eigvalsh(h_aligned), [1.0, 25.0])
    assert h_rotated.tolist() == [[13.0, -12.0], [-12.0, 13.0]]  # exact at 45°
    assert ROTATED.formula == "f(x, y) = (13x² − 24xy + 13y²) / 2"
    assert ROTATED.name == "rotated bowl (κ = 25, 45°)" and ROTATED.dim == 2


def test_rotated_bowl_is_the_aligned_bowl_turned():
    """f(R p) on the rotated bowl is f(p) on the aligned one; the flat direction is (1, 1)."""
    c = s = np.sqrt(0.5)
    turn = np.array([[c, -s], [s, c]])
    points = np.random.default_rng(0).normal(size=(50, 2)) * 3
    np.testing.assert_allclose(ROTATED.f(points @ turn.T), ALIGNED.f(points), rtol=1e-12)
    np.testing.assert_allclose(ROTATED.grad(np.array([1.0, 1.0])), [1.0, 1.0])
    np.testing.assert_allclose(ROTATED.grad(np.array([-1.0, 1.0])), [-25.0, 25.0])


@pytest.mark.parametrize("kappa, angle", [(25.0, np.pi / 6), (400.0, np.pi / 4), (3.0, -1.0)])
def test_any_turn_keeps_the_eigenvalues(kappa, angle):
    turned = objectives.quadratic_bowl(kappa, angle)
    np.testing.assert_allclose(np.linalg.eigvalsh(hessian(turned)), [1.0, kappa], rtol=1e-12)
    flat = np.array([np.cos(angle), np.sin(angle)])
    np.testing.assert_allclose(turned.grad(flat), flat, atol=1e-12)


@given(x=st.floats(-4, 4), y=st.floats(-4, 4))
def test_gradient_matches_finite_differences(x, y):
    h = 1e-6
    numerical = [(ROTATED.f(np.array([x + h, y])) - ROTATED.f(np.array([x - h, y]))) / (2 * h),
                 (ROTATED.f(np.array([x, y + h])) - ROTATED.f(np.array([x, y - h]))) / (2 * h)]
    np.testing.assert_allclose(ROTATED.grad(np.array([x, y])), numerical, rtol=1e-5, atol=1e-5)


def test_minimum_at_the_centre():
    (point,) = ROTATED.stationary_points
    assert point.x == (0.0, 0.0) and point.kind == "global minimum"
    assert ROTATED.f(np.zeros(2)) == 0 and np.array_equal(ROTATED.grad(np.zeros(2)), np.zeros(2))
    assert np.all(ROTATED.f(np.random.default_rng(1).normal(size=(100, 2))) > 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_floats_arrays_and_dtypes(dtype):
    assert ROTATED.f(1.0 * np.array([1.0, 1.0])) == 1.0
    x = np.array([0.5, -0.25], dtype=dtype)
    assert ROTATED.f(x).dtype == dtype and ROTATED.grad(x).dtype == dtype
    assert ROTATED.f(np.zeros((4, 3, 2), dtype=dtype)).shape == (4, 3)
    assert ROTATED.grad(np.zeros((4, 3, 2), dtype=dtype)).shape == (4, 3, 2)


def test_perturbation_mode_nudges_the_gradient(monkeypatch):
    monkeypatch.setenv("ADAM_TEACH_PERTURB", "1e-12")
    nudged = objectives.rotated_quadratic_bowl()
    g = nudged.grad(np.array([1.0, 2.0]))
    assert np.all(g != ROTATED.grad(np.array([1.0, 2.0])))
    np.testing.assert_allclose(g, ROTATED.grad(np.array([1.0, 2.0])), rtol=1e-11)


def test_the_aligned_bowl_is_unchanged():
    assert objectives.quadratic_bowl(25.0, 0.0).formula == ALIGNED.formula == "f(x, y) = (x² + 25·y²) / 2"
    assert ALIGNED.plot_range == ((-4.0, 4.0), (-1.5, 1.5))


@pytest.mark.parametrize("kwargs, message", [
    (dict(condition_number=0), "condition_number must be a finite number > 0"),
    (dict(condition_number=float("inf")), "condition_number must be a finite number > 0"),
    (dict(condition_number="25"), "got '25'"),
    (dict(angle=float("nan")), "angle must be a finite number of radians, got nan"),
    (dict(angle="45°"), "angle must be"),
])
def test_bad_input_is_named(kwargs, message):
    for factory in (objectives.quadratic_bowl, objectives.rotated_quadratic_bowl):
        with pytest.raises(ValueError, match=message):
            factory(**kwargs)
