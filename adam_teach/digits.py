"""Minibatch training on real data (notebook 10): scikit-learn's 8×8 digits, a small softmax
network, our optimisers fed stochastic gradients, and the same run in Keras.

The data are the 1797 handwritten digits that ship with scikit-learn
(`sklearn.datasets.load_digits`): nothing is downloaded. Each image has 64 pixels with
values 0 to 16, divided by 16; a seeded permutation holds out a validation set.

The network maps the 64 pixels through a tanh hidden layer to 10 logits z; the loss is the
mean softmax cross-entropy ℓ(z, y) = log Σ_k exp(z_k) − z_y. All weights are one flat vector
θ in Keras's get_weights order, as in `adam_teach.network`, whose `initial_parameters`
(Glorot-uniform weights, zero biases) starts them.

Training is the paper's stochastic setting (Kingma & Ba 2015, §1 and Algorithm 1): at step t
the gradient g_t = ∇_θ f_t(θ_{t−1}) is taken on one minibatch, a noisy sample of the
full-batch gradient, and the optimiser's pure `step` turns it into the update. The learning
rate of step t, α_t, follows `warmup_cosine`, Keras's `CosineDecay` schedule with warm-up.

Several runs of one setting (seeds, a nudged start) are trained in lockstep, as a stack of
weight vectors: each matrix product then works on the whole stack at once, which gives, bit
for bit, the products of the separate runs (`train` is a stack of one).
"""

import dataclasses
import math

import numpy as np

from . import network, perturbation, validation

SIZES = (64, 32, 10)


def load(validation_size=360, seed=0, dtype="float64"):
    """(X_train, y_train, X_val, y_val): pixel values divided by 16 (so in [0, 1]), labels
    0-9 as integers; the images are put in the order of a permutation seeded with `seed` and
    the last `validation_size` are held out."""
    try:
        from sklearn.datasets import load_digits
    except ImportError as error:
        raise ImportError("The digits data ship inside scikit-learn, which is not installed; "
                          "`pip install scikit-learn` adds it.") from error

    digits = load_digits()
    order = np.random.default_rng(seed).permutation(len(digits.target))
    X, y = (digits.data[order] / 16.0).astype(dtype), digits.target[order].astype(np.int64)
    n_train = len(y) - validation.step_count("validation_size", validation_size)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def unflatten(theta, sizes=SIZES):
    """[W₁, b₁, W₂, b₂] held in θ; θ may be a stack of weight vectors (k, n), whose
    matrices then come as (k, n_in, n_out) and biases as (k, 1, n_out)."""
    lead, arrays, start = theta.shape[:-1], [], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        for shape in ((n_in, n_out), (1, n_out) if lead else (n_out,)):
            size = math.prod(shape)
            arrays.append(theta[..., start:start + size].reshape(lead + shape))
            start += size
    if start != theta.shape[-1]:
        raise ValueError(f"θ has {theta.shape[-1]} entries but a network of sizes {sizes} needs {start}.")
    return arrays


def forward(theta, X, sizes=SIZES):
    """The logits z (one row of 10 per image) and the activations of every layer."""
    return _forward(unflatten(theta, sizes), X)


def _forward(arrays, X):
    activations = [X]
    for i in range(0, len(arrays) - 2, 2):
        activations.append(np.tanh(activations[-1] @ arrays[i] + arrays[i + 1]))
    return activations[-1] @ arrays[-2] + arrays[-1], activations


def _log_softmax(z):
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _cross_entropy(z, y):
    """Mean of −log softmax(z)_y over the images."""
    return float(-np.mean(np.take_along_axis(_log_softmax(z), np.asarray(y)[..., None], axis=-1)))


def loss(theta, X, y, sizes=SIZES):
    """Mean softmax cross-entropy, −mean log softmax(z)_y: what Keras's
    SparseCategoricalCrossentropy(from_logits=True) computes."""
    z, _ = forward(theta, X, sizes)
    return _cross_entropy(z, y)


