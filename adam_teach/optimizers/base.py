"""What every optimiser shares: an explicit state and a pure step.

    state = optimizer.init(x0)
    x, state, info = optimizer.step(x, g, state)

`step` never changes its arguments; it returns the new point, the new state and a dict
of named internals for this step (m̂, v̂, the effective step size, ...), which
`adam_teach.run` records.
"""

from dataclasses import dataclass, field, fields

import numpy as np

from .. import validation

SCALAR_TYPES = {"float32": np.float32, "float64": np.float64}

# Every hyper-parameter is checked by its name, so no optimiser can forget a check.
CHECKS = {
    "learning_rate": validation.positive_finite,
    "beta_1": validation.decay_rate,
    "beta_2": validation.decay_rate,
    "momentum": validation.decay_rate,
    "rho": validation.decay_rate,
    "epsilon": validation.non_negative,
    "weight_decay": validation.non_negative,
    "initial_accumulator_value": validation.non_negative,
}


@dataclass(frozen=True)
class Optimizer:
    learning_rate: float = 0.01
    dtype: str = field(default="float64", kw_only=True)

    def __post_init__(self):
        for hyper_parameter in fields(self):
            check = CHECKS.get(hyper_parameter.name)
            if check:
                check(hyper_parameter.name, getattr(self, hyper_parameter.name))
        object.__setattr__(self, "dtype", validation.float_dtype(self.dtype))

    def cast(self, value):
        """A scalar hyper-parameter in the optimiser's dtype."""
        return SCALAR_TYPES[self.dtype](value)

    def power(self, beta, t):
        """β^t in the optimiser's dtype (for bias corrections). In float32, β is rounded to
        float32 first and β^t is computed exactly and then rounded, which is how
        TensorFlow's pow rounds (a float32 `np.power` is an ulp off at some
        steps; with this rounding the float32 Adam matches tf.keras bit for bit, as
        tests/test_keras_parity.py checks)."""
        return self.cast(float(self.cast(beta)) ** t)

    def zeros(self, x):
        return np.zeros(np.shape(x), dtype=self.dtype)

    def init(self, x):
        raise NotImplementedError

    def step(self, x, g, state):
        raise NotImplementedError

    @property
    def name(self):
        return type(self).__name__
