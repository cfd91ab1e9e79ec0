"""Build tests/corpus/03_adam/*.ipynb: submissions of exercise 03 that are wrong or hostile.

Each is the released exercise (exercises/03_adam.ipynb) with its answer cells filled in the
way a learner might, or an attacker would. The grader restores locked cells, so the corpus
stays valid when the exercise's text changes; rebuild it when the answer cells' grade_ids do:

    .venv/bin/python tests/corpus/build_corpus.py

tests/test_grader_corpus.py says what each one must score and what its feedback must say.
"""

import copy
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "03_adam"

STEP_HEAD = "def adam_step(x, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):\n"
RUN_HEAD = "def run_adam(grad_fn, x0, steps, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):\n"


def step(m="beta_1 * m + (1 - beta_1) * g", v="beta_2 * v + (1 - beta_2) * g**2",
         m_hat="m / (1 - beta_1**t)", v_hat="v / (1 - beta_2**t)",
         update="learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)", result="x, m, v", before=""):
    """An adam_step written out, with any line replaced."""
    return (STEP_HEAD + before + f"    m = {m}\n    v = {v}\n    m_hat = {m_hat}\n    v_hat = {v_hat}\n"
            f"    x = x - {update}\n    return {result}\n")


def run(first_t="1", gradient="grad_fn(x)", before="", loop_extra=""):
    """A run_adam written out, calling adam_step."""
    return (RUN_HEAD + before + "    x = np.asarray(x0, dtype=float)\n"
            "    m, v = np.zeros_like(x), np.zeros_like(x)\n    g0 = grad_fn(x)\n    path = [x]\n"
            f"    for t in range({first_t}, {first_t} + steps):\n{loop_extra}"
            f"        x, m, v = adam_step(x, {gradient}, m, v, t, learning_rate, beta_1, beta_2, epsilon)\n"
            "        path.append(x)\n    return np.array(path)\n")


RIGHT = {"adam_step_solution": step(), "run_adam_solution": run()}

IN_PLACE_STEP = (STEP_HEAD + "    m *= beta_1\n    m += (1 - beta_1) * g\n    v *= beta_2\n"
                 "    v += (1 - beta_2) * g**2\n    m_hat = m / (1 - beta_1**t)\n"
                 "    v_hat = v / (1 - beta_2**t)\n    x = x - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)\n"
                 "    return x, m, v\n")

WRONG = {  # name -> answer cells that differ from RIGHT
    "wrong_no_bias_correction": {"adam_step_solution": step(m_hat="m", v_hat="v")},
    "wrong_epsilon_inside_sqrt": {"adam_step_solution": step(update="learning_rate * m_hat / np.sqrt(v_hat + epsilon)")},
    "wrong_betas_swapped": {"adam_step_solution": step(m="beta_2 * m + (1 - beta_2) * g",
                                                       v="beta_1 * v + (1 - beta_1) * g**2",
                                                       m_hat="m / (1 - beta_2**t)", v_hat="v / (1 - beta_1**t)")},
    "wrong_v_from_g": {"adam_step_solution": step(v="beta_2 * v + (1 - beta_2) * g")},
    "wrong_update_with_m": {"adam_step_solution": step(update="learning_rate * m / (np.sqrt(v_hat) + epsilon)")},
    "wrong_undamped": {"adam_step_solution": step(m="beta_1 * m + g", v="beta_2 * v + g**2")},
    "wrong_in_place": {"adam_step_solution": IN_PLACE_STEP},
    "wrong_run_t_from_0": {"run_adam_solution": run(first_t="0")},
    "wrong_run_stale_gradient": {"run_adam_solution": run(gradient="g0")},
    "wrong_returns_none": {"adam_step_solution": step().replace("    return x, m, v\n", "")},
    "wrong_returns_dict": {"adam_step_solution": step(result='{"x": x, "m": m, "v": v}')},
    "wrong_returns_string": {"adam_step_solution": step(result='"x, m, v"')},
    "wrong_returns_nan": {"adam_step_solution": step(result="x * np.nan, m, v")},
    "wrong_raises": {"adam_step_solution": STEP_HEAD + "    raise ValueError('I give up')\n"},
}

