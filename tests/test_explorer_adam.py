"""The slider callbacks of notebooks 05–09: each draws one labelled figure, computes what a
hand-written loop computes, and rejects bad input with a clear message."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from adam_teach.explorers import adam as adam_explorer  # noqa: E402
from adam_teach.explorers import compare, epsilon, training  # noqa: E402

from adam_teach import display, figure_audit  # noqa: E402

from explorer_support import full_draw, kernel_like, png_pixels  # noqa: E402, F401
from notebook_support import cubic_grad, hand_adam  # noqa: E402


def assert_labelled(fig, n_axes):
    axes = fig.get_axes()
    assert len(axes) == n_axes
    for ax in axes:
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
        if len([line for line in ax.get_lines() if not line.get_label().startswith("_")]) > 1:
            assert ax.get_legend() is not None


ADAM_SETTINGS = [
    {}, dict(learning_rate=0.3, beta_1=0.0, beta_2=0.9, epsilon=1e-3, x0=2.0, steps=40),
    dict(x0=-0.9, steps=300), dict(x0=0.0), dict(beta_1=0.5), dict(steps=1)]
# the ends of the notebook's sliders, alone and together
ADAM_EXTREMES = [
    dict(learning_rate=1e-3), dict(learning_rate=1.0), dict(steps=1), dict(steps=500), dict(epsilon=1e-10),
    dict(epsilon=1.0), dict(x0=-1.0), dict(x0=2.5), dict(beta_1=0.0, beta_2=0.9), dict(beta_1=0.99, beta_2=0.9999),
    dict(learning_rate=1.0, x0=-1.0, steps=500), dict(learning_rate=1e-3, x0=2.5, steps=1, epsilon=1.0),
    dict(learning_rate=1.0, x0=2.5, steps=500, epsilon=1e-10, beta_1=0.99)]
EPSILON_EXTREMES = [
    {}, dict(epsilon=1e-10), dict(epsilon=1e-1), dict(epsilon=1.0), dict(learning_rate=1e-3), dict(learning_rate=1.0),
    dict(steps=10), dict(steps=1), dict(steps=500), dict(epsilon=1e-10, learning_rate=1.0, steps=500),
    dict(epsilon=1e-1, learning_rate=1e-3, steps=10)]


@pytest.mark.parametrize("settings", ADAM_SETTINGS)
def test_adam_explorer_draws_three_labelled_panels_of_the_right_run(settings):
    values = {**adam_explorer.DEFAULTS, **settings}
    fig, png = adam_explorer.draw_adam(adam_explorer.adam_trace(**values))
    assert_labelled(fig, 3)
    assert png_pixels(png).shape == (768, 1804, 3)  # 9.4 × 4 inches at 192 dpi (2x pixels)
    expected = hand_adam(cubic_grad, values["x0"], values["steps"], values["learning_rate"],
                         values["beta_1"], values["beta_2"], values["epsilon"])
    drawn = fig.get_axes()[1].get_lines()[1].get_ydata()  # x_t against t
    # rounding differs (3·x·x vs 3·(x·x)); near a minimum where g → 0 it is amplified to ~1e-6
    np.testing.assert_allclose(drawn, expected, rtol=1e-6, atol=1e-9)
    steps = values["steps"]
    assert fig.get_suptitle().endswith(f"after {steps} step{'s' if steps != 1 else ''}")
    assert f"x = {expected[-1]:.4f}" in fig.get_suptitle()


def test_adam_explorer_png_is_the_figure_drawn_from_scratch():
    """Each update redraws only what changed over kept pixels (ticks kept when an axes'
    limits are unchanged, legends pasted): the PNG must still be the figure matplotlib
    draws from scratch, in any order of updates, below the suptitle (savefig leaves it out)."""
    for settings in ADAM_SETTINGS + ADAM_SETTINGS[::-1]:
        fig, png = adam_explorer.draw_adam(adam_explorer.adam_trace(**{**adam_explorer.DEFAULTS, **settings}))
        below_title = slice(int(0.5 * 192), None)  # half an inch
        differ = np.any(png_pixels(png)[below_title] != full_draw(fig)[below_title], axis=-1)
        # what differs: grid lines within 2 pixels of a legend frame (pasted with its margin)
        assert differ.mean() < 0.002, (settings, differ.mean())


def test_adam_explorer_in_a_widget_shows_one_new_png_per_update_and_no_pyplot_figure(kernel_like):
    """What the kernel does when a slider moves, with the inline backend: the notebook's own
    explorer shows the new PNG (at half its pixels) and leaves no pyplot figure behind."""
    explorer = kernel_like.slider_widget("05_adam_from_scratch")
    assert explorer.draw is adam_explorer.draw_adam_run
    pngs = []
    for x0, steps in [(0.001, 100), (2.0, 100), (2.0, 30), (0.001, 100)]:
        explorer.set_values(x0=x0, steps=steps)
        pngs.append(explorer.image.value)
        _, expected = adam_explorer.draw_adam(adam_explorer.adam_trace(x0=x0, steps=steps))
        assert pngs[-1] == expected
        assert int(explorer.image.width) == 1804 // 2
        assert plt.get_fignums() == []
    assert len(set(pngs)) == 3 and pngs[0] == pngs[-1]


@pytest.mark.parametrize("settings", ADAM_SETTINGS + ADAM_EXTREMES)
def test_adam_explorer_figure_is_legible_at_every_slider_end(settings):
    values = {**adam_explorer.DEFAULTS, **settings}
    fig, _ = adam_explorer.draw_adam_run(**values)
    assert figure_audit.problems(fig) == []
    assert f"from x₀ = {values['x0']:.3f}: " in fig.get_suptitle()  # as the x₀ slider reads it


def test_adam_internals_axis_is_clipped_to_six_decades_and_says_so():
    """|m̂_t| falls to ~1e-13 in 500 steps (to 0 from x₀ = 0): the log axis stops six decades
    below the largest value (12.5, at t = 1; limits on quarter decades), the rest is drawn on
    its bottom edge."""
    fig, _ = adam_explorer.draw_adam_run(steps=500)
    internals = fig.get_axes()[2]
    bottom, top = internals.get_ylim()
    assert (bottom, top) == pytest.approx((10**-5, 10**1.25))
    assert min(line.get_ydata().min() for line in internals.get_lines()) == pytest.approx(bottom)
    note = [text.get_text() for text in internals.texts if text.get_text()]
    assert note == [f"values below {adam_explorer.controls.readout(bottom, scientific=True)}: on the bottom edge"]
    fig, _ = adam_explorer.draw_adam_run(steps=100)  # nothing below: no note, the smallest value above
    assert [text.get_text() for text in internals.texts if text.get_text()] == []
    assert internals.get_ylim()[0] < min(line.get_ydata().min() for line in internals.get_lines())


@pytest.mark.parametrize("settings", EPSILON_EXTREMES)
def test_epsilon_explorer_figure_is_legible_at_every_slider_end(settings):
    fig, png = epsilon.draw_epsilon(**settings)
    assert figure_audit.problems(fig) == []
    assert png_pixels(png).shape == (748, 1804, 3)  # 9.4 × 3.9 inches at 192 dpi
    title = fig.get_axes()[0].get_title()
    assert title.endswith(f"ε = ε̂ = {adam_explorer.controls.readout(settings.get('epsilon', 1e-7), scientific=True)}")


def test_the_slider_benchmark_times_updates_that_show_one_png(kernel_like):
    wall, cpu, compute, size = kernel_like.time_slider(count=3)
    assert 0 < compute < wall and cpu > 0 and size > 10_000


def test_adam_explorer_never_moves_from_the_local_maximum():
    trace = adam_explorer.adam_trace(x0=0.0, steps=50)
    assert np.all(trace.x == 0.0)


def test_adam_explorer_rejects_bad_values():
    with pytest.raises(ValueError, match="beta_1"):
        adam_explorer.adam_trace(beta_1=1.0)
    with pytest.raises(ValueError, match="learning_rate"):
        adam_explorer.adam_trace(learning_rate=0.0)


def test_epsilon_explorer_gap_is_the_difference_of_the_two_forms():
    fig, _ = epsilon.draw_epsilon(1e-7)
    assert_labelled(fig, 2)
    # Keras's form by hand: alpha_t = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ), x −= alpha_t·m/(√v + ε̂)
    x, m, v, keras = 0.001, 0.0, 0.0, [0.001]
    for t in range(1, 101):
        g = cubic_grad(x)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        x = x - 0.05 * np.sqrt(1 - 0.999**t) / (1 - 0.9**t) * m / (np.sqrt(v) + 1e-7)
        keras.append(x)
    gap = np.abs(hand_adam(cubic_grad, 0.001, 100, 0.05, 0.9, 0.999, 1e-7) - np.array(keras))
    # the largest gap between the paper's and Keras's paths is about 5.0e-5, near step 14
    assert f"{gap.max():.1e}" == "5.0e-05" and gap.argmax() == 14
    legend = [t.get_text() for t in fig.get_axes()[1].get_legend().get_texts()]
    assert "largest: 5.0e-5 at t = 14" in legend  # as the ε slider writes numbers
    drawn = fig.get_axes()[1].get_lines()[0].get_ydata()  # the gap against t = 1, 2, ...
    np.testing.assert_allclose(drawn, gap[1:], rtol=1e-6)


def legend_texts(ax):
    """The entries of every legend of the axes (the compare figure has two)."""
    return [text.get_text() for legend in ax.findobj(matplotlib.legend.Legend) for text in legend.get_texts()]


def compare_results(ax):
    """What the compare figure writes right of each optimiser's name in its legend."""
    return [text.get_text() for text in ax.texts]


