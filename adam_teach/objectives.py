"""Functions to minimise. Each objective has f(x) and grad(x), which work on floats and
NumPy arrays and keep the input's dtype (float32 in, float32 out), a name, and its
known stationary points.

Two-dimensional objectives take points whose last axis has length 2, so that f can be
evaluated on a whole grid at once for a contour plot.
"""

import numbers
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from . import perturbation


@dataclass(frozen=True)
class StationaryPoint:
    x: object
    kind: str  # "local minimum", "local maximum", "saddle", "global minimum"


@dataclass(frozen=True)
class Objective:
    name: str
    f: Callable
    grad: Callable
    stationary_points: tuple = field(default=())
    plot_range: tuple = ((-1.0, 2.5),)  # one (low, high) per coordinate
    formula: str = ""
    # a 2-D objective's gradient as its two components from x and y, which may be plain
    # Python floats (grad is this on a point's coordinates): for loops that step in floats
    grad_xy: Callable = None

    def __post_init__(self):  # perturbation mode (ADAM_TEACH_PERTURB): every gradient nudged
        object.__setattr__(self, "grad", perturbation.nudged_function(self.grad))

    @property
    def dim(self):
        return len(self.plot_range)

    def __repr__(self):
        return f"<objective {self.name}: {self.formula}>"


def _xy(p):
    p = np.asarray(p)
    return p[..., 0], p[..., 1]


def _grad_of(grad_xy):
    """grad(p) for points p (last axis of length 2) from the components grad_xy(x, y)."""
    return lambda p: _stack(*grad_xy(*_xy(p)))


def _stack(gx, gy):
    """The two components as one array with a last axis of length 2 (what np.stack does,
    at half its cost: the 2-D slider explorers call this thousands of times per update)."""
    out = np.empty(np.broadcast(gx, gy).shape + (2,), dtype=np.result_type(gx, gy))
    out[..., 0], out[..., 1] = gx, gy
    return out


# --- the article's cubic ---------------------------------------------------------------


def _cubic_f(x):
    return x**3 - 2 * x**2 + 2


def _cubic_grad(x):
    # 3·(x·x) − 4·x is, bit for bit, what TensorFlow's autodiff computes in float32.
    return 3 * (x * x) - 4 * x


cubic = Objective(
    name="cubic",
    f=_cubic_f,
    grad=_cubic_grad,
    stationary_points=(
        StationaryPoint(0.0, "local maximum"),
        StationaryPoint(4 / 3, "local minimum"),
    ),
    plot_range=((-1.0, 2.5),),
    formula="f(x) = x³ − 2x² + 2 (unbounded below: no global minimum)",
)


# --- an ill-conditioned quadratic bowl ---------------------------------------------------


