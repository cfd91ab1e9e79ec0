"""Notebooks 00-04: every number they print, recomputed here from first principles (plain
loops and closed forms, not adam_teach), and compared with the committed outputs, each
printed with digits that do not hang on the last bits of the computation (`stable`); the
from-scratch code the notebooks define equals adam_teach's optimisers; the slider
callbacks draw labelled figures; the notebooks follow the course's conventions."""

import math
import re
from fractions import Fraction

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from adam_teach import figure_audit, objectives, plotting, run  # noqa: E402
from adam_teach.explorers import adaptive, bias_correction, controls, gradient_descent, momentum  # noqa: E402
from adam_teach.optimizers import SGD, Adam, RMSprop  # noqa: E402
from notebook_support import defined_in_notebook, printed, read_notebook, stable  # noqa: E402

NAMES = ["00_start_here", "01_gradient_descent", "02_momentum", "03_adaptive_steps", "04_bias_correction"]
BOWL_START = np.array([-3.5, 1.2])


# --- helpers -------------------------------------------------------------------------------


def f(x):
    return x**3 - 2 * x**2 + 2


def df(x):
    return 3 * x**2 - 4 * x


def gd_path(x0, lr, steps, nudge=0.0):
    """Gradient descent on the cubic by hand, every gradient multiplied by (1 + nudge); stops
    at the first non-finite x, f or f'. Returns (path, step at which it diverged or None)."""
    x, path = np.float64(x0), [float(x0)]
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            x = x - lr * df(x) * (1 + nudge)
            if not (np.isfinite(x) and np.isfinite(f(x)) and np.isfinite(df(x))):
                return path, t
            path.append(float(x))
    return path, None


def outcome(x0, lr, steps):
    diverged_at = gd_path(x0, lr, steps)[1]
    assert all(gd_path(x0, lr, steps, d)[1] == diverged_at for d in (1e-10, -1e-10))
    if diverged_at:
        return f"ran off towards −∞ (diverged at step {diverged_at})"
    return f"after {steps} steps: x = {stable(lambda d: gd_path(x0, lr, steps, d)[0][-1], '.6f')}"


def bowl_grad(p):
    return np.array([p[0], 25 * p[1]])


def bowl_f(p):
    return (p[0] ** 2 + 25 * p[1] ** 2) / 2


def heavy_ball(grad, x0, lr, beta, steps, damped=False, nudge=0.0):
    x, m, path = np.array(x0, dtype=float), 0.0, [np.array(x0, dtype=float)]
    for _ in range(steps):
        m = beta * m + ((1 - beta) if damped else 1) * grad(x) * (1 + nudge)
        x = x - lr * m
        path.append(x)
    return np.array(path)


# --- 00 -----------------------------------------------------------------------------------


def test_00_cubic_facts():
    text = printed("00_start_here")
    assert f"f(1) = {stable(f(1.0), '.6f')}, f'(1) = {stable(df(1.0), '.6f')}" in text
    # stationary points: roots of f'(x) = x (3x − 4), classified by f''(x) = 6x − 4
    roots = sorted(np.roots([3, -4, 0]))
    assert roots == pytest.approx([0, 4 / 3])
    for x, kind in [(Fraction(0), "local maximum"), (Fraction(4, 3), "local minimum")]:
        assert df(x) == 0
        curvature = 6 * x - 4
        assert (curvature < 0) == (kind == "local maximum")
        assert (f"x = {str(x):>3}: f'(x) = 0, f''(x) = {str(curvature):>2}, "
                f"f(x) = {f(x)} ≈ {stable(float(f(x)), '.6f')}  ({kind})") in text
    assert f(Fraction(4, 3)) == Fraction(22, 27) and f(0) == 2
    for x in (-1, -10, -100, -1000):
        assert f"f({x:>5}) = {f(x):>14,}" in text
    assert [p.kind for p in objectives.cubic.stationary_points] == ["local maximum", "local minimum"]


# --- 01 -----------------------------------------------------------------------------------


def test_01_scratch_loop_equals_sgd_bit_for_bit():
    gradient_descent_loop = defined_in_notebook("01_gradient_descent", "gradient_descent")
    for x0, lr, steps in [(0.5, 0.1, 30), (2.0, 0.2, 50), (0.001, 0.05, 80)]:
        path = gradient_descent_loop(objectives.cubic.grad, x0=x0, learning_rate=lr, steps=steps)
        assert np.array_equal(path, run(SGD(lr), objectives.cubic, x0, steps).x)


