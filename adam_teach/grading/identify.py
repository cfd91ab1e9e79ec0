"""Which exercise a submitted notebook is, so that renamed files grade correctly.

In order: the notebook's own metadata (`metadata.adam_teach.exercise`, written by the
course), then its cells' nbgrader grade_ids, then the file name ("alice_03_adam.ipynb").
"""

import os
import re
from collections import Counter

from .course import grade_id_of


class UnknownExercise(Exception):
    pass


def exercise_of(notebook, path, course):
    """(exercise, how it was found); `notebook` is None if the file could not be read."""
    stem = os.fsencode(path.stem).decode("utf-8", "replace").lower()
    known = course.assignments
    if notebook is not None:
        tag = notebook["metadata"].get("adam_teach")
        exercise = tag.get("exercise") if isinstance(tag, dict) else None
        if isinstance(exercise, str) and exercise in known:
            return exercise, "notebook metadata"
        owner = course.exercise_of_grade_id()
        votes = Counter(owner[g] for g in map(grade_id_of, notebook["cells"]) if g in owner)
        ranked = votes.most_common(2)
        if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
            return ranked[0][0], "cell grade_ids"
    exercise = _from_file_name(stem, known)
    if exercise:
        return exercise, "file name"
    raise UnknownExercise(
        "could not tell which exercise this is: no adam_teach metadata, no known grade_ids, "
        f"and the file name names none of {', '.join(sorted(known))}")


def _from_file_name(stem, known):
    by_name = [name for name in known if name.lower() in stem]
    if by_name:
        return max(by_name, key=len)
    by_number = [name for name in known if _number(name) and _number(name) in re.findall(r"\d+", stem)]
    return by_number[0] if len(by_number) == 1 else None


def _number(exercise):
    """"03" for "03_adam"."""
    match = re.match(r"\d+", exercise)
    return match.group() if match else ""
