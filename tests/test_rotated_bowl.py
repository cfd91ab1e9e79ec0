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


# --- by hand: the two bowls, the four optimisers, the measurement -----------------------------

import re  # noqa: E402
from types import SimpleNamespace  # noqa: E402

from notebook_support import hand_adam, printed, read_notebook, stable  # noqa: E402
from test_notebooks_05_09 import hand_paths  # noqa: E402

NOTEBOOK = "07_beyond_the_cubic"
C = S = np.sqrt(0.5)  # cos 45°, sin 45°
TURN = np.array([[C, -S], [S, C]])


def hand_bowl(kappa, turned):
    """(x² + κy²)/2, or that bowl turned by 45° (Hessian R diag(1, κ) Rᵀ), as f and grad."""
    h = TURN @ np.diag([1.0, kappa]) @ TURN.T if turned else np.diag([1.0, kappa])
    return SimpleNamespace(h=h, f=lambda p: 0.5 * np.einsum("...i,ij,...j->...", p, h, p), grad=lambda p: p @ h)


ALIGNED_START = (-3.5, 1.2)
TURNED_START = (C * -3.5 - S * 1.2, S * -3.5 + C * 1.2)
RATES = {"SGD": 0.03, "Momentum": 0.03, "RMSprop": 0.1, "Adam": 0.1}
GRID = 10 ** (np.arange(-12, 5) / 4)  # 10⁻³ … 10¹ in quarter decades


def circle(count=16, radius=3.0):
    angles = (np.arange(count) + 0.5) * 2 * np.pi / count
    return radius * np.column_stack([np.cos(angles), np.sin(angles)])


def hand_counts(name, h, starts, alphas, tolerance=1e-6, max_steps=3000, diverged=1e12):
    """For each α, the first step by which more than half of the runs from `starts` have
    reached f < tolerance (inf if not within max_steps): every α and start at once."""
    a = np.asarray(alphas, float)[:, None, None]
    x = np.broadcast_to(np.asarray(starts, float), (len(a),) + np.shape(starts)).copy()
    m, v = np.zeros_like(x), np.zeros_like(x)
    f = lambda x: 0.5 * np.einsum("asi,ij,asj->as", x, h, x)  # noqa: E731
    first = np.where(f(x) < tolerance, 0.0, np.inf)
    needed = len(starts) // 2 + 1
    with np.errstate(all="ignore"):
        for t in range(1, max_steps + 1):
            g = x @ h
            if name == "SGD":
                x = x - a * g
            elif name == "Momentum":
                m = 0.9 * m + g
                x = x - a * m
            else:  # Adam, Algorithm 1
                m = 0.9 * m + 0.1 * g
                v = 0.999 * v + 0.001 * g * g
                x = x - a * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
            fx = f(x)
            x[~(fx < diverged)] = np.nan  # diverged: never reaches
            first[np.isinf(first) & (fx < tolerance)] = t
            if np.all(np.sort(first, axis=1)[:, needed - 1] < np.inf):
                break
    return np.sort(first, axis=1)[:, needed - 1]


def hand_best(name, h, starts=None, grid=GRID):
    """(fewest steps, the smallest α that needs them)."""
    counts = hand_counts(name, h, circle() if starts is None else starts, grid)
    return counts.min(), grid[int(np.flatnonzero(counts == counts.min())[0])]


@pytest.fixture(scope="module")
def table():
    """(κ, turned) -> name -> (steps, α), measured by hand as notebook 07 describes it."""
    return {(kappa, turned): {name: hand_best(name, hand_bowl(kappa, turned).h) for name in ("SGD", "Momentum", "Adam")}
            for kappa in (25.0, 400.0) for turned in (False, True)}


def prose():
    text = "\n".join(c.source for c in read_notebook(NOTEBOOK).cells if c.cell_type == "markdown")
    return re.sub(r"\s+", " ", text)


def says(*fragments):
    text = prose()
    for fragment in fragments:
        assert re.sub(r"\s+", " ", fragment) in text, f"notebook 07 does not say {fragment!r}"


# --- what notebook 07 prints ------------------------------------------------------------------


