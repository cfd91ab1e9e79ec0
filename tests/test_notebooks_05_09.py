"""Notebooks 05–09 (09's numbers: test_notebook_09.py): every number they print is recomputed here independently (hand-written
loops, real TensorFlow/Keras) and must appear, formatted the same way, in the notebook's
stored outputs; plus the course's notebook conventions."""

import re

import numpy as np
import pytest

from adam_teach import objectives, run
from adam_teach.optimizers import Adam
from notebook_support import cubic_f, cubic_grad, defined_in_notebook, hand_adam, printed, read_notebook

NAMES = ["05_adam_from_scratch", "06_adam_vs_keras", "07_beyond_the_cubic",
         "08_myths_and_limits", "09_training_a_network"]


# --- conventions --------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_notebook_structure(name):
    nb = read_notebook(name)
    text = nb.cells[0].source
    assert "**You will learn to**" in text and "**Prerequisites:**" in text and "**Estimated time:**" in text
    tail = "\n".join(c.source for c in nb.cells[-3:] if c.cell_type == "markdown")
    assert "## Summary" in tail and "## Check your understanding" in tail
    assert tail.count("<details>") >= 2
    assert nb.metadata.kernelspec.name == "python3"
    for cell in nb.cells:
        assert not re.search(r"/(work|root|tmp|home)/", cell.source), "absolute path in a cell"
        if cell.cell_type != "code":
            continue
        assert cell.get("outputs") is not None and cell.execution_count, "notebook not executed"
        for out in cell.outputs:
            assert not (out.output_type == "stream" and out.name == "stderr"), f"stderr in {name}"
            assert out.output_type != "error"
        if "interact(" in cell.source or "controls.explore(" in cell.source:
            first, second = cell.source.splitlines()[:2]
            assert first == "# NBVAL_IGNORE_OUTPUT" and second.startswith("# ")
            assert "continuous_update=False" not in cell.source


@pytest.mark.parametrize("name", ["05_adam_from_scratch", "06_adam_vs_keras", "07_beyond_the_cubic",
                                  "09_training_a_network"])
def test_widget_callback_is_also_called_in_a_validated_cell(name):
    cells = [c for c in read_notebook(name).cells if c.cell_type == "code"]
    widget = next(i for i, c in enumerate(cells) if "interact(" in c.source or "controls.explore(" in c.source)
    callback = re.search(r"(?:interact|controls\.explore)\(\s*(\w+)", cells[widget].source).group(1)
    # an explorer's draw_NAME (or draw_NAME_run) figure is what explore_NAME (or NAME) shows
    name = callback.removeprefix("draw_").removesuffix("_run")
    shown_by = {callback, name, "explore_" + name}
    assert any(c.source.startswith(tuple(f"{name}(" for name in shown_by)) and "NBVAL" not in c.source
               for c in cells[:widget])


# --- 05 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("objective, x0, steps, settings", [
    (objectives.cubic, 0.001, 100, dict(learning_rate=0.05, epsilon=1e-7)),
    (objectives.rosenbrock, [-1.5, 2.5], 500, dict(learning_rate=0.1)),
    (objectives.bowl, [1.0, -1.0], 200, dict(learning_rate=0.02, beta_1=0.5, beta_2=0.99, epsilon=1e-2)),
])
def test_notebook_adam_from_scratch_equals_the_package(objective, x0, steps, settings):
    adam_from_scratch = defined_in_notebook("05_adam_from_scratch", "adam_from_scratch")
    ours = adam_from_scratch(objective.grad, x0, steps, **settings)
    reference = run(Adam(**settings), objective, x0, steps)
    assert ours.shape == reference.x.shape
    assert np.max(np.abs(ours - reference.x)) <= 1e-12


