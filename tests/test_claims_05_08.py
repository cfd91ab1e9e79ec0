"""The claims the prose of notebooks 05–08 (and the instructor guide) makes, recomputed
independently: hand-written loops (notebook_support, hand_paths) or real Keras, never the
notebook's own output. A number quoted in the prose is formatted from the recomputation and
looked up in the text, so a drift in either fails the test (issue 8)."""

import re
from pathlib import Path

import numpy as np
import pytest

from adam_teach import objectives
from notebook_support import cubic_grad, hand_adam, printed, read_notebook
from test_notebooks_05_09 import SURFACE_SETUP, hand_paths

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "instructor-guide.md"
NAMES = ["05_adam_from_scratch", "06_adam_vs_keras", "07_beyond_the_cubic", "08_myths_and_limits"]

# Kingma & Ba (2015) §2.1: |Δ_t| ≤ α (1 − β₁)/√(1 − β₂) when 1 − β₁ > √(1 − β₂) (the default βs).
BOUND = (1 - 0.9) / np.sqrt(1 - 0.999)


def prose(name):
    """A notebook's markdown, with every run of white space made one space."""
    text = "\n".join(c.source for c in read_notebook(name).cells if c.cell_type == "markdown")
    return re.sub(r"\s+", " ", text)


def says(name, *fragments):
    text = prose(name)
    for fragment in fragments:
        assert re.sub(r"\s+", " ", fragment) in text, f"{name} does not say {fragment!r}"


def adam_internals(grad, x0, steps, lr, b1=0.9, b2=0.999, eps=1e-8):
    """Algorithm 1 by hand, returning the path and √v̂_t for t = 1..steps."""
    x, m, v, xs, root_v = float(x0), 0.0, 0.0, [float(x0)], []
    for t in range(1, steps + 1):
        g = grad(x)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        root_v.append(np.sqrt(v_hat))
        x = x - lr * m_hat / (np.sqrt(v_hat) + eps)
        xs.append(x)
    return np.array(xs), np.array(root_v)


def adam_inside_root(grad, x0, steps, lr, eps, b1=0.9, b2=0.999):
    """The mistake of 05's question 3: x -= α m̂ / √(v̂ + ε)."""
    x, m, v, xs = float(x0), 0.0, 0.0, [float(x0)]
    for t in range(1, steps + 1):
        g = grad(x)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        x = x - lr * (m / (1 - b1**t)) / np.sqrt(v / (1 - b2**t) + eps)
        xs.append(x)
    return np.array(xs)


# --- every notebook -------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_no_step_is_about_alpha_rule_of_thumb(name):
    """The "Adam's step ≤ α / about α" rule of thumb is gone; the paper's bound is quoted instead."""
    text = prose(name)
    for phrase in [r"about \$\\alpha\$ (per step|whatever|in both)", r"bounded by about \$\\alpha\$",
                   r"at most about \$\\alpha\$", r"random walk of size", r"size is about \$\\alpha\$",
                   r"moves about \$\\alpha\$"]:
        assert not re.search(phrase, text), (name, phrase)


def test_paper_bound_quoted_where_steps_are_discussed():
    assert f"{BOUND:.2f}" == "3.16"
    for name in ["05_adam_from_scratch", "07_beyond_the_cubic"]:
        says(name, r"(1 - \beta_1)/\sqrt{1 - \beta_2}", f"{BOUND:.2f}\\alpha")


# --- 05 -------------------------------------------------------------------------------------


def test_05_names_the_code_by_one_line_count():
    cell = next(c for c in read_notebook("05_adam_from_scratch").cells
                if c.cell_type == "code" and "def adam_from_scratch(" in c.source)
    lines = [line for line in cell.source.strip().splitlines() if line.strip()]
    assert len(lines) == 15
    loop = lines[lines.index(next(l for l in lines if l.strip().startswith("for t in"))) + 1:-1]
    algorithm = [l for l in loop if not l.strip().startswith("path.append")]
    assert len(algorithm) == 6 and len(loop) == 7
    text = prose("05_adam_from_scratch")
    assert "dozen" not in text and "about fifteen" not in text
    says("05_adam_from_scratch", "fifteen-line function", "in fifteen lines", "has fifteen lines",
         "six lines of the algorithm above", "six lines of Algorithm 1")


