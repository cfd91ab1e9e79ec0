"""Real nbgrader accepts the exercise sources: `nbgrader generate_assignment` releases them,
and `nbgrader autograde` gives the solutions full marks and an untouched release zero.

A temporary course directory holds everything (nbgrader_config.py, an sqlite gradebook);
nbgrader runs as a subprocess, exactly as an instructor would run it.
"""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from adam_teach import assignments

ROOT = Path(__file__).resolve().parents[1]
NBGRADER = Path(sys.executable).parent / "nbgrader"
EXERCISES = sorted(path.stem for path in (ROOT / "solutions").glob("*.ipynb"))
SOLVER, UNTOUCHED = "solver", "untouched"


def nbgrader(course, *args):
    # nbgrader runs `alembic` (its database migrations) from PATH: put the venv's bin first.
    env = {**os.environ, "PATH": f"{NBGRADER.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run([str(NBGRADER), *args], cwd=course, capture_output=True, text=True,
                            timeout=900, env=env)
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def solved(released, source):
    """The released notebook with every solution cell filled in from the source, as a
    learner who solved it would submit it."""
    answers = {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in source.cells
               if cell.metadata.get("nbgrader", {}).get("solution")}
    for cell in released.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return released


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Run the whole nbgrader workflow once, in a temporary course directory."""
    course = tmp_path_factory.mktemp("course")
    db_url = f"sqlite:///{course / 'gradebook.db'}"
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        f"c.CourseDirectory.db_url = {db_url!r}\n"
        "c.Execute.timeout = 300\n"  # importing TensorFlow can take more than the default 30 s
    )
    for student in (SOLVER, UNTOUCHED):
        nbgrader(course, "db", "student", "add", student)
    for exercise in EXERCISES:
        source_dir = course / "source" / exercise
        source_dir.mkdir(parents=True)
        (source_dir / f"{exercise}.ipynb").write_bytes((ROOT / "solutions" / f"{exercise}.ipynb").read_bytes())
        nbgrader(course, "db", "assignment", "add", exercise)
        nbgrader(course, "generate_assignment", exercise, "--force")
        released = course / "release" / exercise / f"{exercise}.ipynb"
        source = nbformat.read(ROOT / "solutions" / f"{exercise}.ipynb", as_version=4)
        for student, notebook in ((SOLVER, solved(nbformat.read(released, as_version=4), source)),
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
