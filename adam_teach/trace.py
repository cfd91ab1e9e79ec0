"""`run`: apply an optimiser to an objective for a number of steps and record the path."""

from dataclasses import dataclass, field

import numpy as np

from . import validation


@dataclass(frozen=True)
class Trace:
    """The path of one run. `x[k]` is the iterate after k steps (x[0] is x0); `f[k]` and
    `grad[k]` are the objective and its gradient there. `internals[name][k]` is the
    optimiser's internal value (m, v, m_hat, v_hat, step_size, update, ...) computed at
    step k + 1. If the run diverged, the arrays stop at the last finite iterate."""

    optimizer: object
    objective: object
    x: np.ndarray
    f: np.ndarray
    grad: np.ndarray
    internals: dict = field(default_factory=dict)
    diverged: bool = False
    message: str = ""

    @property
    def steps(self):
        """The number of steps actually taken."""
        return len(self.x) - 1

    @property
    def final(self):
        return self.x[-1]

    def __getattr__(self, name):  # trace.m, trace.v_hat, ...
        internals = self.__dict__.get("internals", {})
        if name in internals:
            return internals[name]
        raise AttributeError(name)


def _finite(x, f, g):
    """Whether the iterate, f there and the gradient there are all finite (spelt out: the
    check runs at every step, and a generator over the three would double its cost)."""
    return np.isfinite(x).all() and np.isfinite(f).all() and np.isfinite(g).all()


def run(optimizer, objective, x0, steps):
    """Run `optimizer` on `objective` from `x0` for `steps` steps and return a Trace.

    Stops early, with `trace.diverged = True`, at the first iterate where x, f(x) or the
    gradient is not finite; NumPy's overflow warnings are not let out."""
    validation.objective(objective)
    steps = validation.step_count("steps", steps)
    x = validation.finite_point("x0", x0, optimizer.dtype)

    state = optimizer.init(x)
    xs, fs, gs = [x], [], []
    internals = {}
    diverged, message = False, ""
    with np.errstate(all="ignore"):
        g = np.asarray(objective.grad(x), dtype=optimizer.dtype)
        fs.append(objective.f(x))
        gs.append(g)
        for k in range(steps):
            x_new, state, info = optimizer.step(x, g, state)
            g_new = np.asarray(objective.grad(x_new), dtype=optimizer.dtype)
            f_new = objective.f(x_new)
            if not _finite(x_new, f_new, g_new):
                diverged = True
                message = (f"diverged at step {k + 1}: the iterate, f or the gradient is not "
                           f"finite (last finite x = {np.array2string(np.asarray(x), precision=4)})")
                break
            for name, value in info.items():
                internals.setdefault(name, []).append(value)
            x, g = x_new, g_new
            xs.append(x)
            fs.append(f_new)
            gs.append(g)
    return Trace(
        optimizer=optimizer,
        objective=objective,
        x=np.array(xs),
        f=np.array(fs),
        grad=np.array(gs),
        internals={name: np.array(values) for name, values in internals.items()},
        diverged=diverged,
        message=message,
    )