def test_01_printed_numbers():
    text = printed("01_gradient_descent")
    path = lambda d: gd_path(0.5, 0.1, 30, d)[0]  # noqa: E731
    assert path(0)[1] == 0.625  # 0.5 − 0.1·(0.75 − 2), by hand
    assert path(0)[2] == 0.7578125  # 0.625 + 0.1·1.328125: printed with 7 decimals, not 6
    with pytest.raises(AssertionError, match="depends on its last bits"):
        stable(lambda d: path(d)[2], ".6f")  # what the notebook printed before: 0.757812 or 0.757813
    for t in (0, 1, 2, 3, 10, 30):
        assert (f"x_{t:<2} = {stable(lambda d: path(d)[t], '.7f')}   "
                f"f(x_{t}) = {stable(lambda d: f(path(d)[t]), '.7f')}") in text
    assert (f"final x = {stable(lambda d: path(d)[-1], '.7f')}, "
            f"final f = {stable(lambda d: f(path(d)[-1]), '.7f')}") in text
    assert "bit for bit: True" in text
    for name, rate in {"too small": 0.01, "good": 0.2, "too large": 0.55, "divergent": 0.8}.items():
        assert (f"{name:>9}: α = {rate:<4}  1 − 4α = {stable(1 - 4 * rate, '+.2f')}   "
                f"{outcome(0.5, rate, 30)}") in text
    bouncing = lambda d: gd_path(0.5, 0.55, 30, d)[0]  # noqa: E731
    assert "last four iterates: " + ", ".join(stable(lambda d: bouncing(d)[k], ".4f") for k in (-4, -3, -2, -1)) in text
    assert bouncing(0)[-1] == pytest.approx(bouncing(0)[-3]) and abs(bouncing(0)[-1] - bouncing(0)[-2]) > 0.5
    # the 2-cycle check: T(x) = x − α f'(x) and T'(x) = 1 − α (6x − 4) at the last two iterates
    T = lambda x, d: x - 0.55 * df(x) * (1 + d)  # noqa: E731
    slope = lambda x: 1 - 0.55 * (6 * x - 4)  # noqa: E731
    p, q = (lambda d: bouncing(d)[-2]), (lambda d: bouncing(d)[-1])
    assert (f"p = {stable(p, '.6f')}, T(p) = {stable(lambda d: T(p(d), d), '.6f')};   "
            f"q = {stable(q, '.6f')}, T(q) = {stable(lambda d: T(q(d), d), '.6f')}") in text
    assert (f"T'(p) = {stable(lambda d: slope(p(d)), '+.4f')}, T'(q) = {stable(lambda d: slope(q(d)), '+.4f')}, "
            f"product = {stable(lambda d: slope(p(d)) * slope(q(d)), '+.4f')}") in text
    for x0 in (-0.5, 0.0, 0.001, 0.5, 2.0, 4.6, 4.7):
        assert f"x₀ = {x0:>5}: {outcome(x0, 0.1, 100)}" in text


def test_01_basin_edge_is_where_the_first_step_crosses_zero():
    lr = 0.1
    edge = (1 + 4 * lr) / (3 * lr)
    assert edge == pytest.approx(14 / 3)
    assert gd_path(edge - 0.01, lr, 200)[0][-1] == pytest.approx(4 / 3)
    assert gd_path(edge + 0.01, lr, 200)[1] is not None
    ends = gradient_descent.end_points(lr, [-0.5, 0.0, 1.0, edge - 0.01, edge + 0.01], 200)
    assert ends[0] == -np.inf and ends[1] == 0 and ends[2] == pytest.approx(4 / 3)
    assert ends[3] == pytest.approx(4 / 3) and ends[4] == -np.inf


# --- 02 -----------------------------------------------------------------------------------


