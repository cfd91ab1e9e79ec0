"""Notebook 09: the network's gradient against TensorFlow's autodiff, and every number 09
prints recomputed by hand (real Keras for the Keras run)."""

import numpy as np
import pytest

from adam_teach import network, run
from adam_teach.optimizers import Adam
from notebook_support import hand_adam, printed


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


def test_learning_rate_table_in_09():
    text = printed("09_training_a_network")
    X, y = network.two_moons()
    theta_0 = network.initial_parameters()

    def grad(theta):
        return network.loss_gradient(theta, X, y)

    for rate in (0.001, 0.01, 0.1):
        theta = hand_adam(grad, theta_0, 300, rate)[-1]
        line = (f"Adam α = {rate:<6g}: final loss {network.loss(theta, X, y):.4f}, "
                f"accuracy {network.accuracy(theta, X, y):.3f}")
        assert line in text, line
    finals = {}
    for rate in (0.05, 0.5, 5.0, 20.0):
        theta, worst = theta_0.copy(), 0.0
        for _ in range(300):
            theta = theta - rate * grad(theta)
            worst = max(worst, network.loss(theta, X, y))
        finals[rate] = network.loss(theta, X, y)
        if rate != 20.0:
            line = f"SGD α = {rate:<6g}: final loss {finals[rate]:.4f}, accuracy {network.accuracy(theta, X, y):.3f}"
            assert line in text, line
        if rate == 5.0:
            assert worst > 10  # "the loss climbs above 10 before it settles"
    assert finals[20.0] > 10 * finals[5.0]  # "too large: far worse"
    adam_1 = hand_adam(grad, theta_0, 300, 1.0)[-1]
    assert network.loss(adam_1, X, y) > 10 * network.loss(hand_adam(grad, theta_0, 300, 0.1)[-1], X, y)


def test_too_large_learning_rates_in_notebook_09_prose():
    """09's prose: SGD α = 10 and Adam α = 1 end ~10× worse than α = 5 and 0.1 (300 epochs)."""
    from adam_teach.optimizers import SGD

    X, y = network.two_moons()
    objective, theta0 = network.network_objective(X, y), network.initial_parameters()
    final = {name: run(opt, objective, theta0, 300).f[-1] for name, opt in
             {"sgd 10": SGD(10.0), "adam 1": Adam(1.0), "sgd 5": SGD(5.0), "adam 0.1": Adam(0.1)}.items()}
    assert f"{final['sgd 10']:.2f}" == "0.14" and f"{final['adam 1']:.2f}" == "0.36"
    assert f"{final['sgd 5']:.3f}" == "0.016" and f"{final['adam 0.1']:.3f}" == "0.014"
    assert final["sgd 10"] > 8 * final["sgd 5"] and final["adam 1"] > 8 * final["adam 0.1"]