def test_05_paths_agree_below_the_printed_bound_but_not_bit_for_bit():
    path = hand_adam(cubic_grad, 0.001, 100, 0.05, eps=1e-7)
    from adam_teach import run
    from adam_teach.optimizers import Adam

    reference = run(Adam(0.05, epsilon=1e-7), objectives.cubic, 0.001, 100).x
    gap = np.max(np.abs(path - reference))
    assert gap < 1e-12 and gap <= 4 * np.spacing(np.max(np.abs(path)))  # a few last bits
    says("05_adam_from_scratch", "agree to better than $10^{-12}$", "about $10^{-16}$ near 1")
    assert abs(path[-1] - 4 / 3) < 1e-3
    says("05_adam_from_scratch", "within $10^{-3}$ of the local minimum")


def test_05_first_step_and_explorer_reading():
    path, root_v = adam_internals(cubic_grad, 0.001, 100, 0.05, eps=1e-7)
    g_1 = cubic_grad(0.001)
    assert round((path[1] - path[0]) / (0.05 * abs(g_1))) == 250
    says("05_adam_from_scratch", "250 times less", f"\\alpha/|g_1| \\approx {0.05 / abs(g_1):.1f}")
    steps = np.abs(np.diff(path)) / 0.05
    says("05_adam_from_scratch",
         f"between ${steps[:20].min():.2f}\\alpha$ and ${steps[:20].max():.2f}\\alpha$ in the first 20 steps")
    assert 0.75 < steps[:20].min() and steps[:20].max() < 1.1  # "close to α"
    assert f"{path.max():.2f}" == "1.50" and 33 <= path.argmax() <= 37
    says("05_adam_from_scratch", "to about $x = 1.50$ near step 35")
    step_size = 0.05 / (root_v + 1e-7)  # α/(√v̂ + ε): falls, then grows near the minimum
    assert 10 <= step_size.argmin() <= 40 and step_size[-1] > 1.5 * step_size.min()


def test_05_steps_from_minus_half_exceed_alpha_within_the_paper_bound():
    path = hand_adam(cubic_grad, -0.5, 100, 0.05, eps=1e-7)
    steps = np.abs(np.diff(path)) / 0.05
    assert path[-1] < -5 and np.all(np.diff(path) < 0)  # runs left, downhill
    assert 1 < steps.mean() and steps.max() < BOUND
    says("05_adam_from_scratch", f"${steps.mean():.2f}\\alpha$ on average over the 100 steps, "
                                 f"${steps.max():.2f}\\alpha$ at most",
         f"up to ${steps.max():.2f}\\alpha$ from $x_0 = -0.5$")


def test_05_beta_1_answers():
    peak = {b1: hand_adam(cubic_grad, 0.001, 100, 0.05, b1=b1, eps=1e-7) for b1 in (0.0, 0.9, 0.99)}
    assert peak[0.0].max() - 4 / 3 < 1e-6
    assert f"{peak[0.99].max():.2f}" == "1.72" and f"{peak[0.9].max():.2f}" == "1.50"
    says("05_adam_from_scratch", "passes $4/3$ by more than $10^{-6}$", "to $x \\approx 1.72$ instead of $1.50$")
    assert np.ptp(peak[0.99][-20:]) > 5 * np.ptp(peak[0.9][-20:])  # still oscillating at step 100