def test_02_moving_average_and_weights():
    text = printed("02_momentum")
    signal = 1.0 + np.random.default_rng(0).normal(0.0, 0.5, size=60)
    # m_t = Σ (1 − β) β^(t−i) g_i, the unrolled form
    unrolled = [sum(0.1 * 0.9 ** (t - i) * signal[i - 1] for i in range(1, t + 1)) for t in (1, 10, 60)]
    assert (f"m_1 = {stable(unrolled[0], '.6f')}, m_10 = {stable(unrolled[1], '.6f')}, "
            f"m_60 = {stable(unrolled[2], '.6f')}") in text
    moving_average = defined_in_notebook("02_momentum", "moving_average")
    assert np.allclose(moving_average(signal, 0.9)[[0, 9, 59]], unrolled, rtol=1e-12)
    assert "identical to adam_teach.averages.ema: True" in text
    for beta in (0.5, 0.9, 0.99, 0.999):
        total = sum((1 - beta) * beta**k for k in range(10))
        assert total == pytest.approx(1 - beta**10)
        assert (f"β = {beta:<5}  window 1/(1 − β) = {stable(1 / (1 - beta), '6.1f')}   "
                f"sum of the weights after 10 steps = {stable(total, '.6f')} = 1 − β¹⁰ = "
                f"{stable(1 - beta**10, '.6f')}") in text


def test_02_momentum_numbers():
    text = printed("02_momentum")
    for name, beta in [("gradient descent", 0.0), ("momentum β = 0.7", 0.7), ("momentum β = 0.9", 0.9)]:
        path = lambda d: heavy_ball(df, 0.1, 0.02, beta, 40, nudge=d)  # noqa: E731
        assert (f"{name:>16}: x after 40 steps = {stable(lambda d: path(d)[-1], '.6f')}, "
                f"largest x on the way = {stable(lambda d: path(d).max(), '.6f')}") in text
    gd = lambda d: bowl_f(heavy_ball(bowl_grad, BOWL_START, 0.06, 0.0, 40, nudge=d)[-1])  # noqa: E731
    assert f"gradient descent: f after 40 steps = {stable(gd, '.2e')}" in text
    finals = {}
    for beta in (0.5, 0.6, 0.7, 0.9):
        final = lambda d: bowl_f(heavy_ball(bowl_grad, BOWL_START, 0.06, beta, 40, nudge=d)[-1])  # noqa: E731
        finals[beta] = final(0)
        assert f"momentum β = {beta}: f after 40 steps = {stable(final, '.2e')}" in text
    assert min(finals, key=finals.get) == 0.6  # the prose says β ≈ 0.6 does best
    undamped = heavy_ball(bowl_grad, BOWL_START, 0.06, 0.7, 40)
    damped = heavy_ball(bowl_grad, BOWL_START, 0.06 / 0.3, 0.7, 40, damped=True)
    assert np.abs(undamped - damped).max() < 1e-12

    def final(damped, d):
        return bowl_f(heavy_ball(bowl_grad, BOWL_START, 0.06, 0.7, 40, damped=damped, nudge=d)[-1])

    same_alpha, undamped = (lambda d: final(True, d)), (lambda d: final(False, d))
    assert (f"damped with the same α: f after 40 steps = {stable(same_alpha, '.2e')} "
            f"(undamped: {stable(undamped, '.2e')})") in text


# --- 03 -----------------------------------------------------------------------------------


def test_03_rmsprop_step_equals_adam_teach():
    rmsprop_step = defined_in_notebook("03_adaptive_steps", "rmsprop_step")
    for lr, rho in [(0.3, 0.9), (0.05, 0.99)]:
        x, v, path = BOWL_START.copy(), np.zeros(2), [BOWL_START.copy()]
        for _ in range(40):
            x, v, _ = rmsprop_step(x, objectives.bowl.grad(x), v, learning_rate=lr, rho=rho)
            path.append(x)
        assert np.array_equal(np.array(path), run(RMSprop(lr, rho=rho), objectives.bowl, BOWL_START, 40).x)


