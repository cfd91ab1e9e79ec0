"""Notebook 09: the network's gradient against TensorFlow's autodiff, and every number 09
prints recomputed by hand (real Keras for the Keras run)."""

import numpy as np
import pytest

from adam_teach import network, run
from adam_teach.optimizers import Adam
from notebook_support import hand_adam, printed, read_notebook


@pytest.fixture(scope="module")
def tf():
    from adam_teach.keras_reference import import_tensorflow  # a clear ImportError without it

    return import_tensorflow()


def test_network_gradient_equals_tensorflow_autodiff(tf):
    X, y = network.two_moons()
    theta = network.initial_parameters(seed=3) + 0.1
    weights = [tf.Variable(a) for a in network.unflatten(theta)]
    with tf.GradientTape() as tape:
        h = tf.constant(X)
        for i in range(0, len(weights) - 2, 2):
            h = tf.tanh(h @ weights[i] + weights[i + 1])
        z = (h @ weights[-2] + weights[-1])[:, 0]
        loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.constant(y), logits=z))
    grads = tape.gradient(loss, weights)
    assert float(loss) == pytest.approx(network.loss(theta, X, y), rel=1e-12)
    np.testing.assert_allclose(network.loss_gradient(theta, X, y),
                               np.concatenate([g.numpy().ravel() for g in grads]), rtol=1e-9, atol=1e-13)


def test_numbers_printed_in_09(tf):
    text = printed("09_training_a_network")
    X, y = network.two_moons(n=200, noise=0.15, seed=0)
    theta_0 = network.initial_parameters(seed=0)
    assert len(theta_0) == 337 and "200 points, 337 weights" in text
    assert f"loss at the start: {network.loss(theta_0, X, y):.4f}" in text

    def grad(theta):
        return network.loss_gradient(theta, X, y)

    finals = {}
    for name, path in [("Adam, α = 0.01", hand_adam(grad, theta_0, 300, 0.01))]:
        finals[name] = path[-1]
    sgd = theta_0.copy()
    for _ in range(300):
        sgd = sgd - 0.5 * grad(sgd)
    for name, theta in [*finals.items(), ("SGD, α = 0.5", sgd)]:
        line = f"{name:15s}: loss {network.loss(theta, X, y):.4f}, accuracy {network.accuracy(theta, X, y):.3f}"
        assert line in text, line

    # Keras, built and trained here without adam_teach.network's Keras helpers
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.Input(shape=(2,)), tf.keras.layers.Dense(16, activation="tanh"),
                                 tf.keras.layers.Dense(16, activation="tanh"), tf.keras.layers.Dense(1)])
    model.set_weights([a.astype(np.float32) for a in network.unflatten(theta_0)])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01),
                  loss=tf.keras.losses.BinaryCrossentropy(from_logits=True))
    keras_loss = np.array(model.fit(X.astype(np.float32), y.astype(np.float32), batch_size=200, epochs=300,
                                    shuffle=False, verbose=0).history["loss"])
    assert f"Keras loss after 300 epochs:               {keras_loss[-1]:.4f}" in text
    float64_losses = [network.loss(theta, X, y) for theta in hand_adam(grad, theta_0, 299, 0.01)]
    assert f"to float64 Adam: {np.max(np.abs(keras_loss - float64_losses)):.0e}" in text
    X32, y32 = network.two_moons(dtype="float32")
    ours = run(Adam(0.01, epsilon=1e-7, epsilon_hat=True, dtype="float32"), network.network_objective(X32, y32),
               theta_0.astype(np.float32), 300)
    assert np.max(np.abs(keras_loss - ours.f[:-1])) < 1e-5 and "within 1e-5:         True" in text


def sgd_path(grad, theta_0, rate, steps):
    theta, path = theta_0.copy(), [theta_0]
    for _ in range(steps):
        theta = theta - rate * grad(theta)
        path.append(theta)
    return path


def nudged_starts(theta_0, count, seed):
    """count copies of θ₀, each weight multiplied by 1 ± 1e-12 (signs from the seed)."""
    return theta_0 * (1 + 1e-12 * np.random.default_rng(seed).choice([-1.0, 1.0], size=(count, len(theta_0))))


