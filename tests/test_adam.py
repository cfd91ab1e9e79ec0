"""Adam against the paper: Algorithm 1 written out in the test, closed-form facts."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adam_teach import objectives, run
from adam_teach.optimizers import Adam, AdamW, AdaMax
from notebook_support import cubic_grad


def algorithm_1(grad, x0, steps, alpha, beta_1, beta_2, eps):
    """Kingma & Ba, Algorithm 1, in plain Python floats."""
    x, m, v, path = float(x0), 0.0, 0.0, [float(x0)]
    for t in range(1, steps + 1):
        g = grad(x)
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g * g
        m_hat = m / (1 - beta_1**t)
        v_hat = v / (1 - beta_2**t)
        x = x - alpha * m_hat / (v_hat**0.5 + eps)
        path.append(x)
    return np.array(path)


@pytest.mark.parametrize("alpha, beta_1, beta_2, eps, x0", [
    (0.05, 0.9, 0.999, 1e-7, 0.001),
    (0.001, 0.9, 0.999, 1e-8, 1.0),
    (0.1, 0.5, 0.99, 1e-2, 2.0),
    (0.02, 0.0, 0.9, 0.0, 0.7),
])
def test_algorithm_1_float64(alpha, beta_1, beta_2, eps, x0):
    expected = algorithm_1(cubic_grad, x0, 300, alpha, beta_1, beta_2, eps)
    trace = run(Adam(alpha, beta_1, beta_2, eps), objectives.cubic, x0, 300)
    np.testing.assert_allclose(trace.x, expected, rtol=0, atol=1e-12)


def test_article_setting_figures():
    """The article's setting: paper 1.332552819 / first step 0.0509987491; Keras formula 1.332552038."""
    paper = run(Adam(0.05, epsilon=1e-7), objectives.cubic, 0.001, 100)
    efficient = run(Adam(0.05, epsilon=1e-7, epsilon_hat=True), objectives.cubic, 0.001, 100)
    assert paper.x[-1] == pytest.approx(1.332552819, abs=1e-9)
    assert paper.x[1] == pytest.approx(0.0509987491, abs=1e-10)
    assert efficient.x[-1] == pytest.approx(1.332552038, abs=1e-9)
    gap = np.abs(paper.x - efficient.x)
    assert gap.max() == pytest.approx(5.0e-5, rel=0.05)
    assert 10 <= int(np.argmax(gap)) <= 18


finite_gradients = st.floats(-1e3, 1e3, allow_nan=False).filter(lambda g: abs(g) > 1e-6)


@given(g=finite_gradients, beta_1=st.floats(0, 0.999), beta_2=st.floats(0, 0.9999),
       epsilon_hat=st.booleans())
def test_first_step_bias_correction(g, beta_1, beta_2, epsilon_hat):
    """m̂₁ = g₁ and v̂₁ = g₁² whatever β₁, β₂."""
    opt = Adam(0.01, beta_1, beta_2, 1e-8, epsilon_hat=epsilon_hat)
    _, _, info = opt.step(np.array(1.0), np.array(g), opt.init(np.array(1.0)))
    assert info["m_hat"] == pytest.approx(g, rel=1e-9)
    assert info["v_hat"] == pytest.approx(g * g, rel=1e-9)


@given(gs=st.lists(finite_gradients, min_size=1, max_size=6), alpha=st.floats(1e-4, 1.0),
       form=st.sampled_from([("float32", False), ("float64", False), ("float64", True)]))
def test_first_step_moves_by_alpha_when_epsilon_is_zero(gs, alpha, form):
    """With ε = 0, step 1 moves every coordinate by exactly α against the sign of g."""
    dtype, epsilon_hat = form
    g = np.array(gs, dtype=dtype)
    x0 = np.zeros_like(g)
    opt = Adam(alpha, epsilon=0.0, epsilon_hat=epsilon_hat, dtype=dtype)
    x1, _, _ = opt.step(x0, g, opt.init(x0))
    np.testing.assert_allclose(x1, -np.float64(alpha) * np.sign(gs), rtol=2e-6 if dtype == "float32" else 1e-12)


