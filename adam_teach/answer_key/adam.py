"""Exercise 03: one Adam step per Algorithm 1 of Kingma & Ba (2015), and a run of Adam."""

import numpy as np

from . import mistakes
from .base import Assignment, Case
from .gradient_descent import CUBIC_GRAD
from .judging import Spec, make_item
from .references import adam_step, run_adam

EXERCISE = "03_adam"


ADAM_STEP = Spec("adam_step", adam_step, mistakes.ADAM_STEP, outputs=("x", "m", "v"),
                 hint="m_t = β₁m + (1 − β₁)g, v_t = β₂v + (1 − β₂)g², m̂ = m_t/(1 − β₁ᵗ), "
                      "v̂ = v_t/(1 − β₂ᵗ), x_t = x − α m̂/(√v̂ + ε)",
                 forbidden=("adam_teach.optimizers", "adam_teach.trace"))
RUN_ADAM = Spec("run_adam", run_adam, mistakes.RUN_ADAM, needs_array=True,
                length_hint="return steps + 1 iterates, x0 first",
                hint="start with m = v = 0 and call adam_step with t = 1, 2, ..., steps, "
                     "passing the hyper-parameters on",
                forbidden=("adam_teach.optimizers", "adam_teach.trace"), uses=("adam_step",))


def _items(cases):
    return (
        make_item(ADAM_STEP, "adam_step", 4, "adam_step follows Algorithm 1", cases["adam_step"]),
        make_item(RUN_ADAM, "run_adam", 2, "run_adam returns the steps + 1 iterates of Adam",
                  cases["run_adam"]),
    )


def _vector(*values):
    return np.array(values)


VISIBLE = {
    "adam_step": (
        Case("adam_step", (1.0, 2.0, 0.0, 0.0, 1)),
        Case("adam_step", (_vector(0.5, -1.5, 2.0), _vector(0.3, -0.8, 1.2), _vector(0.1, -0.2, 0.05),
                           _vector(0.02, 0.5, 0.3), 3), {"learning_rate": 0.1, "epsilon": 1e-2}),
        Case("adam_step", (_vector(-1.0, 0.25), _vector(-2.0, 0.6), _vector(-0.4, 0.1),
                           _vector(0.9, 0.05), 10),
             {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-3}),
    ),
    "run_adam": (
        Case("run_adam", (CUBIC_GRAD, 0.001, 20), {"learning_rate": 0.05, "epsilon": 1e-7}),
        Case("run_adam", ("adam_teach.objectives:bowl.grad", _vector(3.0, 1.0), 10),
             {"learning_rate": 0.1, "epsilon": 1e-2}),
    ),
}

HIDDEN = {
    "adam_step": (
        Case("adam_step", (-0.5, -1.5, 0.0, 0.0, 1)),
        Case("adam_step", (_vector(1.2, -0.7, 0.4), _vector(-0.6, 0.9, 1.5), _vector(-0.05, 0.12, 0.2),
                           _vector(0.08, 0.3, 0.45), 4), {"learning_rate": 0.02, "epsilon": 1e-2}),
        Case("adam_step", (np.array([[0.3, -2.0], [1.1, 0.0]]), np.array([[1.4, -0.2], [0.7, -1.1]]),
                           np.array([[0.2, -0.1], [0.3, -0.2]]), np.array([[0.6, 0.02], [0.1, 0.4]]), 6),
             {"learning_rate": 0.1, "beta_1": 0.7, "beta_2": 0.95, "epsilon": 1e-3}),
    ),
    "run_adam": (
        Case("run_adam", (CUBIC_GRAD, 2.0, 25), {"learning_rate": 0.1, "epsilon": 1e-2}),
        Case("run_adam", ("adam_teach.objectives:rosenbrock.grad", _vector(-0.5, 0.8), 15),
             {"learning_rate": 0.02, "beta_1": 0.8}),
    ),
}

TITLE = "Adam, step by step (Algorithm 1)"
FUNCTIONS = ("adam_step", "run_adam")
ASSIGNMENT = Assignment(EXERCISE, TITLE, FUNCTIONS, _items(HIDDEN))
SELF_CHECK = Assignment(EXERCISE, TITLE, FUNCTIONS, _items(VISIBLE))
