"""How fast `adam-teach grade` is, next to nbgrader's own `autograde`, on the same work.

Builds 40 submissions of exercise 03 (the released notebook with the solution's answers;
every fourth without bias correction on m, so it loses points), then measures:
1. `adam-teach grade --jobs 2` on all 40 (wall time, start-up included), in the default
   isolation (bubblewrap where it works);
2. `adam-teach grade --jobs 1` on all 40 (one after another, like nbgrader);
3. `--jobs 2 --isolation uid` (a throwaway uid per submission; as root only);
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


def time_ours(inbox, out, jobs, isolation="auto"):
    started = time.perf_counter()
    done = grade(inbox, "--out", out, "--jobs", jobs, timeout=None, isolation=isolation)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"adam-teach grade failed:\n{done.stderr}")
    with (out / "gradebook.csv").open(encoding="utf-8") as gradebook:
        return seconds, {row["submission"].replace(f"_{EXERCISE}", ""): float(row["total"])
                         for row in csv.DictReader(gradebook)}


def cpu_per_submission(inbox, repeats=7):
    """Median CPU seconds to grade one submission after start-up: the grader's own (parse,
    restore, judge) plus the learner's process's, as reported when it was reaped."""
    from adam_teach.grading import batch, course
    from adam_teach.grading.sandbox.execute import fork_server
    from adam_teach.grading.sandbox.limits import Limits

    graded_course = course.load(ROOT)
    paths = sorted(inbox.glob("*.ipynb"))
    with fork_server() as server:
        batch.grade_one(paths[0], "warm-up", graded_course, Limits(), server)  # imports, judges' first use
        costs = []
        for path in paths[1:repeats + 1]:
            before = _own_cpu()
            result = batch.grade_one(path, path.stem, graded_course, Limits(), server)
            costs.append(_own_cpu() - before + result.cpu_seconds)
    return statistics.median(costs), server.isolation.mode


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
        uid, ours_uid = time_ours(tmp / "inbox", tmp / "out3", 2, "uid") if os.geteuid() == 0 else (None, ours)
        cpu, mode = cpu_per_submission(tmp / "inbox")
        nbgrader_seconds, theirs = time_nbgrader(tmp / "nbgrader", built)
    n = len(built)
    wrong = sum(w for *_, w in built)
    print(f"{n} submissions of {EXERCISE} ({wrong} without bias correction), {os.cpu_count()} cores")
    print(f"adam-teach grade --jobs 2 ({mode}): {parallel:6.1f} s wall  ({parallel / n:.2f} s per submission)")
    print(f"adam-teach grade --jobs 1 ({mode}): {serial:6.1f} s wall  ({serial / n:.2f} s per submission)")
    if uid is not None:
        print(f"adam-teach grade --jobs 2 --isolation uid: {uid:6.1f} s wall  ({uid / n:.2f} s per submission)")
    print(f"adam-teach, one submission: {cpu:6.2f} s CPU after start-up (grader + learner's process)")
    print(f"nbgrader autograde        : {nbgrader_seconds:6.1f} s wall  ({nbgrader_seconds / n:.2f} s per submission)")
    print(f"speed-up over nbgrader    : {nbgrader_seconds / parallel:.1f}x with --jobs 2, "
          f"{nbgrader_seconds / serial:.1f}x with --jobs 1")
    full = {s for s, total in ours.items() if total == max(ours.values())}
    their_full = {s for s, total in theirs.items() if total == max(theirs.values())}
    print(f"full marks: adam-teach {len(full)}, nbgrader {len(their_full)}; same students: {full == their_full}; "
          f"bubblewrap and uid modes agree: {ours == ours_uid}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