def _condition_number(value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value <= 0:
        raise ValueError(f"condition_number must be a finite number > 0 (the ratio of the two "
                         f"curvatures), got {value!r}; try 25.")
    return float(value)


def _angle(value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"angle must be a finite number of radians, got {value!r}; try np.pi / 4.")
    return float(value)


def _signed(coefficient, term):
    """One term of a formula, with its sign in front: "− 24xy", "+ 13y²"."""
    return f"{'−' if coefficient < 0 else '+'} {abs(coefficient):.4g}{term}"


def quadratic_bowl(condition_number=25.0, angle=0.0):
    """f(x, y) = (x² + κ·y²) / 2: curvature 1 along x and κ along y. With an `angle` θ
    (radians) the same bowl turned by θ: `rotated_quadratic_bowl`."""
    kappa = _condition_number(condition_number)
    if _angle(angle) != 0.0:
        return rotated_quadratic_bowl(kappa, angle)

    def f(p):
        x, y = _xy(p)
        return (x * x + kappa * (y * y)) / 2

    def grad_xy(x, y):
        return x, kappa * y

    return Objective(
        name=f"bowl (κ = {kappa:g})",
        f=f,
        grad=_grad_of(grad_xy),
        grad_xy=grad_xy,
        stationary_points=(StationaryPoint((0.0, 0.0), "global minimum"),),
        plot_range=((-4.0, 4.0), (-1.5, 1.5)),
        formula=f"f(x, y) = (x² + {kappa:g}·y²) / 2",
    )


bowl = quadratic_bowl()


def rotated_quadratic_bowl(condition_number=25.0, angle=np.pi / 4):
    """The bowl (x² + κ·y²)/2 turned by `angle` θ (radians) about its centre: curvature 1
    along (cos θ, sin θ) and κ along (−sin θ, cos θ), the same eigenvalues 1 and κ as the
    axis-aligned bowl. Its Hessian is R diag(1, κ) Rᵀ = [[a, b], [b, d]] with
    a, d = (1 + κ)/2 ± (1 − κ)/2·cos 2θ and b = (1 − κ)/2·sin 2θ, so
    f(x, y) = (a x² + 2b xy + d y²)/2 and its gradient is (a x + b y, b x + d y).
    (Written with 2θ, the 45° bowl is exact: a = d = 13, b = −12 for κ = 25.)"""
    kappa, theta = _condition_number(condition_number), _angle(angle)
    mean, half_difference = (1 + kappa) / 2, (1 - kappa) / 2
    a = float(mean + half_difference * np.cos(2 * theta))
    d = float(mean - half_difference * np.cos(2 * theta))
    b = float(half_difference * np.sin(2 * theta))

    def f(p):
        x, y = _xy(p)
        return (a * (x * x) + 2 * b * (x * y) + d * (y * y)) / 2

    def grad_xy(x, y):
        return a * x + b * y, b * x + d * y

    return Objective(
        name=f"rotated bowl (κ = {kappa:g}, {np.degrees(theta):g}°)",
        f=f,
        grad=_grad_of(grad_xy),
        grad_xy=grad_xy,
        stationary_points=(StationaryPoint((0.0, 0.0), "global minimum"),),
        plot_range=((-4.0, 4.0), (-4.0, 4.0)),
        formula=f"f(x, y) = ({a:.4g}x² {_signed(2 * b, 'xy')} {_signed(d, 'y²')}) / 2",
    )


rotated_bowl = rotated_quadratic_bowl()


# --- Rosenbrock's banana -----------------------------------------------------------------


def _rosenbrock_f(p):
    x, y = _xy(p)
    # products, not ** 2: the same numbers for one point (NumPy scalars) as for many (arrays)
    return (1 - x) * (1 - x) + 100 * ((y - x * x) * (y - x * x))


def _rosenbrock_grad_xy(x, y):
    inner = y - x * x
    return -2 * (1 - x) - 400 * x * inner, 200 * inner


rosenbrock = Objective(
    name="Rosenbrock",
    f=_rosenbrock_f,
    grad=_grad_of(_rosenbrock_grad_xy),
    grad_xy=_rosenbrock_grad_xy,
    stationary_points=(StationaryPoint((1.0, 1.0), "global minimum"),),
    plot_range=((-2.0, 2.0), (-1.0, 3.0)),
    formula="f(x, y) = (1 − x)² + 100·(y − x²)²",
)


# --- a saddle ----------------------------------------------------------------------------


def _saddle_f(p):
    x, y = _xy(p)
    return x * x - y * y


def _saddle_grad_xy(x, y):
    return 2 * x, -2 * y


saddle = Objective(
    name="saddle",
    f=_saddle_f,
    grad=_grad_of(_saddle_grad_xy),
    grad_xy=_saddle_grad_xy,
    stationary_points=(StationaryPoint((0.0, 0.0), "saddle"),),
    plot_range=((-2.0, 2.0), (-2.0, 2.0)),
    formula="f(x, y) = x² − y² (unbounded below along y)",
)

ALL = (cubic, bowl, rosenbrock, saddle)
