"""Helpers for the tests of the course's notebooks: read a committed notebook, the text it
printed, a function it defines, and the cubic and Adam written out by hand (independently
of adam_teach) to recompute what the notebooks print."""

from pathlib import Path

import nbformat
import numpy as np

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def read_notebook(name):
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def printed(name):
    """Everything the committed notebook printed to stdout."""
    return "".join(out["text"] for cell in read_notebook(name).cells if cell.cell_type == "code"
                   for out in cell.get("outputs", []) if out.get("name") == "stdout")


def defined_in_notebook(name, function):
    """Execute the notebook cell that defines `function` (with numpy as np) and return it: the
    last such cell, the course's own (a "try it first" cell before it holds the learner's)."""
    cell = [c for c in read_notebook(name).cells if c.cell_type == "code" and f"def {function}(" in c.source][-1]
    source = cell.source.split("\n\n\n")[0]  # the definition, without a demo below it
    namespace = {"np": np}
    exec(source, namespace)
    return namespace[function]


def cubic_f(x):
    return x**3 - 2 * x**2 + 2


def cubic_grad(x):
    return 3 * x * x - 4 * x


def hand_adam(grad, x0, steps, lr, b1=0.9, b2=0.999, eps=1e-8, epsilon_hat=False, decay=0.0):
    """Adam by hand: Algorithm 1 or, with epsilon_hat, Keras's form; decay = AdamW's λ."""
    x = np.array(x0, dtype=float)
    m, v, xs = np.zeros_like(x), np.zeros_like(x), [x]
    for t in range(1, steps + 1):
        g = grad(x)
        x = x - lr * decay * x
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        if epsilon_hat:
            x = x - lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)
        else:
            x = x - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        xs.append(x)
    return np.array(xs)


NUDGE = 1e-10


def stable(value, spec):
    """format(value, spec), after checking that the printed digits do not hang on the last bits:
    they must stay the same when the value, or (if `value` is a function of a relative nudge)
    the inputs it is computed from, move by a relative 1e-10. A number such as 0.7578125
    printed with 6 decimals fails: the nudge decides whether it prints ...812 or ...813."""
    if callable(value):
        variants = [value(0.0), value(NUDGE), value(-NUDGE)]
    else:
        variants = [value, value * (1 + NUDGE), value * (1 - NUDGE)]
    texts = [format(v, spec) for v in variants]
    assert len(set(texts)) == 1, f"{variants[0]!r} printed as {spec!r} depends on its last bits: {texts}"
    return texts[0]