@pytest.mark.parametrize("surface", list(compare.SURFACES))
def test_compare_draws_every_optimiser_with_start_and_end(surface):
    fig, _ = compare.draw_compare(surface, learning_rate=0.01, noise=0.5, steps=30)
    assert_labelled(fig, 1)
    ax = fig.get_axes()[0]
    labels = legend_texts(ax)
    assert labels[:4] == ["SGD", "Momentum", "RMSprop", "Adam"] or labels[-4:] == ["SGD", "Momentum", "RMSprop", "Adam"]
    assert "start" in labels and "end" in labels
    results = compare_results(ax)
    assert len(results) == 4 and all(result.startswith(" (α = 0.0100): ") for result in results), results


def test_compare_labels_diverged_runs_and_shows_only_the_chosen_optimisers():
    fig, _ = compare.draw_compare("Rosenbrock", ("SGD",), learning_rate=0.01)
    ax = fig.get_axes()[0]
    assert compare_results(ax) == [" (α = 0.0100): diverged"] + [" (not chosen)"] * 3
    shown = [line.get_label() for line in ax.get_lines() if line.get_visible() and len(line.get_xdata()) > 1]
    assert shown == ["SGD"]
    # the image's text description reads each result after its name, as the legend shows it
    assert "shows SGD (α = 0.0100): diverged, Momentum (not chosen), RMSprop (not chosen), Adam (not chosen)" \
        in display.alt_text(fig)


