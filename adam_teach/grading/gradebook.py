"""DIR/gradebook.csv: one row per submission, one column per graded item, and the total."""

import csv
import io
from pathlib import Path

from .files import write_atomically


def columns(results):
    """Every item's grade_id, in the order the exercises list them, without repeats."""
    seen = {}
    for result in results:
        for item in result.items:
            seen.setdefault(item.grade_id, None)
    return list(seen)


def gradebook_csv(results):
    grade_ids = columns(results)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["submission", "file", "exercise", *grade_ids, "total", "max_total"])
    for result in results:
        scores = {item.grade_id: f"{item.score:g}" for item in result.items}
        writer.writerow([result.name, result.path.name, result.exercise,
                         *[scores.get(g, "") for g in grade_ids],
                         f"{result.score:g}", f"{result.max_score:g}"])
    return text.getvalue()


def write(results, out_dir):
    write_atomically(Path(out_dir) / "gradebook.csv", gradebook_csv(results))
