"""What an auto-graded exercise is, independent of how it is run.

An `Assignment` (one exercise notebook) has graded `Item`s; each item matches a graded test
cell of the notebook by `grade_id` and has `points`. An item is judged in two halves so that
the verdict never depends on code the learner controls:

1. `cases`: the calls to make (function name, positional args, keyword args), plain data
   that can be sent to a learner's kernel or run in-process by a self-check;
2. `judge(outcomes) -> Verdict`: given what each call returned (or raised), the score and a
   message naming the likely mistake. The grader runs `judge` in its own process.

How a grading engine makes the outcomes: `runner.calls.call_case(case, namespace)` for each
case of the item, in order, in the learner's process; send the outcomes back and call
`item.judge(outcomes)` outside it (one outcome per case, in the order of `item.cases`).
"""

from dataclasses import dataclass
from typing import Callable

from ..runner.calls import Case, Outcome, call_case, fresh, quietly, resolve  # noqa: F401 (re-exported)


@dataclass(frozen=True)
class Verdict:
    score: float
    max_score: float
    messages: tuple = ()  # each a sentence a learner can act on; the first says pass or fail

    @property
    def passed(self):
        return self.score >= self.max_score


@dataclass(frozen=True)
class Item:
    grade_id: str
    points: float
    description: str
    cases: tuple  # of Case
    judge: Callable  # (outcomes: list[Outcome]) -> Verdict
    forbidden: tuple = ()  # course modules the function may not hand its work to (runner.tripwires)
    uses: tuple = ()  # earlier learner functions it calls; graded, it gets correct ones instead


@dataclass(frozen=True)
class Assignment:
    exercise: str  # e.g. "03_adam": the notebook's metadata["adam_teach"]["exercise"]
    title: str
    functions: tuple  # names the learner writes
    items: tuple  # of Item
    needs_tensorflow: bool = False  # its hidden tests run real tf.keras (TensorFlow is ~1.3 GB)
    # Gradescope shows the result only once grades are published: answers that resubmitting
    # could find by trial (exercise 08's numbers), unlike code, which is judged on unseen inputs.
    feedback_after_publishing: bool = False
