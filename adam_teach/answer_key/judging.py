"""Judging a learner's function: one piece of code for the self-checks and the autograder.

A `Spec` says what a learner's function must compute (a reference implementation with the
same signature, taken from adam_teach) and what it is likely to get wrong
(`answer_key.mistakes`). `make_item` turns a Spec and some cases into a graded `Item`
whose judge scores each case:
- 1 if the output matches the reference (NumPy's allclose with RTOL, ATOL) and no argument
  was changed in place;
- 1/2 if the values are right but an argument was changed in place;
- 0 otherwise, with a sentence naming the mistake: the wrong return type or shape, or the
  first known mistake whose output matches the learner's, or which part is wrong.
"""

import copy
import inspect
from collections import Counter
from dataclasses import dataclass
from functools import partial
from typing import Callable

import numpy as np

from ..runner import tripwires
from .base import Item, Verdict, fresh, quietly

# float32 arithmetic is accepted: 1 − β₂ rounded to float32 is 0.00099998713, 1.3e-5 off.
RTOL = 1e-4
ATOL = 1e-7


@dataclass(frozen=True)
class Spec:
    function: str  # the name the learner defines
    reference: Callable  # the correct function, with the learner's signature
    mistakes: tuple = ()  # of adam_teach.mistakes.Mistake
    outputs: tuple = ()  # names of the parts of a tuple result, e.g. ("x", "m", "v")
    needs_array: bool = False  # the result must be an np.ndarray (not a list)
    length_hint: str = ""  # said when the first dimension has the wrong length
    hint: str = ""  # said when the output is wrong in an unknown way
    forbidden: tuple = ()  # modules whose code it may not call while graded (runner.tripwires)
    uses: tuple = ()  # earlier functions it calls, e.g. run_adam calls adam_step


def make_item(spec, grade_id, points, description, cases):
    cases = tuple(cases)
    for case in cases:
        if case.function != spec.function:
            raise ValueError(f"case calls {case.function}, but item {grade_id!r} grades "
                             f"{spec.function}")
    return Item(grade_id=grade_id, points=points, description=description, cases=cases,
                judge=partial(judge, spec, cases, points), forbidden=tuple(spec.forbidden),
                uses=tuple(spec.uses))


def judge(spec, cases, points, outcomes):
    """The Verdict on `outcomes`, one per case, in order. When several known mistakes fit a
    case, the one that fits the most cases is named."""
    outcomes = list(outcomes)
    if len(outcomes) != len(cases):
        raise ValueError(f"judge for {spec.function} needs {len(cases)} outcomes (one per "
                         f"case), got {len(outcomes)}")
    assessed = [judge_case(spec, case, outcome) for case, outcome in zip(cases, outcomes)]
    tally = Counter(m.name for _, _, candidates in assessed for m in candidates)
    scores, lines = [], []
    for case, (score, sentence, candidates) in zip(cases, assessed):
        if candidates:
            mistake = max(candidates, key=lambda m: tally[m.name])  # ties: catalogue order
            sentence = sentence.format(mistake=f"looks like {mistake.message}")
        scores.append(score)
        mark = "✓" if score == 1 else "✗"
        lines.append(f"{mark} {describe(spec, case)}" + (f": {sentence}" if sentence else ""))
    passed = sum(score == 1 for score in scores)
    score = round(points * sum(scores) / len(scores), 4)
    if passed == len(scores):
        summary = f"✓ {spec.function}: all {len(scores)} checks passed."
    else:
        summary = (f"✗ {spec.function}: {passed} of {len(scores)} checks passed "
                   f"({score:g} of {points:g} points).")
    return Verdict(score=score, max_score=points, messages=(summary, *lines))


