"""How much memory an optimiser keeps: its state buffers of parameter size, counted from
the state that `init` really returns, and their bytes measured with ndarray.nbytes."""

from typing import NamedTuple

import numpy as np

from . import validation


class StateMemory(NamedTuple):
    optimizer: str
    buffers: tuple  # the names of the state arrays that have the parameters' shape
    nbytes: int  # their total size in bytes


def state_memory(optimizer, n_parameters):
    """The state buffers `optimizer` keeps for `n_parameters` parameters (in its dtype)."""
    n_parameters = validation.step_count("n_parameters", n_parameters)
    parameters = np.zeros(n_parameters, dtype=optimizer.dtype)
    state = optimizer.init(parameters)
    buffers = {name: value for name, value in state._asdict().items()
               if isinstance(value, np.ndarray) and value.shape == parameters.shape}
    return StateMemory(optimizer=optimizer.name, buffers=tuple(buffers),
                       nbytes=sum(value.nbytes for value in buffers.values()))
