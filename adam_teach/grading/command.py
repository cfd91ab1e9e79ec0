"""`adam-teach grade SUBMISSION.ipynb|DIR [...] --out DIR`: grade submitted exercise notebooks.

Exit status 0 when every submission got a result (however badly it did), 2 for a missing
file or a bad option (nothing is written then), 1 if the grader itself failed on one.
"""

import os
import subprocess
import sys
from pathlib import Path

from . import course as course_module
from .batch import grade_all
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
    parser.add_argument("--user", metavar="NAME",
                        help="run learners' code as this user, e.g. nobody (the grader must run as "
                             "root): it can then neither signal the grader nor write its files")
    parser.add_argument("--no-fork-server", action="store_true",
                        help="start each submission's process with a fresh `python -I` instead of "
                             "forking it from a template with numpy and matplotlib imported (slower)")
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
    if args.user is not None:
        user_ids(args.user)


def user_ids(name):
    """(uid, gid) of user `name`; ValueError if it does not exist or we cannot switch to it."""
    import pwd

    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise ValueError(f"--user {name}: no such user on this machine") from None
    if os.geteuid() != 0:
        raise ValueError(f"--user {name} needs the grader to run as root (it switches user)")
    try:
        probe = subprocess.run([sys.executable, "-I", "-c", "import numpy, IPython, adam_teach"],
                               user=entry.pw_uid, group=entry.pw_gid, extra_groups=[], cwd="/",
                               capture_output=True, text=True)
        failed, last = probe.returncode, (probe.stderr.strip().splitlines() or ["?"])[-1]
    except OSError as error:
        failed, last = True, str(error)
    if failed:
        raise ValueError(f"--user {name} cannot run this Python ({sys.executable}): {last}. "
                         "Install Python and the course where that user can read them")
    return entry.pw_uid, entry.pw_gid


def main(args):
    try:
        check_options(args)
        paths = find_submissions(args.submissions)
        course = course_module.load(args.course)
    except (ValueError, course_module.CourseError) as error:
        print(f"adam-teach grade: {error}", file=sys.stderr)
        return 2
    uid, gid = user_ids(args.user) if args.user else (None, None)
    limits = Limits(timeout=args.timeout, total_timeout=args.total_timeout, memory_mb=args.memory,
                    uid=uid, gid=gid)
    graded = grade_all(paths, course, limits, args.out, jobs=args.jobs, progress=not args.quiet,
                       fork=not args.no_fork_server)
    for result in graded:
        print(f"{result.name}: {result.score:g} / {result.max_score:g}")
    print(f"graded {len(graded)} submission(s); results in {args.out}/, gradebook {Path(args.out) / 'gradebook.csv'}")
    failed = [r.name for r in graded if r.internal_error]
    if failed:
        print(f"adam-teach grade: the grader failed on {', '.join(failed)}; see their feedback.md",
              file=sys.stderr)
        for result in graded:
            if result.internal_error:
                print(result.internal_error, file=sys.stderr)
        return 1
    return 0
