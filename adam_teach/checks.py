"""Self-checks for the exercise notebooks: `checks.check_adam_step(adam_step)` prints one
✓ or ✗ line per check and, when something is wrong, names the likely mistake.

They run the same judge as the autograder (adam_teach.assignments), on different inputs,
so a self-check and the grade never disagree about what is right.
"""

from . import assignments
from .assignments.base import call_case


def run_item(item, namespace):
    """The Verdict of one graded item, its cases run here against `namespace`."""
    return item.judge([call_case(case, namespace) for case in item.cases])


def _namespace(function, name):
    """The learner's notebook globals (for references such as "cubic_grad"), with
    `function` under the name the exercise asks for."""
    return {**getattr(function, "__globals__", {}), name: function}


def self_check(exercise, grade_id, function):
    """The Verdict of `function` on the notebook's visible self-check cases."""
    item = assignments.get_item(exercise, grade_id, visible=True)
    return run_item(item, _namespace(function, item.cases[0].function))


def show(verdict):
    summary, *lines = verdict.messages
    print(summary)
    for line in lines:
        print("  " + line)


def autograde(exercise, grade_id, namespace):
    """For nbgrader's hidden tests: judge the item on its hidden cases in this kernel, print
    the verdict, and return the score (nbgrader reads a test cell's number as partial
    credit). The tamper-resistant way is `adam-teach grade`, which judges outside the
    learner's kernel."""
    verdict = run_item(assignments.get_item(exercise, grade_id), namespace)
    print("Autograder, on inputs you have not seen:")
    show(verdict)
    return float(verdict.score)


def _checker(exercise, grade_id):
    def check(function):
        show(self_check(exercise, grade_id, function))

    check.__name__ = f"check_{grade_id}"
    check.__doc__ = f"Check your {grade_id} and print ✓ or ✗ per check."
    return check


check_cubic = _checker("01_gradient_descent", "cubic")
check_cubic_grad = _checker("01_gradient_descent", "cubic_grad")
check_gradient_descent = _checker("01_gradient_descent", "gradient_descent")
check_ema = _checker("02_moving_averages", "ema")
check_debiased_ema = _checker("02_moving_averages", "debiased_ema")
check_adam_step = _checker("03_adam", "adam_step")
check_run_adam = _checker("03_adam", "run_adam")
check_adam_step_keras = _checker("04_adam_vs_keras", "adam_step_keras")
check_keras_adam_path = _checker("04_adam_vs_keras", "keras_adam_path")
