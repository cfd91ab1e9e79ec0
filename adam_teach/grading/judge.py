"""Score each graded item in the grader's own process, from the outcomes the run sent back.

The learner's process only ever reports values; the item's `judge` (from the course
registry, imported here, never in the learner's process) turns them into points and
messages. Anything that could not be graded scores 0 with a message saying why.
"""

import math
import threading
from dataclasses import dataclass

from adam_teach.answer_key.base import Outcome

from ..runner import wire

# Judges use warnings.catch_warnings and may import TensorFlow: neither is thread-safe, and
# batches judge from several threads. Judging is quick; one at a time.
_JUDGING = threading.Lock()


@dataclass(frozen=True)
class ItemResult:
    grade_id: str
    description: str
    score: float
    max_score: float
    messages: tuple

    @property
    def passed(self):
        return self.score >= self.max_score


def judge_item(item, index, execution):
    """The ItemResult of `item` (number `index` in its assignment) after `execution`."""
    raw = [execution.outcomes.get((index, case)) for case in range(len(item.cases))]
    if any(outcome is None for outcome in raw):
        why = execution.stopped or "no result came back from the notebook's process"
        return ItemResult(item.grade_id, item.description, 0.0, item.points,
                          (f"Not graded: {why}.",))
    try:
        outcomes = [Outcome(value=wire.decode(o["value"]), error=o["error"], mutated=o["mutated"]) for o in raw]
        verdict = item.judge(outcomes)
        score = _scaled(verdict.score, verdict.max_score, item.points)
        messages = tuple(str(m) for m in verdict.messages)
    except Exception as error:  # a value no judge expected: still a 0, never a crash
        score, messages = 0.0, (f"Failed: the grader could not judge what your code returned "
                                f"({type(error).__name__}: {str(error)[:300]}).",)
    return ItemResult(item.grade_id, item.description, score, item.points, messages)


def _scaled(score, max_score, points):
    score, max_score = float(score), float(max_score)
    if not math.isfinite(score) or not math.isfinite(max_score) or max_score <= 0:
        return 0.0
    return min(max(score / max_score * points, 0.0), points)


def judge_all(assignment, execution):
    with _JUDGING:
        results = [judge_item(item, index, execution) for index, item in enumerate(assignment.items)]
    return [_note_earlier_mistakes(item, result, results) for item, result in zip(assignment.items, results)]


def _note_earlier_mistakes(item, result, results):
    """Say when an earlier function this item calls has a mistake that would also have
    changed this item's results (it was judged with a correct version instead)."""
    wrong = [r.grade_id for r in results if r.grade_id in item.uses and not r.passed]
    if not wrong:
        return result
    names = " and ".join(wrong)
    note = (f"{item.grade_id} was called with a correct {names}, so it is judged on its own; "
            f"with your {names}, whose mistake is described above, its results would differ too.")
    return ItemResult(result.grade_id, result.description, result.score, result.max_score,
                      (*result.messages, note))


def reference_reply(function, args, kwargs):
    """The grader's answer to a `reference` request: the correct `function` on the
    learner's wire-encoded arguments, as a reply line for the control pipe."""
    from adam_teach.answer_key.base import quietly
    from adam_teach.answer_key.judging import reference

    try:
        with quietly():
            value = reference(function)(*wire.decode(args), **wire.decode(kwargs))
        return {"value": wire.encode(value), "error": ""}
    except Exception as error:  # noqa: BLE001 (the learner's arguments can be anything)
        return {"value": None, "error": f"{type(error).__name__}: {str(error)[:300]}"}


def calls_for(assignment):
    """The hidden calls of every item, in order, wire-encoded for the learner's process. A
    case that reads a variable calls nothing, so its arguments (e.g. exercise 09's hidden
    starts, which only the grader's judge uses) never leave the grader."""
    return [{"item": k, "case": j, "function": case.function,
             "args": wire.encode(() if case.read else tuple(case.args)),
             "kwargs": wire.encode({} if case.read else dict(case.kwargs)), "read": case.read,
             "forbidden": list(item.forbidden),
             "uses": list(item.uses)}
            for k, item in enumerate(assignment.items) for j, case in enumerate(item.cases)]
