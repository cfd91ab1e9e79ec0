"""The answer key: the graded exercises, their hidden cases, the correct functions
(`references`) and the catalogue of likely mistakes (`mistakes`).

Only the grader and the learner's own self-checks read it: while a submission is graded,
the sandbox does not show this folder to the learner's process (see grading.sandbox).
Exercises are keyed by the id stored in each notebook's metadata["adam_teach"]["exercise"]
(each exercise module's EXERCISE, the one place it is written in Python). Every module of
this package that defines EXERCISE is an exercise: adding one is adding its module.

    from adam_teach import answer_key
    assignment = answer_key.get("03_adam")               # hidden cases: what the grader runs
    self_check = answer_key.get("03_adam", visible=True)  # the notebook's self-check cases

See base.py for how to run an item's cases and judge them.
"""

import importlib
import pkgutil

from .base import Assignment, Case, Item, Outcome, Verdict, call_case, resolve


def _exercise_modules():
    """The modules of this package that define an exercise (an EXERCISE id), by id."""
    modules = [importlib.import_module(f"{__name__}.{info.name}")
               for info in pkgutil.iter_modules(__path__)]
    return sorted((m for m in modules if hasattr(m, "EXERCISE")), key=lambda m: m.EXERCISE)


_MODULES = _exercise_modules()
ASSIGNMENTS = {module.EXERCISE: module.ASSIGNMENT for module in _MODULES}
SELF_CHECKS = {module.EXERCISE: module.SELF_CHECK for module in _MODULES}


def get(exercise, visible=False):
    """The Assignment of an exercise id such as "03_adam" (visible=True: the self-check
    cases shown in the notebook instead of the hidden ones)."""
    table = SELF_CHECKS if visible else ASSIGNMENTS
    if exercise not in table:
        raise KeyError(f"unknown exercise {exercise!r}; the exercises are "
                       f"{', '.join(sorted(table))}")
    return table[exercise]


def get_item(exercise, grade_id, visible=False):
    """One graded Item of an exercise, by the grade_id of its notebook test cell."""
    assignment = get(exercise, visible)
    for item in assignment.items:
        if item.grade_id == grade_id:
            return item
    raise KeyError(f"exercise {exercise!r} has no item {grade_id!r}; its items are "
                   f"{', '.join(item.grade_id for item in assignment.items)}")


__all__ = ["ASSIGNMENTS", "SELF_CHECKS", "get", "get_item", "Assignment", "Case", "Item",
           "Outcome", "Verdict", "call_case", "resolve"]
