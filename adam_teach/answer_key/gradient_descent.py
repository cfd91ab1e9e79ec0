"""Exercise 01: the cubic f(x) = x³ − 2x² + 2, its derivative, and gradient descent
x_k = x_{k−1} − α f'(x_{k−1})."""

import numpy as np

from .. import objectives
from . import mistakes
from .base import Assignment, Case
from .judging import Spec, make_item
from .references import gradient_descent

EXERCISE = "01_gradient_descent"
CUBIC_GRAD = "adam_teach.objectives:cubic.grad"


CUBIC = Spec("cubic", objectives.cubic.f, mistakes.CUBIC,
             hint="f(x) = x³ − 2x² + 2; use ** or x * x so that it works on arrays",
             forbidden=("adam_teach.objectives",))
CUBIC_GRAD_SPEC = Spec("cubic_grad", objectives.cubic.grad, mistakes.CUBIC_GRAD,
                       hint="f'(x) = 3x² − 4x",
                       forbidden=("adam_teach.objectives",))
GRADIENT_DESCENT = Spec(
    "gradient_descent", gradient_descent, mistakes.GRADIENT_DESCENT, needs_array=True,
    length_hint="return steps + 1 iterates, x0 first",
    hint="each step is x = x - learning_rate * grad_fn(x), and the path starts with x0",
    forbidden=("adam_teach.optimizers", "adam_teach.trace"))


def _items(cases):
    return (
        make_item(CUBIC, "cubic", 1, "cubic(x) computes f(x) = x³ − 2x² + 2", cases["cubic"]),
        make_item(CUBIC_GRAD_SPEC, "cubic_grad", 1, "cubic_grad(x) computes f'(x) = 3x² − 4x",
                  cases["cubic_grad"]),
        make_item(GRADIENT_DESCENT, "gradient_descent", 3,
                  "gradient_descent returns the steps + 1 iterates of x ← x − α ∇f(x)",
                  cases["gradient_descent"]),
    )


VISIBLE = {
    "cubic": (Case("cubic", (2.0,)), Case("cubic", (np.array([-1.0, 0.5, 4 / 3, 3.0]),))),
    "cubic_grad": (Case("cubic_grad", (2.0,)),
                   Case("cubic_grad", (np.array([-1.0, 0.5, 4 / 3, 3.0]),))),
    "gradient_descent": (
        Case("gradient_descent", (CUBIC_GRAD, 2.0, 0.1, 10)),
        Case("gradient_descent", ("adam_teach.objectives:bowl.grad", np.array([3.0, 1.0]), 0.05, 5)),
    ),
}

HIDDEN = {
    "cubic": (Case("cubic", (-0.75,)), Case("cubic", (np.array([[0.25, 1.5], [2.5, -2.0]]),))),
    "cubic_grad": (Case("cubic_grad", (-0.75,)),
                   Case("cubic_grad", (np.array([[0.25, 1.5], [2.5, -2.0]]),))),
    "gradient_descent": (
        Case("gradient_descent", (CUBIC_GRAD, 0.5, 0.2, 15)),
        Case("gradient_descent", (CUBIC_GRAD, np.array([1.8, 0.9, 2.2]), 0.05, 12)),
        Case("gradient_descent", ("adam_teach.objectives:rosenbrock.grad", np.array([-0.5, 0.8]),
                                  1e-3, 8)),
    ),
}

TITLE = "Gradient descent on the cubic"
FUNCTIONS = ("cubic", "cubic_grad", "gradient_descent")
ASSIGNMENT = Assignment(EXERCISE, TITLE, FUNCTIONS, _items(HIDDEN))
SELF_CHECK = Assignment(EXERCISE, TITLE, FUNCTIONS, _items(VISIBLE))
