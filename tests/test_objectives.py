import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adam_teach import objectives

ALL = [objectives.cubic, objectives.bowl, objectives.rosenbrock, objectives.saddle]


def numerical_gradient(objective, x, h=1e-6):
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        grad[i] = (objective.f(x + e) - objective.f(x - e)) / (2 * h)
    return grad


@pytest.mark.parametrize("objective", ALL, ids=lambda o: o.name)
@given(data=st.data())
def test_gradient_matches_finite_differences(objective, data):
    shape = (2,) if objective.dim == 2 else ()
    x = np.array(data.draw(st.lists(st.floats(-2, 2), min_size=2, max_size=2)))[: 2 if shape else 1]
    x = x.reshape(shape)
    np.testing.assert_allclose(objective.grad(x), numerical_gradient(objective, x), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("objective", ALL, ids=lambda o: o.name)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_in_is_dtype_out(objective, dtype):
    x = np.array([0.5, -0.25] if objective.dim == 2 else 0.5, dtype=dtype)
    assert objective.f(x).dtype == dtype
    assert objective.grad(x).dtype == dtype
    grid = np.zeros((4, 3, 2) if objective.dim == 2 else (4, 3), dtype=dtype)
    assert objective.f(grid).shape == (4, 3)


def test_floats_work():
    assert objectives.cubic.f(1.0) == 1.0
    assert objectives.cubic.grad(2.0) == 4.0


@pytest.mark.parametrize("objective", ALL, ids=lambda o: o.name)
def test_stationary_points_have_zero_gradient(objective):
    assert objective.stationary_points
    for point in objective.stationary_points:
        np.testing.assert_allclose(objective.grad(np.array(point.x)), 0, atol=1e-12)


def test_cubic_facts():
    """The cubic: local max at 0 (f = 2), local min at 4/3 (f = 22/27), unbounded below."""
    kinds = {p.kind: p.x for p in objectives.cubic.stationary_points}
    assert objectives.cubic.f(kinds["local maximum"]) == 2
    assert objectives.cubic.f(kinds["local minimum"]) == pytest.approx(22 / 27, abs=1e-15)
    assert objectives.cubic.f(-10.0) < -1000


def test_float32_gradient_is_what_tensorflow_computes():
    """TF's autodiff of the cubic on a float32 scalar variable (the article's
    setting) equals 3·(x·x) + (−4)·x exactly."""
    from adam_teach.keras_reference import import_tensorflow

    tf = import_tensorflow()
    v = tf.Variable(0.0, dtype=tf.float32)
    for x in np.linspace(-3, 3, 301, dtype=np.float32):
        v.assign(x)
        with tf.GradientTape() as tape:
            y = v**3 - 2 * v**2 + 2
        assert tape.gradient(y, v).numpy() == objectives.cubic.grad(x), x


TWO_D = [objectives.rosenbrock, objectives.saddle, objectives.bowl, objectives.rotated_bowl,
         objectives.quadratic_bowl(400.0), objectives.rotated_quadratic_bowl(400.0)]


@pytest.mark.parametrize("objective", TWO_D, ids=lambda o: o.name)
def test_grad_xy_on_plain_floats_is_grad_bit_for_bit(objective):
    """grad_xy (what explorers.float_runs steps with) on Python floats gives the numbers grad
    gives for the same point, and f of one point is f of that point among many (float_runs
    computes f for a whole run at once). 20 000 points: a power ** 2 of a NumPy scalar, unlike
    an array's, was an ulp off at about one point in a thousand."""
    points = np.random.default_rng(0).uniform(-3, 3, size=(20_000, 2))
    points[:5] = [[0.0, 0.0], [-0.0, 1.0], [1e200, 1.0], [np.inf, 0.5], [1.0, 1.0]]
    with np.errstate(all="ignore"):
        together = objective.f(points)
        one_by_one = np.array([objective.f(point) for point in points])
        np.testing.assert_array_equal(one_by_one, together)
        for point in points[:500]:
            gx, gy = objective.grad_xy(float(point[0]), float(point[1]))
            assert type(gx) is float and type(gy) is float
            np.testing.assert_array_equal([gx, gy], objective.grad(point))


def test_the_cubic_has_no_grad_xy():
    assert objectives.cubic.grad_xy is None
