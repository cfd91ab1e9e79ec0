"""The slider callbacks of notebooks 01-04, 06, 07 and 09 (05's: test_explorer_adam.py) redraw
one figure in place (plotting.LiveFigure): each PNG must be the figure matplotlib draws from
scratch, in any order of updates, and each change through the notebook's own explorer must put
one new PNG in place and leave no pyplot figure behind."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import io  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from adam_teach import plotting  # noqa: E402
from adam_teach.explorers import (adaptive, bias_correction, compare, epsilon, gradient_descent,  # noqa: E402
                                  momentum, training)

from explorer_support import full_draw, kernel_like, png_pixels  # noqa: E402, F401

# notebook -> (the function that draws its slider's figure, settings to move through)
LIVE = {
    "01_gradient_descent": (gradient_descent.draw_gradient_descent, [
        {}, dict(learning_rate=0.8, x0=0.5), dict(learning_rate=0.01, x0=5.0), dict(x0=-0.5),
        dict(learning_rate=0.9, x0=2.0)]),
    "02_momentum": (momentum.draw_momentum, [{}, dict(beta=0.95), dict(beta=0.0), dict(beta=0.5)]),
    "03_adaptive_steps": (adaptive.draw_adaptive, [
        {}, dict(learning_rate=1.0, rho=0.5), dict(learning_rate=0.01, rho=0.99), dict(rho=0.7)]),
    "04_bias_correction": (bias_correction.draw_bias_correction, [
        {}, dict(beta_2=0.9, beta_1=0.0), dict(beta_2=0.9999, beta_1=0.99), dict(beta_2=0.95)]),
    "06_adam_vs_keras": (epsilon.draw_epsilon, [
        {}, dict(epsilon=1e-1), dict(epsilon=1e-10, learning_rate=1.0, steps=500),
        dict(learning_rate=0.001, steps=10), dict(epsilon=1e-3, learning_rate=0.3)]),
    # the surface changes too: each surface keeps its own figure
    "07_beyond_the_cubic": (compare.draw_compare, [
        {}, dict(surface="saddle", optimizers=("Adam",)), dict(surface="ill-conditioned bowl", noise=2.0, steps=1000),
        dict(optimizers=("RMSprop", "Adam"), learning_rate=1.0, steps=10), dict(surface="saddle", noise=0.5)]),
    # the last setting is off the slider (trained afresh): its loss panel's frame widens
    "09_training_a_network": (training.draw_training, [
        {}, dict(optimizer="SGD", learning_rate=10.0, epochs=200), dict(optimizer="SGD", learning_rate=1e-4, epochs=10),
        dict(learning_rate=0.1, epochs=500), dict(optimizer="SGD", learning_rate=0.3, epochs=1200)]),
}


@pytest.mark.parametrize("notebook", LIVE)
def test_png_is_the_figure_drawn_from_scratch(notebook):
    """Only what changed is redrawn over kept pixels (ticks kept while the limits stay,
    legends pasted or rebuilt, titles retitled): the PNG must still be what matplotlib
    draws from scratch, after any sequence of updates."""
    draw, sequence = LIVE[notebook]
    for settings in sequence + sequence[::-1]:
        figure, png = draw(**settings)
        differ = np.any(png_pixels(png) != full_draw(figure), axis=-1)
        # what may differ: grid lines where they cross a spine or a pasted legend's frame
        assert differ.mean() < 0.002, (notebook, settings, differ.mean())


@pytest.mark.parametrize("notebook", LIVE)
def test_each_control_change_puts_a_new_png_in_place_and_no_pyplot_figure(kernel_like, notebook):
    """What the kernel does when a control moves: the notebook's own explorer (its draw
    function and controls, with the inline backend) redraws and replaces its image's PNG,
    shown at half its pixel width (2x pixels)."""
    draw = LIVE[notebook][0]
    explorer = kernel_like.slider_widget(notebook)
    assert explorer.draw is draw
    pngs = []
    for settings in kernel_like.slider_settings(explorer, 4, seed=1):
        explorer.set_values(**settings)
        pngs.append(explorer.image.value)
        assert pngs[-1] == draw(**{**explorer.fixed, **settings})[1]
        assert int(explorer.image.width) * 2 == Image.open(io.BytesIO(pngs[-1])).width
        assert plt.get_fignums() == []
    assert len(set(pngs)) == len(pngs)


def test_one_control_change_is_one_draw(kernel_like):
    """A learner's change of one control draws once with every control's current value."""
    explorer = kernel_like.slider_widget("01_gradient_descent")
    calls = []
    explorer.draw = lambda **values: calls.append(values) or LIVE["01_gradient_descent"][0](**values)
    name, control = next(iter(explorer.controls.items()))
    control.value = control.max
    assert calls == [explorer.values()] and calls[0][name] == control.max


def test_start_and_end_have_neutral_legend_entries():
    """Several paths share the markers: the legend shows them in black, not in the colour
    of whichever path was drawn last."""
    fig, ax = plt.subplots()
    plotting.plot_path_1d(ax, gradient_descent.CUBIC, [0.5, 1.0], color=plotting.PALETTE["orange"],
                          with_labels=True)
    handles, labels = ax.get_legend_handles_labels()
    markers = dict(zip(labels, handles))
    assert markers["start"].get_markeredgecolor() == plotting.PALETTE["black"]
    assert markers["end"].get_color() == plotting.PALETTE["black"]
    coloured = [line for line in ax.get_lines() if line.get_label() in ("_start", "_end")]
    assert [line.get_markeredgecolor() for line in coloured] == [plotting.PALETTE["orange"]] * 2
    plt.close(fig)
