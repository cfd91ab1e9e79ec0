"""Notebook 04: why Adam divides by 1 − βᵗ (Kingma & Ba, §3).

For a fixed sequence of gradients g_1..g_T, Adam's update is (Algorithm 1)
    α m̂_t / (√v̂_t + ε),   m̂_t = m_t / (1 − β₁ᵗ),   v̂_t = v_t / (1 − β₂ᵗ).
`adam_updates` computes it with either correction switched off, to show what each does.
`explore_bias_correction(beta_2)` is the slider callback; its figure is built once and
redrawn in place for each slider move (`plotting.LiveFigure`)."""

import functools

import matplotlib.pyplot as plt
import numpy as np

from .. import display, plotting
from ..averages import debiased_ema, ema

VARIANTS = {  # name: (correct m, correct v)
    "both corrected (Adam)": (True, True),
    "no correction": (False, False),
    "only m corrected": (True, False),
    "only v corrected": (False, True),
}


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
    """The slider's two panels, built once with fixed margins: averages of g_t = 1 (left)
    and Adam's relative step with and without the corrections (right); `show(beta_2,
    beta_1, steps)` moves the lines, relabels the averages and returns the figure as PNG."""

    def __init__(self, steps):
        fig = plotting.live_figure(9.6, 3.6)
        self.averages, self.sizes = fig.subplots(1, 2, gridspec_kw=dict(
            left=0.07, right=0.99, bottom=0.13, top=0.92, wspace=0.28))
        t, ones = np.arange(1, steps + 1), np.ones(steps)
        self.average_lines = [
            self.averages.plot(t, ones, color=plotting.colour(0), lw=1.5)[0],
            self.averages.plot(t, ones, color=plotting.colour(1), lw=1.5)[0],
            self.averages.plot(t, ones, "--", color=plotting.colour(2), lw=2,
                               label=r"$\hat{m}_t$ and $\hat{v}_t$ (both 1)")[0]]
        self.averages.set_ylim(-0.05, 1.1)
        plotting.label(self.averages, "Averages of $g_t = 1$, started at 0", "step t", "value",
                       legend=True, loc="center right", title_y=1.0)

        self.size_lines = [self.sizes.semilogy(t, ones, color=plotting.colour(i), lw=1.5, label=name)[0]
                           for i, name in enumerate(VARIANTS)]
        plotting.label(self.sizes, "Adam's step on a constant gradient", "step t", "|update| / α (log scale)",
                       loc="upper right", title_y=1.0)
        # minor log tick labels such as 3×10⁰ are wide: the right y label stands further left
        plotting.fix_label_positions((self.averages, self.sizes), lefts=(-0.12, -0.18))
        self.live = plotting.LiveFigure(
            fig, self.average_lines + self.size_lines,
            {self.sizes.get_legend(): ("upper right", "lower right", "center right")},
            rebuilt_legends=[self.averages])
        self.figure = fig

    def show(self, beta_2=0.999, beta_1=0.9, steps=100):
        """Redraw both panels for these β's; the PNG bytes of the figure."""
        t = np.arange(1, steps + 1)
        for line, values in zip(self.average_lines, averages_of_ones(beta_1, beta_2, steps)):
            line.set_data(t, values)
        self.average_lines[0].set_label(f"$m_t$ (β₁ = {beta_1:g})")
        self.average_lines[1].set_label(f"$v_t$ (β₂ = {beta_2:g})")
        self.averages.legend(loc="center right", fontsize=8)
        for line, relative in zip(self.size_lines, relative_steps(beta_1, beta_2, steps).values()):
            line.set_data(t, relative)
        for ax in (self.averages, self.sizes):
            ax.set_xlim(-0.05 * steps + 1, 1.05 * steps)
        self.sizes.relim()
        self.sizes.autoscale_view()
        plotting.drop_minor_ticks(self.sizes)
        return self.live.png()


@functools.cache
def _bias_correction_figure():
    """The one figure every call of explore_bias_correction redraws (one per kernel)."""
    return BiasCorrectionFigure(100)


def draw_bias_correction(beta_2=0.999, beta_1=0.9, steps=100):
    """The slider's figure for these values, and its PNG bytes."""
    figure = _bias_correction_figure()
    return figure.figure, figure.show(beta_2, beta_1, steps)


def explore_bias_correction(beta_2=0.999, beta_1=0.9, steps=100):
    """Slider callback: averages of a constant signal g_t = 1 (left) and the resulting
    step sizes with and without bias correction (right)."""
    display.show(*draw_bias_correction(beta_2, beta_1, steps))


def plot_expected_v(mean_v, mean_v_hat, mean_g2, beta_2):
    """Average of v_t and v̂_t over many random runs against E[g²](1 − β₂ᵗ) and E[g²]."""
    t = np.arange(1, len(mean_v) + 1)
    fig, ax = plotting.subplots(width=6.4, height=3.8)
    ax.semilogx(t, mean_v, color=plotting.colour(0), lw=2, label="$v_t$, averaged over runs")
    ax.semilogx(t, mean_g2 * (1 - beta_2**t), "--", color=plotting.colour(3), lw=1.5,
                label=r"$E[g^2]\,(1 - \beta_2^t)$")
    ax.semilogx(t, mean_v_hat, color=plotting.colour(2), lw=2, label=r"$\hat{v}_t$, averaged over runs")
    ax.axhline(mean_g2, color=plotting.PALETTE["black"], ls=":", lw=1, label=f"$E[g^2]$ = {mean_g2:g}")
    plotting.label(ax, f"The second moment started at 0 (β₂ = {beta_2:g})", "step t (log scale)", "value",
                   loc="center left")
    plt.show()
