"""The reference: real `tf.keras.optimizers.Adam` on the same problems.

TensorFlow is imported here, lazily, the first time a function needs it, with its C++
logs silenced first, so that importing the rest of adam_teach stays fast and works on a
machine without TensorFlow.
"""

import os

import numpy as np

from . import validation
from .trace import Trace


def import_tensorflow():
    """Import TensorFlow quietly: no oneDNN or absl lines on stderr."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    try:
        import tensorflow as tf
    except ImportError as error:
        raise ImportError(
            "TensorFlow is needed for the Keras comparison but is not installed; "
            "run `make lab` or `pip install -e '.[keras]'`."
        ) from error
    tf.get_logger().setLevel("ERROR")
    return tf


def keras_adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False):
    """A fresh tf.keras.optimizers.Adam (Keras's default ε is 1e-7, used as ε̂)."""
    tf = import_tensorflow()
    return tf.keras.optimizers.Adam(
        learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, amsgrad=amsgrad
    )


def _trace(objective, xs, optimizer_name):
    xs = np.array(xs, dtype=np.float32)
    with np.errstate(all="ignore"):
        return Trace(optimizer=optimizer_name, objective=objective, x=xs,
                     f=np.array([objective.f(x) for x in xs]),
                     grad=np.array([objective.grad(x) for x in xs]))


def adam_path_with_tape(x0=0.001, steps=100, learning_rate=0.05, beta_1=0.9, beta_2=0.999,
                        epsilon=1e-7, amsgrad=False):
    """The article's example, with its defects fixed: Keras's Adam on the cubic, the
    gradient from tf.GradientTape, and the path recorded. Returns a Trace (float32)."""
    from .objectives import cubic

    steps = validation.step_count("steps", steps)
    validation.finite_point("x0", x0, np.float32)
    tf = import_tensorflow()
    optimizer = keras_adam(learning_rate, beta_1, beta_2, epsilon, amsgrad)
    x = tf.Variable(float(x0), dtype=tf.float32)
    path = [x.numpy()]
    for _ in range(steps):
        with tf.GradientTape() as tape:
            y = x**3 - 2 * x**2 + 2
        gradient = tape.gradient(y, x)
        optimizer.apply_gradients([(gradient, x)])
        path.append(x.numpy())
    return _trace(cubic, path, "tf.keras.optimizers.Adam (GradientTape)")


def adam_path_with_gradients(objective, x0, steps, learning_rate=0.001, beta_1=0.9,
                             beta_2=0.999, epsilon=1e-7, amsgrad=False):
    """Keras's Adam fed the objective's own float32 gradients, so that any difference
    from adam_teach's Adam comes from the optimiser alone. Returns a Trace (float32)."""
    validation.objective(objective)
    steps = validation.step_count("steps", steps)
    start = validation.finite_point("x0", x0, np.float32)
    tf = import_tensorflow()
    optimizer = keras_adam(learning_rate, beta_1, beta_2, epsilon, amsgrad)
    x = tf.Variable(start, dtype=tf.float32)
    path = [x.numpy()]
    for _ in range(steps):
        gradient = np.asarray(objective.grad(x.numpy()), dtype=np.float32)
        optimizer.apply_gradients([(tf.constant(gradient), x)])
        path.append(x.numpy())
    return _trace(objective, path, "tf.keras.optimizers.Adam")