def test_07_prints_the_rotated_surface():
    start = f"({stable(TURNED_START[0], '.4g')}, {stable(TURNED_START[1], '.4g')})"
    assert start == "(-3.323, -1.626)"
    assert (f"rotated bowl          start {start}, 60 steps, learning rates {RATES}\n") in printed(NOTEBOOK)
    says("the aligned bowl's start turned with it, $(-3.323, -1.626)$")


def test_07_prints_the_paths_on_the_rotated_bowl_and_says_what_changes():
    text = printed(NOTEBOOK)
    aligned = hand_paths(hand_bowl(25.0, False), ALIGNED_START, 60, RATES)
    turned = hand_paths(hand_bowl(25.0, True), TURNED_START, 60, RATES)
    for name, (x, f, diverged) in turned.items():
        assert not diverged
        end = f"({stable(x[0], '7.3f')}, {stable(x[1], '7.3f')}), f = {stable(f, '9.4f')}"
        line = f"{name:9s} α = {RATES[name]:<6g} ends at {end}"
        assert line in text, line
    for name in ("SGD", "Momentum"):  # the aligned path turned: the same f, the end turned
        assert turned[name][1] == pytest.approx(aligned[name][1], rel=1e-12)
        np.testing.assert_allclose(turned[name][0], TURN @ aligned[name][0], atol=1e-12)
    says(f"SGD and momentum end at the same $f$ as on the aligned bowl (${aligned['SGD'][1]:.4f}$ and "
         f"${aligned['Momentum'][1]:.4f}$)",
         f"Adam now ends at $f = {turned['Adam'][1]:.4f}$ instead of ${aligned['Adam'][1]:.4f}$",
         f"RMSprop at ${turned['RMSprop'][1]:.4f}$ instead of ${aligned['RMSprop'][1]:.4f}$")
    x, y = turned["Adam"][0]  # "still far out along the flat diagonal"
    assert abs(x - y) < 0.01 and min(abs(x), abs(y)) > 1


def hand_root_v(grad, start, steps, lr=0.1):
    """√v̂_t (t = 1..steps) of Adam by hand."""
    x, m, v, roots = np.array(start, float), np.zeros(2), np.zeros(2), []
    for t in range(1, steps + 1):
        g = grad(x)
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        roots.append(np.sqrt(v / (1 - 0.999**t)))
        x = x - lr * (m / (1 - 0.9**t)) / (roots[-1] + 1e-8)
    return np.array(roots)


def test_07_prints_root_v_per_coordinate_and_says_why():
    text = printed(NOTEBOOK)
    ratios = {}
    for surface, bowl, start in [("ill-conditioned bowl", hand_bowl(25.0, False), ALIGNED_START),
                                 ("rotated bowl", hand_bowl(25.0, True), TURNED_START)]:
        roots = hand_root_v(bowl.grad, start, 60)
        ratios[surface] = roots[:, 1] / roots[:, 0]
        for t in (1, 60):
            r = roots[t - 1]
            line = (f"{surface:21s} t = {t:2d}: √v̂ = ({stable(r[0], '5.2f')}, {stable(r[1], '5.2f')}), "
                    f"y / x = {stable(r[1] / r[0], '.2f')}")
            assert line in text, line
    aligned, turned = ratios["ill-conditioned bowl"], ratios["rotated bowl"]
    assert aligned.min() > 4  # "several times x's", at every step
    assert np.all((turned > 0.7) & (turned < 1 / 0.7))  # "close", at every step
    says(f"(${aligned[0]:.2f}$ times at the first step, ${aligned[59]:.2f}$ times at step 60)",
         f"their $\\sqrt{{\\hat v}}$ are close (${turned[0]:.2f}$ and ${turned[59]:.2f}$)",
         "one learning rate for both, as SGD has")


def test_07_prints_the_step_counts(table):
    text = printed(NOTEBOOK)
    assert "steps until 9 of the 16 runs reach f < 1e-06, each optimiser at its best α of the grid\n" in text
    for (kappa, turned), runs in table.items():
        cells = "".join(f"{f'{int(steps)} (α {alpha:.2g})':>20s}" for steps, alpha in runs.values())
        line = f"κ = {kappa:<4g} {('rotated 45°' if turned else 'aligned'):11s}" + cells
        assert line + "\n" in text, line


