"""Notebook 04: why Adam divides by 1 − βᵗ (Kingma & Ba, §3).

For a fixed sequence of gradients g_1..g_T, Adam's update is (Algorithm 1)
    α m̂_t / (√v̂_t + ε),   m̂_t = m_t / (1 − β₁ᵗ),   v̂_t = v_t / (1 − β₂ᵗ).
`adam_updates` computes it with either correction switched off, to show what each does.
`explore_bias_correction(beta_2)` is the slider callback."""

import matplotlib.pyplot as plt
import numpy as np

from .. import plotting
from ..averages import debiased_ema, ema
from .momentum import drop_minor_ticks

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


def explore_bias_correction(beta_2=0.999, beta_1=0.9, steps=100):
    """Slider callback: averages of a constant signal g_t = 1 (left) and the resulting
    step sizes with and without bias correction (right)."""
    t = np.arange(1, steps + 1)
    ones = np.ones(steps)
    fig, (averages, sizes) = plotting.subplots(2, width=4.8, height=3.6)
    averages.plot(t, ema(ones, beta_1), color=plotting.colour(0), lw=1.5, label=f"$m_t$ (β₁ = {beta_1:g})")
    averages.plot(t, ema(ones, beta_2), color=plotting.colour(1), lw=1.5, label=f"$v_t$ (β₂ = {beta_2:g})")
    averages.plot(t, debiased_ema(ones, beta_2), "--", color=plotting.colour(2), lw=2,
                  label=r"$\hat{m}_t$ and $\hat{v}_t$ (both 1)")
    averages.set_ylim(-0.05, 1.1)
    plotting.label(averages, "Averages of $g_t = 1$, started at 0", "step t", "value")

    for i, (name, relative) in enumerate(relative_steps(beta_1, beta_2, steps).items()):
        sizes.semilogy(t, relative, color=plotting.colour(i), lw=1.5, label=name)
    drop_minor_ticks(sizes)
    plotting.label(sizes, "Adam's step on a constant gradient", "step t", "|update| / α (log scale)")
    plt.show()


def plot_expected_v(mean_v, mean_v_hat, mean_g2, beta_2):
    """Average of v_t and v̂_t over many random runs against E[g²](1 − β₂ᵗ) and E[g²]."""
    t = np.arange(1, len(mean_v) + 1)
    fig, ax = plotting.subplots(width=6.4, height=3.8)
    ax.semilogx(t, mean_v, color=plotting.colour(0), lw=2, label="$v_t$, averaged over runs")
    ax.semilogx(t, mean_g2 * (1 - beta_2**t), "--", color=plotting.colour(3), lw=1.5,
                label=r"$E[g^2]\,(1 - \beta_2^t)$")
    ax.semilogx(t, mean_v_hat, color=plotting.colour(2), lw=2, label=r"$\hat{v}_t$, averaged over runs")
    ax.axhline(mean_g2, color=plotting.PALETTE["black"], ls=":", lw=1, label=f"$E[g^2]$ = {mean_g2:g}")
    plotting.label(ax, f"The second moment started at 0 (β₂ = {beta_2:g})", "step t (log scale)", "value")
    ax.legend(loc="center left", fontsize=8)
    plt.show()