def accuracy(theta, X, y, sizes=SIZES):
    """The fraction of images whose largest logit is the right digit."""
    z, _ = forward(theta, X, sizes)
    return float(np.mean(np.argmax(z, axis=-1) == y))


def loss_gradient(theta, X, y, sizes=SIZES):
    """∂loss/∂θ on the images X by backpropagation: ∂ℓ/∂z = softmax(z) − onehot(y), then the
    chain rule layer by layer. This is g_t of Algorithm 1 when X is a minibatch. With a
    stack θ (k, n), X (k, B, 64) and y (k, B) hold one minibatch per weight vector. In
    perturbation mode (ADAM_TEACH_PERTURB) the result is nudged, as every gradient of the course."""
    arrays = unflatten(theta, sizes)
    z, activations = _forward(arrays, X)
    one_hot = (np.asarray(y)[..., None] == np.arange(sizes[-1])).astype(z.dtype)
    delta = (np.exp(_log_softmax(z)) - one_hot) / z.dtype.type(np.shape(y)[-1])
    grads = []
    for i in range(len(arrays) - 2, -1, -2):
        grads[:0] = [np.swapaxes(activations[i // 2], -1, -2) @ delta, delta.sum(axis=-2)]
        if i:
            delta = (delta @ np.swapaxes(arrays[i], -1, -2)) * (1 - activations[i // 2] ** 2)
    lead = theta.shape[:-1]
    return perturbation.nudge(np.concatenate([g.reshape(lead + (-1,)) for g in grads], axis=-1).astype(theta.dtype))


def batch_order(n, batch_size, epochs, seed=0):
    """The minibatches, as index arrays: for each epoch a fresh permutation of the n
    training images (seeded) cut into batches of `batch_size` (the last one smaller if
    batch_size does not divide n). A list of epochs, each a list of batches."""
    batch_size = validation.step_count("batch_size", batch_size)
    epochs = validation.step_count("epochs", epochs)
    if batch_size == 0:
        raise ValueError("batch_size must be at least 1.")
    rng = np.random.default_rng(seed)
    batches = []
    for _ in range(epochs):
        order = rng.permutation(n)
        batches.append([order[start:start + batch_size] for start in range(0, n, batch_size)])
    return batches


def warmup_cosine(learning_rate, warmup_steps, total_steps):
    """α_t for t = 1, ..., total_steps: a linear warm-up from α/W to α over the first
    W = warmup_steps steps, then half a cosine from α down towards 0 at the end.

    It is Keras's `CosineDecay(initial_learning_rate=α/W, warmup_target=α,
    warmup_steps=W, decay_steps=total_steps − W)` (see `keras_schedule`), which Keras
    evaluates at s = t − 1, the number of updates already made:
        s < W:  α/W + (α − α/W)·s/W
        s ≥ W:  α·(1 + cos(π (s − W)/(total_steps − W)))/2
    W = 1 is no warm-up (α_1 = α). Every α_t is positive: the last is about α·(π/2D)²,
    D = total_steps − W."""
    learning_rate = validation.positive_finite("learning_rate", learning_rate)
    warmup_steps = validation.step_count("warmup_steps", warmup_steps)
    total_steps = validation.step_count("total_steps", total_steps)
    if not 0 < warmup_steps < total_steps:
        raise ValueError(f"warmup_steps must be between 1 and total_steps − 1, got {warmup_steps} "
                         f"of {total_steps}.")
    s = np.arange(total_steps, dtype=np.float64)
    start = learning_rate / warmup_steps
    warmup = start + (learning_rate - start) * s / warmup_steps
    decay = learning_rate * 0.5 * (1 + np.cos(math.pi * (s - warmup_steps) / (total_steps - warmup_steps)))
    return np.where(s < warmup_steps, warmup, decay)


def warmup_constant(learning_rate, warmup_steps, total_steps):
    """The same warm-up as `warmup_cosine`, then α_t = α to the end."""
    rates = warmup_cosine(learning_rate, warmup_steps, total_steps)
    return np.where(np.arange(total_steps) < warmup_steps, rates, learning_rate)


SCHEDULES = {"cosine": warmup_cosine, "constant": warmup_constant}


@dataclasses.dataclass(frozen=True)
class History:
    """One training run, recorded at the start and at the end of every epoch (index 0 is
    θ₀; only start and end with every_epoch=False): the weights, the loss and accuracy on
    the training and on the validation images; α_t of every step; the optimiser's state
    after the last step (t, m_t, v_t for Adam)."""
    theta: np.ndarray
    train_loss: np.ndarray
    train_accuracy: np.ndarray
    val_loss: np.ndarray
    val_accuracy: np.ndarray
    learning_rates: np.ndarray
    state: tuple = None


def evaluate(thetas, data, sizes=SIZES):
    """Loss and accuracy of each θ in `thetas` on the training and on the validation images,
    in float64: the four arrays (train loss, train accuracy, val loss, val accuracy) of a History."""
    results = []
    for images, labels in ((data[0], data[1]), (data[2], data[3])):
        images = np.asarray(images, dtype=np.float64)
        logits = [forward(np.asarray(theta, dtype=np.float64), images, sizes)[0] for theta in thetas]
        results.append(np.array([_cross_entropy(z, labels) for z in logits]))
        results.append(np.array([np.mean(np.argmax(z, axis=-1) == labels) for z in logits]))
    return tuple(results)


def train_many(optimizer, starts, data, seeds, batch_size=32, epochs=20, warmup_epochs=1, schedule="cosine",
               every_epoch=True, sizes=SIZES):
    """`train` from each of the k weight vectors `starts` (k, n), run j on the batch order of
    seeds[j], all k in lockstep (one stack of weights, one optimiser state for the stack).
    Each run's numbers are, bit for bit, those of its own `train`. A list of k Histories."""
    X, y = np.asarray(data[0], dtype=optimizer.dtype), np.asarray(data[1])
    orders = [batch_order(len(y), batch_size, epochs, seed) for seed in seeds]
    steps_per_epoch = len(orders[0][0])
    make_rates = SCHEDULES[validation.one_of("schedule", schedule, SCHEDULES)]
    warmup_steps = max(1, validation.step_count("warmup_epochs", warmup_epochs) * steps_per_epoch)
    rates = make_rates(optimizer.learning_rate, warmup_steps, epochs * steps_per_epoch)
    theta = np.asarray(starts, dtype=optimizer.dtype)
    if theta.ndim != 2 or len(theta) != len(seeds):
        raise ValueError(f"starts must be k weight vectors (k, n) with one seed each; got starts of shape "
                         f"{theta.shape} and {len(seeds)} seeds.")
    state = optimizer.init(theta)
    kept, step = [theta], 0
    for epoch in range(epochs):
        for batch in range(steps_per_epoch):
            index = np.stack([order[epoch][batch] for order in orders])
            g = loss_gradient(theta, X[index], y[index], sizes)
            # The optimiser with α_t as its learning rate; its state carries over, as in Keras.
            stepper = dataclasses.replace(optimizer, learning_rate=float(rates[step]))
            theta, state, _ = stepper.step(theta, g, state)
            step += 1
        if every_epoch or epoch == epochs - 1:
            kept.append(theta)
    kept = np.array(kept)
    histories = []
    for j in range(len(seeds)):
        own_state = type(state)(*(part[j] if isinstance(part, np.ndarray) else part for part in state))
        histories.append(History(kept[:, j], *evaluate(kept[:, j], data, sizes), learning_rates=rates,
                                 state=own_state))
    return histories


def train(optimizer, theta_0, data, batch_size=32, epochs=20, warmup_epochs=1, schedule="cosine", seed=0,
          every_epoch=True, sizes=SIZES):
    """Train from θ₀ with `optimizer` (any of adam_teach.optimizers; its learning_rate is α,
    the peak of the schedule), one step per minibatch of `batch_order(n, batch_size,
    epochs, seed)`:
        α_t from the schedule ("cosine": `warmup_cosine`, "constant": `warmup_constant`,
        with warm-up over `warmup_epochs` epochs; 0 is none),
        g_t = ∇loss(θ_{t−1}; minibatch t),   θ_t = the optimiser's step with α_t.
    `data` is (X_train, y_train, X_val, y_val). The optimiser's dtype is the arithmetic of
    the weights and gradients (float32 on float32 data is Keras's). Returns a History."""
    return train_many(optimizer, np.asarray(theta_0)[None], data, [seed], batch_size, epochs, warmup_epochs,
                      schedule, every_epoch, sizes)[0]


def nudged_start(theta, seed=1, amount=1e-12):
    """θ with every weight multiplied by 1 ± amount (signs drawn with `seed`): a start no
    printed digit should notice. A run from it that ends elsewhere is chaotic (notebook 09)."""
    signs = np.random.default_rng(seed).choice([-1.0, 1.0], size=np.shape(theta))
    return np.asarray(theta) * (1 + amount * signs)


CHAOS_THRESHOLD = 1e-6


@dataclasses.dataclass(frozen=True)
class Repeats:
    """One setting trained once per seed (`histories`, start and end only), and once more
    from a nudged start (`nudged`: the first seed's run with θ₀ moved by a relative 1e-12)."""
    histories: tuple
    nudged: History

    @property
    def train_loss(self):
        return np.array([h.train_loss[-1] for h in self.histories])

    @property
    def val_loss(self):
        return np.array([h.val_loss[-1] for h in self.histories])

    @property
    def val_accuracy(self):
        return np.array([h.val_accuracy[-1] for h in self.histories])

    @property
    def chaotic(self):
        """True when the nudged copy ends at a validation loss more than 1e-6 from the first
        seed's: then no digit of this setting's results is reproducible."""
        return bool(abs(self.nudged.val_loss[-1] - self.histories[0].val_loss[-1]) > CHAOS_THRESHOLD)


def repeat(optimizer, data, seeds=(0, 1, 2), nudge_seed=1, sizes=SIZES, **options):
    """`train` once per seed s (θ₀ = network.initial_parameters(sizes, s), batch order s)
    and once more for the first seed from `nudged_start(θ₀, nudge_seed)`, all in lockstep
    (`train_many`), recording only start and end. `options` are train's (batch_size,
    epochs, warmup_epochs, schedule). Returns a Repeats."""
    starts = [network.initial_parameters(sizes, seed=seed) for seed in seeds]
    starts.append(nudged_start(starts[0], seed=nudge_seed))
    histories = train_many(optimizer, np.array(starts), data, [*seeds, seeds[0]], every_epoch=False, sizes=sizes,
                           **options)
    return Repeats(tuple(histories[:-1]), histories[-1])


def gradient_statistics(theta, data, batch_size=32, seed=0, sizes=SIZES):
    """The minibatch gradients at one θ over one epoch of `batch_order`: per weight, the
    mean μ of its minibatch gradients and their root mean square r = √mean(g²). m̂_t and
    v̂_t estimate these (paper §3); |μ|/r is the signal-to-noise ratio that scales Adam's
    step (§2.1). Returns (μ, r), one value per weight."""
    X, y = data[0], data[1]
    (batches,) = batch_order(len(y), batch_size, 1, seed)
    grads = np.array([loss_gradient(np.asarray(theta), X[b], y[b], sizes) for b in batches])
    return grads.mean(axis=0), np.sqrt(np.mean(grads**2, axis=0))


def first_layer_by_pixel(values, sizes=SIZES):
    """The first-layer part of a per-weight array, averaged over the hidden units: one value
    per pixel, as an 8×8 image."""
    return unflatten(np.asarray(values), sizes)[0].mean(axis=1).reshape(8, 8)


def first_layer(values, sizes=SIZES):
    """A boolean mask of the first layer's weights (pixel → hidden unit) in θ's layout."""
    mask = np.zeros(np.shape(values)[-1], dtype=bool)
    mask[:sizes[0] * sizes[1]] = True
    return mask


# --- the same run in Keras -------------------------------------------------------------


def keras_schedule(learning_rate, warmup_steps, total_steps):
    """Keras's built-in schedule equal to `warmup_cosine` (Keras evaluates it in float32)."""
    from .keras_reference import import_tensorflow

    tf = import_tensorflow()
    return tf.keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=learning_rate / warmup_steps, warmup_target=learning_rate,
        warmup_steps=warmup_steps, decay_steps=total_steps - warmup_steps)


def keras_model(theta, sizes=SIZES):
    """The network as a tf.keras Sequential model (tanh Dense layers, a linear output of
    logits), starting from the weights θ (float32)."""
    from .keras_reference import import_tensorflow

    tf = import_tensorflow()
    layers = [tf.keras.Input(shape=(sizes[0],))]
    layers += [tf.keras.layers.Dense(n, activation="tanh") for n in sizes[1:-1]]
    layers += [tf.keras.layers.Dense(sizes[-1])]
    model = tf.keras.Sequential(layers)
    model.set_weights([a.astype(np.float32) for a in network.unflatten(np.asarray(theta), sizes)])
    return model


def keras_train(theta_0, data, learning_rate, batch_size=32, epochs=20, warmup_epochs=1, seed=0,
                beta_1=0.9, beta_2=0.999, epsilon=1e-7, sizes=SIZES):
    """`train` done by Keras: tf.keras.optimizers.Adam (float32, its epsilon is ε̂) with
    `keras_schedule`, SparseCategoricalCrossentropy(from_logits=True), and `model.fit` on
    a tf.data pipeline that holds exactly the minibatches of `batch_order`, in order
    (shuffle=False, steps_per_epoch = batches per epoch). A callback reads the weights at the
    end of every epoch. Returns (a History evaluated in float64 from Keras's weights,
    Keras's own history dict, with its val_loss and val_accuracy)."""
    from .keras_reference import import_tensorflow

    tf = import_tensorflow()
    tf.keras.utils.set_random_seed(seed)
    X32 = np.asarray(data[0], dtype=np.float32)
    batches = batch_order(len(data[1]), batch_size, epochs, seed)
    steps_per_epoch = len(batches[0])
    dataset = None
    for epoch in batches:
        order = np.concatenate(epoch)
        part = tf.data.Dataset.from_tensor_slices((X32[order], data[1][order])).batch(batch_size)
        dataset = part if dataset is None else dataset.concatenate(part)
    warmup_steps = max(1, warmup_epochs * steps_per_epoch)
    model = keras_model(theta_0, sizes)
    optimizer = tf.keras.optimizers.Adam(
        learning_rate=keras_schedule(learning_rate, warmup_steps, epochs * steps_per_epoch),
        beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
    model.compile(optimizer=optimizer, loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    weights = [np.concatenate([w.ravel() for w in model.get_weights()])]
    record = tf.keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: weights.append(np.concatenate([w.ravel() for w in model.get_weights()])))
    fit = model.fit(dataset, epochs=epochs, steps_per_epoch=steps_per_epoch, shuffle=False, verbose=0,
                    validation_data=(np.asarray(data[2], dtype=np.float32), data[3]), callbacks=[record])
    rates = warmup_cosine(learning_rate, warmup_steps, epochs * steps_per_epoch)
    return History(np.array(weights), *evaluate(weights, data, sizes), learning_rates=rates), fit.history
