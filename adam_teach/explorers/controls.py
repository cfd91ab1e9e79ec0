"""The sliders of the explorers, and the widget that redraws a figure as they move.

Every slider here updates while it is dragged (`continuous_update=True`). ipywidgets sends
a slider's value at most once per kernel round trip: while one update is being drawn, newer
values wait in the browser and only the latest is sent when the kernel is idle again, so the
figure follows the hand without a backlog of stale updates. Readouts are written for people:
log-scale values always in scientific notation ("1.0e-7"), a learning rate to 3 significant
digits ("0.0500"); tracks are TRACK_WIDTH wide so that a pixel is a small change.

    explore(draw_adam, learning_rate=log_slider("α", 0.05, -3, 0), steps=int_slider("steps", 100, 1, 500))

`draw` is one of the explorers' `draw_*` functions: keyword arguments in, (figure, PNG) out.
"""

import math

import ipywidgets as widgets

from .. import display

TRACK_WIDTH = 320  # px, the slider's track alone
DESCRIPTION_WIDTH = 60  # px
READOUT_WIDTH = 80  # px
SLIDER_LAYOUT = dict(width=f"{DESCRIPTION_WIDTH + TRACK_WIDTH + READOUT_WIDTH + 24}px")


def _style():
    return {"description_width": f"{DESCRIPTION_WIDTH}px"}


def slider(description, value, low, high, step, digits=2, significant=None):
    """A linear slider from low to high; its readout shows `digits` decimals or, for a
    learning rate, `significant` significant digits (3: "0.100", as readout(value) writes it)."""
    return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                               readout_format=f".{significant}g" if significant else f".{digits}f",
                               continuous_update=True,
                               style=_style(), layout=widgets.Layout(**SLIDER_LAYOUT))


def int_slider(description, value, low, high, step=1):
    """A slider of whole numbers (steps, epochs)."""
    return widgets.IntSlider(value=value, min=low, max=high, step=step, description=description,
                             continuous_update=True, style=_style(), layout=widgets.Layout(**SLIDER_LAYOUT))


def log_slider(description, value, low_exponent, high_exponent, step=0.1, scientific=False):
    """A slider over 10**low_exponent … 10**high_exponent, evenly spaced in the exponent. Its
    readout: 3 significant digits (a learning rate, "0.0178", "0.0500"), or with scientific=True always
    scientific notation ("1.0e-7", for ε). The value must be on the slider's grid
    (10**(low_exponent + k·step)), or the readout would show the nearest grid point, not it."""
    if not _on_grid(value, low_exponent, step):
        raise ValueError(f"{value} is not on the slider's grid 10**({low_exponent} + k·{step}): its readout "
                         f"would show a neighbouring value; use rate_slider for round values such as {value}")
    return widgets.FloatLogSlider(value=value, base=10, min=low_exponent, max=high_exponent, step=step,
                                  description=description, readout_format=".1e" if scientific else ".3g",
                                  continuous_update=True, style=_style(),
                                  layout=widgets.Layout(**SLIDER_LAYOUT))


def _on_grid(value, low_exponent, step):
    steps = (math.log10(value) - low_exponent) / step
    return abs(steps - round(steps)) < 1e-9


def rate_slider(description, value, low, high, mantissas=(1, 2, 3, 5)):
    """A slider over round values from low to high, evenly spaced in the exponent (0.001,
    0.002, 0.003, 0.005, 0.01, …), its readout to 3 significant digits: for a learning rate,
    whose default (0.05, 0.3) is rarely a power of ten's 0.1 step."""
    values = sorted({round(m * 10.0 ** k, 12) for k in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
                     for m in mantissas} | {value})
    values = [v for v in values if low * (1 - 1e-12) <= v <= high * (1 + 1e-12)]
    return choice_slider(description, [(readout(v), v) for v in values], value)


def choice_slider(description, options, value):
    """A slider over a list of values (β₂ in 0.9, 0.99, 0.999, …)."""
    return widgets.SelectionSlider(options=options, value=value, description=description,
                                   continuous_update=True, style=_style(),
                                   layout=widgets.Layout(**SLIDER_LAYOUT))


def readout(value, scientific=False, decimals=None):
    """A value as its slider's readout shows it, for legends and titles: "0.0500" (3
    significant digits, trailing zeros kept, as d3's ".3g" writes values from 1e-4 up),
    "1.0e-7", "1.0e+0" (scientific: d3's ".1e", a signed exponent without leading zeros) or,
    for a linear slider, "0.50" (its `decimals`)."""
    if decimals is not None:
        return f"{value:.{decimals}f}"
    if scientific:
        mantissa, exponent = f"{value:.1e}".split("e")
        return f"{mantissa}e{int(exponent):+d}"
    return f"{value:#.3g}"


class Explorer(widgets.VBox):
    """The controls, then the figure: `draw(**values)` is called with every control's value
    (and the fixed ones) whenever one changes, and its PNG replaces the image in place."""

    def __init__(self, draw, fixed=None, **controls):
        self.draw = draw
        self.controls = controls
        self.fixed = dict(fixed or {})
        self.image = widgets.Image(format="png")
        self._holding = False
        super().__init__(list(controls.values()) + [self.image])
        self.add_class("adam-teach-explorer")
        for control in controls.values():
            control.observe(self._update, names="value")
        self._update()

    def set_values(self, **values):
        """Set several controls at once and draw once (as the kernel would for one change)."""
        self._holding = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._holding = False
        self._update()

    def values(self):
        """The keyword arguments of the next draw: the controls' values and the fixed ones."""
        return {**self.fixed, **{name: control.value for name, control in self.controls.items()}}

    def _update(self, change=None):
        if self._holding:
            return
        _, png = self.draw(**self.values())
        width, _ = display.png_size(png)
        with self.image.hold_sync():  # one message: the new PNG and its displayed width
            self.image.value = png
            self.image.width = str(width // display.DENSITY)


def explore(draw, fixed=None, **controls):
    """An Explorer for `draw` with these controls (and `fixed`: values no control changes)."""
    return Explorer(draw, fixed=fixed, **controls)