def test_keras_float32_first_step_is_short_by_the_beta_cast():
    """In Keras's float32 arithmetic the first step is not exactly α: √(1 − β₂ᵗ) uses β₂
    rounded to float32 (0.99900001) while v uses 1 − β₂ rounded from float64, so the step
    is α·√((1 − fl(β₂)) / fl(1 − β₂)) ≈ α·(1 − 6.5e-6) (Keras: keras/src/optimizers/adam.py casts β to the variable's dtype)."""
    f32 = np.float32
    expected = np.sqrt((1 - np.float64(f32(0.999))) / np.float64(f32(1 - 0.999)))
    opt = Adam(1.0, epsilon=0.0, epsilon_hat=True, dtype="float32")
    x1, _, _ = opt.step(f32(0), f32(1), opt.init(f32(0)))
    assert -x1 == pytest.approx(expected, rel=3e-7)
    assert 6e-6 < 1 - expected < 7e-6


@settings(max_examples=30)
@given(alpha=st.floats(1e-3, 0.2), beta_1=st.floats(0, 0.99), beta_2=st.floats(0.5, 0.9999),
       x0=st.floats(0.2, 2.5))
def test_both_epsilon_forms_coincide_when_epsilon_is_zero(alpha, beta_1, beta_2, x0):
    paper = run(Adam(alpha, beta_1, beta_2, 0.0), objectives.cubic, x0, 60)
    efficient = run(Adam(alpha, beta_1, beta_2, 0.0, epsilon_hat=True), objectives.cubic, x0, 60)
    np.testing.assert_allclose(paper.x, efficient.x, rtol=1e-9, atol=1e-12)


def test_epsilon_forms_differ_by_the_effective_epsilon():
    """Efficient form = Algorithm 1 with ε = ε̂ / √(1 − β₂ᵗ) (paper, end of §2)."""
    opt = Adam(0.05, epsilon=1e-2, epsilon_hat=True)
    x, state = np.array(0.5), opt.init(np.array(0.5))
    x_paper, paper_state = x.copy(), state
    for t in range(1, 20):
        g = cubic_grad(x)
        x, state, _ = opt.step(x, g, state)
        paper = Adam(0.05, epsilon=1e-2 / np.sqrt(1 - 0.999**t))
        x_paper, paper_state, _ = paper.step(x_paper, g, paper_state)
        assert x == pytest.approx(x_paper, abs=1e-12)


def test_step_does_not_mutate_its_arguments():
    opt = Adam(0.1, amsgrad=True)
    x, g = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    state = opt.init(x)
    snapshot = [a.copy() for a in (x, g, state.m, state.v, state.v_max)]
    opt.step(x, g, state)
    for before, after in zip(snapshot, (x, g, state.m, state.v, state.v_max)):
        np.testing.assert_array_equal(before, after)


def test_amsgrad_keeps_the_largest_second_moment():
    opt = Adam(0.1, beta_2=0.5, amsgrad=True)
    x, state = np.array(0.0), opt.init(np.array(0.0))
    for g in (10.0, 0.1, 0.1):
        x, state, _ = opt.step(x, np.array(g), state)
    assert state.v_max > state.v
    assert state.v_max == pytest.approx(max(0.5 * 100, 0.5 * 0.5 * 100 + 0.5 * 0.01))


def test_adamw_decays_before_the_adam_step():
    """With g ≠ 0 the three orders differ: decay first (Keras, PyTorch) gives
    2 − 0.1·0.5·2 − 0.1 = 1.8 (Adam's first step is α·g/(|g| + ε) ≈ α); decaying after the
    step gives (2 − 0.1)·(1 − 0.05) = 1.805; λx added to the gradient (L2) gives 2 − 0.1 = 1.9.
    (With g = 0, decay first, decay after and L2 all give 1.9: such a test cannot fail.)"""
    x = np.array([2.0])
    g = np.array([0.5])
    opt = AdamW(learning_rate=0.1, weight_decay=0.5, epsilon=1e-8)
    x1, _, _ = opt.step(x, g, opt.init(x))
    adam_step_only = 0.1 * 0.5 / (0.5 + 1e-8)
    assert x1[0] == pytest.approx(2.0 - 2.0 * 0.5 * 0.1 - adam_step_only, abs=1e-12)
    assert abs(x1[0] - (2.0 - adam_step_only) * (1 - 0.05)) > 1e-3
    assert abs(x1[0] - (2.0 - adam_step_only)) > 1e-3


def test_adamax_first_step_is_alpha():
    opt = AdaMax(learning_rate=0.002, epsilon=0.0)
    x1, _, _ = opt.step(np.array(1.0), np.array(-3.0), opt.init(np.array(1.0)))
    assert x1 == pytest.approx(1.002)
