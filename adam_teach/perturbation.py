"""Perturbation mode: does a printed number depend on the last bits of its inputs?

Set the environment variable ADAM_TEACH_PERTURB to a small relative amount, e.g.

    ADAM_TEACH_PERTURB=1e-12 jupyter lab

and every gradient an `adam_teach` objective returns (so every run, the course's and a
loop written in a notebook alike, from its first step), every initial weight from
`network.initial_parameters` and every seeded noise sample (gradient noise, the two-moons
data) is multiplied by (1 + 1e-12). Starting points are left as written, so two codes
started from the same point still agree bit for bit. A number the course prints must not
change at its printed precision in this mode: `make test` runs strict nbval on the
notebooks with it. A number that does change comes from a chaotic run (a too-large
learning rate, divergence), whose digits differ from one CPU or BLAS build to the next too.

Unset, or 0, changes nothing. The environment is read when an objective is made, so set it
before the kernel starts.
"""

import functools
import os

import numpy as np

VARIABLE = "ADAM_TEACH_PERTURB"


def relative_amount():
    """The relative nudge from ADAM_TEACH_PERTURB (0.0 when unset)."""
    text = os.environ.get(VARIABLE, "").strip()
    if not text:
        return 0.0
    try:
        amount = float(text)
    except ValueError:
        amount = float("nan")
    if not np.isfinite(amount) or abs(amount) >= 1e-3:
        raise ValueError(f"{VARIABLE} must be a small relative amount such as 1e-12, got {text!r}; "
                         f"unset it to turn perturbation mode off.")
    return amount


def nudged_function(function):
    """`function` with its result nudged; `function` itself when perturbation mode is off."""
    if relative_amount() == 0.0 or getattr(function, "nudged", False):
        return function

    @functools.wraps(function)  # keeps the signature that feedback shows
    def nudged(*args, **kwargs):
        return nudge(function(*args, **kwargs))

    nudged.nudged = True
    return nudged


def nudge(values):
    """Floating-point `values` multiplied by (1 + ADAM_TEACH_PERTURB). Unchanged (the same
    object) when the mode is off, and for exact values (integers, fractions): an exact
    calculation, such as notebook 00's f'(4/3) = 0, has no last bits to nudge."""
    amount = relative_amount()
    array = np.asarray(values)
    if amount == 0.0 or array.dtype.kind != "f":
        return values
    return array * array.dtype.type(1 + amount)
