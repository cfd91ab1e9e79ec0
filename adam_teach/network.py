"""A tiny neural network in NumPy (notebook 09) and its Keras twin.

The data, two interleaving half circles ("two moons"), are generated here from a seeded
generator: nothing is downloaded. The network maps a point (x, y) through tanh hidden
layers to one logit z; the loss is the mean binary cross-entropy of sigmoid(z), computed
from the logit the numerically stable way Keras does:
    ℓ(z, y) = max(z, 0) − z·y + log(1 + exp(−|z|)).
All weights live in one flat vector θ, so every optimiser in adam_teach trains it as it
minimises any other objective: `adam_teach.run(optimizer, network_objective(...), θ₀, steps)`.
"""

import math

import numpy as np

from . import perturbation, validation
from .objectives import Objective

SIZES = (2, 16, 16, 1)


def two_moons(n=200, noise=0.15, seed=0, dtype="float64"):
    """n points (half per moon) with Gaussian noise; labels 0 (upper moon) and 1 (lower)."""
    n = validation.step_count("n", n)
    noise = validation.non_negative("noise", noise)
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0, np.pi, size=n)
    label = np.arange(n) % 2
    points = np.where(label[:, None] == 0,
                      np.stack([np.cos(angle), np.sin(angle)], axis=1),
                      np.stack([1 - np.cos(angle), 0.5 - np.sin(angle)], axis=1))
    points = points + noise * perturbation.nudge(rng.standard_normal((n, 2)))
    return points.astype(dtype), label.astype(dtype)


def _shapes(sizes):
    return [shape for n_in, n_out in zip(sizes[:-1], sizes[1:]) for shape in ((n_in, n_out), (n_out,))]


def initial_parameters(sizes=SIZES, seed=0, dtype="float64"):
    """θ₀: Glorot-uniform weights (Keras's default for Dense) and zero biases, flattened."""
    rng = np.random.default_rng(seed)
    parts = []
    for shape in _shapes(sizes):
        if len(shape) == 2:
            limit = np.sqrt(6 / (shape[0] + shape[1]))
            parts.append(rng.uniform(-limit, limit, size=shape).ravel())
        else:
            parts.append(np.zeros(shape))
    return perturbation.nudge(np.concatenate(parts)).astype(dtype)


def unflatten(theta, sizes=SIZES):
    """The list [W₁, b₁, W₂, b₂, ...] held in the flat vector θ (Keras's get_weights order)."""
    arrays, start = [], 0
    for shape in _shapes(sizes):
        size = math.prod(shape)
        arrays.append(theta[start:start + size].reshape(shape))
        start += size
    if start != len(theta):
        raise ValueError(f"θ has {len(theta)} entries but a network of sizes {sizes} needs {start}.")
    return arrays


def forward(theta, X, sizes=SIZES):
    """The logits z (one per point) and the hidden activations, for backpropagation."""
    arrays = unflatten(theta, sizes)
    activations = [X]
    for i in range(0, len(arrays) - 2, 2):
        activations.append(np.tanh(activations[-1] @ arrays[i] + arrays[i + 1]))
    logits = activations[-1] @ arrays[-2] + arrays[-1]
    return logits[:, 0], activations


def loss(theta, X, y, sizes=SIZES):
    """Mean binary cross-entropy from logits."""
    z, _ = forward(theta, X, sizes)
    return np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))


def loss_gradient(theta, X, y, sizes=SIZES):
    """∂loss/∂θ by backpropagation: ∂ℓ/∂z = sigmoid(z) − y, then the chain rule layer by layer."""
    arrays = unflatten(theta, sizes)
    z, activations = forward(theta, X, sizes)
    delta = ((1 / (1 + np.exp(-z)) - y) / len(y))[:, None]
    grads = []
    for i in range(len(arrays) - 2, -1, -2):
        grads[:0] = [activations[i // 2].T @ delta, delta.sum(axis=0)]
        if i:
            delta = (delta @ arrays[i].T) * (1 - activations[i // 2] ** 2)
    return np.concatenate([g.ravel() for g in grads]).astype(theta.dtype)


def accuracy(theta, X, y, sizes=SIZES):
    """The fraction of points on the right side of the decision boundary z = 0."""
    z, _ = forward(theta, X, sizes)
    return float(np.mean((z > 0) == (y > 0.5)))


def network_objective(X, y, sizes=SIZES):
    """The training loss as an Objective of θ, so `adam_teach.run` can train the network."""
    return Objective(name=f"two-moons network {sizes}", f=lambda theta: loss(theta, X, y, sizes),
                     grad=lambda theta: loss_gradient(theta, X, y, sizes), plot_range=(),
                     formula="mean binary cross-entropy")


def keras_twin(theta, sizes=SIZES):
    """The same network in Keras, starting from the same weights θ (float32)."""
    from .keras_reference import import_tensorflow

    tf = import_tensorflow()
    layers = [tf.keras.Input(shape=(sizes[0],))]
    layers += [tf.keras.layers.Dense(n, activation="tanh") for n in sizes[1:-1]]
    layers += [tf.keras.layers.Dense(sizes[-1])]
    model = tf.keras.Sequential(layers)
    model.set_weights([a.astype(np.float32) for a in unflatten(theta, sizes)])
    return model


def keras_losses(theta, X, y, epochs, learning_rate=0.01, sizes=SIZES, seed=0):
    """Train the Keras twin full-batch with tf.keras.optimizers.Adam and return its loss
    before each update (history["loss"]), comparable with Trace.f[:-1]."""
    from .keras_reference import import_tensorflow

    tf = import_tensorflow()
    tf.keras.utils.set_random_seed(seed)
    model = keras_twin(theta, sizes)
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=learning_rate),
                  loss=tf.keras.losses.BinaryCrossentropy(from_logits=True))
    history = model.fit(X.astype(np.float32), y.astype(np.float32), batch_size=len(X), epochs=epochs,
                        shuffle=False, verbose=0)
    return np.array(history.history["loss"]), model