def test_05_large_epsilon_answer():
    path, root_v = adam_internals(cubic_grad, 0.001, 100, 0.05, eps=0.1)
    above = root_v > 0.1
    assert above.sum() == 94 and not above[:6].any() and above[6:].all()
    says("05_adam_from_scratch", "On the first 6 steps", "On the other 94 steps",
         f"The first step is ${path[1] - path[0]:.4f}$", "between $(\\alpha/2\\epsilon)\\,\\hat m_t$ and $(\\alpha/\\epsilon)\\,\\hat m_t$")
    _, root_v = adam_internals(cubic_grad, 0.001, 100, 0.05, eps=1.0)
    assert np.all(root_v < 1.0)  # so √v̂ + ε lies between ε and 2ε at every step
    says("05_adam_from_scratch", "at every one of the 100 steps")


def test_05_doubling_f_leaves_adams_path_almost_unchanged():
    once = hand_adam(cubic_grad, 0.001, 100, 0.05)
    twice = hand_adam(lambda x: 2 * cubic_grad(x), 0.001, 100, 0.05)
    assert np.max(np.abs(once - twice)) < 1e-6


def test_epsilon_inside_the_root_acts_like_root_epsilon_outside():
    """05 question 3 and the instructor guide."""
    eps, g = 1e-8, 1e-4
    inside, outside = g / np.sqrt(g * g + eps), g / (g + eps)  # first step / α
    assert np.sqrt(0 + eps) == pytest.approx(1e-4)
    assert 0.25 < 1 - inside / outside < 0.35  # "about 30 %"
    for text in [prose("05_adam_from_scratch"), re.sub(r"\s+", " ", GUIDE.read_text())]:
        assert "30 %" in text
    says("05_adam_from_scratch", f"= {inside:.2f}\\alpha$ instead of $\\alpha$")
    assert f"first step of {inside:.2f}α instead of α" in GUIDE.read_text()
    big = 1e-2
    assert big / np.sqrt(big * big + eps) > 0.9999  # gradients much larger than 1e-4: close agreement
    visible = np.max(np.abs(adam_inside_root(cubic_grad, 0.001, 100, 0.05, 1e-2)
                            - hand_adam(cubic_grad, 0.001, 100, 0.05, eps=1e-2)))
    assert visible > 0.1


# --- 06 -------------------------------------------------------------------------------------


def test_06_first_steps_epsilon_and_gaps():
    paper = hand_adam(cubic_grad, 0.001, 100, 0.05, eps=1e-7)
    keras_form = hand_adam(cubic_grad, 0.001, 100, 0.05, eps=1e-7, epsilon_hat=True)
    says("06_adam_vs_keras", f"$x_1 - x_0$ is ${keras_form[1] - keras_form[0]:.6f}$ instead of "
                             f"${paper[1] - paper[0]:.6f}$")
    gap = np.abs(paper - keras_form)
    says("06_adam_vs_keras", f"up to ${gap.max() / 1e-5:.1f} \\times 10^{{-5}}$ (step {gap.argmax()}")
    gaps = {}
    for eps in [1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-2]:
        gaps[eps] = np.max(np.abs(hand_adam(cubic_grad, 0.001, 100, 0.05, eps=eps)
                                  - hand_adam(cubic_grad, 0.001, 100, 0.05, eps=eps, epsilon_hat=True)))
    for small, large in [(1e-10, 1e-9), (1e-9, 1e-8), (1e-8, 1e-7), (1e-7, 1e-6), (1e-6, 1e-5)]:
        assert 8 < gaps[large] / gaps[small] < 12  # ten times larger ε, about ten times the gap
    assert f"{gaps[1e-10]:.0e}" == "5e-08" and gaps[1e-2] > 0.1
    says("06_adam_vs_keras", "agree to $5 \\times 10^{-8}$", "for $\\epsilon$ from $10^{-10}$ to $10^{-5}$")
    spacing = float(np.spacing(np.float32(1.0)))
    says("06_adam_vs_keras", f"${spacing / 1e-7:.1f} \\times 10^{{-7}}$ apart",
         f"up to ${spacing / 2 / 1e-8:.0f} \\times 10^{{-8}}$")  # round to nearest: half a spacing