def test_07_step_count_claims(table):
    steps = {key: {name: run[0] for name, run in runs.items()} for key, runs in table.items()}
    for kappa in (25.0, 400.0):  # SGD and momentum do not see the axes
        for name in ("SGD", "Momentum"):
            assert table[kappa, False][name] == table[kappa, True][name]
    says("SGD and momentum need exactly as many steps on the turned bowls as on the aligned ones")
    small, large = {t: steps[25.0, t] for t in (False, True)}, {t: steps[400.0, t] for t in (False, True)}
    assert small[True]["Adam"] > small[False]["Adam"]
    says(f"the turn costs Adam {small[True]['Adam'] - small[False]['Adam']:.0f} steps "
         f"({small[False]['Adam']:.0f} aligned, {small[True]['Adam']:.0f} turned)")
    for turned in (False, True):
        assert min(small[turned], key=small[turned].get) == "Momentum"
    says(f"momentum gets there first on both bowls ({small[False]['Momentum']:.0f} steps)")
    assert large[False]["Adam"] < 1.1 * small[False]["Adam"]
    assert min(large[False], key=large[False].get) == "Adam"
    says(f"Adam needs {large[False]['Adam']:.0f} steps, hardly more than at $\\kappa = 25$",
         f"SGD needs {large[False]['SGD'] / small[False]['SGD']:.0f} times as many steps as at $\\kappa = 25$ "
         f"({large[False]['SGD']:.0f}), momentum {large[False]['Momentum']:.0f}. Adam is the fastest of the three.")
    assert large[True]["Adam"] > large[True]["Momentum"]
    says(f"Turned, the $\\kappa = 400$ bowl takes Adam {large[True]['Adam']:.0f} steps, more than momentum's "
         f"{large[True]['Momentum']:.0f}: its lead is gone.",
         f"({large[True]['Adam']:.0f} steps against {large[True]['Momentum']:.0f}; "
         f"{large[False]['Adam']:.0f} on the aligned bowl)",
         f"the turn takes Adam from {large[False]['Adam']:.0f} to {large[True]['Adam']:.0f} steps")
    alphas = [run[1] for runs in table.values() for run in runs.values()]
    assert GRID[0] < min(alphas) and max(alphas) < GRID[-1]
    adam = sorted(runs["Adam"][1] for runs in table.values())
    says("Every best $\\alpha$ lies inside the grid, not at its ends",
         f"Adam's are large (${adam[0]:.2g}$ to ${adam[-1]:.2g}$ on a bowl of radius 3)")


def test_07_a_large_alpha_meets_large_gradients_first_and_takes_short_steps_after():
    """Adam at its best α on the turned κ = 400 bowl: √v̂ keeps what the first steps met."""
    bowl = hand_bowl(400.0, True)
    alpha = 10**0.5  # 3.2
    steps = np.abs(np.diff(hand_adam(bowl.grad, circle()[0], 200, alpha), axis=0))
    assert steps[:5].max() > 1 and steps[100:].max() < 0.1 * alpha
    says("$\\sqrt{\\hat v}$ remembers the large gradients of the first steps, which keeps the later steps short")


def test_07_the_conclusions_do_not_hang_on_the_set_of_starts():
    """32 starts on the circle, and 16 on a circle of radius 2: the same conclusions."""
    for starts in (circle(32), circle(16, 2.0)):
        best = {(kappa, turned): {name: hand_best(name, hand_bowl(kappa, turned).h, starts)[0]
                                  for name in ("Momentum", "Adam")}
                for kappa in (25.0, 400.0) for turned in (False, True)}
        assert best[400.0, False]["Adam"] < 1.25 * best[25.0, False]["Adam"]
        assert best[400.0, True]["Adam"] > 1.5 * best[400.0, False]["Adam"]
        assert best[400.0, True]["Adam"] > best[400.0, True]["Momentum"] > best[400.0, False]["Adam"]
        assert best[25.0, False]["Momentum"] < best[25.0, False]["Adam"] <= best[25.0, True]["Adam"]


