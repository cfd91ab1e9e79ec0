"""Paper vs Keras as ε changes (notebook 06). Both runs are float64, so the only
difference is where ε sits: Algorithm 1 adds ε to √v̂_t, Keras adds ε̂ to √v_t, which is
Algorithm 1 with ε_eff = ε̂ / √(1 − β₂ᵗ) (paper, end of §2)."""

import matplotlib.pyplot as plt
import numpy as np

from .. import objectives, plotting, run
from ..optimizers import Adam


def paper_and_keras_traces(epsilon=1e-7, learning_rate=0.05, x0=0.001, steps=100):
    """(paper Algorithm 1, Keras's ε̂ form), both float64 on the cubic."""
    paper = run(Adam(learning_rate, epsilon=epsilon), objectives.cubic, x0, steps)
    keras = run(Adam(learning_rate, epsilon=epsilon, epsilon_hat=True), objectives.cubic, x0, steps)
    return paper, keras


def explore_epsilon(epsilon=1e-7, learning_rate=0.05, steps=100):
    """The slider callback: both paths, and the gap between them on a log scale."""
    paper, keras = paper_and_keras_traces(epsilon, learning_rate, 0.001, steps)
    n = min(paper.steps, keras.steps)
    t = np.arange(n + 1)
    gap = np.abs(np.ravel(paper.x[:n + 1]) - np.ravel(keras.x[:n + 1]))
    fig, (ax_x, ax_gap) = plotting.subplots(ncols=2, width=5.2, height=3.5)
    for i, (name, trace) in enumerate((("paper Algorithm 1 (ε)", paper), ("Keras form (ε̂)", keras))):
        ax_x.plot(t, np.ravel(trace.x[:n + 1]), color=plotting.colour(i), ls=("-", "--")[i], label=name)
        plotting.mark_start_end(ax_x, t, np.ravel(trace.x[:n + 1]), plotting.colour(i))
    plotting.label(ax_x, f"Iterates, ε = ε̂ = {epsilon:.0e}", "step t", "x_t", legend=True)
    worst = int(np.argmax(gap))
    ax_gap.semilogy(t[1:], np.maximum(gap[1:], 1e-18), color=plotting.PALETTE["vermillion"],
                    label="|x_paper − x_Keras|")
    ax_gap.plot(worst, max(gap[worst], 1e-18), "o", color=plotting.PALETTE["black"],
                label=f"largest: {gap[worst]:.1e} at t = {worst}")
    plotting.label(ax_gap, "Gap between the two forms", "step t", "|difference| (log scale)", legend=True)
    plt.show()