def test_learning_rate_table_in_09():
    """09's table: a setting whose five nudged copies agree prints its final loss; one whose
    copies differ is called chaotic and prints no digits; then the facts said to hold in every copy."""
    text = printed("09_training_a_network")
    X, y = network.two_moons()
    theta_0 = network.initial_parameters()
    starts = nudged_starts(theta_0, 5, seed=1)  # the notebook's five copies

    def grad(theta):
        return network.loss_gradient(theta, X, y)

    paths = {("Adam", rate): [hand_adam(grad, start, 300, rate) for start in starts] for rate in (0.001, 0.01, 0.1, 1.0)}
    paths |= {("SGD", rate): [sgd_path(grad, start, rate, 300) for start in starts] for rate in (0.05, 0.5, 5.0, 10.0)}
    finals = {key: np.array([network.loss(path[-1], X, y) for path in runs]) for key, runs in paths.items()}
    chaotic = {("Adam", 1.0), ("SGD", 5.0), ("SGD", 10.0)}
    for (name, rate), losses in finals.items():
        if (name, rate) in chaotic:
            assert np.ptp(losses) > 1e-3, (name, rate)  # visibly different, not rounding
            assert f"{name} α = {rate:<6g}: chaotic, the five copies end at different losses" in text
        else:
            assert np.ptp(losses) < 1e-9, (name, rate)
            theta = paths[name, rate][0][-1]
            line = (f"{name} α = {rate:<6g}: final loss {losses[0]:.4f}, "
                    f"accuracy {network.accuracy(theta, X, y):.3f} (all five copies)")
            assert line in text, line
    peaks = [max(network.loss(theta, X, y) for theta in path) for path in paths["SGD", 5.0]]
    assert np.ptp(peaks) < 1e-6 and peaks[0] > 10
    assert f"highest loss on the way = {peaks[0]:.2f} (it starts at 0.94), the same in all five copies: True" in text
    assert finals["Adam", 1.0].min() > finals["Adam", 0.1].max()
    assert "Adam α = 1 ends above Adam α = 0.1 in every copy: True" in text
    assert np.median(finals["SGD", 10.0]) > np.median(finals["SGD", 5.0])
    assert "SGD α = 10 ends above SGD α = 5 in most copies (median against median): True" in text
    for rate in (0.001, 0.01, 0.1):
        largest = np.max(np.abs(np.diff(paths["Adam", rate][0], axis=0))) / rate
        assert f"Adam α = {rate:<5g}: largest step of any weight in 300 epochs = {largest:.2f} α" in text
        assert largest < 0.1 / np.sqrt(0.001)  # the paper's bound (§2.1), quoted in the notebook


def test_09_first_epochs_below_0_3_and_0_2():
    """09's prose: SGD gets below 0.3 first (138 vs 145), Adam below 0.2 first (181 vs 184)."""
    text = printed("09_training_a_network")
    X, y = network.two_moons()
    theta_0 = network.initial_parameters()

    def grad(theta):
        return network.loss_gradient(theta, X, y)

    for name, path in [("Adam, α = 0.01", hand_adam(grad, theta_0, 300, 0.01)),
                       ("SGD, α = 0.5", sgd_path(grad, theta_0, 0.5, 300))]:
        losses = np.array([network.loss(theta, X, y) for theta in path])
        line = f"first epoch with loss below 0.3: {np.argmax(losses < 0.3)}, below 0.2: {np.argmax(losses < 0.2)}"
        assert f"{name:15s}: loss {losses[-1]:.4f}" in text and line in text, line
    assert "SGD gets below $0.3$ first (epoch 138 against Adam's 145)" in "".join(
        cell.source for cell in read_notebook("09_training_a_network").cells)


def test_what_09_says_of_chaotic_runs_holds_for_any_nudge():
    """The claims 09 makes about too-large learning rates hold for 30 other sets of 1e-12
    nudges, not only for the notebook's five: that is what makes them machine-independent."""
    from adam_teach.optimizers import SGD

    X, y = network.two_moons()
    objective, theta_0 = network.network_objective(X, y), network.initial_parameters()
    starts = nudged_starts(theta_0, 30, seed=2026)
    final = {}
    for name, make in {"adam 0.1": lambda: Adam(0.1), "adam 1": lambda: Adam(1.0), "sgd 0.5": lambda: SGD(0.5),
                       "sgd 5": lambda: SGD(5.0), "sgd 10": lambda: SGD(10.0)}.items():
        traces = [run(make(), objective, start, 300) for start in starts]
        final[name] = np.array([trace.f[-1] for trace in traces])
        if name == "sgd 5":
            assert min(trace.f.max() for trace in traces) > 10  # "the loss climbs above 10"
    assert np.ptp(final["adam 0.1"]) < 1e-9 and np.ptp(final["sgd 0.5"]) < 1e-9  # reproducible
    for name in ("adam 1", "sgd 5", "sgd 10"):
        assert np.ptp(final[name]) > 1e-3, name  # chaotic
        assert final[name].min() > final["adam 0.1"].max(), name  # Adam α = 0.1: "the lowest loss of all"
    assert final["adam 1"].min() > final["adam 0.1"].max()
    assert np.median(final["sgd 5"]) < final["sgd 0.5"][0]  # "often ends lower than at α = 0.5"
    assert np.median(final["sgd 10"]) > np.median(final["sgd 5"])
