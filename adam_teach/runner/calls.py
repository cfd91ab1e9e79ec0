"""Calling a learner's function on one case, in the learner's own process.

This module runs inside the sandbox (and in the learner's notebook, for the self-checks):
it holds no answers, only the mechanics of a call. A `Case` is plain data (function name,
positional args, keyword args). Function-valued arguments are strings (every string argument
is a reference; no learner function takes a string):
- "cubic_grad" (a bare identifier): the learner's own function of that name, looked up in
  the notebook's namespace;
- "adam_teach.objectives:cubic.grad" ("module:attribute.path", like an entry point): an
  object imported from the adam_teach package, e.g. the gradient of the cubic.

A case with `read=True` calls nothing: its outcome is the value of the learner's variable of
that name (a numeric answer, a dict of chosen settings), copied.

`call_case(case, namespace)` resolves references, calls the function on fresh copies of the
arguments, and returns an `Outcome` whose `value` is plain data (tuples, lists, floats,
NumPy arrays; anything with `__array__`, such as a tf.Variable, becomes a NumPy array),
`error` is "ExceptionName: message" if the call raised, and `mutated` is True if the call
changed one of its array arguments in place.
"""

import contextlib
import copy
import importlib
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Case:
    function: str  # the name the learner defines, e.g. "adam_step" (or a variable, if read)
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    read: bool = False  # True: the outcome is the value of the variable `function`, no call


@dataclass(frozen=True)
class Outcome:
    """What one call did: `value` if it returned, `error` ("TypeError: ...") if it raised,
    `mutated` = True if it changed an array argument in place."""

    value: Any = None
    error: str = ""
    mutated: bool = False


def resolve(value, namespace):
    """The function a string argument refers to (see the module docstring); any other
    value is returned unchanged."""
    if not isinstance(value, str):
        return value
    if ":" in value:
        module_name, _, attribute_path = value.partition(":")
        if not module_name.split(".")[0] == "adam_teach":
            raise ValueError(f"function reference {value!r} must point into adam_teach, "
                             "e.g. 'adam_teach.objectives:cubic.grad'")
        target = importlib.import_module(module_name)
        for attribute in attribute_path.split("."):
            target = getattr(target, attribute)
        return target
    if not value.isidentifier():
        raise ValueError(f"function reference {value!r} is neither a name such as 'cubic_grad' "
                         "nor 'module:attribute' such as 'adam_teach.objectives:cubic.grad'")
    if value not in namespace:
        raise NameError(f"name {value!r} is not defined: write the function {value} first")
    return namespace[value]


def to_plain(value):
    """A learner's return value as plain data: tuples and lists kept (their type matters),
    NumPy arrays copied, anything array-like (tf.Tensor, tf.Variable) made a NumPy array."""
    if isinstance(value, (tuple, list)):
        return type(value)(to_plain(item) for item in value)
    if isinstance(value, np.ndarray):
        return value.copy()
    if value is None or isinstance(value, (bool, int, float, complex, str, np.generic)):
        return value
    if hasattr(value, "__array__"):
        return np.array(value)
    return value


def _same(before, after):
    if isinstance(before, np.ndarray):
        return (isinstance(after, np.ndarray) and before.shape == after.shape
                and np.array_equal(before, after, equal_nan=before.dtype.kind in "fc"))
    if isinstance(before, (list, tuple)):
        return len(before) == len(after) and all(_same(b, a) for b, a in zip(before, after))
    return True  # numbers and functions cannot be changed in place


def fresh(value, namespace):
    """A reference resolved, or a private copy of the data (so the case is never changed)."""
    return resolve(value, namespace) if isinstance(value, str) else copy.deepcopy(value)


@contextlib.contextmanager
def quietly():
    """No Python or NumPy warnings (they would be stderr in a notebook)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


def call_case(case, namespace):
    """Run one Case against the functions in `namespace` and return its Outcome. Never
    raises because of the learner's code; NumPy warnings are silenced (they would be
    stderr in a notebook)."""
    if case.read:
        return read_variable(case.function, namespace)
    try:
        function = resolve(case.function, namespace)
        args = [fresh(value, namespace) for value in case.args]
        kwargs = {name: fresh(value, namespace) for name, value in case.kwargs.items()}
    except Exception as error:  # a missing function is the learner's problem, not ours
        return Outcome(error=f"{type(error).__name__}: {error}")
    originals = (copy.deepcopy(args), copy.deepcopy(kwargs))
    try:
        with quietly():
            value = to_plain(function(*args, **kwargs))
    except Exception as error:
        return Outcome(error=f"{type(error).__name__}: {error}")
    mutated = not (_same(originals[0], args)
                   and all(_same(originals[1][k], kwargs[k]) for k in kwargs))
    return Outcome(value=value, mutated=mutated)


def read_variable(name, namespace):
    """The Outcome of reading the learner's variable `name`: a private copy of its value."""
    if name not in namespace:
        return Outcome(error=f"NameError: name {name!r} is not defined: assign your answer "
                             f"to {name} and run that cell")
    try:
        return Outcome(value=to_plain(copy.deepcopy(namespace[name])))
    except Exception as error:  # a learner's object whose copy raises
        return Outcome(error=f"{type(error).__name__}: {error}")