def judge_case(spec, case, outcome):
    """(score, sentence, candidates) for one call: score 1, 0.5 or 0; the sentence says what
    is wrong, with "{mistake}" where the chosen one of the candidate mistakes goes."""
    if outcome.error:
        if outcome.error.startswith(tripwires.PREFIX):
            used = outcome.error.partition(": ")[2].partition(" does the work")[0]
            return 0, _braces(f"it called a ready-made implementation ({used}): this exercise "
                              f"asks you to write {spec.function} yourself, so this check earns "
                              "nothing"), []
        if outcome.error.startswith("NotImplementedError"):
            return 0, (f"not written yet: replace `raise NotImplementedError()` in "
                       f"{spec.function} with your code"), []
        candidates = matching_mistakes(spec, case, error=outcome.error)
        return 0, _braces(f"raised {outcome.error}") + ("; {mistake}" if candidates else ""), candidates
    expected = expected_value(spec, case)
    problem = shape_problem(spec, outcome.value, expected)
    if problem:
        return 0, _braces(problem), []
    if close(outcome.value, expected):
        if outcome.mutated:
            return 0.5, ("right values, but it changed the caller's arrays in place "
                         "(x -= ..., m *= ...): compute new arrays instead, e.g. x = x - ..."), []
        return 1, "", []
    also = (" (it also changed the caller's arrays in place)" if outcome.mutated else "")
    candidates = matching_mistakes(spec, case, outcome.value)
    if candidates:
        return 0, "{mistake}" + also, candidates
    return 0, _braces(wrong_part(spec, outcome.value, expected) + also), []


def _braces(text):
    """Text that str.format leaves unchanged."""
    return text.replace("{", "{{").replace("}", "}}")


# What a reference or a known mistake returns (or raises) on a case depends only on the two,
# so each pair is computed once per process: a batch judges every submission on the same
# hidden cases, and keras_adam_path's reference and mistakes run real TensorFlow.
# (id(function), id(case)) -> (function, case, value, exception); the entry holds the
# function and the case, so their ids are not reused while it exists.
_COMPUTED = {}


def call_reference(function, case):
    """`function(*case.args, **case.kwargs)` on private copies, function references
    resolved to adam_teach's references, NumPy warnings silenced. Computed once per
    function and case; every caller gets its own copy of the value."""
    key = (id(function), id(case))
    if key not in _COMPUTED:
        value, raised = None, None
        try:
            namespace = reference_namespace()
            args = [fresh(a, namespace) for a in case.args]
            kwargs = {k: fresh(v, namespace) for k, v in case.kwargs.items()}
            with quietly():
                value = function(*args, **kwargs)
        except Exception as error:
            raised = error
        _COMPUTED[key] = (function, case, value, raised)
    _, _, value, raised = _COMPUTED[key]
    if raised is not None:
        raise raised.with_traceback(None)
    return copy.deepcopy(value)


def expected_value(spec, case):
    return call_reference(spec.reference, case)


def matching_mistakes(spec, case, value=None, error=""):
    """The known mistakes whose output on this case matches `value` (or which raise the
    same kind of exception as `error`, "ZeroDivisionError: ..."), in catalogue order."""
    found = []
    for mistake in spec.mistakes:
        if mistake.mutates:
            continue  # right values; told apart by Outcome.mutated instead
        try:
            wrong = call_reference(mistake.function, case)
        except Exception as raised:
            if error and error.startswith(type(raised).__name__ + ":"):
                found.append(mistake)
            continue
        if not error and close(value, wrong, equal_nan=True):
            found.append(mistake)
    return found


def _array(value):
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def close(value, expected, equal_nan=False):
    """True if `value` matches `expected` (a number, an array, or a tuple of them) within
    RTOL and ATOL."""
    if isinstance(expected, tuple):
        return (isinstance(value, (tuple, list)) and len(value) == len(expected)
                and all(close(v, e, equal_nan) for v, e in zip(value, expected)))
    a, b = _array(value), _array(expected)
    return (a is not None and b is not None and a.shape == b.shape
            and bool(np.allclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=equal_nan)))


def _type_name(value):
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)}"
    return f"a {type(value).__module__.split('.')[0]}.{type(value).__name__}".replace(
        "a builtins.", "a ")


