"""How fast `adam-teach grade` is, next to nbgrader's own `autograde`, on the same work.

Builds 40 submissions of exercise 03 (the released notebook with the solution's answers;
every fourth without bias correction on m, so it loses points), then measures:
1. `adam-teach grade --jobs 2` on all 40 (wall time, start-up included);
2. `adam-teach grade --jobs 1` on all 40 (one after another, like nbgrader);
3. `--jobs 2 --no-fork-server` (each learner's process a fresh `python -I`);
4. the CPU time one submission costs after start-up (grader + learner's process);
5. `nbgrader autograde` on the same 40, in a temporary course with its sqlite gradebook
   (`generate_assignment` first, not timed).
Both graders' totals are compared, so a fast wrong grader would show.

    .venv/bin/python benchmarks/grading.py [--submissions 40]
"""

import argparse
import copy
import csv
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from grading_support import grade, nbgrader, nbgrader_course, solution_answers, solved  # noqa: E402

EXERCISE = "03_adam"


def submissions(count):
    """[(student, notebook dict, wrong?)]: every fourth student forgets to debias m."""
    released = json.loads((ROOT / "exercises" / f"{EXERCISE}.ipynb").read_text(encoding="utf-8"))
    right = solution_answers(EXERCISE)
    wrong_answers = {grade_id: source.replace("(1 - beta_1**t)", "1") for grade_id, source in right.items()}
    built = []
    for i in range(count):
        wrong = i % 4 == 3
        built.append((f"student{i:02d}", solved(copy.deepcopy(released), wrong_answers if wrong else right), wrong))
    assert any(w for *_, w in built) and sum("(1 - beta_1**t)" not in json.dumps(nb) for _, nb, w in built if w)
    return built


def write(path, nb):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1) + "\n", encoding="utf-8")


def time_ours(inbox, out, jobs, *options):
    started = time.perf_counter()
    done = grade(inbox, "--out", out, "--jobs", jobs, *options, timeout=None)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"adam-teach grade failed:\n{done.stderr}")
    with (out / "gradebook.csv").open(encoding="utf-8") as gradebook:
        return seconds, {row["submission"].replace(f"_{EXERCISE}", ""): float(row["total"])
                         for row in csv.DictReader(gradebook)}


def cpu_per_submission(inbox, fork, repeats=7):
    """Median CPU seconds to grade one submission after start-up: the grader's own (parse,
    restore, judge) plus the learner's process's, as reported when it was reaped."""
    from adam_teach.grading import batch, course
    from adam_teach.grading.sandbox.execute import fork_server
    from adam_teach.grading.sandbox.limits import Limits

    graded_course = course.load(ROOT)
    server = fork_server() if fork else None
    paths = sorted(inbox.glob("*.ipynb"))
    batch.grade_one(paths[0], "warm-up", graded_course, Limits(), server)  # imports, judges' first use
    costs = []
    for path in paths[1:repeats + 1]:
        before = _own_cpu()
        result = batch.grade_one(path, path.stem, graded_course, Limits(), server)
        costs.append(_own_cpu() - before + result.cpu_seconds)
    if server:
        server.close()
    return statistics.median(costs)


def _own_cpu():
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def time_nbgrader(course_dir, built):
    nbgrader_course(course_dir, [EXERCISE])
    for student, nb, _ in built:
        write(course_dir / "submitted" / student / EXERCISE / f"{EXERCISE}.ipynb", nb)
    started = time.perf_counter()
    nbgrader(course_dir, "autograde", EXERCISE, timeout=None)
    seconds = time.perf_counter() - started
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        totals = {s: gradebook.find_submission(EXERCISE, s).score for s, *_ in built}
    return seconds, totals


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=40)
    args = parser.parse_args(argv)
    built = submissions(args.submissions)
    with tempfile.TemporaryDirectory(prefix="adam-teach-bench-") as tmp:
        tmp = Path(tmp)
        for student, nb, _ in built:
            write(tmp / "inbox" / f"{student}_{EXERCISE}.ipynb", nb)
        parallel, ours = time_ours(tmp / "inbox", tmp / "out2", 2)
        serial, _ = time_ours(tmp / "inbox", tmp / "out1", 1)
        plain, ours_plain = time_ours(tmp / "inbox", tmp / "out3", 2, "--no-fork-server")
        cpu = cpu_per_submission(tmp / "inbox", fork=True)
        cpu_plain = cpu_per_submission(tmp / "inbox", fork=False)
        nbgrader_seconds, theirs = time_nbgrader(tmp / "nbgrader", built)
    n = len(built)
    wrong = sum(w for *_, w in built)
    print(f"{n} submissions of {EXERCISE} ({wrong} without bias correction), {os.cpu_count()} cores")
    print(f"adam-teach grade --jobs 2 : {parallel:6.1f} s wall  ({parallel / n:.2f} s per submission)")
    print(f"adam-teach grade --jobs 1 : {serial:6.1f} s wall  ({serial / n:.2f} s per submission)")
    print(f"adam-teach --jobs 2 --no-fork-server: {plain:6.1f} s wall  ({plain / n:.2f} s per submission)")
    print(f"adam-teach, one submission: {cpu:6.2f} s CPU after start-up (grader + learner's process); "
          f"{cpu_plain:.2f} s with --no-fork-server")
    print(f"nbgrader autograde        : {nbgrader_seconds:6.1f} s wall  ({nbgrader_seconds / n:.2f} s per submission)")
    print(f"speed-up over nbgrader    : {nbgrader_seconds / parallel:.1f}x with --jobs 2, "
          f"{nbgrader_seconds / serial:.1f}x with --jobs 1")
    full = {s for s, total in ours.items() if total == max(ours.values())}
    their_full = {s for s, total in theirs.items() if total == max(theirs.values())}
    print(f"full marks: adam-teach {len(full)}, nbgrader {len(their_full)}; same students: {full == their_full}; "
          f"fork server and plain processes agree: {ours == ours_plain}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