def test_numbers_printed_in_05():
    text = printed("05_adam_from_scratch")
    path = hand_adam(cubic_grad, 0.001, 100, 0.05, eps=1e-7)
    assert f"x_100 = {path[-1]:.9f}, f = {cubic_f(path[-1]):.9f}" in text
    assert f"{path[-1]:.9f}" == "1.332552819"  # paper Algorithm 1, float64, the article's setting
    adam_from_scratch = defined_in_notebook("05_adam_from_scratch", "adam_from_scratch")
    ours = adam_from_scratch(objectives.cubic.grad, 0.001, 100, learning_rate=0.05, epsilon=1e-7)
    reference = run(Adam(0.05, epsilon=1e-7), objectives.cubic, 0.001, 100)
    # The differences are rounding noise that changes with the last bits (issue 8): the
    # notebook prints a bound that holds on any machine, and so does the check here.
    gap = np.max(np.abs(ours - reference.x))
    assert f"largest difference along the path below 1e-12: {gap < 1e-12}" in text and gap < 1e-12
    rosen = hand_adam(objectives.rosenbrock.grad, [-1.5, 2.5], 500, 0.1)
    gap = np.max(np.abs(rosen - run(Adam(0.1), objectives.rosenbrock, [-1.5, 2.5], 500).x))
    assert f"Rosenbrock, 500 steps: largest difference below 1e-12: {gap < 1e-12}" in text and gap < 1e-12
    g_1 = 3 * 0.001**2 - 4 * 0.001
    assert f"g_1 = {g_1:.7f}" in text
    assert f"first step x_1 - x_0 = {path[1] - path[0]:.10f}" in text
    assert f"{0.05 * abs(g_1) / (abs(g_1) + 1e-7):.10f}" == f"{path[1] - path[0]:.10f}"


# --- 06 (real TensorFlow) ------------------------------------------------------------------


@pytest.fixture(scope="module")
def tf():
    from adam_teach.keras_reference import import_tensorflow  # a clear ImportError without it

    return import_tensorflow()


def test_numbers_printed_in_06(tf):
    text = printed("06_adam_vs_keras")
    # The article's loop, fixed, written here independently of adam_teach.keras_reference.
    optimizer = tf.keras.optimizers.Adam(learning_rate=0.05, epsilon=1e-07)
    x = tf.Variable(0.001)
    keras = [x.numpy()]
    for _ in range(100):
        with tf.GradientTape() as tape:
            y = x**3 - 2 * x**2 + 2
        optimizer.apply_gradients([(tape.gradient(y, x), x)])
        keras.append(x.numpy())
    keras = np.array(keras)
    assert f"Optimized value of x: {keras[-1]:.7f}" in text and f"{keras[-1]:.7f}" == "1.3325516"
    assert f"at the optimized point: {cubic_f(keras[-1]):.6f}" in text and f"{cubic_f(keras[-1]):.6f}" == "0.814816"
    assert "largest difference from the loop above: 0.0e+00" in text

    paper = hand_adam(cubic_grad, 0.001, 100, 0.05, eps=1e-7)
    gap = np.abs(paper - keras)
    assert f"largest gap along the path: {gap.max():.1e}, at step {gap.argmax()}" in text
    words = re.sub(r"\s+", " ", "\n".join(c.source for c in read_notebook("06_adam_vs_keras").cells
                                          if c.cell_type == "markdown"))
    assert f"up to ${gap.max() / 1e-5:.1f} \\times 10^{{-5}}$ (at step {gap.argmax()})" in words
    for t in [1, 10, 100, 1000, 10000]:
        assert f"t = {t:5d}: epsilon_eff = {1e-7 / np.sqrt(1 - 0.999**t):.2e}" in text

    keras_form = hand_adam(cubic_grad, 0.001, 100, 0.05, eps=1e-7, epsilon_hat=True)
    assert f"Keras form (float64): x_100 = {keras_form[-1]:.9f}" in text
    assert f"{keras_form[-1]:.9f}" == "1.332552038"  # the efficient form (Keras's ε̂), exact float64
    assert f"largest gap to tf.keras: {np.max(np.abs(keras_form - keras)):.1e}" in text
    assert f"What is left, ${np.max(np.abs(keras_form - keras)) / 1e-6:.1f} \\times 10^{{-6}}$" in words

    assert f"0.999 as float32: {float(np.float32(0.999)):.8f}" in text and "0.99900001" in text
    assert f"with beta_2 = 0.999:      {1 - 0.999**100:.9f}" in text
    assert f"with the float32 beta_2: {1 - float(np.float32(0.999)) ** 100:.9f}" in text

    exact = run(Adam(0.05, epsilon=1e-7, epsilon_hat=True, dtype="float32"), objectives.cubic, 0.001, 100)
    assert np.array_equal(exact.x, keras)
    assert "largest difference to tf.keras: 0.0\n" in text and "bit for bit identical: True" in text


# --- 07 -----------------------------------------------------------------------------------