HOSTILE_CELL = "hostile"  # grade_id-less cells the attacker adds after the setup cell
PATCH_NUMPY = ("import numpy\nnumpy.allclose = lambda *a, **k: True\nnumpy.isclose = lambda a, b, **k: numpy.ones_like(a, dtype=bool)\n"
               "numpy.array_equal = lambda *a, **k: True\nnumpy.asarray = lambda *a, **k: numpy.zeros(3)\n")
PATCH_CHECKS = ("import adam_teach.checks, adam_teach.answer_key.judging as judging\n"
                "from adam_teach.answer_key.base import Verdict\n"
                "judging.close = lambda *a, **k: True\n"
                "judging.judge = lambda spec, cases, points, outcomes: Verdict(points, points, ('passed',))\n"
                "for name in dir(adam_teach.checks):\n"
                "    if name.startswith('check'):\n"
                "        setattr(adam_teach.checks, name, lambda *a, **k: print('✓ all checks passed'))\n")
FAKE_SCORE = ('import json\nprint(json.dumps({"score": 6, "tests": [{"name": "adam_step", "score": 4, '
              '"max_score": 4, "status": "passed"}]}))\nprint("adam_step: 4 / 4 points, run_adam: 2 / 2 points")\n')
WRITE_RESULTS = '''import json, os
from pathlib import Path
pid, out = os.getppid(), None  # find the grader among our ancestors, and its --out folder
while pid > 1 and out is None:
    words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\\0")
    if b"--out" in words:
        out = Path(f"/proc/{pid}/cwd") / words[words.index(b"--out") + 1].decode()
    pid = int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1])
fake = json.dumps({"score": 100, "tests": [], "output": "hacked"})
for folder in [out / "hostile_writes_results", *out.iterdir()]:
    if folder.is_dir():
        (folder / "results.json").write_text(fake)
        (folder / "feedback.md").write_text("hacked")
(out / "gradebook.csv").write_text("submission,total\\nhostile_writes_results,100\\n")
(out / "hostile_writes_results").mkdir(parents=True, exist_ok=True)
(out / "hostile_writes_results" / "results.json").write_text(fake)
print("wrote fake results into", len(list(out.iterdir())), "entries of the output folder")
'''
FORGE_MESSAGES = (  # garbage and ill-typed messages on every pipe this process can write
    "import json, os\n"
    "garbage = [b'not json\\n', b'[1, 2]\\n', b'{\"event\": \"outcome\", \"item\": [0], \"case\": {}}\\n',\n"
    "           b'{\"event\": \"cell_done\", \"index\": \"x\", \"error\": 5}\\n', b'{\"event\": \"call\"}\\n',\n"
    "           json.dumps({'event': 'outcome', 'item': 0, 'case': 0, 'value': {'__ndarray__': 'x', 'dtype': 'object'}}).encode() + b'\\n',\n"
    "           b'{' * 100000 + b'\\n', b'x' * 5000000]\n"
    "for fd in range(3, 40):\n"
    "    for line in garbage:\n"
    "        try:\n"
    "            os.write(fd, line)\n"
    "        except OSError:\n"
    "            break\n")
WRONG_STEP = STEP_HEAD + "    return x, m, v\n"
# Misbehave only in the grader's hidden calls (an attacker can see the grader's frames), and
# only on the first one, so the notebook's own cells and the second hidden call run normally.
FIRST_HIDDEN_CALL = ('    import inspect\n'
                     '    callers = [frame.function for frame in inspect.stack(0)]\n'
                     '    if "call_functions" in callers and not hasattr(run_adam, "hit"):\n'
                     '        run_adam.hit = True\n')

