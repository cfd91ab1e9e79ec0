"""Grade a list of submissions: each in its own fresh, confined process, `jobs` at a time.

A pipeline of small steps per submission, like nbgrader's preprocessors: read the file,
tell (or check) the exercise, restore the locked cells, run it in the sandbox, judge, write.
A bad submission never stops the batch: whatever goes wrong with one becomes a result with
0 points and a note saying why, and a result that cannot be written is reported without
stopping the others. A result is written only after every process of its submission has
ended (sandbox.execute returns then), and all of them again at the end, so nothing a
submission wrote into the output folder while it ran survives in a results.json,
feedback.md or gradebook.csv.
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
from .names import output_names
from .restore import restore, without_self_checks
from .sandbox.execute import execute

# What is written: per submission (result, out_dir), and once per batch (results, out_dir).
RESULT_WRITERS = (results.write,)
BATCH_WRITERS = (gradebook.write,)


def grade_one(path, name, course, limits, server, exercise=None):
    """The SubmissionResult of the notebook at `path`, run in a fork of `server` (a
    sandbox.forkserver.ForkServer). `exercise`: the one this batch grades, if pinned."""
    result = results.SubmissionResult(path=Path(path), name=name, isolation=server.isolation.mode)
    started = time.monotonic()
    try:
        _grade_into(result, course, limits, server, exercise)
    except Exception:  # a bug of ours: report it in the result, keep the batch going
        result.internal_error = traceback.format_exc(limit=5)
        result.notes.append("The grader itself failed on this submission; please tell the instructor.")
        result.items = _not_graded(course, result.exercise, "Not graded.")
    result.seconds = time.monotonic() - started
    return result


def _not_graded(course, exercise, why):
    assignment = course.assignments.get(exercise)
    return [judge.ItemResult(i.grade_id, i.description, 0.0, i.points, (why,))
            for i in (assignment.items if assignment else ())]


def _grade_into(result, course, limits, server, pinned):
    try:
        notebook, unreadable = read_notebook(result.path), ""
    except (OSError, ValueError) as error:
        notebook, unreadable = None, str(error)
    try:
        result.exercise, how = exercise_of(notebook, result.path, course)
    except UnknownExercise as error:
        if not pinned:
            result.notes += [unreadable, str(error)] if unreadable else [str(error)]
            return
        result.exercise, how = pinned, "--exercise"
    if pinned and result.exercise != pinned:
        claimed = result.exercise
        result.exercise = pinned
        result.manual = course.manual_items(pinned)
        why = (f"This notebook is exercise {claimed} (told from its {how}), but this "
               f"assignment grades {pinned}: it was not graded. Submit your {pinned} notebook.")
        result.notes.append(why)
        result.items = _not_graded(course, pinned, f"Not graded: {why}")
        return
    assignment = course.assignments[result.exercise]
    result.manual = course.manual_items(result.exercise)
    if how not in ("notebook metadata", "--exercise"):
        result.notes.append(f"Graded as exercise {result.exercise} (told from its {how}).")
    if notebook is None:
        result.notes.append(f"Could not read the submission: {unreadable}.")
        result.items = _not_graded(course, result.exercise, f"Not graded: {unreadable}.")
        return
    cells, restore_notes = restore(notebook["cells"], course.released(result.exercise)["cells"])
    result.notes += restore_notes
    code = [{"index": i, "source": source_of(c)} for i, c in enumerate(without_self_checks(cells))
            if c.get("cell_type") == "code"]
    execution = execute(code, judge.calls_for(assignment), limits, server=server,
                        answer=judge.reference_reply)
    result.cpu_seconds, result.output = execution.cpu_seconds, execution.output
    result.notes += [f"Cell {index + 1} raised {error.splitlines()[0] if error else ''}"
                     for index, error in execution.cell_errors]
    if execution.output_dropped:
        result.notes.append(f"Your notebook printed more than the {limits.max_output} bytes of "
                            "output kept; the rest is not shown.")
    if execution.stopped:
        result.notes.append(f"Your notebook did not finish: {execution.stopped}.")
    result.items = judge.judge_all(assignment, execution)


def write_result(result, out_dir, writers=RESULT_WRITERS):
    """Write one result with every writer; a failure is reported, never raised."""
    for writer in writers:
        try:
            writer(result, out_dir)
        except Exception as error:  # noqa: BLE001 (one unwritable result must not stop the batch)
            print(f"adam-teach grade: could not write the result of {result.file_name} "
                  f"({type(error).__name__}: {error})", file=sys.stderr)


def grade_all(paths, course, limits, out_dir, server, jobs=1, progress=True, exercise=None,
              result_writers=RESULT_WRITERS, batch_writers=BATCH_WRITERS):
    """Grade every notebook in `paths` in forks of `server`; write each result with
    `result_writers` and the batch with `batch_writers` (by default
    DIR/<name>/{results.json,feedback.md} and DIR/gradebook.csv). Returns the
    SubmissionResults in the order of `paths`."""
    names = output_names(paths)
    files.safe_directory(out_dir)
    done = [None] * len(paths)
    bar = tqdm(total=len(paths), unit="notebook", desc="grading", file=sys.stderr, disable=not progress)
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = {pool.submit(grade_one, path, name, course, limits, server, exercise): i
                       for i, (path, name) in enumerate(zip(paths, names))}
            for future in as_completed(futures):
                result = future.result()
                done[futures[future]] = result
                write_result(result, out_dir, result_writers)
                bar.set_postfix_str(f"{result.name}: {result.score:g}/{result.max_score:g}", refresh=False)
                bar.update()
    finally:
        bar.close()
    for result in done:  # again, now that no learner's process is running
        write_result(result, out_dir, result_writers)
    for writer in batch_writers:
        writer(done, out_dir)
    return done
