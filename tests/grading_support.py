"""Helpers for the grader's tests (and benchmarks/grading.py): run `adam-teach grade` and
nbgrader as an instructor would, and fill a released exercise in with the solution's answers."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NEEDS_ROOT = pytest.mark.skipif(os.geteuid() != 0, reason="the uid mode needs the grader to run as root")
# The isolation modes the attacks are tried in: the default, and the fallback where
# bubblewrap cannot run (Gradescope's).
MODES = [pytest.param("bubblewrap"), pytest.param("uid", marks=NEEDS_ROOT)]
# The course graded against: this checkout (ADAM_TEACH_COURSE only to try a fresh release).
COURSE = Path(os.environ.get("ADAM_TEACH_COURSE", ROOT))
CORPUS = ROOT / "tests" / "corpus" / "03_adam"
NBGRADER = Path(sys.executable).with_name("nbgrader")
SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def grade(*arguments, cwd=None, timeout=600, isolation="auto"):
    """`adam-teach grade ARGUMENTS --course COURSE --isolation ISOLATION`, as a subprocess:
    CompletedProcess. With isolation="uid", in `uid_view()` (see there)."""
    command = [sys.executable, "-m", "adam_teach.cli", "grade", *map(str, arguments),
               "--course", str(COURSE), "--quiet", "--isolation", isolation]
    prefix = uid_view() if isolation == "uid" else []
    return subprocess.run(prefix + command, capture_output=True, text=True, cwd=cwd or ROOT, timeout=timeout)


def closed_ancestors():
    """Folders above this Python and the checkout that other users cannot enter (on the
    development machine: /root, mode 0700, which holds Python)."""
    closed = set()
    for path in (Path(sys.base_prefix), Path(sys.prefix), ROOT):
        for parent in path.resolve().parents:
            if parent != Path("/") and not parent.stat().st_mode & 0o001:
                closed.add(parent)
    return sorted(closed)


def uid_view():
    """A command prefix under which a throwaway uid can reach Python and the course: the
    same machine (same processes, same files: `--dev-bind / /`), but each closed folder
    above Python replaced by an open one (a tmpfs of mode 0755) holding only the entries on
    the way to Python and the course, as on a machine that installs Python in /usr.
    [] where nothing is closed."""
    needed = [Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), ROOT]
    prefix = []
    for folder in closed_ancestors():
        prefix += ["--perms", "0755", "--tmpfs", str(folder)]
        for entry in sorted({folder / p.relative_to(folder).parts[0] for p in needed if folder in p.parents}):
            prefix += ["--dev-bind", str(entry), str(entry)]
    return ["bwrap", "--dev-bind", "/", "/", *prefix, "--"] if prefix else []


def results_of(out_dir, name):
    return json.loads((Path(out_dir) / name / "results.json").read_text(encoding="utf-8"))


def feedback_of(out_dir, name):
    return (Path(out_dir) / name / "feedback.md").read_text(encoding="utf-8")


def item_scores(out_dir, name):
    """{grade_id: score} from a results.json (test names start with the grade_id)."""
    return {test["name"].split(":")[0]: test["score"] for test in results_of(out_dir, name)["tests"]}


def solution_answers(exercise):
    """grade_id -> the source of each answer cell (code or written) of solutions/EXERCISE.ipynb,
    without the solution markers, as a learner who solved it would have written it."""
    solution = json.loads((ROOT / "solutions" / f"{exercise}.ipynb").read_text(encoding="utf-8"))
    answers = {}
    for cell in solution["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            lines = "".join(cell["source"]).splitlines(keepends=True)
            answers[meta["grade_id"]] = "".join(line for line in lines
                                                if not any(marker in line for marker in SOLUTION_MARKERS))
    return answers


def solved(released, answers):
    """The released notebook (a dict or an nbformat node) with its answer cells replaced by
    `answers` (grade_id -> source), changed in place and returned."""
    for cell in released["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell["source"] = answers[grade_id]
    return released


def nbgrader(course, *args, timeout=900):
    """`nbgrader ARGS` in the course directory, as a subprocess that must succeed."""
    # nbgrader runs `alembic` (its database migrations) from PATH: put the venv's bin first.
    env = {**os.environ, "PATH": f"{NBGRADER.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run([str(NBGRADER), *args], cwd=course, capture_output=True, text=True,
                            timeout=timeout, env=env)
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def nbgrader_course(course, exercises, students=()):
    """A temporary nbgrader course in the folder `course`: nbgrader_config.py with an sqlite
    gradebook, the students, and each exercise's source (from solutions/) released with
    `nbgrader generate_assignment`. Returns the folder."""
    course = Path(course)
    course.mkdir(parents=True, exist_ok=True)
    db_url = f"sqlite:///{course / 'gradebook.db'}"
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        f"c.CourseDirectory.db_url = {db_url!r}\n"
        "c.Execute.timeout = 300\n"  # importing TensorFlow can take more than the default 30 s
    )
    for student in students:
        nbgrader(course, "db", "student", "add", student)
    for exercise in exercises:
        source_dir = course / "source" / exercise
        source_dir.mkdir(parents=True)
        (source_dir / f"{exercise}.ipynb").write_bytes((ROOT / "solutions" / f"{exercise}.ipynb").read_bytes())
        nbgrader(course, "db", "assignment", "add", exercise)
        nbgrader(course, "generate_assignment", exercise, "--force")
    return course


def grade_in_one_call(tmp_path_factory, notebooks, timeout=120):
    """Write {name: notebook as a dict} into a fresh folder and grade them all in one
    `adam-teach grade --jobs 2` call: (the completed process, the --out folder)."""
    inbox = tmp_path_factory.mktemp("inbox")
    for name, notebook in notebooks.items():
        (inbox / f"{name}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    return grade(inbox, "--out", out, "--jobs", "2", "--timeout", str(timeout)), out
