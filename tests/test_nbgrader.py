"""Real nbgrader accepts the exercise sources: `nbgrader generate_assignment` releases them,
and `nbgrader autograde` gives the solutions full marks and an untouched release zero.

A temporary course directory holds everything (nbgrader_config.py, an sqlite gradebook);
nbgrader runs as a subprocess, exactly as an instructor would run it.
"""

from pathlib import Path

import nbformat
import pytest

from adam_teach import answer_key as assignments
from grading_support import nbgrader, nbgrader_course, solution_answers, solved

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = sorted(path.stem for path in (ROOT / "solutions").glob("*.ipynb"))
SOLVER, UNTOUCHED = "solver", "untouched"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Run the whole nbgrader workflow once, in a temporary course directory."""
    course = nbgrader_course(tmp_path_factory.mktemp("course"), EXERCISES, students=(SOLVER, UNTOUCHED))
    for exercise in EXERCISES:
        released = course / "release" / exercise / f"{exercise}.ipynb"
        answers = solution_answers(exercise)
        for student, notebook in ((SOLVER, solved(nbformat.read(released, as_version=4), answers)),
                                  (UNTOUCHED, nbformat.read(released, as_version=4))):
            submitted = course / "submitted" / student / exercise
            submitted.mkdir(parents=True)
            nbformat.write(notebook, submitted / f"{exercise}.ipynb")
        nbgrader(course, "autograde", exercise, "--force")
    return course


@pytest.fixture(scope="module")
def gradebook(course):
    """{(exercise, student): {grade_id: (auto_score, max_score, needs_manual_grade)}}."""
    from nbgrader.api import Gradebook

    grades = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for exercise in EXERCISES:
            for student in (SOLVER, UNTOUCHED):
                submission = gb.find_submission_notebook(exercise, exercise, student)
                grades[exercise, student] = {
                    grade.name: (grade.auto_score, grade.max_score, grade.needs_manual_grade)
                    for grade in submission.grades}
    return grades


@pytest.mark.parametrize("exercise", EXERCISES)
def test_generate_assignment_matches_adam_teach_release(course, exercise):
    """nbgrader's own release of a source has the same cells as exercises/ (adam-teach
    release runs nbgrader's preprocessors; only the database step is left out)."""
    ours = nbformat.read(ROOT / "exercises" / f"{exercise}.ipynb", as_version=4)
    theirs = nbformat.read(course / "release" / exercise / f"{exercise}.ipynb", as_version=4)
    assert [c.source for c in ours.cells] == [c.source for c in theirs.cells]
    assert [c.metadata.get("nbgrader") for c in ours.cells] == [c.metadata.get("nbgrader") for c in theirs.cells]


@pytest.mark.parametrize("exercise", EXERCISES)
def test_solutions_get_full_marks(gradebook, exercise):
    grades = gradebook[exercise, SOLVER]
    items = {item.grade_id: item.points for item in assignments.get(exercise).items}
    for grade_id, points in items.items():
        auto_score, max_score, _ = grades[grade_id]
        assert max_score == points
        assert auto_score == points, f"{exercise}/{grade_id}: {auto_score} of {max_score}"
    manual = {name for name, (_, _, needs_manual) in grades.items() if needs_manual}
    assert manual == set(grades) - set(items), "only written answers are left to grade by hand"


@pytest.mark.parametrize("exercise", EXERCISES)
def test_untouched_exercise_scores_zero(gradebook, exercise):
    grades = gradebook[exercise, UNTOUCHED]
    assert set(grades) >= {item.grade_id for item in assignments.get(exercise).items}
    for grade_id, (auto_score, max_score, needs_manual) in grades.items():
        assert max_score > 0
        assert auto_score == 0, f"{exercise}/{grade_id}: {auto_score} of {max_score}"
        assert not needs_manual
