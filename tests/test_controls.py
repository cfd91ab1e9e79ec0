"""The explorers' controls (adam_teach.explorers.controls): every slider of the course updates
while it is dragged, has a wide track, and a readout written for people; every notebook's
live figure is an Explorer that replaces its image in place."""

import json
from pathlib import Path

import ipywidgets as widgets
import pytest

from adam_teach.explorers import controls

ROOT = Path(__file__).resolve().parent.parent


def explorer_cells():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and ("interact(" in source or "controls.explore(" in source):
                yield path.name, source


def test_every_live_figure_is_an_explorer_that_updates_while_dragging():
    cells = list(explorer_cells())
    assert len(cells) >= 9  # 01-07 and 09 (07 has two)
    for name, source in cells:
        assert "controls.explore(" in source and "interact(" not in source, name
        assert "continuous_update=False" not in source, name


@pytest.mark.parametrize("make", [
    lambda: controls.slider("β₁", 0.9, 0.0, 0.99, 0.01),
    lambda: controls.int_slider("steps", 100, 1, 500),
    lambda: controls.log_slider("α", 0.1, -3, 0),
    lambda: controls.rate_slider("α", 0.05, 0.001, 1),
    lambda: controls.log_slider("ε", 1e-7, -10, 0, 1, scientific=True),
    lambda: controls.choice_slider("β₂", [0.9, 0.99, 0.999], 0.999),
])
def test_sliders_update_while_dragged_with_room_for_a_wide_track(make):
    slider = make()
    assert slider.continuous_update
    width = int(slider.layout.width.removesuffix("px"))
    assert width - controls.DESCRIPTION_WIDTH - controls.READOUT_WIDTH >= 300
    assert slider.style.description_width == f"{controls.DESCRIPTION_WIDTH}px"


@pytest.mark.parametrize("value, scientific, shown", [
    (1e-7, True, "1.0e-7"), (1e-10, True, "1.0e-10"), (0.001, True, "1.0e-3"), (1.0, True, "1.0e+0"),
    (0.05, False, "0.0500"), (0.0177827941, False, "0.0178"), (1.0, False, "1.00"), (0.001, False, "0.00100"),
])
def test_readout_is_what_the_slider_shows(value, scientific, shown):
    """d3-format's ".1e" and ".3g", which the browser uses for the slider's readout (the
    browser test checks the page); legends and titles use controls.readout."""
    assert controls.readout(value, scientific) == shown


def test_log_sliders_read_in_scientific_notation_or_three_digits():
    assert controls.log_slider("ε", 1e-7, -10, 0, 1, scientific=True).readout_format == ".1e"
    assert controls.log_slider("α", 0.1, -3, 0).readout_format == ".3g"


def test_an_explorer_draws_once_at_start_and_shows_at_half_its_pixels():
    calls = []

    def draw(a=1, b=2):
        from adam_teach.explorers import gradient_descent

        calls.append((a, b))
        return gradient_descent.draw_gradient_descent()

    explorer = controls.explore(draw, fixed=dict(b=5), a=controls.int_slider("a", 1, 0, 3))
    assert calls == [(1, 5)]
    assert isinstance(explorer.image, widgets.Image) and "adam-teach-explorer" in explorer._dom_classes
    assert explorer.children[-1] is explorer.image
    explorer.controls["a"].value = 3
    assert calls == [(1, 5), (3, 5)]


def test_a_log_slider_refuses_a_value_off_its_grid_and_rate_slider_keeps_round_values():
    """FloatLogSlider shows the grid point nearest its value: a default of 0.05 on the grid
    10**(-3 + 0.1k) would read "0.0501" while the figure is drawn with 0.05."""
    with pytest.raises(ValueError, match="not on the slider's grid.*rate_slider"):
        controls.log_slider("α", 0.05, -3, 0)
    rate = controls.rate_slider("α", 0.05, 0.001, 1)
    assert rate.value == 0.05 and rate.label == "0.0500" and rate.continuous_update
    assert [value for _, value in rate.options][:5] == [0.001, 0.002, 0.003, 0.005, 0.01]
    assert rate.options[-1] == ("1.00", 1.0)


def test_readout_of_a_linear_slider_has_its_decimals():
    assert controls.readout(0.1, decimals=2) == "0.10" == format(controls.slider("β", 0.1, 0, 1, 0.01).value, ".2f")
