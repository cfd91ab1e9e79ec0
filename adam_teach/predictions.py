"""Predict, then run: checked predictions and "try it first" cells for the notebooks.

A learner writes a prediction into a variable before the cell that reveals the answer,

    my_prediction = None  # your number here

and the next cell compares it with the answer, computed there, and says why:

    predictions.check(my_prediction, answer, tolerance=1, why="Near 4/3 the error ...")

Nothing is graded, and nothing a learner writes makes these functions raise: the
placeholder None prints "no prediction yet" and reveals the answer; a prediction of the
wrong kind gets a message that names the problem and the fix.
"""

import math
import numbers

NO_PREDICTION = ("No prediction yet: write yours in the cell above and re-run; "
                 "the answer is revealed below.")


def _format(value, spec, unit=""):
    """`value` formatted with `spec` ("d" falls back to "g" for a number with decimals)."""
    try:
        text = format(value, spec)
    except (TypeError, ValueError):
        text = format(value, "g")
    return text + unit


def _percent(fraction):
    return f"{fraction:.0%}" if fraction >= 0.1 else f"{100 * fraction:.2g}%"


def _not_a_number(prediction, name):
    """What is wrong with `prediction` as a number, or "" if nothing is."""
    if isinstance(prediction, str):
        try:
            float(prediction)
        except ValueError:
            return f"{prediction!r} is text, not a number. Write a number, e.g. {name} = 2.5"
        return (f"{prediction!r} is text (it is in quotes), not a number. "
                f"Remove the quotes: {name} = {prediction.strip()}")
    if isinstance(prediction, bool) or not isinstance(prediction, numbers.Real):
        return (f"{prediction!r} is a {type(prediction).__name__}, not a number. "
                f"Write one number, e.g. {name} = 2.5")
    try:
        finite = math.isfinite(prediction)
    except OverflowError:  # an int too large for a float
        finite = False
    if not finite:
        return f"{prediction!r} is not a finite number. Write one, e.g. {name} = 2.5"
    return ""


def _cannot_check(problem):
    print(f"Can't check your prediction: {problem}\n"
          "Fix it and re-run this cell to see the answer (or set it back to None).")


def check(prediction, answer, *, tolerance, why, relative=False, spec="g", unit="",
          name="my_prediction"):
    """Reveal `answer` (a computed number) and say how close `prediction` is: within
    `tolerance` counts as close (a fraction of the answer if `relative`, e.g. 0.1 for 10 %).
    `spec` formats the numbers, `unit` follows them ("α"), `why` gives the reasoning."""
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real) or not math.isfinite(answer):
        raise ValueError(f"the answer must be a finite number, got {answer!r}")
    if relative and answer == 0:
        raise ValueError("a relative tolerance needs an answer other than 0")
    if prediction is None:
        print(f"{NO_PREDICTION}\nThe answer: {_format(answer, spec, unit)}.\nWhy: {why}")
        return
    problem = _not_a_number(prediction, name)
    if problem:
        return _cannot_check(problem)
    gap = prediction - answer
    if relative:
        off, allowed = _percent(abs(gap) / abs(answer)), _percent(tolerance)
    else:
        off, allowed = _format(abs(gap), spec, unit), _format(tolerance, spec, unit)
    if _format(prediction, spec) == _format(answer, spec):
        verdict = "✓ Spot on."
    else:
        mark = "✓ Close" if abs(gap) <= (tolerance * abs(answer) if relative else tolerance) else "✗ Not quite"
        verdict = (f"{mark}: off by {off}, too {'high' if gap > 0 else 'low'} "
                   f"(within {allowed} counts as close).")
    print(f"Your prediction: {_format(prediction, 'g', unit)}; the answer: {_format(answer, spec, unit)}.\n"
          f"{verdict}\nWhy: {why}")


def _chosen(prediction, options):
    """The option `prediction` names (text matches whatever its case and outer spaces), or None."""
    for option in options:
        if isinstance(option, str) and isinstance(prediction, str):
            if option.strip().lower() == prediction.strip().lower():
                return option
        elif (isinstance(option, numbers.Real) and isinstance(prediction, numbers.Real)
              and not isinstance(prediction, bool) and option == prediction):
            return option
    return None


def check_choice(prediction, answer, options, *, why, name="my_prediction"):
    """Reveal `answer`, one of `options`, and say whether `prediction` picked it."""
    options = list(options)
    if answer not in options:
        raise ValueError(f"the answer {answer!r} is not one of the options {options!r}")
    if prediction is None:
        print(f"{NO_PREDICTION}\nThe answer: {answer}.\nWhy: {why}")
        return
    chosen = _chosen(prediction, options)
    if chosen is None:
        listing = ", ".join(repr(option) for option in options)
        return _cannot_check(f"{prediction!r} is not one of the options {listing}. "
                             f"Write one of them, e.g. {name} = {options[0]!r}")
    verdict = "✓ Right." if chosen == answer else "✗ Not this time."
    print(f"Your prediction: {chosen}; the answer: {answer}.\n{verdict}\nWhy: {why}")


def try_first(function, grade_id):
    """Self-check the learner's own version of an exercise's function (the graded item
    `grade_id`) before the notebook shows the course's. A placeholder that returns None or
    raises NotImplementedError is "not tried yet", with a pointer to the exercise."""
    from . import answer_key, checks
    from .runner.calls import call_case

    exercise = checks.exercise_of_item(grade_id)
    case = answer_key.get_item(exercise, grade_id, visible=True).cases[0]
    pointer = (f"Write your version in the cell above and re-run this cell, or do exercise {exercise} "
               f"(exercises/{exercise}.ipynb) first.\nThe next cell shows the course's version.")
    name = case.function
    if not callable(function):
        print(f"{name}: not tried yet ({function!r} is not a function: define it with "
              f"`def {name}(...):`).\n{pointer}")
        return
    outcome = call_case(case, {**getattr(function, "__globals__", {}), name: function})
    if outcome.error.startswith("NotImplementedError"):
        print(f"{name}: not tried yet (it raises NotImplementedError).\n{pointer}")
    elif not outcome.error and outcome.value is None:
        print(f"{name}: not tried yet (it returns None; if you wrote it, does it end with `return`?).\n{pointer}")
    else:
        checks.show(checks.self_check(exercise, grade_id, function))