def test_07_says_the_grid_and_the_starts_it_uses():
    from adam_teach.explorers import compare

    np.testing.assert_allclose(compare.LEARNING_RATE_GRID, GRID, rtol=1e-15)
    np.testing.assert_allclose(compare.CIRCLE_STARTS, circle(), atol=1e-15)
    turned = {tuple(np.round(p, 12)) for p in circle() @ TURN.T}
    assert turned == {tuple(np.round(p, 12)) for p in circle()}  # the same set of starts
    says("16 starts evenly spread on the circle of radius 3", "$(k + \\frac{1}{2}) \\cdot 22.5°$",
         "$10^{-3}, 10^{-2.75}, \\dots, 10^{1}$ (17 values, the same for all)",
         "until 9 of the 16 runs (more than half: the median run) have reached $f < 10^{-6}$")


# --- the 2-D Adam explorer --------------------------------------------------------------------

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from adam_teach import figure_audit  # noqa: E402
from adam_teach.explorers import adam_2d  # noqa: E402
from explorer_support import full_draw, kernel_like, png_pixels  # noqa: E402, F401

WIDGET = "07_beyond_the_cubic:draw_adam_2d"
EXPLORER_SETTINGS = [
    {}, dict(surface="rotated bowl"), dict(surface="rotated bowl", x0=-3.3, y0=-1.6, learning_rate=0.3),
    dict(surface="Rosenbrock", x0=-1.5, y0=2.5, steps=300), dict(surface="saddle", x0=1.8, y0=0.0, steps=60),
    dict(y0=0.0), dict(epsilon=1.0, beta_1=0.0, beta_2=0.9), dict(steps=1), dict(learning_rate=0.001, steps=300)]
HAND_BOWLS = {"bowl": hand_bowl(25.0, False), "rotated bowl": hand_bowl(25.0, True)}


def hand_internals(grad, start, steps, lr=0.1, b1=0.9, b2=0.999, eps=1e-8):
    """Adam by hand: the path and, for t = 1..steps, g_t, m̂_t, √v̂_t and the step Δ_t."""
    x, m, v = np.array(start, float), np.zeros(2), np.zeros(2)
    path, rows = [x], []
    for t in range(1, steps + 1):
        g = grad(x)
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        m_hat, root_v = m / (1 - b1**t), np.sqrt(v / (1 - b2**t))
        step = lr * m_hat / (root_v + eps)
        rows.append((g, m_hat, root_v, step))
        x = x - step
        path.append(x)
    return np.array(path), [np.array(column) for column in zip(*rows)]


@pytest.mark.parametrize("settings", EXPLORER_SETTINGS[:3] + EXPLORER_SETTINGS[5:])
def test_explorer_draws_the_run_and_each_coordinates_internals(settings):
    values = {**adam_2d.DEFAULTS, **settings}
    fig, png = adam_2d.draw_adam_2d(**values)
    assert png_pixels(png).shape == (825, 1804, 3)  # 9.4 × 4.3 inches at 192 dpi (2 × 96)
    assert figure_audit.problems(fig) == []
    axes = fig.get_axes()
    assert len(axes) == 3
    for ax in axes:
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert axes[0].get_legend() is not None and axes[1].get_legend() is not None  # x's is y's too
    path, internals = hand_internals(HAND_BOWLS[values["surface"]].grad, (values["x0"], values["y0"]),
                                     values["steps"], values["learning_rate"], values["beta_1"],
                                     values["beta_2"], values["epsilon"])
    (drawn_path,) = [line for line in axes[0].get_lines() if line.get_label() == "Adam path"]
    np.testing.assert_allclose(np.column_stack(drawn_path.get_data()), path, rtol=1e-9, atol=1e-12)
    for coordinate, ax in enumerate(axes[1:]):
        for line, value in zip(ax.get_lines(), internals):
            np.testing.assert_array_equal(line.get_xdata(), np.arange(1, values["steps"] + 1))
            expected = np.maximum(np.abs(value[:, coordinate]), adam_2d.SMALLEST)
            np.testing.assert_allclose(line.get_ydata(), expected, rtol=1e-9, atol=1e-15)
        assert ax.get_ylim() == axes[1].get_ylim()  # one scale for both coordinates
    f = HAND_BOWLS[values["surface"]].f(path[-1])
    assert fig.get_suptitle().endswith(f"f = {f:.2g} after {values['steps']} steps")
    assert "Compare the two coordinates" in [text.get_text() for text in fig.texts][-1]


