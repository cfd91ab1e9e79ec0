"""Exercise 05: one step of momentum in Keras's velocity convention (notebook 02) and one
step of RMSprop in the form of notebook 03 (ε inside the square root, as Keras)."""

import numpy as np

from . import momentum_rmsprop_mistakes as mistakes
from .base import Assignment, Case
from .judging import Spec, make_item
from .momentum_rmsprop_references import momentum_step, rmsprop_step

EXERCISE = "05_momentum_rmsprop"
FROM_SCRATCH = ("adam_teach.optimizers", "adam_teach.trace")

MOMENTUM_STEP = Spec(
    "momentum_step", momentum_step, mistakes.MOMENTUM_STEP, outputs=("x", "velocity"),
    hint="velocity_t = μ·velocity − α·g, then x_t = x + velocity_t", forbidden=FROM_SCRATCH)
RMSPROP_STEP = Spec(
    "rmsprop_step", rmsprop_step, mistakes.RMSPROP_STEP, outputs=("x", "v"),
    hint="v_t = ρ·v + (1 − ρ)·g², then x_t = x − α·g/√(v_t + ε)", forbidden=FROM_SCRATCH)


def _items(cases):
    return (
        make_item(MOMENTUM_STEP, "momentum_step", 3,
                  "momentum_step follows Keras's SGD with momentum", cases["momentum_step"]),
        make_item(RMSPROP_STEP, "rmsprop_step", 3,
                  "rmsprop_step follows RMSprop with ε inside the square root",
                  cases["rmsprop_step"]),
    )


def _vector(*values):
    return np.array(values)


VISIBLE = {
    "momentum_step": (
        Case("momentum_step", (1.0, 2.0, 0.0)),
        Case("momentum_step", (_vector(0.5, -1.5, 2.0), _vector(0.3, -0.8, 1.2),
                               _vector(0.05, -0.1, 0.02)), {"learning_rate": 0.1, "momentum": 0.8}),
        Case("momentum_step", (_vector(-1.0, 0.25), _vector(-2.0, 0.6), _vector(0.3, -0.04)),
             {"learning_rate": 0.05, "momentum": 0.5}),
    ),
    "rmsprop_step": (
        Case("rmsprop_step", (1.0, 2.0, 0.0)),
        Case("rmsprop_step", (_vector(0.5, -1.5, 2.0), _vector(0.3, -0.8, 1.2),
                              _vector(0.02, 0.5, 0.3)), {"learning_rate": 0.1, "epsilon": 1e-2}),
        Case("rmsprop_step", (_vector(-1.0, 0.25), _vector(-2.0, 0.6), _vector(0.9, 0.05)),
             {"learning_rate": 0.05, "rho": 0.99, "epsilon": 1e-3}),
    ),
}

HIDDEN = {
    "momentum_step": (
        Case("momentum_step", (-0.5, -1.5, 0.0)),
        Case("momentum_step", (_vector(1.2, -0.7, 0.4), _vector(-0.6, 0.9, 1.5),
                               _vector(-0.08, 0.12, -0.2)), {"learning_rate": 0.02}),
        Case("momentum_step", (np.array([[0.3, -2.0], [1.1, 0.0]]), np.array([[1.4, -0.2], [0.7, -1.1]]),
                               np.array([[0.15, -0.05], [-0.3, 0.25]])),
             {"learning_rate": 0.1, "momentum": 0.7}),
    ),
    "rmsprop_step": (
        Case("rmsprop_step", (-0.5, -1.5, 0.0)),
        Case("rmsprop_step", (_vector(1.2, -0.7, 0.4), _vector(-0.6, 0.9, 0.05),
                              _vector(0.08, 0.3, 0.001)), {"learning_rate": 0.02, "epsilon": 1e-2}),
        Case("rmsprop_step", (np.array([[0.3, -2.0], [1.1, 0.0]]), np.array([[1.4, -0.2], [0.7, -1.1]]),
                              np.array([[0.6, 0.02], [0.1, 0.4]])),
             {"learning_rate": 0.1, "rho": 0.8, "epsilon": 1e-3}),
    ),
}

TITLE = "Momentum and RMSprop, one step each"
FUNCTIONS = ("momentum_step", "rmsprop_step")
ASSIGNMENT = Assignment(EXERCISE, TITLE, FUNCTIONS, _items(HIDDEN))
SELF_CHECK = Assignment(EXERCISE, TITLE, FUNCTIONS, _items(VISIBLE))