def shape_problem(spec, value, expected):
    """A sentence if `value` has the wrong type or shape, else ""."""
    if value is None:
        return f"{spec.function} returned None: did you forget `return`?"
    if isinstance(expected, tuple):
        names = ", ".join(spec.outputs)
        if not isinstance(value, (tuple, list)) or len(value) != len(expected):
            return (f"{spec.function} must return a tuple ({names}) of {len(expected)} "
                    f"values; it returned {_type_name(value)}")
        for name, part, want in zip(spec.outputs, value, expected):
            if _array(part) is None:
                return f"{name} is {_type_name(part)}, not a number or an array of numbers"
            if np.shape(part) != np.shape(want):
                return (f"{name} has shape {np.shape(part)}, expected {np.shape(want)} "
                        "(the shape of x)")
        return ""
    if spec.needs_array and not isinstance(value, np.ndarray):
        return (f"{spec.function} must return a NumPy array (e.g. np.array(path)); it "
                f"returned {_type_name(value)}")
    array = _array(value)
    if array is None:
        return f"{spec.function} returned {_type_name(value)}, not numbers"
    if array.shape != np.shape(expected):
        if array.ndim and np.ndim(expected) and array.shape[1:] == np.shape(expected)[1:]:
            return (f"{len(array)} entries, expected {len(expected)}"
                    + (f": {spec.length_hint}" if spec.length_hint else ""))
        return f"shape {array.shape}, expected {np.shape(expected)}"
    return ""


def _show(value):
    array = _array(value)
    if array is None:
        return repr(value)
    if array.size <= 4:
        return np.array2string(array, precision=6, separator=", ") if array.ndim else f"{array:.6g}"
    return f"an array of shape {array.shape}"


def wrong_part(spec, value, expected):
    """Which part of the output is wrong, and where."""
    if isinstance(expected, tuple):
        wrong = [name for name, v, e in zip(spec.outputs, value, expected) if not close(v, e)]
        right = [name for name in spec.outputs if name not in wrong]
        sentence = f"{' and '.join(wrong)} wrong"
        if right:
            sentence += f" ({' and '.join(right)} right)"
        first = spec.outputs.index(wrong[0])
        sentence += (f"; {wrong[0]}: expected {_show(expected[first])}, got "
                     f"{_show(value[first])}")
    else:
        a, b = _array(value), _array(expected)
        bad = ~np.isclose(a, b, rtol=RTOL, atol=ATOL)
        if a.ndim and a.size > 4:
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            where = index[0] if len(index) == 1 else index
            sentence = (f"wrong value, first at index {where}: expected {b[index]:.6g}, "
                        f"got {a[index]:.6g}")
        else:
            sentence = f"wrong value: expected {_show(b)}, got {_show(a)}"
    return sentence + (f". {spec.hint}" if spec.hint else "")


def _describe_argument(value):
    if isinstance(value, str):
        return value.rpartition(":")[2]
    if isinstance(value, np.ndarray) and value.ndim:
        return f"an array of shape {value.shape}"
    return f"{value:g}" if isinstance(value, float) else repr(value)


def describe(spec, case):
    """A short name for a case: `adam_step(x, g, m, v of shape (3,), t=3, epsilon=0.01)`."""
    try:
        bound = inspect.signature(spec.reference).bind(*case.args, **case.kwargs)
    except TypeError:
        return f"{case.function}(...)"
    parts, same_shape, shape = [], [], None  # neighbouring arrays of one shape share a part
    for name, value in bound.arguments.items():
        is_array = isinstance(value, np.ndarray) and value.ndim > 0
        if same_shape and not (is_array and value.shape == shape):
            parts.append(f"{', '.join(same_shape)} of shape {shape}")
            same_shape = []
        if is_array:
            same_shape, shape = same_shape + [name], value.shape
        else:
            parts.append(f"{name}={_describe_argument(value)}")
    if same_shape:
        parts.append(f"{', '.join(same_shape)} of shape {shape}")
    return f"{case.function}({', '.join(parts)})"


def reference_namespace():
    """Learner function name -> adam_teach's reference, to resolve bare references
    such as "cubic_grad" when computing expected values."""
    from . import ASSIGNMENTS

    return {spec.function: spec.reference for assignment in ASSIGNMENTS.values()
            for spec in assignment_specs(assignment)}


def reference(function_name):
    """adam_teach's correct version of the learner's function `function_name`."""
    return reference_namespace()[function_name]


def assignment_specs(assignment):
    """The Specs behind an assignment's items (each judge is partial(judge, spec, ...))."""
    return [item.judge.args[0] for item in assignment.items]
