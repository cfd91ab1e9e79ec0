"""`adam-teach gradescope`: write a Gradescope autograder zip for the course's exercises.

The zip has Gradescope's layout (it is unpacked into /autograder/source):

    setup.sh          run once, as root, when Gradescope builds the image: Python, a venv
                      in /autograder/venv, this package from the copy below (TensorFlow
                      only if an exercise that needs it is graded)
    run_autograder    run for every submission: grades /autograder/submission/*.ipynb with
                      `adam-teach grade` and writes /autograder/results/results.json
    adam-teach/       the package source (pyproject.toml, adam_teach/) and the released
                      exercises/ the grader restores locked and test cells from
    autograder.json   the one exercise this autograder is for, and its points

One zip grades one exercise: every notebook is graded as that exercise (`--exercise`), only
the best one counts, and the score never exceeds the exercise's points.

Paths can be moved with environment variables (for testing it anywhere):
AUTOGRADER_ROOT (default /autograder), AUTOGRADER_SOURCE, AUTOGRADER_SUBMISSION,
AUTOGRADER_RESULTS, AUTOGRADER_PYTHON, and AUTOGRADER_ISOLATION (`adam-teach grade
--isolation`, default auto: on Gradescope, which runs the grader as root in a container
without namespaces, that is a throwaway uid per submission).
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent
ZIP_DIR = "adam-teach"  # the folder in the zip holding the package source and exercises
# Project files pip needs to install the package from the zip's copy (no solutions/).
COURSE_FILES = ("pyproject.toml", "README.md", "LICENSE")

SETUP_SH = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, in /autograder/source, when it builds the image.
# It installs Python if the image has none, then adam-teach from the copy in this zip
# into a virtual environment that run_autograder uses.
set -euo pipefail
cd "$(dirname "$0")"
AUTOGRADER_ROOT="${AUTOGRADER_ROOT:-/autograder}"
VENV="$AUTOGRADER_ROOT/venv"

if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-pip python3-venv
fi
python3 -c 'import sys; assert sys.version_info >= (3, 10), "adam-teach needs Python >= 3.10, this is " + sys.version.split()[0]'
python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet "./@ZIP_DIR@@EXTRAS@"
# Learners' code runs as an unprivileged user: it must be able to read the course and Python.
chmod -R a+rX "$AUTOGRADER_ROOT/source" "$VENV"
"$VENV/bin/python" -c 'import adam_teach, numpy; print("adam-teach", adam_teach.__version__, "numpy", numpy.__version__)'
"""

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Gradescope runs this for every submission: grade the submitted notebooks and write
# results/results.json. Every path can be moved with an environment variable.
set -uo pipefail
AUTOGRADER_ROOT="${AUTOGRADER_ROOT:-/autograder}"
export AUTOGRADER_SOURCE="${AUTOGRADER_SOURCE:-$AUTOGRADER_ROOT/source}"
export AUTOGRADER_SUBMISSION="${AUTOGRADER_SUBMISSION:-$AUTOGRADER_ROOT/submission}"
export AUTOGRADER_RESULTS="${AUTOGRADER_RESULTS:-$AUTOGRADER_ROOT/results}"
if [ -z "${AUTOGRADER_PYTHON:-}" ]; then
    if [ -x "$AUTOGRADER_ROOT/venv/bin/python" ]; then
        AUTOGRADER_PYTHON="$AUTOGRADER_ROOT/venv/bin/python"
    else
        AUTOGRADER_PYTHON=python3
    fi