def hand_paths(objective, start, steps, rates, noise=0.0, seed=0):
    """SGD, momentum (0.9, undamped), RMSprop (ρ 0.9, ε 1e-7) and Adam, written out by hand."""
    finals = {}
    for name, lr in rates.items():
        rng = np.random.default_rng(seed)

        def grad(p):
            g = objective.grad(p)
            return g + noise * rng.standard_normal(2) if noise else g

        x, m, v = np.array(start, float), np.zeros(2), np.zeros(2)
        g, diverged = grad(x), False
        with np.errstate(all="ignore"):  # diverging runs overflow; the check below catches them
            for t in range(1, steps + 1):
                if name == "SGD":
                    x = x - lr * g
                elif name == "Momentum":
                    m = 0.9 * m + g
                    x = x - lr * m
                elif name == "RMSprop":
                    v = 0.9 * v + 0.1 * g * g
                    x = x - lr * g / np.sqrt(v + 1e-7)
                else:
                    m = 0.9 * m + 0.1 * g
                    v = 0.999 * v + 0.001 * g * g
                    x = x - lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
                g = grad(x)
                if not (np.all(np.isfinite(x)) and np.isfinite(objective.f(x)) and np.all(np.isfinite(g))):
                    diverged = True
                    break
        finals[name] = (x, None if diverged else float(objective.f(x)), diverged)
    return finals


SURFACE_SETUP = {  # what the notebook says: start, steps and per-optimiser α
    "Rosenbrock": (objectives.rosenbrock, (-1.5, 2.5), 300, {"SGD": 0.001, "Momentum": 0.001, "RMSprop": 0.01, "Adam": 0.1}),
    "saddle": (objectives.saddle, (1.8, 0.01), 60, {"SGD": 0.03, "Momentum": 0.005, "RMSprop": 0.03, "Adam": 0.03}),
    "ill-conditioned bowl": (objectives.bowl, (-3.5, 1.2), 60, {"SGD": 0.03, "Momentum": 0.03, "RMSprop": 0.1, "Adam": 0.1}),
}


def test_numbers_printed_in_07():
    text = printed("07_beyond_the_cubic")
    for surface, (objective, start, steps, rates) in SURFACE_SETUP.items():
        assert f"{surface:21s} start {start}, {steps} steps, learning rates {rates}" in text
        for noise in (0.0, 1.0) if surface == "ill-conditioned bowl" else (0.0,):
            for name, (x, f, diverged) in hand_paths(objective, start, steps, rates, noise).items():
                assert not diverged
                line = f"{name:9s} α = {rates[name]:<6g} ends at ({x[0]:7.3f}, {x[1]:7.3f}), f = {f:9.4f}"
                assert line in text, line
        if surface == "Rosenbrock":
            continue
        for noise in (0.0, 0.5, 2.0):
            runs = [hand_paths(objective, start, steps, rates, noise, seed) for seed in range(20)]
            means = {name: np.mean([r[name][1] for r in runs]) for name in rates}
            line = f"σ = {noise:3.1f}: " + ", ".join(f"{name} {value:8.4f}" for name, value in means.items())
            assert line in text, line


def test_07_claims_hold():
    """The prose: on the noisy bowl Adam ends lowest; on the noisy saddle (σ = 2) SGD beats Adam;
    at one α = 0.01 on Rosenbrock SGD and momentum diverge."""
    objective, start, steps, rates = SURFACE_SETUP["ill-conditioned bowl"]
    for noise in (0.5, 2.0):
        runs = [hand_paths(objective, start, steps, rates, noise, seed) for seed in range(20)]
        means = {name: np.mean([r[name][1] for r in runs]) for name in rates}
        assert min(means, key=means.get) == "Adam"
    objective, start, steps, rates = SURFACE_SETUP["saddle"]
    runs = [hand_paths(objective, start, steps, rates, 2.0, seed) for seed in range(20)]
    assert np.mean([r["SGD"][1] for r in runs]) < np.mean([r["Adam"][1] for r in runs]) - 10
    same = hand_paths(objectives.rosenbrock, (-1.5, 2.5), 300, dict.fromkeys(rates, 0.01))
    assert same["SGD"][2] and same["Momentum"][2] and not same["Adam"][2]


# --- 08 -----------------------------------------------------------------------------------


