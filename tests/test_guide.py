"""The instructor guide's table of what each exercise targets quotes the feedback verbatim:
every quoted sentence is in a known mistake's message (or the grader's own text), so the guide
cannot drift from what learners are told; and it lists every exercise with its points."""

import re
from pathlib import Path

import nbformat
import pytest

from adam_teach import answer_key

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "docs" / "instructor-guide.md").read_text(encoding="utf-8")
SECTION = GUIDE.split("### What each exercise targets", 1)[1].split("\n### ", 1)[0]


def feedback_text():
    """Every message the answer key can give (mistake catalogues and the modules' source)."""
    messages = []
    for assignment in answer_key.ASSIGNMENTS.values():
        for item in assignment.items:
            spec = item.judge.args[0] if getattr(item.judge, "args", None) else None
            messages += [m.message for m in getattr(spec, "mistakes", ()) or ()]
    sources = [p.read_text(encoding="utf-8") for p in (ROOT / "adam_teach" / "answer_key").glob("*.py")]
    sources.append((ROOT / "adam_teach" / "tuning.py").read_text(encoding="utf-8"))
    return " ".join(messages + sources)


def quoted_feedback():
    rows = [line for line in SECTION.splitlines() if line.startswith("| ") and line.count(" | ") == 1]
    quotes = [q.replace("\\|", "|") for row in rows for q in re.findall(r'"([^"]+)"', row.rsplit(" | ", 1)[1])]
    return quotes


def test_the_section_quotes_feedback_for_every_exercise():
    for exercise in answer_key.ASSIGNMENTS:
        assert f"**{int(exercise[:2]):02d} · " in SECTION, f"no paragraph for {exercise}"
    assert len(quoted_feedback()) >= 40


@pytest.mark.parametrize("quote", quoted_feedback())
def test_each_quote_is_what_the_feedback_says(quote):
    assert quote in feedback_text(), f"the guide quotes feedback that no mistake gives: {quote!r}"


def test_the_points_table_matches_the_exercises():
    for exercise, assignment in answer_key.ASSIGNMENTS.items():
        row = next(line for line in SECTION.splitlines() if line.startswith(f"| {exercise[:2]} · "))
        auto, by_hand = [int(cell) for cell in row.split(" | ")[2:4]]
        nb = nbformat.read(ROOT / "solutions" / f"{exercise}.ipynb", as_version=4)
        hand = sum(c.metadata["nbgrader"]["points"] for c in nb.cells
                   if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade"))
        assert (auto, by_hand) == (sum(i.points for i in assignment.items), hand), row
        assert row.rstrip(" |").endswith("yes" if assignment.needs_tensorflow else "no"), row


def test_every_question_graded_by_hand_is_listed_with_its_points():
    section = GUIDE.split("### Questions graded by hand", 1)[1].split("\n### ", 1)[0]
    for source in sorted((ROOT / "solutions").glob("*.ipynb")):
        for cell in nbformat.read(source, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "markdown" and meta.get("grade"):
                row = f"| {source.stem[:2]} | `{meta['grade_id']}` | {meta['points']:g} |"
                assert row in section, f"the guide does not list {row}"