def test_06_keras_epsilon_approaches_epsilon_hat_slowly():
    t = np.arange(1, 10_000)
    ratio = 1 / np.sqrt(1 - 0.999**t)
    first_below = int(t[ratio < 1.05][0])
    assert np.all(np.diff(ratio) < 0)
    says("06_adam_vs_keras", f"is still ${ratio[999]:.2f}$ at $t = 1000$",
         f"below $1.05$ only from $t = {first_below}$ on", "the first few thousand steps")
    assert "few hundred" not in prose("06_adam_vs_keras")


# --- 07 -------------------------------------------------------------------------------------


def hand_adam_noisy(objective, start, steps, lr, noise, seed):
    """Adam by hand with the noise of hand_paths (seeded, one draw per gradient)."""
    rng = np.random.default_rng(seed)
    return hand_adam(lambda p: objective.grad(p) + (noise * rng.standard_normal(2) if noise else 0),
                     start, steps, lr)


def test_07_rosenbrock_prose():
    objective, start, steps, rates = SURFACE_SETUP["Rosenbrock"]
    g = objective.grad(np.array(start))
    says("07_beyond_the_cubic", f"the gradient there is $({g[0]:.0f}, {g[1]:.0f})$")
    finals = hand_paths(objective, start, steps, rates)
    for name in ["SGD", "RMSprop"]:  # on the valley floor, far from (1, 1)
        x, y = finals[name][0]
        assert abs(y - x * x) < 0.05 and x < -1
    best = min(f for _, f, _ in finals.values())
    assert min(finals, key=lambda n: finals[n][1]) == "Momentum" and finals["Momentum"][1] < finals["Adam"][1]
    assert max(finals, key=lambda n: finals[n][1]) == "SGD"  # last place at α = 0.001 ...
    edge = hand_paths(objective, start, steps, {"SGD": 0.0026})["SGD"]
    over = hand_paths(objective, start, steps, {"SGD": 0.0027})["SGD"]
    assert not edge[2] and over[2]
    says("07_beyond_the_cubic", "stays finite up to $\\alpha = 0.0026$ and diverges from $\\alpha = 0.0027$ on")
    sgd = hand_paths(objective, start, steps, {"SGD": 0.002})["SGD"]
    assert sgd[1] < best  # ... first at α = 0.002
    says("07_beyond_the_cubic", "a factor of two in $\\alpha$ takes SGD from last place to first")
    says("07_beyond_the_cubic", f"ends at $f = {sgd[1]:.4f}$, lower than every optimiser in the table")


def test_07_sgd_scan_printed():
    objective, start, steps, _ = SURFACE_SETUP["Rosenbrock"]
    text = printed("07_beyond_the_cubic")
    for lr in [0.001, 0.0015, 0.002, 0.0026, 0.0027, 0.003]:
        x, f, diverged = hand_paths(objective, start, steps, {"SGD": lr})["SGD"]
        end = "diverged" if diverged else f"ends at ({x[0]:7.3f}, {x[1]:7.3f}), f = {f:9.4f}"
        assert f"SGD       α = {lr:<6g} {end}\n" in text, lr


def test_07_saddle_prose():
    objective, start, steps, rates = SURFACE_SETUP["saddle"]
    sgd = hand_paths(objective, start, steps, {"SGD": 0.03})["SGD"][0]
    assert sgd[1] == pytest.approx(0.01 * 1.06**60, rel=1e-9)
    says("07_beyond_the_cubic", f"$1 + 2\\alpha = {1 + 2 * 0.03:.2f}$",
         f"from $0.01$ to ${sgd[1]:.2f}$ in 60 steps")
    adam = hand_adam(objective.grad, start, 1, 0.03)
    assert np.allclose(np.abs(adam[1] - adam[0]) / 0.03, 1, atol=1e-5)
    g = objective.grad(np.array(start))
    rms = g / np.sqrt(0.1 * g * g + 1e-7)  # RMSprop's first step / α, no bias correction
    assert np.allclose(np.abs(rms), 1 / np.sqrt(0.1), rtol=2e-3)
    says("07_beyond_the_cubic", f"\\alpha/\\sqrt{{1 - \\rho}} \\approx {1 / np.sqrt(0.1):.2f}\\alpha$")