def test_memory_figures_match_keras(tf):
    """Buffers per parameter as real Keras 3 allocates them, for 1M float32 parameters."""
    text = printed("08_myths_and_limits")
    keras_optimizers = {
        "SGD": tf.keras.optimizers.SGD(), "Momentum": tf.keras.optimizers.SGD(momentum=0.9),
        "Adagrad": tf.keras.optimizers.Adagrad(), "RMSprop": tf.keras.optimizers.RMSprop(),
        "Adam": tf.keras.optimizers.Adam(), "Adam (amsgrad=True)": tf.keras.optimizers.Adam(amsgrad=True),
    }
    for name, optimizer in keras_optimizers.items():
        variable = tf.Variable(tf.zeros(1_000_000, dtype=tf.float32))
        optimizer.build([variable])
        buffers = [v for v in optimizer.variables if tuple(v.shape) == (1_000_000,)]
        megabytes = sum(v.numpy().nbytes for v in buffers) / 1e6
        assert re.search(rf"^{re.escape(name)} +{len(buffers)}  .* {megabytes:.1f}$", text, re.M), name
    assert int(re.search(r"^Adam +(\d)", text, re.M).group(1)) == 2
    assert int(re.search(r"^RMSprop +(\d)", text, re.M).group(1)) == 1


def test_cubic_starts_printed_in_08():
    text = printed("08_myths_and_limits")
    for label, x0 in {"x0 = 0.001": 0.001, "x0 = 0": 0.0, "x0 = -0.5": -0.5}.items():
        x = hand_adam(cubic_grad, x0, 100, 0.05, eps=1e-7)[-1]
        assert f"{label:11s}: x_100 = {x:9.4f}, f(x_100) = {cubic_f(x):10.4f}" in text
    assert hand_adam(cubic_grad, 0.0, 100, 0.05, eps=1e-7)[-1] == 0.0


def hand_reddi(steps, C, alpha, b1, b2, amsgrad):
    x, m, v, vmax, xs = 0.0, 0.0, 0.0, 0.0, [0.0]
    for t in range(1, steps + 1):
        g = C if t % 3 == 1 else -1.0
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        vmax = max(vmax, v)
        x = float(np.clip(x - alpha / t**0.5 * m / (vmax if amsgrad else v) ** 0.5, -1, 1))
        xs.append(x)
    xs = np.array(xs)
    t = np.arange(1, steps + 1)
    regret = np.sum(np.where(t % 3 == 1, C, -1.0) * (xs[:-1] + 1)) / steps
    return xs[-1], regret


def test_reddi_counterexample_in_08():
    """Reddi, Kale & Kumar (2018), Theorem 1 with C = 3, α_t = 0.5/√t, 30 000 steps: Adam → +1, AMSGrad → −0.998."""
    text = printed("08_myths_and_limits")
    cases = [("Adam, β₁ = 0, β₂ = 1/(1 + C²)", 0.0, 0.1, False), ("AMSGrad, same β", 0.0, 0.1, True),
             ("Adam, β₁ = 0.9, β₂ = 0.999", 0.9, 0.999, False)]
    results = {}
    for label, b1, b2, amsgrad in cases:
        x, regret = hand_reddi(30_000, 3.0, 0.5, b1, b2, amsgrad)
        results[label] = x
        line = f"{label:30s}: x after 30000 steps = {x:+.3f}, average regret R_T/T = {regret:.4f}"
        assert line in text, line
    assert f"{results['Adam, β₁ = 0, β₂ = 1/(1 + C²)']:+.3f}" == "+1.000"
    assert f"{results['AMSGrad, same β']:+.3f}" == "-0.998"


def test_weight_decay_table_in_08():
    text = printed("08_myths_and_limits")
    h, lam = np.array([1.0, 100.0]), 0.5
    l2 = hand_adam(lambda w: h * (w - 1) + lam * w, [0.0, 0.0], 20_000, 0.001)[-1]
    decoupled = hand_adam(lambda w: h * (w - 1), [0.0, 0.0], 20_000, 0.001, decay=lam)[-1]
    exact = h / (h + lam)
    assert f"{'minimiser of f + λ/2·|w|²':32s} {exact[0]:12.6f} {exact[1]:14.6f}" in text
    assert f"{'Adam, L2 in the gradient':32s} {l2[0]:12.6f} {l2[1]:14.6f}" in text
    assert f"{'AdamW, decoupled decay':32s} {decoupled[0]:12.6f} {decoupled[1]:14.6f}" in text
    assert abs(decoupled[0] - decoupled[1]) < 1e-6 and np.allclose(l2, exact, atol=1e-6)