fi
# The zip's copy of adam_teach is the one that grades (identical to the installed one).
export PYTHONPATH="$AUTOGRADER_SOURCE/@ZIP_DIR@${PYTHONPATH:+:$PYTHONPATH}"
exec "$AUTOGRADER_PYTHON" -m adam_teach.gradescope autograde
"""


class GradescopeError(Exception):
    """The autograder cannot be built or run as asked (the message says how to fix it)."""


# --- building the zip -----------------------------------------------------------------

def released_exercises(root):
    """Exercise ids with a released notebook in root/exercises/, in order."""
    return [path.stem for path in sorted((Path(root) / "exercises").glob("*.ipynb"))]


def check_exercise(root, wanted):
    available = released_exercises(root)
    if not available:
        raise GradescopeError(f"no released exercises in {Path(root) / 'exercises'}: run `adam-teach release` first")
    if wanted not in available:
        raise GradescopeError(f"unknown exercise {wanted}; the exercises are {', '.join(available)}")
    return wanted


def _package_files(root):
    """(path in the zip, file) for the package source, the released exercises and the
    project files pip needs to install it; no caches, no solutions."""
    root = Path(root)
    for name in COURSE_FILES:
        if (root / name).is_file():
            yield f"{ZIP_DIR}/{name}", root / name
    for path in sorted((root / "adam_teach").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield f"{ZIP_DIR}/{path.relative_to(root).as_posix()}", path
    for path in sorted((root / "exercises").glob("*.ipynb")):
        yield f"{ZIP_DIR}/exercises/{path.name}", path


def _add(archive, name, data, executable=False):
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (0o100755 if executable else 0o100644) << 16
    archive.writestr(info, data)


def build_autograder(out, exercise, root=CHECKOUT):
    """Write the autograder zip to `out` for `exercise`."""
    from .answer_key import get

    root = Path(root)
    if not (root / "pyproject.toml").is_file() or not (root / "adam_teach").is_dir():
        raise GradescopeError(f"{root} is not the adam-teach source tree (no pyproject.toml and adam_teach/); "
                              "run this from a checkout of the course")
    assignment = get(check_exercise(root, exercise))
    tensorflow = assignment.needs_tensorflow
    points = sum(item.points for item in assignment.items)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w") as archive:
        setup = SETUP_SH.replace("@ZIP_DIR@", ZIP_DIR).replace("@EXTRAS@", "[keras]" if tensorflow else "")
        _add(archive, "setup.sh", setup, executable=True)
        _add(archive, "run_autograder", RUN_AUTOGRADER.replace("@ZIP_DIR@", ZIP_DIR), executable=True)
        visibility = "after_published" if assignment.feedback_after_publishing else "visible"
        _add(archive, "autograder.json", json.dumps({"exercise": exercise, "points": points,
                                                     "tensorflow": tensorflow, "visibility": visibility},
                                                    indent=2) + "\n")
        for name, path in _package_files(root):
            _add(archive, name, path.read_bytes())
    return exercise, tensorflow


# --- running on Gradescope -------------------------------------------------------------

def _paths():
    root = Path(os.environ.get("AUTOGRADER_ROOT", "/autograder"))
    return (Path(os.environ.get("AUTOGRADER_SOURCE", root / "source")),
            Path(os.environ.get("AUTOGRADER_SUBMISSION", root / "submission")),
            Path(os.environ.get("AUTOGRADER_RESULTS", root / "results")))


def submitted_notebooks(submission):
    return sorted(p for p in Path(submission).rglob("*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts and not p.name.startswith("._"))


def merge_results(out_dir, exercise, points, visibility="visible"):
    """One Gradescope results.json from the grader's DIR/<name>/results.json files, all
    graded as `exercise`: only the best-scoring notebook counts (uploading a notebook twice,
    or notebooks of other exercises, must not add up), and the score is at most `points`.
    `visibility` ("after_published" for answers a learner could find by resubmitting) applies
    to the whole result and to each test."""
    rows = []
    gradebook = Path(out_dir) / "gradebook.csv"
    if gradebook.is_file():
        with open(gradebook, newline="", encoding="utf-8") as file:
            rows = list(csv.DictReader(file))
    graded = [(row, json.loads((Path(out_dir) / row["submission"] / "results.json").read_text(encoding="utf-8")))
              for row in rows]
    if not graded:
        return failure_result("The autograder could not grade this submission; please tell your instructor.")
    graded.sort(key=lambda pair: -float(pair[1].get("score", 0)))
    (best_row, best), others = graded[0], graded[1:]
    notes = [f"{row['file']} was not counted: only the best notebook, {best_row['file']}, counts "
             f"(this assignment grades {exercise} only)." for row, _ in others]
    tests = [dict(test, number=str(number), visibility=visibility)
             for number, test in enumerate(best.get("tests", []), start=1)]
    return {
        "score": round(min(float(best.get("score", 0)), points), 6),
        "execution_time": round(sum(float(r.get("execution_time", 0)) for _, r in graded), 3),
        "output": "\n\n".join([*notes, best.get("output", "")]).strip(),
        "output_format": "text",
        "visibility": visibility,
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": best.get("extra_data", {}),
    }


def failure_result(message):
    """results.json for a run that graded nothing (the learner sees `message`)."""
    return {"score": 0.0, "execution_time": 0.0, "output": message, "output_format": "text",
            "visibility": "visible", "stdout_visibility": "hidden", "tests": []}


def _grade(command):
    """Run `adam-teach grade`; its output goes to the autograder's log (hidden from learners)."""
    completed = subprocess.run(command, capture_output=True, text=True)
    print(completed.stdout, end="")
    print(completed.stderr, end="", file=sys.stderr)
    return completed