def test_07_bowl_prose():
    objective, start, steps, rates = SURFACE_SETUP["ill-conditioned bowl"]
    adam = hand_adam(objective.grad, start, steps, 0.1)
    round_bowl = hand_adam(lambda p: np.array([p[0], p[1]]), start, steps, 0.1)
    assert np.max(np.abs(adam - round_bowl)) < 1e-6  # the curvature ratio does not matter to Adam
    steps_a = np.abs(np.diff(adam, axis=0)) / 0.1
    assert np.all((0.9 < steps_a[:8]) & (steps_a[:8] <= 1 + 1e-9))  # diagonal, close to α each way
    v, x, rms = np.zeros(2), np.array(start, float), [np.array(start, float)]
    for _ in range(steps):  # RMSprop by hand, ρ = 0.9, ε = 1e-7 inside the root
        g = objective.grad(x)
        v = 0.9 * v + 0.1 * g * g
        x = x - 0.1 * g / np.sqrt(v + 1e-7)
        rms.append(x)
    rms = np.array(rms)
    first = np.abs(rms[1] - rms[0]) / 0.1
    assert np.allclose(first, 3.16, atol=0.01) and np.all(np.abs(np.diff(rms[:6], axis=0)) / 0.1 < first + 1e-9)
    for path in (adam, rms):
        first_small = int(np.argmax(np.abs(path[:, 1]) < 0.05))
        assert 12 <= first_small <= 14 and abs(path[first_small, 0]) > 0.5  # y first, x still far
    assert adam[:, 1].min() < -0.1 and adam[:, 0].max() > 0.05  # Adam overshoots in both
    says("07_beyond_the_cubic", "remove $y$, which has less far to go, in about 13 steps",
         "same up to $\\epsilon$")
    for lr, grows in [(0.079, False), (0.081, True)]:  # SGD along y: y_t = (1 - 25 α)^t y_0
        y = 1.2
        for _ in range(200):
            y = y - lr * 25 * y
        assert (abs(y) > 1.2) == grows
    sgd = hand_paths(objective, start, steps, {"SGD": 0.03})["SGD"][0]
    assert sgd[0] == pytest.approx(-3.5 * 0.97**60) and abs(sgd[1]) < 1e-3


def test_07_adam_step_lengths_under_noise_printed_and_quoted():
    text = printed("07_beyond_the_cubic")
    assert f"α(1 − β₁)/√(1 − β₂) = {BOUND:.2f}α" in text
    bowl, b_start, b_steps, b_rates = SURFACE_SETUP["ill-conditioned bowl"]
    saddle, s_start, s_steps, s_rates = SURFACE_SETUP["saddle"]
    measured = {}
    for noise in [0.0, 0.5, 2.0]:
        largest, mean_dy = [], []
        for seed in range(20):
            path = hand_adam_noisy(bowl, b_start, b_steps, b_rates["Adam"], noise, seed)
            largest.append(np.max(np.abs(np.diff(path, axis=0))) / b_rates["Adam"])
            path = hand_adam_noisy(saddle, s_start, s_steps, s_rates["Adam"], noise, seed)
            mean_dy.append(np.mean(np.abs(np.diff(path[:, 1]))) / s_rates["Adam"])
        spread = f" (from {min(mean_dy):.2f}α to {max(mean_dy):.2f}α over the seeds)" if noise else ""
        line = f"σ = {noise:3.1f}: bowl, largest step {max(largest):.2f}α; saddle, mean |Δy| {np.mean(mean_dy):.2f}α"
        assert line + spread + "\n" in text, line
        assert max(largest) < BOUND
        measured[noise] = (max(largest), np.mean(mean_dy))
    assert measured[2.0][1] < 0.5 * measured[0.0][1]  # low signal-to-noise ratio: smaller steps
    says("07_beyond_the_cubic", f"at most ${max(m[0] for m in measured.values()):.2f}\\alpha$ here",
         f"falls from ${measured[0.0][1]:.2f}\\alpha$ without noise to ${measured[2.0][1]:.2f}\\alpha$ at $\\sigma = 2$")