def test_explorer_png_is_the_figure_drawn_from_scratch():
    """Each update redraws only what changed over kept pixels: the PNG must still be the
    figure matplotlib draws from scratch, in any order of updates (below the suptitle,
    which savefig leaves out)."""
    for settings in EXPLORER_SETTINGS + EXPLORER_SETTINGS[::-1]:
        fig, png = adam_2d.draw_adam_2d(**{**adam_2d.DEFAULTS, **settings})
        below_title = slice(50, None)
        differ = np.any(png_pixels(png)[below_title] != full_draw(fig)[below_title], axis=-1)
        assert differ.mean() < 0.002, (settings, differ.mean())


def test_explorer_in_its_widget_shows_one_new_png_per_update_and_no_pyplot_figure(kernel_like):
    """What the kernel does when a slider moves: notebook 07's own explorer for this figure
    redraws, with the inline backend."""
    widget = kernel_like.slider_widget(WIDGET)
    assert list(widget.controls) == list(adam_2d.DEFAULTS)
    epsilon = widget.controls["epsilon"]
    assert epsilon.readout_format == ".1e" and epsilon.continuous_update is True
    pngs = []
    for settings in kernel_like.slider_settings(widget, 4, seed=2):
        widget.set_values(**settings)
        pngs.append(widget.image.value)
        assert pngs[-1] == adam_2d.draw_adam_2d(**settings)[1]
        assert plt.get_fignums() == []
    assert len(set(pngs)) == len(pngs)


def test_the_slider_benchmark_times_this_explorer(kernel_like):
    wall, cpu, compute, size = kernel_like.time_slider(WIDGET, count=3)
    assert 0 < compute < wall and cpu > 0 and size > 10_000


def test_explorer_rejects_bad_values():
    with pytest.raises(ValueError, match="surface must be one of"):
        adam_2d.adam_2d_trace(surface="banana")
    with pytest.raises(ValueError, match="start must be finite"):
        adam_2d.adam_2d_trace(x0=float("nan"))
    with pytest.raises(ValueError, match="beta_1"):
        adam_2d.explore_adam_2d(beta_1=1.0)


# --- what notebook 07 says about the explorer ---------------------------------------------------


def test_07_explorer_things_to_try():
    aligned, turned = HAND_BOWLS["bowl"], HAND_BOWLS["rotated bowl"]
    path_a, (_, _, root_a, _) = hand_internals(aligned.grad, (-3.5, 1.2), 100)
    path_t, (_, _, root_t, _) = hand_internals(turned.grad, (-3.3, -1.6), 100)
    assert np.allclose(TURN @ [-3.5, 1.2], [-3.3, -1.6], atol=0.03)  # the default start, turned
    ratio_a, ratio_t = root_a[:, 1] / root_a[:, 0], root_t[:, 1] / root_t[:, 0]
    assert ratio_a.min() > 4 and np.all(np.abs(np.log(ratio_t)) < np.log(1.5))  # "come together"
    says(f"after 100 steps $f$ is ${stable(turned.f(path_t[-1]), '.2g')}$ instead of "
         f"${stable(aligned.f(path_a[-1]), '.2g')}$")
    path, (g, m_hat, root_v, step) = hand_internals(aligned.grad, (-3.5, 0.0), 100)
    assert np.all(path[:, 1] == 0) and not np.any(g[:, 1]) and not np.any(m_hat[:, 1])
    assert not np.any(root_v[:, 1]) and not np.any(step[:, 1])
    says("$y$'s gradient is 0 at every step", "$y$ never moves")
    _, (_, _, root_v, _) = hand_internals(aligned.grad, (-3.5, 1.2), 100, eps=1.0)
    assert np.all(root_v[:, 0] < root_v[:, 1])  # so √v̂/(√v̂ + 1) shortens x's step more
    says("$\\epsilon = 1$ shortens $x$'s steps, whose $\\sqrt{\\hat v}$ is the smaller, more than $y$'s")
    trace = adam_2d.adam_2d_trace(beta_1=0.0)
    np.testing.assert_array_equal(trace.m_hat, trace.grad[:-1])
    says("Set $\\beta_1 = 0$: $\\hat m_t = g_t$")