HOSTILE = {  # name -> (answer cells, cells added after setup, other changes)
    "hostile_patches_numpy": ({"adam_step_solution": WRONG_STEP}, [PATCH_NUMPY], ""),
    "hostile_patches_checks": ({"adam_step_solution": WRONG_STEP}, [PATCH_CHECKS], ""),
    "hostile_prints_fake_score": ({"adam_step_solution": WRONG_STEP}, [FAKE_SCORE], ""),
    "hostile_writes_results": ({"adam_step_solution": WRONG_STEP}, [WRITE_RESULTS], ""),
    "hostile_exits_in_run_adam": ({"run_adam_solution": run(before=FIRST_HIDDEN_CALL + "        import os\n        os._exit(0)\n")}, [], ""),
    "hostile_forges_messages": ({}, [FORGE_MESSAGES], ""),
    "hostile_kills_its_parent": ({}, ["import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"], ""),
    "hostile_segfault": ({}, ["import ctypes\nctypes.string_at(0)\n"], "at_end"),
    "hostile_infinite_loop": ({"run_adam_solution": run(before=FIRST_HIDDEN_CALL + "        while True:\n            pass\n")}, [], ""),
    "hostile_ignores_signals": ({"run_adam_solution": run(
        before=FIRST_HIDDEN_CALL + "        import signal\n        for s in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM):\n"
               "            signal.signal(s, signal.SIG_IGN)\n        while True:\n            pass\n")}, [], ""),
    # a bomb whose memory is freed when it fails (the rest can run) and one that keeps it
    "hostile_memory_bomb": ({}, ["def bomb():\n    hog = []\n    while True:\n        hog.append(np.ones(10**8))\n\nbomb()\n"], ""),
    "hostile_memory_bomb_kept": ({}, ["hog = []\nwhile True:\n    hog.append(np.ones(10**8))\n"], ""),
    "hostile_huge_output": ({}, ["import os\nfor _ in range(50):\n    os.write(1, b'x' * 10**6)\n"
                                 "for _ in range(10**5):\n    print('spam ' * 200)\n"], ""),
    "hostile_cell_raises": ({}, ["raise RuntimeError('a cell that fails')\n"], "at_end"),
    "hostile_deleted_locked_cells": ({}, [], "delete_locked"),
    "hostile_edited_locked_cells": ({}, [], "edit_locked"),
    "hostile_answer_as_markdown": ({}, [], "markdown_answer"),
    "alice_03_adam": ({}, [], "no_metadata"),  # renamed; told from its grade_ids
    "bob_03_adam": ({}, [], "no_metadata_no_grade_ids"),  # renamed; told from its file name
}


def grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def code_cell(source):
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": source}


def fill(released, answers, added=(), change=""):
    nb = copy.deepcopy(released)
    for cell in nb["cells"]:
        if grade_id(cell) in RIGHT:
            cell["source"] = answers.get(grade_id(cell), RIGHT[grade_id(cell)])
    setup = next(i for i, c in enumerate(nb["cells"]) if grade_id(c) == "setup")
    new = [code_cell(source) for source in added]
    if change == "at_end":
        nb["cells"] += new
    else:
        nb["cells"][setup + 1:setup + 1] = new
    if change == "delete_locked":
        nb["cells"] = [c for c in nb["cells"] if grade_id(c) not in ("setup", "adam_step", "run_adam")]
    if change == "edit_locked":
        for cell in nb["cells"]:
            if grade_id(cell) == "setup":
                cell["source"] = "np = None  # edited\n"
            if grade_id(cell) in ("adam_step", "run_adam"):
                cell["source"] = "print('All tests passed!')\n"
    if change == "markdown_answer":
        cell = next(c for c in nb["cells"] if grade_id(c) == "adam_step_solution")
        cell.update(cell_type="markdown")
        cell.pop("outputs"), cell.pop("execution_count")
    if change.startswith("no_metadata"):
        nb["metadata"].pop("adam_teach")
    if change == "no_metadata_no_grade_ids":
        for cell in nb["cells"]:
            cell["metadata"].pop("nbgrader", None)
    return nb


def build(course=ROOT):
    released = json.loads((Path(course) / "exercises" / "03_adam.ipynb").read_text(encoding="utf-8"))
    OUT.mkdir(exist_ok=True)
    notebooks = {name: fill(released, answers) for name, answers in WRONG.items()}
    notebooks.update({name: fill(released, *spec) for name, spec in HOSTILE.items()})
    for name, nb in notebooks.items():
        (OUT / f"{name}.ipynb").write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (OUT / "invalid_json_03_adam.ipynb").write_text('{"cells": [ this is not JSON\n', encoding="utf-8")
    (OUT / "empty_file.ipynb").write_text("", encoding="utf-8")
    empty = {"cells": [], "metadata": {"adam_teach": {"exercise": "03_adam"}}, "nbformat": 4, "nbformat_minor": 5}
    (OUT / "no_cells.ipynb").write_text(json.dumps(empty, indent=1) + "\n", encoding="utf-8")
    return sorted(OUT.glob("*.ipynb"))


if __name__ == "__main__":
    for path in build(*sys.argv[1:]):
        print(path.relative_to(ROOT))
