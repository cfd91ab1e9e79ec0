"""Exercise 02: exponential moving averages (paper §3), m_t = β m_{t−1} + (1 − β) g_t from
m_0 = 0, and the bias-corrected m̂_t = m_t / (1 − βᵗ)."""

import numpy as np

from .. import averages
from . import mistakes
from .base import Assignment, Case
from .judging import Spec, make_item

EXERCISE = "02_moving_averages"

EMA = Spec("ema", averages.ema, mistakes.EMA, needs_array=True,
           length_hint="return one average per value",
           hint="start at m = 0 and update m = beta * m + (1 - beta) * g for each value",
           forbidden=("adam_teach.averages",))
DEBIASED_EMA = Spec("debiased_ema", averages.debiased_ema, mistakes.DEBIASED_EMA,
                    needs_array=True, length_hint="return one average per value",
                    hint="divide the t-th average (t = 1, 2, ...) by 1 - beta**t",
                    forbidden=("adam_teach.averages",), uses=("ema",))


def _items(cases):
    return (
        make_item(EMA, "ema", 2, "ema(values, beta): running averages m_1..m_T from m_0 = 0",
                  cases["ema"]),
        make_item(DEBIASED_EMA, "debiased_ema", 2,
                  "debiased_ema(values, beta): m_t / (1 − βᵗ)", cases["debiased_ema"]),
    )


VISIBLE_VALUES = np.array([1.0, 2.0, 0.5, -1.0, 3.0, 2.5])
HIDDEN_VALUES = np.array([0.8, -0.3, 1.7, 2.2, 0.1, -1.4, 0.9])
VISIBLE = {
    name: (Case(name, (VISIBLE_VALUES, 0.9)), Case(name, (np.array([4.0, 4.0, 4.0, 4.0]), 0.5)))
    for name in ("ema", "debiased_ema")
}
HIDDEN = {
    name: (Case(name, (HIDDEN_VALUES, 0.8)), Case(name, (HIDDEN_VALUES[::-1].copy(), 0.95)),
           Case(name, (np.array([2.5]), 0.6)))
    for name in ("ema", "debiased_ema")
}

TITLE = "Exponential moving averages and bias correction"
FUNCTIONS = ("ema", "debiased_ema")
ASSIGNMENT = Assignment(EXERCISE, TITLE, FUNCTIONS, _items(HIDDEN))
SELF_CHECK = Assignment(EXERCISE, TITLE, FUNCTIONS, _items(VISIBLE))