def test_07_in_the_comparison_widget_the_rotated_bowl_turns_sgd_and_momentum_only():
    """At any one α the widget may set (here its default 0.01 and 0.05, 300 steps)."""
    for alpha in (0.01, 0.05):
        rates = dict.fromkeys(("SGD", "Momentum", "RMSprop", "Adam"), alpha)
        aligned = hand_paths(hand_bowl(25.0, False), ALIGNED_START, 300, rates)
        turned = hand_paths(hand_bowl(25.0, True), TURNED_START, 300, rates)
        for name in ("SGD", "Momentum"):
            np.testing.assert_allclose(turned[name][0], TURN @ aligned[name][0], atol=1e-9)
        for name in ("RMSprop", "Adam"):
            assert np.max(np.abs(turned[name][0] - TURN @ aligned[name][0])) > 0.01
    says("Choose the rotated bowl, without noise: SGD's and momentum's paths are the aligned ones turned "
         "by 45°; RMSprop's and Adam's are not.")


def test_the_measurement_rejects_bad_input():
    from adam_teach.explorers import compare
    from adam_teach.optimizers import SGD

    with pytest.raises(ValueError, match="starts must be a non-empty array of points, one per row"):
        compare.steps_until_most_reach(SGD(0.1), ROTATED, (1.0, 2.0))
    with pytest.raises(ValueError, match="tolerance must be a finite number > 0"):
        compare.steps_until_most_reach(SGD(0.1), ROTATED, circle(), tolerance=0)
    with pytest.raises(ValueError, match="optimizer must be one of"):
        compare.best_learning_rate("LBFGS", ROTATED)
    assert compare.steps_until_most_reach(SGD(1.0), ROTATED, circle(), max_steps=50) == np.inf  # diverges
    assert compare.steps_until_most_reach(SGD(0.01), ROTATED, circle() * 1e-5) == 0  # already there


# --- the comparison explorer's runs -------------------------------------------------------------


@pytest.mark.parametrize("surface", ["Rosenbrock", "saddle", "ill-conditioned bowl", "rotated bowl"])
def test_the_comparison_explorers_runs_are_run_paths_runs_bit_for_bit(surface):
    """compare.explorer_run (stepped in plain floats, the finite check made at the end) and the first
    steps of a kept run (the steps slider moved down) are the runs run_paths makes, diverged
    ones included."""
    from adam_teach.explorers import compare

    diverged = 0
    for name in compare.OPTIMIZERS:
        for learning_rate, noise in [(1e-4, 0.0), (0.01, 1.5), (0.1, 0.0), (3.0, 0.5), (1.0, 3.0), (0.05, 0.1)]:
            lean = compare.explorer_run(surface, name, learning_rate, noise, 200)
            for steps in (0, 7, 200):
                full = compare.run_paths(surface, {name: learning_rate}, noise, steps=steps)[name]
                shown = compare.first_steps(lean, steps)
                assert shown.diverged == full.diverged and shown.steps == full.steps
                for field in ("x", "f", "grad"):
                    np.testing.assert_array_equal(getattr(shown, field), getattr(full, field), strict=True)
            diverged += lean.diverged
    assert diverged > 0  # α = 3 throws SGD and momentum out


def test_float_runs_refuse_an_optimiser_they_do_not_step_as_run_does():
    """float_runs knows the four optimisers of the comparison, float64, in their default forms;
    anything else (float32, Keras's ε̂, AMSGrad, damped momentum, a subclass) is refused."""
    from adam_teach.explorers import float_runs
    from adam_teach.optimizers import SGD, Adam, AdamW, Momentum

    for optimizer in (Adam(0.1, dtype="float32"), Adam(0.1, epsilon_hat=True), Adam(0.1, amsgrad=True),
                      Momentum(0.1, damped=True), AdamW(0.1)):
        with pytest.raises(ValueError, match="float_runs steps"):
            float_runs.coordinate_update(optimizer)
    update, state = float_runs.coordinate_update(SGD(0.5))
    assert update(1.0, 2.0, state, 1) == (0.0, None)
