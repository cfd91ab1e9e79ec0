"""A submission's result, as Gradescope's results.json and as feedback a learner can read.

results.json follows Gradescope's autograder format (its documentation, "Autograder
Specifications"): top-level `score`, `execution_time`, `output`, and one test per graded
item with `name`, `score`, `max_score`, `status` ("passed"/"failed"), `output` and
`visibility`.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from .files import write_atomically
from .names import display_name


@dataclass
class SubmissionResult:
    path: Path  # the submitted file
    name: str  # its folder in the output directory
    exercise: str = ""  # "" if it could not be told
    items: list = field(default_factory=list)  # of judge.ItemResult
    notes: list = field(default_factory=list)  # what happened on the way, for the learner
    output: str = ""  # the learner's printed output, capped
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    internal_error: str = ""  # a bug of the grader's, not the learner's
    manual: list = field(default_factory=list)  # (grade_id, points) graded by hand
    isolation: str = ""  # how the learner's code was isolated (sandbox.isolation)

    @property
    def file_name(self):
        return display_name(self.path)

    @property
    def manual_points(self):
        return sum(points for _, points in self.manual)

    @property
    def score(self):
        return sum(item.score for item in self.items)

    @property
    def max_score(self):
        return sum(item.max_score for item in self.items)


AWAITING = "awaiting manual grading"


def summary(result):
    if not result.exercise:
        return f"{result.file_name}: not graded, score 0. " + " ".join(result.notes)
    by_hand = f" (+{_points(result.manual_points)} by hand, {AWAITING})" if result.manual else ""
    return (f"{result.file_name} ({result.exercise}): {_points(result.score)} of "
            f"{_points(result.max_score)} auto-graded points{by_hand}.")


def isolation_line(result):
    return f"Graded in isolation mode: {result.isolation}." if result.isolation else ""


def _points(value):
    return f"{value:g}"


GRADESCOPE_OUTPUT = 5_000  # characters of the notebook's printed output shown there


def manual_lines(result):
    return [f"{grade_id}: {AWAITING} ({_points(points)} point{'s' if points != 1 else ''})"
            for grade_id, points in result.manual]


def gradescope_json(result):
    output = "\n".join([summary(result), *manual_lines(result), *result.notes,
                        isolation_line(result)]).strip()
    if result.output.strip():
        printed = result.output[:GRADESCOPE_OUTPUT]
        more = " (cut)" if len(result.output) > GRADESCOPE_OUTPUT else ""
        output += f"\n\nWhat your notebook printed{more}:\n{printed}"
    return {
        "score": round(result.score, 6),
        "execution_time": round(result.seconds, 3),
        "output": output,
        "visibility": "visible",
        "tests": [
            {"name": f"{item.grade_id}: {item.description}", "score": round(item.score, 6),
             "max_score": item.max_score, "status": "passed" if item.passed else "failed",
             "output": "\n".join(item.messages), "visibility": "visible"}
            for item in result.items
        ],
        "extra_data": {"isolation": result.isolation,
                       AWAITING.replace(" ", "_"): {grade_id: points for grade_id, points in result.manual}},
    }


def feedback_markdown(result):
    lines = [f"# Feedback: {result.file_name}", "", summary(result), ""]
    for item in result.items:
        mark = "passed" if item.passed else "FAILED"
        lines.append(f"## {item.grade_id} ({_points(item.score)} / {_points(item.max_score)}, {mark})")
        lines.append(f"{item.description}")
        lines += [f"- {message}" for message in item.messages]
        lines.append("")
    for grade_id, points in result.manual:
        lines += [f"## {grade_id} ({AWAITING}, {_points(points)} point{'s' if points != 1 else ''})",
                  "Graded by hand; not part of the score above.", ""]
    notes = [*result.notes, isolation_line(result)] if result.isolation else result.notes
    if notes:
        lines += ["## Notes on running your notebook", *[f"- {note}" for note in notes], ""]
    if result.output.strip():
        lines += ["## What your notebook printed", "", "```", result.output.rstrip().replace("```", "'''"),
                  "```", ""]
    return "\n".join(lines)


def write(result, out_dir):
    """DIR/<name>/results.json and DIR/<name>/feedback.md, each written atomically."""
    folder = Path(out_dir) / result.name
    write_atomically(folder / "results.json", json.dumps(gradescope_json(result), indent=2) + "\n")
    write_atomically(folder / "feedback.md", feedback_markdown(result))