def test_03_printed_numbers():
    text = printed("03_adaptive_steps")
    g = lambda d: bowl_grad(BOWL_START) * (1 + d)  # noqa: E731
    sizes = lambda d: 0.3 / np.sqrt(0.1 * g(d) ** 2 + 1e-7)  # noqa: E731
    update = lambda d: -sizes(d) * g(d)  # noqa: E731
    g1 = ", ".join(stable(lambda d: g(d)[k], ".1f") for k in (0, 1))
    sizes1 = ", ".join(stable(lambda d: sizes(d)[k], ".6f") for k in (0, 1))
    update1 = ", ".join(stable(lambda d: update(d)[k], ".6f") for k in (0, 1))
    assert f"g_1 = ({g1}), step sizes = ({sizes1}), update = ({update1})" in text
    assert abs(update(0)[0]) == pytest.approx(0.3 / math.sqrt(0.1), rel=1e-6)
    assert "identical to adam_teach's RMSprop, bit for bit: True" in text

    def sgd(d):
        x = BOWL_START.copy()
        for _ in range(40):
            x = x - 0.3 * bowl_grad(x) * (1 + d)
        return bowl_f(x)

    assert f"     SGD: f after 40 steps = {stable(sgd, '.2e')}" in text

    def adaptive(accumulate, s0, d):
        x, s = BOWL_START.copy(), np.full(2, s0)
        for _ in range(40):
            g = bowl_grad(x) * (1 + d)
            s = accumulate(s, g)
            size = 0.3 / np.sqrt(s + 1e-7)
            x = x - size * g
        return bowl_f(x), size[0] / size[1]

    for name, accumulate, s0 in [("Adagrad", lambda s, g: s + g * g, 0.1),
                                 ("RMSprop", lambda s, g: 0.9 * s + 0.1 * g * g, 0.0)]:
        loss = stable(lambda d: adaptive(accumulate, s0, d)[0], ".2e")
        ratio = stable(lambda d: adaptive(accumulate, s0, d)[1], ".2f")
        assert f"{name:>8}: f after 40 steps = {loss}, step size of x / step size of y at step 40 = {ratio}" in text
        assert float(ratio) > 1  # the flat direction gets the larger step


# --- 04 -----------------------------------------------------------------------------------


def test_04_constant_signal():
    text = printed("04_bias_correction")
    for t in (1, 2, 5, 10, 20, 50):
        m = 1 - 0.9**t  # closed form of the EMA of ones started at 0
        assert f"t = {t:>2}: m_t = {stable(m, '.6f')}   1 − β₁ᵗ = {stable(m, '.6f')}   m̂_t = {1:.6f}" in text
    assert "m̂_t equals adam_teach.averages.debiased_ema: True" in text


def test_04_expected_second_moment():
    text = printed("04_bias_correction")
    g = np.random.default_rng(42).normal(0.5, 1.0, size=(1000, 2000))
    v = np.zeros(2000)
    for t in range(1, 1001):
        v = 0.999 * v + 0.001 * g[t - 1] ** 2
        if t in (1, 10, 100, 1000):
            expected = 1.25 * (1 - 0.999**t)
            mean_v, mean_v_hat = v.mean(), (v / (1 - 0.999**t)).mean()
            assert (f"{t:>5}   {stable(mean_v, '.5f')}    {stable(expected, '.5f')}          "
                    f"{stable(mean_v_hat, '.4f')}") in text
            assert mean_v == pytest.approx(expected, rel=0.05)  # the paper's §3 claim


def test_04_relative_steps_closed_forms():
    text = printed("04_bias_correction")
    eps = 1e-8

    def closed(t, correct_m, correct_v):
        m = 1.0 if correct_m else 1 - 0.9**t
        v = 1.0 if correct_v else 1 - 0.999**t
        return m / (math.sqrt(v) + eps)

    for name, (cm, cv) in bias_correction.VARIANTS.items():
        values = [closed(t, cm, cv) for t in (1, 10, 100, 1000)]
        assert f"{name:>22}: " + "  ".join(stable(s, "9.6f") for s in values) in text
        assert np.allclose(bias_correction.relative_steps(0.9, 0.999, 1000)[name][[0, 9, 99, 999]], values)
    peak = max(closed(t, False, False) for t in range(1, 5000))
    assert round(peak, 1) == 6.6  # "up to about 6.6 times"
    # the article's start on the cubic, α = 0.05, ε = 1e-7
    for name, (cm, cv) in bias_correction.VARIANTS.items():
        def x_1(d):
            g = df(0.001) * (1 + d)
            m = g if cm else 0.1 * g
            v = g * g if cv else 0.001 * g * g
            return 0.001 - 0.05 * m / (math.sqrt(v) + 1e-7)

        assert f"{name:>22}: x_1 = x_0 − update = {stable(x_1, '.6f')}" in text


