"""exercises/ is what `adam-teach release` makes of solutions/, and the sources agree with
the graded items in adam_teach.answer_key."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from adam_teach import answer_key as assignments, release

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "solutions").glob("*.ipynb"))
ADAM_TEACH = [str(Path(sys.executable).parent / "adam-teach")]


def nbgrader_meta(cell):
    return cell.metadata.get("nbgrader", {})


def test_exercises_are_up_to_date_with_solutions():
    stale = release.stale(ROOT)
    assert not stale, (f"exercises/ is out of date with solutions/ ({', '.join(p.name for p in stale)}): "
                       "run `adam-teach release`")


def test_every_exercise_of_the_answer_key_has_a_source_and_a_release():
    """One notebook per graded exercise, named by its id, in solutions/ and in exercises/."""
    from adam_teach.answer_key import ASSIGNMENTS

    assert len(ASSIGNMENTS) >= 9
    assert [p.name for p in SOURCES] == [f"{exercise}.ipynb" for exercise in sorted(ASSIGNMENTS)]
    assert sorted(p.name for p in (ROOT / "exercises").glob("*.ipynb")) == [p.name for p in SOURCES]
    for source in SOURCES:
        assert nbformat.read(source, as_version=4).metadata["adam_teach"]["exercise"] == source.stem


@pytest.fixture
def course_copy(tmp_path):
    shutil.copytree(ROOT / "solutions", tmp_path / "solutions")
    return tmp_path


def test_release_is_deterministic(course_copy):
    release.release(course_copy)
    first = {p.name: p.read_bytes() for p in (course_copy / "exercises").glob("*.ipynb")}
    release.release(course_copy)
    second = {p.name: p.read_bytes() for p in (course_copy / "exercises").glob("*.ipynb")}
    assert first == second and len(first) == len(SOURCES)
    assert first == {p.name: p.read_bytes() for p in (ROOT / "exercises").glob("*.ipynb")}


def test_release_check_fails_with_a_clear_message_when_out_of_date(course_copy):
    run = lambda *args: subprocess.run([*ADAM_TEACH, "release", *args, "--root", str(course_copy)],  # noqa: E731
                                       capture_output=True, text=True)
    assert run("--check").returncode == 1  # no exercises/ yet
    assert run().returncode == 0
    ok = run("--check")
    assert ok.returncode == 0, ok.stderr
    source = course_copy / "solutions" / "03_adam.ipynb"
    nb = nbformat.read(source, as_version=4)
    nb.cells[0].source += "\nA new sentence."
    nbformat.write(nb, source)
    stale = run("--check")
    assert stale.returncode == 1
    assert "out of date with solutions/: exercises/03_adam.ipynb" in stale.stderr
    assert "Run `adam-teach release`" in stale.stderr


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_released_exercise_has_no_solutions_hidden_tests_or_outputs(source):
    text = (ROOT / "exercises" / source.name).read_text(encoding="utf-8")
    for secret in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "checks.autograde"):
        assert secret not in text
    nb = nbformat.read(ROOT / "exercises" / source.name, as_version=4)
    for cell in nb.cells:
        assert not cell.get("outputs") and not cell.get("execution_count")
        assert "execution" not in cell.metadata
        if nbgrader_meta(cell).get("solution") and cell.cell_type == "code":
            assert "raise NotImplementedError()" in cell.source


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_graded_cells_match_the_graded_items(source):
    """Each auto-graded test cell has the grade_id and points of an Item of the exercise
    named in the notebook's metadata; written answers are graded by hand."""
    nb = nbformat.read(source, as_version=4)
    exercise = nb.metadata["adam_teach"]["exercise"]
    assert exercise == source.stem
    items = {item.grade_id: item.points for item in assignments.get(exercise).items}
    tests = {nbgrader_meta(c)["grade_id"]: nbgrader_meta(c)["points"] for c in nb.cells
             if nbgrader_meta(c).get("grade") and not nbgrader_meta(c).get("solution")}
    assert tests == items
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade") and not meta.get("solution"):
            assert meta["locked"] and cell.cell_type == "code"
            grade_id = meta["grade_id"]
            assert f'checks.autograde("{exercise}", "{grade_id}", globals())' in cell.source
            assert f"checks.check_{grade_id}(" in cell.source
        if meta.get("grade") and meta.get("solution"):
            assert cell.cell_type == "markdown", "only written answers are graded by hand"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_every_function_of_the_contract_is_written_in_a_solution_cell(source):
    nb = nbformat.read(source, as_version=4)
    assignment = assignments.get(nb.metadata["adam_teach"]["exercise"])
    solution_code = "\n".join(c.source for c in nb.cells if nbgrader_meta(c).get("solution"))
    for function in assignment.functions:
        assert re.search(rf"^def {function}\(", solution_code, re.MULTILINE), function


@pytest.mark.parametrize("path", SOURCES + sorted((ROOT / "exercises").glob("*.ipynb")),
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_no_machine_paths_or_stderr_in_notebooks(path):
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"/(work|root|tmp|home)/", text)
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.get("name") != "stderr" and output.get("output_type") != "error"
