"""Put the instructor's locked and test cells back into a submission, by grade_id.

Like nbgrader's OverwriteCells, but it also puts back cells the learner deleted (after the
cell that precedes them in the released exercise), and turns a solution cell the learner
changed to markdown back into code. Cells the learner added are kept where they are.
"""

import copy

from .course import grade_id_of, nbgrader_of, source_of


def is_locked(cell):
    """Locked in the released exercise: read-only cells and test (grade, non-solution) cells."""
    meta = nbgrader_of(cell)
    return bool(meta.get("locked") or (meta.get("grade") and not meta.get("solution")))


def restore(submitted_cells, released_cells):
    """(cells to run, notes for the feedback). Neither argument is changed."""
    released_by_id = {grade_id_of(c): c for c in released_cells if grade_id_of(c)}
    locked_ids = {g for g, c in released_by_id.items() if is_locked(c)}
    cells, notes, seen = [], [], set()
    for cell in submitted_cells:
        grade_id = grade_id_of(cell)
        if grade_id in seen and grade_id in locked_ids:
            notes.append(f"Locked cell '{grade_id}' appears twice; the copy was not run.")
            continue
        if grade_id in locked_ids:
            original = released_by_id[grade_id]
            if source_of(cell) != source_of(original) or cell.get("cell_type") != original.get("cell_type"):
                notes.append(f"Locked cell '{grade_id}' had been edited; the original was run instead.")
            cell = copy.deepcopy(original)
        elif grade_id in released_by_id and released_by_id[grade_id].get("cell_type") == "code" \
                and cell.get("cell_type") != "code":
            notes.append(f"Your answer cell '{grade_id}' had become a {cell.get('cell_type')} cell; "
                         "it was run as code.")
            cell = dict(cell, cell_type="code")
        if grade_id:
            seen.add(grade_id)
        cells.append(cell)
    return _put_back_deleted(cells, released_cells, locked_ids, seen, notes), notes


def _put_back_deleted(cells, released_cells, locked_ids, present, notes):
    position = {grade_id_of(c): i for i, c in enumerate(cells) if grade_id_of(c)}
    anchor = -1  # insert after the last released cell found so far
    inserted = []  # (after index, cell), applied back to front
    for cell in released_cells:
        grade_id = grade_id_of(cell)
        if grade_id in present:
            anchor = max(anchor, position[grade_id])
        elif grade_id in locked_ids:
            inserted.append((anchor, copy.deepcopy(cell)))
            notes.append(f"Locked cell '{grade_id}' had been deleted; it was put back.")
    for anchor, cell in reversed(sorted(inserted, key=lambda pair: pair[0])):
        cells.insert(anchor + 1, cell)
    return cells


def is_self_check(cell):
    """A test cell (graded, not an answer): in the exercises, a self-check that needs the
    answer key. The grader does not run them; it judges each item itself."""
    meta = nbgrader_of(cell)
    return bool(meta.get("grade") and not meta.get("solution"))


def without_self_checks(cells):
    return [cell for cell in cells if not is_self_check(cell)]
