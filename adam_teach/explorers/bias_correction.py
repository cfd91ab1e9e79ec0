"""Notebook 04: why Adam divides by 1 − βᵗ (Kingma & Ba, §3).

For a fixed sequence of gradients g_1..g_T, Adam's update is (Algorithm 1)
    α m̂_t / (√v̂_t + ε),   m̂_t = m_t / (1 − β₁ᵗ),   v̂_t = v_t / (1 − β₂ᵗ).
`adam_updates` computes it with either correction switched off, to show what each does.
`draw_bias_correction(beta_2, beta_1)` draws the explorer's figure (controls.explore calls
it on every slider move): the figure is built once and redrawn in place
(`plotting.LiveFigure`); `explore_bias_correction` shows it for given values."""

import functools

import matplotlib.pyplot as plt
import numpy as np

from . import controls
from .. import display, plotting
from ..averages import debiased_ema, ema

VARIANTS = {  # name: (correct m, correct v)
    "both corrected (Adam)": (True, True),
    "no correction": (False, False),
    "only m corrected": (True, False),
    "only v corrected": (False, True),
}
# Adam in its own style; the variants that leave a correction out in others
VARIANT_STYLES = [plotting.optimizer_style("Adam")] + [
    dict(color=plotting.PALETTE[colour], linestyle=line) for colour, line in
    (("blue", "-"), ("orange", "--"), ("green", ":"))]
# |update|/α over the sliders' range (β₁ from 0 to 0.99, β₂ from 0.9 to 0.9999) lies
# between 0.01 and 100: the axis is fixed to those four decades, so that lines can be
# compared while dragging (and its ticks are drawn once).
RELATIVE_VIEW = (0.006, 170)


def adam_updates(gradients, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 correct_m=True, correct_v=True):
    """The updates Adam makes for the gradients g_1..g_T, with or without each correction."""
    g = np.asarray(gradients, dtype=float)
    m = debiased_ema(g, beta_1) if correct_m else ema(g, beta_1)
    v = debiased_ema(g * g, beta_2) if correct_v else ema(g * g, beta_2)
    return learning_rate * m / (np.sqrt(v) + epsilon)


def relative_steps(beta_1=0.9, beta_2=0.999, steps=100):
    """|update| / α for each variant on a constant gradient g_t = 1 (Adam's ideal is 1)."""
    ones = np.ones(steps)
    return {name: adam_updates(ones, 1.0, beta_1, beta_2, correct_m=m, correct_v=v)
            for name, (m, v) in VARIANTS.items()}


def averages_of_ones(beta_1=0.9, beta_2=0.999, steps=100):
    """m_t and v_t of a constant signal g_t = 1, and their corrected m̂_t = v̂_t (all 1)."""
    ones = np.ones(steps)
    return ema(ones, beta_1), ema(ones, beta_2), debiased_ema(ones, beta_2)