def test_04_adam_updates_equal_algorithm_1():
    """With both corrections, adam_updates is what adam_teach's Adam does for the same gradients."""
    gradients = np.random.default_rng(3).normal(size=(25, 2))
    adam = Adam(0.01)
    x, state, updates = np.zeros(2), adam.init(np.zeros(2)), []
    for g in gradients:
        x, state, info = adam.step(x, g, state)
        updates.append(info["update"])
    np.testing.assert_allclose(bias_correction.adam_updates(gradients, 0.01), updates, rtol=1e-12)


# --- the slider callbacks -----------------------------------------------------------------

CALLBACKS = [
    (gradient_descent.draw_gradient_descent, {}),
    (gradient_descent.draw_gradient_descent, {"learning_rate": 0.8, "x0": 0.5}),
    (gradient_descent.draw_gradient_descent, {"learning_rate": 0.1, "x0": -0.5}),
    (gradient_descent.compare_learning_rates, {"rates": {"a": 0.01, "b": 0.8}}),
    (gradient_descent.plot_basin, {"num": 15}),
    (momentum.draw_momentum, {}),
    (momentum.draw_momentum, {"beta": 0.0}),
    (momentum.plot_ema_weights, {}),
    (momentum.plot_smoothing, {"values": np.arange(10.0)}),
    (momentum.compare_on_cubic, {}),
    (adaptive.draw_adaptive, {}),
    (adaptive.draw_adaptive, {"learning_rate": 1.0, "rho": 0.5}),
    (bias_correction.draw_bias_correction, {}),
    (bias_correction.draw_bias_correction, {"beta_2": 0.9, "beta_1": 0.0}),
    (bias_correction.plot_expected_v, {"mean_v": np.ones(5), "mean_v_hat": np.ones(5), "mean_g2": 1.0,
                                       "beta_2": 0.9}),
]


@pytest.mark.parametrize("callback, kwargs", CALLBACKS,
                         ids=[f"{c.__name__}-{i}" for i, (c, _) in enumerate(CALLBACKS)])
def test_callbacks_draw_one_labelled_figure(callback, kwargs, monkeypatch):
    """A static figure is shown with pyplot; a slider's figure (draw_*) is drawn outside
    pyplot, redrawn in place, and returned with its PNG bytes."""
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(plt.gcf()))
    plt.close("all")
    drawn = callback(**kwargs)
    if callback.__name__.startswith("draw_"):
        figure, png = drawn
        assert shown == [] and plt.get_fignums() == [] and png.startswith(b"\x89PNG")
    else:
        figure, = shown
        assert plt.get_fignums() == [figure.number]
    for ax in figure.axes:
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel(), ax
        labelled = [lbl for lbl in ax.get_legend_handles_labels()[1] if not lbl.startswith("_")]
        if len(labelled) > 1:
            assert ax.get_legend() is not None, ax.get_title()
    plt.close("all")



# the explorers at their defaults and at the corners of their sliders' ranges
EXTREMES = [
    (gradient_descent.draw_gradient_descent, [{}, dict(learning_rate=0.01, x0=-0.5), dict(learning_rate=0.9, x0=5.0),
                                              dict(learning_rate=0.9, x0=-0.5), dict(learning_rate=0.01, x0=5.0)]),
    (momentum.draw_momentum, [{}, dict(beta=0.0), dict(beta=0.6), dict(beta=0.95)]),
    (adaptive.draw_adaptive, [{}, dict(learning_rate=0.01, rho=0.5), dict(learning_rate=0.01, rho=0.99),
                              dict(learning_rate=1.0, rho=0.5), dict(learning_rate=1.0, rho=0.99)]),
    (bias_correction.draw_bias_correction, [{}, dict(beta_2=0.9, beta_1=0.0), dict(beta_2=0.9, beta_1=0.99),
                                            dict(beta_2=0.9999, beta_1=0.0), dict(beta_2=0.9999, beta_1=0.99)]),
]


