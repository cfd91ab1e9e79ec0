"""The course a submission is graded against: the released exercises and the graded items.

The released exercise notebooks (`exercises/<exercise>.ipynb`) hold the locked and test
cells the grader restores; the registry (`adam_teach.answer_key.ASSIGNMENTS`) holds each
item's hidden cases and judge.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024


class CourseError(Exception):
    """The course itself is missing or broken (an instructor's problem, exit status 2)."""


def read_notebook(path):
    """A notebook file as a plain dict with a list of cells; ValueError says what is wrong.
    No schema validation: learners' editors write slightly different notebooks."""
    path = Path(path)
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"the file is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB")
    try:
        data = json.loads(path.read_bytes())
    except (ValueError, RecursionError) as error:
        raise ValueError(f"not a notebook: the file is not valid JSON ({str(error)[:200]})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells", []), list):
        raise ValueError("not a notebook: no list of cells at the top level")
    data.setdefault("cells", [])
    data["cells"] = [cell for cell in data["cells"] if isinstance(cell, dict)]
    if not isinstance(data.get("metadata"), dict):
        data["metadata"] = {}
    return data


def source_of(cell):
    """A cell's source as one string; parts that are not strings (a forged notebook) are dropped."""
    source = cell.get("source", "")
    if isinstance(source, list):
        return "".join(part for part in source if isinstance(part, str))
    return source if isinstance(source, str) else ""


def nbgrader_of(cell):
    metadata = cell.get("metadata")
    meta = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return meta if isinstance(meta, dict) else {}


def grade_id_of(cell):
    grade_id = nbgrader_of(cell).get("grade_id")
    return grade_id if isinstance(grade_id, str) else None


@dataclass
class Course:
    root: Path
    assignments: dict  # exercise -> adam_teach.answer_key.base.Assignment
    _released: dict = field(default_factory=dict)

    def released(self, exercise):
        """The released (student) version of `exercise`, as read_notebook returns it."""
        if exercise not in self._released:
            path = self.root / "exercises" / f"{exercise}.ipynb"
            if not path.is_file():
                raise CourseError(f"no released exercise {path}: run `adam-teach release` first")
            self._released[exercise] = read_notebook(path)
        return self._released[exercise]

    def manual_items(self, exercise):
        """(grade_id, points) of the items graded by hand: the released exercise's graded
        answer cells that no auto-graded item covers (e.g. a written answer)."""
        auto = {item.grade_id for item in self.assignments[exercise].items}
        manual = []
        for cell in self.released(exercise)["cells"]:
            meta = nbgrader_of(cell)
            if meta.get("grade") and meta.get("solution") and grade_id_of(cell) not in auto:
                manual.append((grade_id_of(cell), float(meta.get("points", 0))))
        return manual

    def exercise_of_grade_id(self):
        """grade_id -> exercise, over every released exercise."""
        owner = {}
        for exercise in self.assignments:
            for cell in self.released(exercise)["cells"]:
                if grade_id_of(cell):
                    owner[grade_id_of(cell)] = exercise
        return owner

    def check(self):
        """Fail early, before any submission is run, if an exercise cannot be graded."""
        for exercise in self.assignments:
            self.released(exercise)


def default_root():
    """The checkout the package was installed from, else the current directory."""
    checkout = Path(__file__).resolve().parents[2]
    for candidate in (checkout, Path.cwd()):
        if (candidate / "exercises").is_dir():
            return candidate
    raise CourseError("no course found (a folder with exercises/): pass --course DIR")


def load(root=None, assignments=None):
    """The Course at `root` (default: `default_root()`), graded with `assignments`
    (default: the registry in adam_teach.answer_key)."""
    root = Path(root) if root is not None else default_root()
    if not (root / "exercises").is_dir():
        raise CourseError(f"{root} is not a course: it has no exercises/ folder")
    if assignments is None:
        try:
            from adam_teach.answer_key import ASSIGNMENTS as assignments
        except ImportError as error:
            raise CourseError(f"the exercise registry adam_teach.answer_key is broken: {error}") from error
    course = Course(root.resolve(), dict(assignments))
    course.check()
    return course
