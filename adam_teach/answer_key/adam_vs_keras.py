"""Exercise 04: Keras's form of Adam (ε̂ added to √v_t, end of the paper's §2) and the
article's example with real tf.keras.optimizers.Adam and its path recorded."""

import numpy as np

from . import mistakes
from .base import Assignment, Case
from .judging import Spec, make_item
from .references import adam_step_keras, keras_adam_path

EXERCISE = "04_adam_vs_keras"


ADAM_STEP_KERAS = Spec(
    "adam_step_keras", adam_step_keras, mistakes.ADAM_STEP_KERAS, outputs=("x", "m", "v"),
    hint="m_t = β₁m + (1 − β₁)g, v_t = β₂v + (1 − β₂)g², α_t = α√(1 − β₂ᵗ)/(1 − β₁ᵗ), "
         "x_t = x − α_t m_t/(√v_t + ε̂)",
    forbidden=("adam_teach.optimizers", "adam_teach.trace", "keras.src.optimizers"))
KERAS_ADAM_PATH = Spec(
    "keras_adam_path", keras_adam_path, mistakes.KERAS_ADAM_PATH, needs_array=True,
    length_hint="record x0 and then x after each of the steps: steps + 1 values",
    hint="use tf.keras.optimizers.Adam(learning_rate=learning_rate, epsilon=epsilon) and "
         "optimizer.apply_gradients([(gradient, x)]) after each GradientTape",
    forbidden=("adam_teach.keras_reference",))


def _items(cases):
    return (
        make_item(ADAM_STEP_KERAS, "adam_step_keras", 3, "adam_step_keras follows Keras's ε̂ form",
                  cases["adam_step_keras"]),
        make_item(KERAS_ADAM_PATH, "keras_adam_path", 2,
                  "keras_adam_path records the path of tf.keras.optimizers.Adam on the cubic",
                  cases["keras_adam_path"]),
    )


def _vector(*values):
    return np.array(values)


KERAS_DEFAULTS = {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}
VISIBLE = {
    "adam_step_keras": (
        Case("adam_step_keras", (1.0, 2.0, 0.0, 0.0, 1), KERAS_DEFAULTS),
        Case("adam_step_keras", (_vector(0.5, -1.5, 2.0), _vector(0.3, -0.8, 1.2),
                                 _vector(0.1, -0.2, 0.05), _vector(0.02, 0.5, 0.3), 3),
             {**KERAS_DEFAULTS, "learning_rate": 0.1, "epsilon": 1e-2}),
        Case("adam_step_keras", (_vector(-1.0, 0.25), _vector(-2.0, 0.6), _vector(-0.4, 0.1),
                                 _vector(0.9, 0.05), 10),
             {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-3}),
    ),
    "keras_adam_path": (
        Case("keras_adam_path", (0.001, 30)),
        Case("keras_adam_path", (1.0, 20), {"learning_rate": 0.1, "epsilon": 1e-2}),
    ),
}

HIDDEN = {
    "adam_step_keras": (
        Case("adam_step_keras", (-0.5, -1.5, 0.0, 0.0, 1), {**KERAS_DEFAULTS, "epsilon": 1e-2}),
        Case("adam_step_keras", (_vector(1.2, -0.7, 0.4), _vector(-0.6, 0.9, 1.5),
                                 _vector(-0.05, 0.12, 0.2), _vector(0.08, 0.3, 0.45), 4),
             {**KERAS_DEFAULTS, "learning_rate": 0.02, "epsilon": 1e-2}),
        Case("adam_step_keras", (np.array([[0.3, -2.0], [1.1, 0.0]]), np.array([[1.4, -0.2], [0.7, -1.1]]),
                                 np.array([[0.2, -0.1], [0.3, -0.2]]), np.array([[0.6, 0.02], [0.1, 0.4]]), 6),
             {"learning_rate": 0.1, "beta_1": 0.7, "beta_2": 0.95, "epsilon": 1e-3}),
    ),
    "keras_adam_path": (
        Case("keras_adam_path", (0.5, 25), {"learning_rate": 0.02, "epsilon": 1e-2}),
        Case("keras_adam_path", (2.0, 15), {"learning_rate": 0.2}),
    ),
}

TITLE = "Adam in Keras: the ε̂ form and the article's example"
FUNCTIONS = ("adam_step_keras", "keras_adam_path")
ASSIGNMENT = Assignment(EXERCISE, TITLE, FUNCTIONS, _items(HIDDEN), needs_tensorflow=True)
SELF_CHECK = Assignment(EXERCISE, TITLE, FUNCTIONS, _items(VISIBLE), needs_tensorflow=True)