@pytest.mark.parametrize("draw, settings", EXTREMES, ids=[d.__name__ for d, _ in EXTREMES])
def test_explorer_figures_are_legible_at_every_extreme(draw, settings):
    """The audit finds nothing (notebook width, 10-pt text, labelled axes, lines that differ
    in more than colour), and every log-scale axis holds all of its lines' data: its fixed
    range covers the sliders' range."""
    for kwargs in settings:
        figure, png = draw(**kwargs)
        assert figure_audit.problems(figure) == [], kwargs
        assert figure.get_figwidth() == pytest.approx(figure_audit.NOTEBOOK_WIDTH)
        for ax in figure.axes:
            if ax.get_yscale() != "log":
                continue
            low, high = ax.get_ylim()
            values = np.concatenate([line.get_ydata() for line in ax.get_lines()])
            assert low <= values.min() and values.max() <= high and high / low < 1e11, (kwargs, ax.get_title())


def test_explorer_titles_read_slider_values_as_the_sliders_do():
    """A slider's value in a title is written as the slider's readout writes it."""
    # 01's α slider reads out 3 significant digits (d3's ".3g": "0.100"), its x₀ slider 2 decimals.
    assert controls.slider("α", 0.1, 0.01, 0.9, 0.01, significant=3).readout_format == ".3g"
    assert controls.slider("x₀", 0.5, -0.5, 5.0, 0.05).readout_format == ".2f"
    figure, _ = gradient_descent.draw_gradient_descent(learning_rate=0.1, x0=0.5)
    assert figure.axes[0].get_title() == f"α = {controls.readout(0.1)}, x₀ = {0.5:.2f}" == "α = 0.100, x₀ = 0.50"
    figure, _ = momentum.draw_momentum(beta=0.7)
    assert figure.axes[0].get_title().endswith("β = 0.70")
    alpha = 10**-1.5  # a log slider's value
    figure, _ = adaptive.draw_adaptive(learning_rate=alpha, rho=0.9)
    assert f"α = {controls.readout(alpha)}, RMSprop ρ = 0.90" in figure.axes[0].get_title()
    assert "α = 0.0316," in figure.axes[0].get_title()
    figure, _ = bias_correction.draw_bias_correction(beta_2=0.9999, beta_1=0.9)
    assert figure.axes[0].get_title().endswith("β₁ = 0.90, β₂ = 0.9999")


def test_optimiser_lines_have_the_optimisers_styles():
    """A line that stands for an optimiser looks the same in every figure."""
    def look(line):
        return line.get_color(), line.get_marker()
    for draw, names in [(momentum.draw_momentum, ["SGD", "Momentum"]), (adaptive.draw_adaptive, ["Adagrad", "RMSprop"])]:
        figure, _ = draw()
        paths = [line for line in figure.axes[0].get_lines() if not line.get_label().startswith("_")]
        assert [look(line) for line in paths] == [
            (plotting.optimizer_style(name)["color"], plotting.optimizer_style(name)["marker"]) for name in names]
    figure, _ = bias_correction.draw_bias_correction()
    adam = figure.axes[1].get_lines()[0]
    assert adam.get_label() == "both corrected (Adam)" and look(adam) == (
        plotting.optimizer_style("Adam")["color"], plotting.optimizer_style("Adam")["marker"])

# --- conventions --------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_notebook_conventions(name):
    nb = read_notebook(name)
    assert nb.metadata.kernelspec.name == "python3"
    sources = [c.source for c in nb.cells]
    assert "Estimated time" in sources[0] and "Prerequisites" in sources[0]
    assert "Check your understanding" in sources[-1] and "<details>" in sources[-1]
    text = nbformat.writes(nb)
    text = re.sub(r'"image/png": "[^"]*"', "", text)  # base64 may spell anything
    assert not re.search(r"/(work|root|tmp|home)/", text), "an absolute path of this machine is stored"
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, "the notebook is committed executed, with outputs"
        for out in cell.outputs:
            assert out.output_type != "error" and out.get("name") != "stderr", cell.source[:60]
        assert "interact(" not in cell.source, "explorers are controls.explore widgets"
        if "controls.explore(" in cell.source:
            assert cell.source.startswith("# NBVAL_IGNORE_OUTPUT\n# "), \
                "widget cells ignore their output and say why"
            assert "while you drag" in cell.source
            output, = cell.outputs  # the cell's value is the widget
            assert "application/vnd.jupyter.widget-view+json" in output.data
            assert output.data["text/plain"].startswith("Explorer(")
        elif "explore_" in cell.source:  # the same figure, validated, with its defaults
            assert "NBVAL" not in cell.source
    if name != "00_start_here":
        assert sum("controls.explore(" in s for s in sources) == 1, "notebooks 01-04 have sliders"
