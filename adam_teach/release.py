"""`adam-teach release`: generate the learner's exercises/ from the nbgrader sources in
solutions/, with nbgrader's own preprocessors, in the order `nbgrader generate_assignment`
runs them (lock cells, clear solutions, clear outputs, checksums, clear hidden tests, ...).
Only SaveCells is left out: it writes to nbgrader's database, which a release for
self-study does not have (`nbgrader generate_assignment` still works on solutions/).

`adam-teach release --check` changes nothing and exits 1 if exercises/ is out of date.
"""

import sys
from pathlib import Path

import nbformat

SOURCE_DIR = "solutions"
RELEASE_DIR = "exercises"


def release_preprocessors():
    """nbgrader's generate_assignment pipeline, minus the database step (SaveCells).
    ClearOutput also drops the execution timestamps nbclient stores in cell metadata, so
    that re-executing the solutions does not change the exercises."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.preprocessors import ClearOutput, SaveCells

    pipeline = GenerateAssignment.class_traits()["preprocessors"].default()
    clear_output = {"remove_metadata_fields": {"collapsed", "scrolled", "execution"}}
    return [cls(**(clear_output if cls is ClearOutput else {}))
            for cls in pipeline if cls is not SaveCells]


def release_notebook(source_path):
    """The released (learner's) version of one source notebook, as the text to write."""
    nb = nbformat.read(source_path, as_version=nbformat.NO_CONVERT)
    resources = {"metadata": {"path": str(Path(source_path).parent)}}
    for preprocessor in release_preprocessors():
        nb, resources = preprocessor.preprocess(nb, resources)
    return nbformat.writes(nb) + "\n"


def planned(root):
    """{released path: text} for every source notebook under root/solutions."""
    root = Path(root)
    sources = sorted((root / SOURCE_DIR).glob("*.ipynb"))
    if not sources:
        raise FileNotFoundError(f"no notebooks in {root / SOURCE_DIR}: run adam-teach release "
                                "from the course's top directory, or pass --root")
    return {root / RELEASE_DIR / source.name: release_notebook(source) for source in sources}


def stale(root):
    """Released notebooks that are missing, differ from what release would write, or have
    no source any more."""
    root = Path(root)
    plan = planned(root)
    problems = [path for path, text in plan.items()
                if not path.is_file() or path.read_text(encoding="utf-8") != text]
    problems += [path for path in sorted((root / RELEASE_DIR).glob("*.ipynb")) if path not in plan]
    return problems


def release(root):
    """Write exercises/ from solutions/ and remove released notebooks without a source."""
    root = Path(root)
    plan = planned(root)
    (root / RELEASE_DIR).mkdir(exist_ok=True)
    for path, text in plan.items():
        path.write_text(text, encoding="utf-8")
    for path in sorted((root / RELEASE_DIR).glob("*.ipynb")):
        if path not in plan:
            path.unlink()
    return sorted(plan)


def add_arguments(parser):
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if exercises/ is out of date")
    parser.add_argument("--root", default=".",
                        help="the course's top directory, with solutions/ (default: .)")


def main(args):
    try:
        if args.check:
            problems = stale(args.root)
            if problems:
                names = ", ".join(str(Path(p).relative_to(Path(args.root))) for p in problems)
                print(f"adam-teach release --check: out of date with {SOURCE_DIR}/: {names}. "
                      "Run `adam-teach release` and commit exercises/.", file=sys.stderr)
                return 1
            print(f"{RELEASE_DIR}/ is up to date with {SOURCE_DIR}/")
            return 0
        for path in release(args.root):
            print(f"released {Path(path).relative_to(Path(args.root))}")
        return 0
    except FileNotFoundError as error:
        print(f"adam-teach release: {error}", file=sys.stderr)
        return 2
