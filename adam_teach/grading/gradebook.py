"""DIR/gradebook.csv: one row per submission, one column per graded item, and the total.

Every text cell that a spreadsheet would read as a formula (it starts with = + - @, a tab
or a carriage return) gets a leading apostrophe, so a file name is never a live formula.
"""

import csv
import io
from pathlib import Path

from .files import write_atomically
from .results import AWAITING


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def columns(results):
    """Every item's grade_id (auto-graded and by hand), in the order the exercises list
    them, without repeats."""
    seen = {}
    for result in results:
        for grade_id in [item.grade_id for item in result.items] + [g for g, _ in result.manual]:
            seen.setdefault(grade_id, None)
    return list(seen)


def cell(text):
    """`text` as a spreadsheet shows it, never as a formula."""
    text = str(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def gradebook_csv(results):
    grade_ids = columns(results)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["submission", "file", "exercise", *grade_ids, "total", "max_total",
                     "by_hand_max", "isolation"])
    for result in results:
        scores = {item.grade_id: f"{item.score:g}" for item in result.items}
        scores.update({g: f"{AWAITING} ({points:g})" for g, points in result.manual})
        writer.writerow([cell(result.name), cell(result.file_name), cell(result.exercise),
                         *[scores.get(g, "") for g in grade_ids],
                         f"{result.score:g}", f"{result.max_score:g}",
                         f"{result.manual_points:g}", result.isolation])
    return text.getvalue()


def write(results, out_dir):
    write_atomically(Path(out_dir) / "gradebook.csv", gradebook_csv(results))
