"""Grade a list of submissions: each in its own fresh process, `jobs` at a time.

A bad submission never stops the batch: whatever goes wrong with one becomes a result with 0
points and a note saying why. Every result is written as soon as it is judged (so a crash of
the grader loses nothing) and all of them again once the last process has ended, so that a
submission that wrote into the output folder while it ran cannot leave anything of its own
in a results.json, feedback.md or gradebook.csv.
"""

import sys
import time
import traceback
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from tqdm import tqdm

from . import files, gradebook, judge, results
from .course import read_notebook, source_of
from .identify import UnknownExercise, exercise_of
from .restore import restore
from .sandbox.execute import execute, fork_server


def grade_one(path, name, course, limits, server=None):
    """The SubmissionResult of the notebook at `path` (run in a fork of `server`, a
    sandbox.forkserver.ForkServer, if given; else in a fresh `python -I`)."""
    result = results.SubmissionResult(path=Path(path), name=name)
    started = time.monotonic()
    try:
        _grade_into(result, course, limits, server)
    except Exception:  # a bug of ours: report it in the result, keep the batch going
        result.internal_error = traceback.format_exc(limit=5)
        result.notes.append("The grader itself failed on this submission; please tell the instructor.")
        result.items = [judge.ItemResult(i.grade_id, i.description, 0.0, i.points, ("Not graded.",))
                        for i in _items(course, result.exercise)]
    result.seconds = time.monotonic() - started
    return result


def _items(course, exercise):
    assignment = course.assignments.get(exercise)
    return assignment.items if assignment else ()


def _grade_into(result, course, limits, server):
    try:
        notebook, unreadable = read_notebook(result.path), ""
    except (OSError, ValueError) as error:
        notebook, unreadable = None, str(error)
    try:
        result.exercise, how = exercise_of(notebook, result.path, course)
    except UnknownExercise as error:
        result.notes += [unreadable, str(error)] if unreadable else [str(error)]
        return
    assignment = course.assignments[result.exercise]
    if how != "notebook metadata":
        result.notes.append(f"Graded as exercise {result.exercise} (told from its {how}).")
    if notebook is None:
        result.notes.append(f"Could not read the submission: {unreadable}.")
        result.items = [judge.ItemResult(i.grade_id, i.description, 0.0, i.points,
                                         (f"Not graded: {unreadable}.",)) for i in assignment.items]
        return
    cells, restore_notes = restore(notebook["cells"], course.released(result.exercise)["cells"])
    result.notes += restore_notes
    code = [{"index": i, "source": source_of(c)} for i, c in enumerate(cells) if c.get("cell_type") == "code"]
    execution = execute(code, judge.calls_for(assignment), limits, server=server)
    result.cpu_seconds, result.output = execution.cpu_seconds, execution.output
    result.notes += [f"Cell {index + 1} raised {error.splitlines()[0] if error else ''}"
                     for index, error in execution.cell_errors]
    if execution.output_dropped:
        result.notes.append(f"Your notebook printed more than the {limits.max_output} bytes of "
                            "output kept; the rest is not shown.")
    if execution.stopped:
        result.notes.append(f"Your notebook did not finish: {execution.stopped}.")
    result.items = judge.judge_all(assignment, execution)


def output_names(paths):
    """A folder name per submission: its file stem, made unique with a suffix if needed."""
    names, used = [], set()
    for path in paths:
        stem, n = Path(path).stem, 1
        name = stem
        while name in used:
            n += 1
            name = f"{stem}_{n}"
        used.add(name)
        names.append(name)
    return names


def grade_all(paths, course, limits, out_dir, jobs=1, progress=True, fork=True):
    """Grade every notebook in `paths`; write DIR/<name>/{results.json,feedback.md} and
    DIR/gradebook.csv. Returns the SubmissionResults in the order of `paths`. `fork`: start
    each learner's process from a fork server (see sandbox.forkserver) where possible."""
    names = output_names(paths)
    files.safe_directory(out_dir)
    done = [None] * len(paths)
    bar = tqdm(total=len(paths), unit="notebook", desc="grading", file=sys.stderr, disable=not progress)
    server = fork_server() if fork else None
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = {pool.submit(grade_one, path, name, course, limits, server): i
                       for i, (path, name) in enumerate(zip(paths, names))}
            for future in as_completed(futures):
                result = future.result()
                done[futures[future]] = result
                results.write(result, out_dir)
                bar.set_postfix_str(f"{result.name}: {result.score:g}/{result.max_score:g}", refresh=False)
                bar.update()
    finally:
        bar.close()
        if server is not None:
            server.close()
    for result in done:  # again, now that no learner's process is running
        results.write(result, out_dir)
    gradebook.write(done, out_dir)
    return done
