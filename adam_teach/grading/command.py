"""`adam-teach grade SUBMISSION.ipynb|DIR [...] --out DIR`: grade submitted exercise notebooks.

Exit status 0 when every submission got a result (however badly it did), 2 for a missing
file or a bad option (nothing is written then), 1 if the grader itself failed on one.
"""

import os
import sys
from pathlib import Path

from . import course as course_module
from .batch import grade_all
from .sandbox import isolation as isolation_module
from .sandbox.execute import fork_server
from .sandbox.limits import Limits


def add_arguments(parser):
    parser.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                        help="submitted .ipynb files, or folders of them")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="where to write <submission>/results.json, feedback.md and gradebook.csv")
    parser.add_argument("--jobs", type=int, default=1, metavar="N",
                        help="submissions graded at the same time (default 1)")
    parser.add_argument("--timeout", type=float, default=30, metavar="SECONDS",
                        help="time limit per cell and per hidden test call (default 30)")
    parser.add_argument("--total-timeout", type=float, default=300, metavar="SECONDS",
                        help="time limit for one whole submission (default 300)")
    parser.add_argument("--memory", type=int, default=1024, metavar="MB",
                        help="memory limit of a submission's process (default 1024)")
    parser.add_argument("--course", metavar="DIR",
                        help="the course folder with exercises/ (default: this checkout, or .)")
    parser.add_argument("--isolation", default="auto", choices=("auto", *isolation_module.MODES),
                        help="how learners' code is isolated: bubblewrap (a sandbox per submission), "
                             "uid (root: a throwaway uid per submission), none (the grader's own user; "
                             "unsafe); auto (default): the first of these that works here")
    parser.add_argument("--exercise", metavar="ID",
                        help="grade every notebook as this exercise, e.g. 03_adam: a notebook that is "
                             "another exercise gets 0 with that reason")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def find_submissions(arguments):
    """Every notebook named or inside a named folder; ValueError names a missing one."""
    paths = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
            if not found:
                raise ValueError(f"no .ipynb files in the folder {argument}")
            paths += found
        elif path.is_file():
            paths.append(path)
        else:
            raise ValueError(f"no such submission: {argument} (give .ipynb files or folders of them)")
    return paths


def check_options(args):
    if args.jobs < 1:
        raise ValueError(f"--jobs must be at least 1, got {args.jobs}")
    for option in ("timeout", "total_timeout"):
        if not getattr(args, option) > 0:
            raise ValueError(f"--{option.replace('_', '-')} must be a positive number of seconds, "
                             f"got {getattr(args, option)}")
    if args.memory < 128:
        raise ValueError(f"--memory must be at least 128 (MB), got {args.memory}")
    if Path(args.out).exists() and not Path(args.out).is_dir():
        raise ValueError(f"--out {args.out} is a file; give a folder")


def main(args):
    try:
        check_options(args)
        paths = find_submissions(args.submissions)
        course = course_module.load(args.course)
        if args.exercise is not None and args.exercise not in course.assignments:
            raise ValueError(f"--exercise {args.exercise}: no such exercise; the exercises are "
                             f"{', '.join(sorted(course.assignments))}")
        isolation = isolation_module.choose(args.isolation)
    except (ValueError, course_module.CourseError, isolation_module.IsolationError) as error:
        print(f"adam-teach grade: {error}", file=sys.stderr)
        return 2
    _announce(isolation, course, args.out, paths)
    limits = Limits(timeout=args.timeout, total_timeout=args.total_timeout, memory_mb=args.memory)
    with fork_server(isolation) as server:
        graded = grade_all(paths, course, limits, args.out, server, jobs=args.jobs,
                           progress=not args.quiet, exercise=args.exercise)
    for result in graded:
        print(f"{result.name}: {result.score:g} / {result.max_score:g}")
    print(f"graded {len(graded)} submission(s) in isolation mode {isolation.mode}; results in "
          f"{args.out}/, gradebook {Path(args.out) / 'gradebook.csv'}")
    failed = [r.name for r in graded if r.internal_error]
    if failed:
        print(f"adam-teach grade: the grader failed on {', '.join(failed)}; see their feedback.md",
              file=sys.stderr)
        for result in graded:
            if result.internal_error:
                print(result.internal_error, file=sys.stderr)
        return 1
    return 0


def _announce(isolation, course, out, paths):
    """Say how learners' code is isolated; in uid mode, close what a throwaway uid could read
    of the grader's, and warn about submissions it could read."""
    if isolation.note:
        print(f"adam-teach grade: isolation mode {isolation.mode}: {isolation.note}", file=sys.stderr)
    if isolation.warning:
        print("\n" + "!" * 78 + f"\n{isolation.warning}\n" + "!" * 78 + "\n", file=sys.stderr)
    if isolation.mode == "uid":
        for folder in isolation_module.close_answer_key(course.root):
            print(f"adam-teach grade: made {folder} readable by its owner only (isolation mode uid)",
                  file=sys.stderr)
        Path(out).mkdir(parents=True, exist_ok=True)
        os.chmod(out, 0o700)
        readable = isolation_module.readable_by_others(paths)
        if readable:
            print(f"adam-teach grade: WARNING: in isolation mode uid, learners' code can read "
                  f"{len(readable)} of these submissions (e.g. {readable[0]}): make them readable "
                  "by their owner only (chmod -R go-rwx) so no one can copy a classmate's",
                  file=sys.stderr)