# --- 08 -------------------------------------------------------------------------------------


def test_08_cubic_claims():
    assert round(hand_adam(cubic_grad, -0.5, 1000, 0.05, eps=1e-7)[-1]) == -97
    says("08_myths_and_limits", "near $x = -97$", "no systematic mechanism")
    over = hand_adam(cubic_grad, 3.0, 300, 0.5, eps=1e-7)
    crossing = int(np.argmax(over < 0))
    assert crossing == 11 and over[:crossing].min() < 4 / 3 and np.all(np.diff(over[crossing:]) < 0)
    assert over[-1] < -100
    says("08_myths_and_limits", f"over the maximum at $0$ (at step {crossing})")
    settles = hand_adam(cubic_grad, 3.0, 300, 0.3, eps=1e-7)
    assert settles.min() > 0 and abs(settles[-1] - 4 / 3) < 1e-3


def test_08_adamw_is_not_at_an_equilibrium_at_20000_steps():
    h, lam = np.array([1.0, 100.0]), 0.5
    path = hand_adam(lambda w: h * (w - 1), [0.0, 0.0], 50_000, 0.001, decay=lam)
    text = printed("08_myths_and_limits")
    for steps in [2_000, 20_000]:
        assert f"AdamW after {steps:6d} steps: w = ({path[steps, 0]:.6f}, {path[steps, 1]:.6f})" in text
    assert "every |w_i - 1| below 1e-3: True" in text
    assert np.max(np.abs(path[30_000:] - 1)) < 1e-3 and np.max(path[30_000:]) > 1  # hops around 1
    assert np.max(np.abs(path[:25_000, 0] - path[:25_000, 1])) < 1e-7
    crossing = int(np.argmax((path > 1).any(axis=1)))
    assert 25_000 < crossing < 30_000 and path[2_000, 0] < path[20_000, 0] < 1
    says("08_myths_and_limits", f"at ${path[2_000, 0]:.3f}$ after 2 000 steps",
         f"after about {round(crossing, -3) // 1000} 000 steps it reaches the unregularised minimum",
         "within $10^{-7}$", f"${path[20_000, 0]:.6f}$ is where the run is at step 20 000")
    exact = h / (h + lam)
    assert 1 - exact[0] == pytest.approx(1 / 3) and 1 - exact[1] == pytest.approx(0.005, abs=5e-5)
    says("08_myths_and_limits", "shrunk by a third, the steep one by half a percent")


