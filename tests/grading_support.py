"""Helpers for the grader's tests: run `adam-teach grade` as an instructor would."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The course graded against: this checkout (ADAM_TEACH_COURSE only to try a fresh release).
COURSE = Path(os.environ.get("ADAM_TEACH_COURSE", ROOT))
CORPUS = ROOT / "tests" / "corpus" / "03_adam"


def grade(*arguments, cwd=None):
    """`adam-teach grade ARGUMENTS --course COURSE`, as a subprocess: CompletedProcess."""
    command = [sys.executable, "-m", "adam_teach.cli", "grade", *map(str, arguments),
               "--course", str(COURSE), "--quiet"]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd or ROOT, timeout=600)


def results_of(out_dir, name):
    return json.loads((Path(out_dir) / name / "results.json").read_text(encoding="utf-8"))


def feedback_of(out_dir, name):
    return (Path(out_dir) / name / "feedback.md").read_text(encoding="utf-8")


def item_scores(out_dir, name):
    """{grade_id: score} from a results.json (test names start with the grade_id)."""
    return {test["name"].split(":")[0]: test["score"] for test in results_of(out_dir, name)["tests"]}
