"""Exercise 06: AMSGrad (Reddi, Kale & Kumar 2018) and AdamW (Loshchilov & Hutter 2019),
one step each, in the forms PyTorch and Keras use (ε added as in Algorithm 1)."""

import numpy as np

from . import amsgrad_adamw_mistakes as mistakes
from .amsgrad_adamw_references import adamw_step, amsgrad_step
from .base import Assignment, Case
from .judging import Spec, make_item

EXERCISE = "06_amsgrad_adamw"
FROM_SCRATCH = ("adam_teach.optimizers", "adam_teach.trace")

AMSGRAD_STEP = Spec(
    "amsgrad_step", amsgrad_step, mistakes.AMSGRAD_STEP, outputs=("x", "m", "v", "v_max"),
    hint="m_t and v_t as in Adam, v_max,t = max(v_max, v_t), "
         "x_t = x − α m̂_t/(√(v_max,t/(1 − β₂ᵗ)) + ε)",
    forbidden=FROM_SCRATCH)
ADAMW_STEP = Spec(
    "adamw_step", adamw_step, mistakes.ADAMW_STEP, outputs=("x", "m", "v"),
    hint="first x ← x − α·λ·x, then Adam's step t with g: m_t, v_t, m̂_t, v̂_t, "
         "x_t = x − α m̂_t/(√v̂_t + ε)",
    forbidden=FROM_SCRATCH)


def _items(cases):
    return (
        make_item(AMSGRAD_STEP, "amsgrad_step", 4,
                  "amsgrad_step keeps the largest v and divides by it", cases["amsgrad_step"]),
        make_item(ADAMW_STEP, "adamw_step", 4,
                  "adamw_step decays x, then takes Adam's step", cases["adamw_step"]),
    )


def _vector(*values):
    return np.array(values)


def _matrix(*rows):
    return np.array(rows)


VISIBLE = {
    "amsgrad_step": (
        Case("amsgrad_step", (1.0, 2.0, 0.0, 0.0, 0.0, 1)),
        # v_t = (0.027, 0.514, 0.414): below v_max in the first coordinate, above it in the others
        Case("amsgrad_step", (_vector(0.5, -1.5, 2.0), _vector(0.3, -0.8, 1.2), _vector(0.1, -0.2, 0.05),
                              _vector(0.02, 0.5, 0.3), _vector(0.05, 0.5, 0.4), 3),
             {"learning_rate": 0.1, "beta_2": 0.9, "epsilon": 1e-2}),
        Case("amsgrad_step", (_vector(-1.0, 0.25), _vector(-3.0, 0.1), _vector(-0.4, 0.1),
                              _vector(0.9, 0.05), _vector(0.95, 0.3), 10),
             {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-3}),
    ),
    "adamw_step": (
        Case("adamw_step", (1.0, 2.0, 0.0, 0.0, 1), {"learning_rate": 0.1, "weight_decay": 0.5}),
        Case("adamw_step", (_vector(0.5, -1.5, 2.0), _vector(0.3, -0.8, 1.2), _vector(0.1, -0.2, 0.05),
                            _vector(0.02, 0.5, 0.3), 3),
             {"learning_rate": 0.1, "epsilon": 1e-2, "weight_decay": 0.2}),
        Case("adamw_step", (_vector(-1.0, 2.5), _vector(-2.0, 0.1), _vector(-0.4, 0.1),
                            _vector(0.9, 0.05), 10),
             {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-3,
              "weight_decay": 0.1}),
    ),
}

HIDDEN = {
    "amsgrad_step": (
        Case("amsgrad_step", (-0.5, -1.5, 0.0, 0.0, 0.0, 1), {"learning_rate": 0.01}),
        # v_t = (0.108, 0.351, 0.40525): above v_max in two coordinates, below it in the third
        Case("amsgrad_step", (_vector(1.2, -0.7, 0.4), _vector(-0.6, 0.9, 0.05), _vector(-0.05, 0.12, 0.2),
                              _vector(0.08, 0.3, 0.45), _vector(0.1, 0.3, 0.9), 4),
             {"learning_rate": 0.02, "beta_2": 0.9, "epsilon": 1e-2}),
        Case("amsgrad_step", (_matrix([0.3, -2.0], [1.1, 0.0]), _matrix([1.4, -0.2], [0.7, -1.1]),
                              _matrix([0.2, -0.1], [0.3, -0.2]), _matrix([0.6, 0.02], [0.1, 0.4]),
                              _matrix([0.6, 0.5], [0.3, 0.4]), 6),
             {"learning_rate": 0.1, "beta_1": 0.7, "beta_2": 0.95, "epsilon": 1e-3}),
    ),
    "adamw_step": (
        Case("adamw_step", (-0.5, -1.5, 0.0, 0.0, 1), {"learning_rate": 0.05, "weight_decay": 1.0}),
        # λx (1.5, −1.0) is far larger than g in the first two coordinates: L2 ≠ decoupled
        Case("adamw_step", (_vector(3.0, -2.0, 0.4), _vector(0.1, -0.05, 1.5), _vector(0.02, -0.1, 0.2),
                            _vector(0.01, 0.02, 0.45), 4),
             {"learning_rate": 0.1, "epsilon": 1e-2, "weight_decay": 0.5}),
        Case("adamw_step", (_matrix([0.3, -2.0], [1.1, 0.0]), _matrix([1.4, -0.2], [0.7, -1.1]),
                            _matrix([0.2, -0.1], [0.3, -0.2]), _matrix([0.6, 0.02], [0.1, 0.4]), 6),
             {"learning_rate": 0.1, "beta_1": 0.7, "beta_2": 0.95, "epsilon": 1e-3,
              "weight_decay": 0.2}),
    ),
}

TITLE = "AMSGrad and AdamW, one step each"
FUNCTIONS = ("amsgrad_step", "adamw_step")
ASSIGNMENT = Assignment(EXERCISE, TITLE, FUNCTIONS, _items(HIDDEN))
SELF_CHECK = Assignment(EXERCISE, TITLE, FUNCTIONS, _items(VISIBLE))
