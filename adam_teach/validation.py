"""Checks for user-supplied values: each raises a ValueError that names the parameter,
the value it got and what is allowed, before anything is changed."""

import numbers

import numpy as np


def _is_real_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def positive_finite(name, value):
    """A learning rate: a finite number > 0."""
    if not _is_real_number(value) or not np.isfinite(value) or value <= 0:
        raise ValueError(
            f"{name} must be a finite number > 0, got {value!r}; try a value such as 0.001."
        )
    return float(value)


def non_negative(name, value):
    """A finite number >= 0 (epsilon, weight decay, an initial accumulator)."""
    if not _is_real_number(value) or not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}.")
    return float(value)


def decay_rate(name, value):
    """A moving-average factor beta: 0 <= beta < 1."""
    if not _is_real_number(value) or not (0 <= value < 1):
        raise ValueError(
            f"{name} must be in [0, 1), got {value!r}; "
            "values close to 1 (0.9, 0.999) average over more past steps."
        )
    return float(value)


def step_count(name, value):
    """A number of steps: an integer >= 0."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} must be an integer >= 0, got {value!r}.")
    return int(value)


def float_dtype(value):
    """'float32' or 'float64' (or the NumPy types)."""
    try:
        dtype = np.dtype(value)
    except TypeError:
        dtype = None
    if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {value!r}.")
    return dtype.name


def finite_point(name, value, dtype):
    """A starting point: a finite float or array of floats, returned as a fresh array."""
    try:
        array = np.array(value, dtype=dtype)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers, got {value!r}.") from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite (no NaN or inf), got {value!r}.")
    return array


def one_of(name, value, allowed):
    """One of the names in `allowed` (a surface, an optimiser, ...)."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {sorted(allowed)}, got {value!r}.")
    return value


def objective(value):
    """Anything with callable f(x) and grad(x)."""
    for method in ("f", "grad"):
        if not callable(getattr(value, method, None)):
            raise ValueError(
                f"objective must have callable f(x) and grad(x); {value!r} has no {method}(). "
                "Use one from adam_teach.objectives or adam_teach.objectives.Objective(name, f, grad)."
            )
    return value