def test_08_weight_decay_times_learning_rate_in_keras_and_adam_teach():
    """Keras (real TensorFlow) and adam_teach's AdamW decay by α·λ per step; the notebook says
    that Loshchilov & Hutter's Algorithm 2 does not multiply λ by α (PyTorch's AdamW documents
    θ ← θ − γλθ, γ its learning rate; PyTorch is not installed here)."""
    from adam_teach.keras_reference import import_tensorflow
    from adam_teach.optimizers import AdamW

    tf = import_tensorflow()
    for optimizer in [tf.keras.optimizers.AdamW(learning_rate=0.1, weight_decay=0.5),
                      tf.keras.optimizers.Adam(learning_rate=0.1, weight_decay=0.5)]:
        w = tf.Variable(tf.constant([2.0], dtype=tf.float64))
        optimizer.apply_gradients([(tf.zeros_like(w), w)])
        assert w.numpy()[0] == pytest.approx(2.0 * (1 - 0.1 * 0.5))
    ours = AdamW(learning_rate=0.1, weight_decay=0.5)
    x, _, _ = ours.step(np.array([2.0]), np.array([0.0]), ours.init(np.array([2.0])))
    assert x[0] == pytest.approx(2.0 * (1 - 0.1 * 0.5))
    says("08_myths_and_limits", "Algorithm 2 does not multiply $\\lambda$ by $\\alpha$",
         "is the paper's $\\alpha\\lambda$")


def test_08_answers():
    assert 2 * 7e9 * 4 == 56e9 and 7e9 * 2 == 14e9 and 56e9 / 14e9 == 4
    path = hand_adam(objectives.saddle.grad, [1.0, 0.0], 300, 0.03)
    assert np.all(path[:, 1] == 0) and abs(path[-1, 0]) < 0.05  # Adam converges to the saddle point


def test_07_noise_ranking_prose():
    """Strong noise hurts momentum most; without noise RMSprop is best on the bowl; momentum
    swings along the steep direction; Reddi et al.'s Adam keeps an average regret near 2/3 (08)."""
    objective, start, steps, rates = SURFACE_SETUP["ill-conditioned bowl"]
    means = {}
    for noise in (0.0, 2.0):
        runs = [hand_paths(objective, start, steps, rates, noise, seed) for seed in range(20 if noise else 1)]
        means[noise] = {name: np.mean([r[name][1] for r in runs]) for name in rates}
    assert max(means[2.0], key=means[2.0].get) == "Momentum"
    assert min(means[0.0], key=means[0.0].get) == "RMSprop"
    says("07_beyond_the_cubic", "strong noise hurts momentum most: at $\\sigma = 2$ it ends highest of the four")
    m, x, ys = np.zeros(2), np.array(start, float), []
    for _ in range(steps):  # undamped momentum, μ = 0.9
        m = 0.9 * m + objective.grad(x)
        x = x - 0.03 * m
        ys.append(x[1])
    assert np.sum(np.diff(np.sign(ys)) != 0) >= 5 and abs(x[0]) < abs(hand_paths(
        objective, start, steps, {"SGD": 0.03})["SGD"][0][0])


def test_05_and_08_arithmetic():
    g_1 = cubic_grad(0.001)
    assert f"{0.05 * abs(g_1):.4f}" == "0.0002"
    says("05_adam_from_scratch", "$\\alpha |g_1| = 0.0002$")
    # 06's question 1: ε_eff/ε̂ = 1/√(1 − β₂ᵗ) falls below 2 from t = 288 on (ε_eff at t = 1 is
    # 06's prediction, checked in test_prediction_cells.py)
    t = np.arange(1, 1000)
    first_below_twice = int(t[1 / np.sqrt(1 - 0.999**t) < 2][0])
    assert first_below_twice == int(np.ceil(np.log(0.75) / np.log(0.999))) == 288
    says("06_adam_vs_keras", f"\\ln(3/4)/\\ln 0.999 \\approx {np.log(0.75) / np.log(0.999):.1f}$: "
                             f"from $t = {first_below_twice}$ on, whatever $\\hat\\epsilon$ is")
    assert 1e9 * 4 * 2 / 1e9 == 8 and 1e9 * 4 / 1e9 == 4
    says("08_myths_and_limits", "Adam's state is 8 GB on top of the 4 GB of weights")
    from test_notebooks_05_09 import hand_reddi

    _, regret = hand_reddi(30_000, 3.0, 0.5, 0.0, 0.1, False)
    assert abs(regret - 2 / 3) < 0.01
    says("08_myths_and_limits", "average regret stays near $2/3$")
