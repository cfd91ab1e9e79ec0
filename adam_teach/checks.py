"""Self-checks for the exercise notebooks: `checks.check_adam_step(adam_step)` prints one
✓ or ✗ line per check and, when something is wrong, names the likely mistake.

They run the same judge as the autograder (adam_teach.answer_key), on different inputs,
so a self-check and the grade never disagree about what is right. The answer key is
imported only when a check runs: importing this module gives a learner's code nothing, and
while a submission is graded the answer key is out of its reach (the grader does not run
the self-check cells; it judges each item itself).
"""

from .runner.calls import call_case


def _answer_key():
    from . import answer_key

    return answer_key


def run_item(item, namespace):
    """The Verdict of one graded item, its cases run here against `namespace`."""
    return item.judge([call_case(case, namespace) for case in item.cases])


def _namespace(function, name):
    """The learner's notebook globals (for references such as "cubic_grad"), with
    `function` under the name the exercise asks for."""
    return {**getattr(function, "__globals__", {}), name: function}


def self_check(exercise, grade_id, function):
    """The Verdict of `function` on the notebook's visible self-check cases."""
    item = _answer_key().get_item(exercise, grade_id, visible=True)
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
    learner's process and keeps the answer key out of its reach."""
    item = _answer_key().get_item(exercise, grade_id)
    verdict = run_item(item, namespace)
    graded = "your answer" if all(case.read for case in item.cases) else "inputs you have not seen"
    print(f"Autograder, on {graded}:")
    show(verdict)
    return float(verdict.score)


def exercise_of_item(grade_id):
    """The exercise whose graded item is `grade_id` (grade_ids are unique in the course)."""
    for exercise, assignment in _answer_key().SELF_CHECKS.items():
        if any(item.grade_id == grade_id for item in assignment.items):
            return exercise
    raise KeyError(f"no exercise has a graded item {grade_id!r}")


def _checker(grade_id):
    def check(function):
        show(self_check(exercise_of_item(grade_id), grade_id, function))

    check.__name__ = f"check_{grade_id}"
    check.__doc__ = f"Check your {grade_id} and print ✓ or ✗ per check."
    return check


def __getattr__(name):
    """`checks.check_<grade_id>`, e.g. check_adam_step: the self-check of that graded item."""
    if name.startswith("check_"):
        try:
            exercise_of_item(name[len("check_"):])
        except KeyError as error:
            raise AttributeError(f"adam_teach.checks has no {name}: {error.args[0]}") from None
        return _checker(name[len("check_"):])
    raise AttributeError(f"module 'adam_teach.checks' has no attribute {name!r}")