def autograde():
    """What run_autograder does: grade every submitted notebook, write results.json.
    Always writes results.json, also when nothing could be graded. Returns an exit status."""
    source, submission, results = _paths()
    results.mkdir(parents=True, exist_ok=True)
    results_json = results / "results.json"
    config = json.loads((source / "autograder.json").read_text(encoding="utf-8"))
    notebooks = submitted_notebooks(submission)
    if not notebooks:
        found = sorted(p.name for p in submission.rglob("*") if p.is_file())[:20] if submission.is_dir() else []
        result = failure_result("No Jupyter notebook (.ipynb) in your submission"
                                + (f" (found: {', '.join(found)})" if found else "")
                                + f". Upload your exercise notebook, e.g. {config['exercise']}.ipynb.")
        results_json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        return 0

    command = [sys.executable, "-m", "adam_teach.cli", "grade", *map(str, notebooks), "--quiet",
               "--course", str(source / ZIP_DIR), "--exercise", config["exercise"],
               "--isolation", os.environ.get("AUTOGRADER_ISOLATION") or "auto"]
    with tempfile.TemporaryDirectory(prefix="adam-teach-grade-") as out_dir:
        os.chmod(out_dir, 0o700)  # the grader's verdicts stay out of learners' reach
        completed = _grade([*command, "--out", out_dir])
        result = merge_results(out_dir, config["exercise"], config["points"], config.get("visibility", "visible"))
    if completed.returncode == 2 or (not result["tests"] and not result["output"]):
        result = failure_result("The autograder could not grade this submission; please tell your instructor.\n"
                                + completed.stderr[-2000:])
    elif completed.returncode != 0:
        result["output"] += "\n\nThe grader had an internal problem with part of this submission; " \
                            "please tell your instructor."
    results_json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


# --- the command -------------------------------------------------------------------------

def add_arguments(parser):
    parser.add_argument("--out", default="adam-teach-autograder.zip", metavar="ZIP",
                        help="the zip to write (default: adam-teach-autograder.zip)")
    parser.add_argument("--exercise", required=True, metavar="ID",
                        help="the exercise this autograder grades, e.g. 03_adam (one per Gradescope "
                             "assignment; TensorFlow is installed only if it needs it)")
    parser.add_argument("--root", default=str(CHECKOUT), metavar="DIR",
                        help="the course source tree (default: this checkout)")


def main(args):
    try:
        chosen, tensorflow = build_autograder(args.out, args.exercise, args.root)
    except GradescopeError as error:
        print(f"adam-teach gradescope: {error}", file=sys.stderr)
        return 2
    size = Path(args.out).stat().st_size
    print(f"wrote {args.out} ({size / 1024:.0f} KB) for {chosen}"
          f"{' (setup.sh installs TensorFlow)' if tensorflow else ''}.")
    print("Upload it as the autograder of a Gradescope programming assignment (Ubuntu base image); "
          "learners submit their exercise notebook(s).")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["autograde"]:
        sys.exit(autograde())
    parser = argparse.ArgumentParser(prog="python -m adam_teach.gradescope")
    add_arguments(parser)
    sys.exit(main(parser.parse_args()))