def test_compare_rejects_unknown_names():
    with pytest.raises(ValueError, match="surface must be one of"):
        compare.compare("banana")
    with pytest.raises(ValueError, match="optimizer must be one of"):
        compare.compare("saddle", ("Adadelta",))


def test_training_explorer_draws_loss_and_boundary():
    fig, _ = training.draw_training("SGD", 0.5, 20)
    assert_labelled(fig, 2)
    trace = training.training_trace("SGD", 0.5, 20)
    np.testing.assert_array_equal(fig.get_axes()[0].get_lines()[0].get_ydata(), trace.f)
    with pytest.raises(ValueError, match="optimizer must be one of"):
        training.explore_training("LBFGS")


@pytest.mark.parametrize("eps", [1e-10, 1e-7, 1e-3, 1e-1, 1.0])
def test_epsilon_explorer_paths_are_the_runs_bit_for_bit(eps):
    """The explorer's own loop (a slider update's time) gives the paths of run(Adam(...))."""
    for learning_rate, steps in [(1e-3, 500), (0.05, 100), (1.0, 500), (0.3, 1)]:
        lean = epsilon.paper_and_keras_paths(eps, learning_rate, 0.001, steps)
        _, runs, _ = epsilon.gap_between(*epsilon.paper_and_keras_traces(eps, learning_rate, 0.001, steps))
        for ours, theirs in zip(lean, runs):
            np.testing.assert_array_equal(ours, theirs)
    with pytest.raises(ValueError, match="learning_rate"):
        epsilon.paper_and_keras_paths(eps, 0.0)


@pytest.mark.parametrize("settings", ADAM_SETTINGS + ADAM_EXTREMES)
def test_adam_explorer_run_is_the_trace_bit_for_bit(settings):
    """The explorer's own loop (a slider update's time) gives adam_trace's numbers."""
    values = {**adam_explorer.DEFAULTS, **settings}
    ours, trace = adam_explorer.adam_run(**values), adam_explorer.adam_trace(**values)
    assert ours.steps == trace.steps and ours.message == trace.message == ""
    for name in ("x", "m_hat", "v_hat", "step_size"):
        np.testing.assert_array_equal(getattr(ours, name), np.ravel(getattr(trace, name)))