class BiasCorrectionFigure:
    """The explorer's two panels, built once with fixed margins: averages of g_t = 1 (left)
    and Adam's relative step with and without the corrections (right). The legends never
    change (each is pasted where it hides the least of its panel's lines); the left title
    carries the β's. `show(beta_2, beta_1, steps)` moves the lines, retitles and returns
    the figure as PNG."""

    def __init__(self, steps):
        fig = plotting.live_figure(height=3.5)
        self.averages, self.sizes = fig.subplots(1, 2, gridspec_kw=dict(
            left=0.07, right=0.985, bottom=0.14, top=0.91, wspace=0.22))
        t, ones = np.arange(1, steps + 1), np.ones(steps)
        self.average_lines = [
            self.averages.plot(t, ones, color=plotting.colour(0), ls="-", lw=1.5, label="$m_t$")[0],
            self.averages.plot(t, ones, color=plotting.colour(1), ls="--", lw=1.5, label="$v_t$")[0],
            self.averages.plot(t, ones, color=plotting.colour(2), ls=":", lw=2.5,
                               label=r"$\hat{m}_t$ and $\hat{v}_t$ (both 1)")[0]]
        self.averages.set_ylim(-0.05, 1.1)
        plotting.label(self.averages, "Averages of $g_t = 1$", "step t", "value", title_y=1.0)

        self.size_lines = [self.sizes.semilogy(t, ones, lw=1.5, label=name, markevery=(5 * i, 10), **style)[0]
                           for i, (name, style) in enumerate(zip(VARIANTS, VARIANT_STYLES))]
        self.sizes.set_ylim(*RELATIVE_VIEW)
        plotting.label(self.sizes, "Adam's step on a constant gradient", "step t", "|update| / α (log scale)",
                       legend=True, title_y=1.0)
        plotting.fix_label_positions((self.averages, self.sizes), lefts=(-0.11, -0.12), below=-0.11)
        self.live = plotting.LiveFigure(fig, [*self.average_lines, *self.size_lines, self.averages.title], {
            self.averages.get_legend(): ("center right", "lower right", "center left", "upper left"),
            self.sizes.get_legend(): ("upper right", "lower right", "center right", "lower left")})
        self.figure = fig

    def show(self, beta_2=0.999, beta_1=0.9, steps=100):
        """Redraw both panels for these β's; the PNG bytes of the figure."""
        t = np.arange(1, steps + 1)
        for line, values in zip(self.average_lines, averages_of_ones(beta_1, beta_2, steps)):
            line.set_data(t, values)
        # β₂'s slider is a list of values: its readout is the value as Python writes it
        self.averages.title.set_text(f"Averages of gₜ = 1, β₁ = {controls.readout(beta_1, decimals=2)}, β₂ = {beta_2}")
        for line, relative in zip(self.size_lines, relative_steps(beta_1, beta_2, steps).values()):
            line.set_data(t, relative)
        for ax in (self.averages, self.sizes):
            ax.set_xlim(-0.05 * steps + 1, 1.05 * steps)
        return self.live.png()


@functools.cache
def _bias_correction_figure():
    """The one figure every call of draw_bias_correction redraws (one per kernel)."""
    return BiasCorrectionFigure(100)


def draw_bias_correction(beta_2=0.999, beta_1=0.9, steps=100):
    """The explorer's figure for these values, and its PNG bytes."""
    figure = _bias_correction_figure()
    return figure.figure, figure.show(beta_2, beta_1, steps)


def explore_bias_correction(beta_2=0.999, beta_1=0.9, steps=100):
    """Averages of a constant signal g_t = 1 (left) and the resulting step sizes with and
    without bias correction (right), shown."""
    display.show(*draw_bias_correction(beta_2, beta_1, steps))


def plot_expected_v(mean_v, mean_v_hat, mean_g2, beta_2):
    """Average of v_t and v̂_t over many random runs against E[g²](1 − β₂ᵗ) and E[g²]."""
    t = np.arange(1, len(mean_v) + 1)
    fig, ax = plotting.subplots(width=6.4, height=3.8)
    ax.semilogx(t, mean_v, "-", color=plotting.colour(0), lw=2, label="$v_t$, averaged over runs")
    ax.semilogx(t, mean_g2 * (1 - beta_2**t), "--", color=plotting.colour(3), lw=1.5,
                label=r"$E[g^2]\,(1 - \beta_2^t)$")
    ax.semilogx(t, mean_v_hat, "-.", color=plotting.colour(2), lw=2, label=r"$\hat{v}_t$, averaged over runs")
    ax.axhline(mean_g2, color=plotting.PALETTE["black"], ls=":", lw=1, label=f"$E[g^2]$ = {mean_g2:g}")
    plotting.label(ax, f"The second moment started at 0 (β₂ = {beta_2:g})", "step t (log scale)", "value",
                   loc="center left")
    plt.show()
